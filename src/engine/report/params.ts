/**
 * Every parameter of a recipe, flattened in order of operations, each with whether it was the
 * recommendation, changed by the user (and why), or a default the user never saw. This is the
 * "all settings" item of the image-analysis checklist and the parameter table of METHODS.md.
 */
import type { Recipe } from '../pipeline/recipe.js';

/** One wizard decision as recorded in the recipe (recipe.decisions). */
export interface DecisionLike {
  step: string;
  field: string;
  label?: string;
  value: string | number | boolean;
  recommended?: string | number | boolean;
  changed?: boolean;
  why?: string;
}

export interface MethodsParam {
  /** Path in recipe.json (e.g. stages.objects.nuclei.threshold). */
  path: string;
  /** Plain-words label (the wizard's, when it asked). */
  label: string;
  value: string | number | boolean | null;
  /** recommended: the wizard's recommendation, accepted; changed: set by the user; default: not asked. */
  source: 'recommended' | 'changed' | 'default';
  /** The recommendation's reason, or the user's reason for a change. */
  why?: string;
  /** The recommendation, when the user changed it. */
  recommended?: string | number | boolean;
}

/** Recipe path -> the wizard step/field that decides it. */
const DECIDED_BY: Record<string, [string, string]> = {
  'question.type': ['question', 'question'],
  'question.compartment': ['question', 'compartment'],
  'question.expectedEffectPct': ['question', 'effect'],
  'question.toleratedErrorPct': ['question', 'tolerance'],
  'question.unit': ['statistics', 'unit'],
  'input.preset': ['data', 'preset'],
  'input.pixelSizeUm': ['data', 'pixelSize'],
  'input.plateMap': ['data', 'plateMap'],
  'input.channels.dna': ['data', 'dna'],
  'input.channels.marker': ['data', 'marker'],
  'stages.qc.policy': ['qc', 'policy'],
  'stages.preprocess.background': ['preprocess', 'background'],
  'stages.preprocess.smoothing': ['preprocess', 'smoothing'],
  'stages.objects.nuclei.method': ['objects', 'method'],
  'stages.objects.nuclei.threshold': ['objects', 'threshold'],
  'stages.objects.nuclei.diameter': ['objects', 'diameter'],
  'stages.objects.nuclei.declump': ['objects', 'declump'],
  'stages.objects.nuclei.sizeFilter': ['objects', 'sizeFilter'],
  'stages.objects.cells': ['objects', 'cells'],
  'statistics.unit': ['statistics', 'unit'],
  'statistics.normalisation': ['statistics', 'normalisation'],
};

/** Plain-words labels for parameters the wizard does not ask about. */
const LABELS: Record<string, string> = {
  'question.type': 'Question',
  'question.compartment': 'Compartment measured',
  'question.expectedEffectPct': 'Expected effect (%)',
  'question.toleratedErrorPct': 'Tolerated analysis error (%)',
  'question.unit': 'Independent unit (question)',
  'input.preset': 'File naming preset',
  'input.pixelSizeUm': 'Pixel size (µm)',
  'input.plateMap': 'Plate map',
  'input.channels.dna': 'DNA channel',
  'input.channels.marker': 'Marker channel',
  'stages.qc.policy': 'What to do with images failing QC',
  'stages.preprocess.background': 'Background subtraction',
  'stages.preprocess.smoothing': 'Smoothing sigma (px)',
  'stages.objects.nuclei.method': 'Object-finding method (classical or deep-learning model)',
  'stages.objects.nuclei.model': "Deep-learning model ('builtin' or package path)",
  'stages.objects.nuclei.threshold': 'Threshold method',
  'stages.objects.nuclei.diameter': 'Nucleus diameter (px)',
  'stages.objects.nuclei.declump': 'Split touching nuclei',
  'stages.objects.nuclei.sizeFilter': 'Size filter',
  'stages.objects.nuclei.thresholdCorrection': 'Threshold correction factor',
  'stages.objects.nuclei.neckRatio': 'Merge split nuclei with a wide neck (ratio)',
  'stages.objects.nuclei.seedSpacing': 'Seed spacing for splitting',
  'stages.objects.cells': 'Cell outlines',
  'statistics.unit': 'Unit of comparison',
  'statistics.normalisation': 'Normalisation',
  'input.root': 'Image folder',
  'input.pattern': 'Filename pattern',
  'input.channels.cell': 'Cell outline channel',
  'question.text': "Question in the user's words",
  'stages.qc.enabled': 'Quality control',
  'stages.qc.rules': 'QC rule thresholds',
  'stages.qc.exclude': 'Image sets excluded by the user',
  'stages.qc.keep': 'Image sets kept despite QC',
  'stages.objects.nuclei.minDiameter': 'Smallest nucleus kept (px across)',
  'stages.objects.nuclei.maxDiameter': 'Largest nucleus kept (px across)',
  'stages.objects.nuclei.clearBorder': 'Drop nuclei touching the image edge',
  'stages.objects.nuclei.fillHoles': 'Fill holes in nuclei',
  'stages.objects.expandPx': 'Cell expansion distance (px)',
  'stages.measure.shape': 'Shape measurements (AreaShape)',
  'stages.measure.intensity': 'Intensity measurements',
  'stages.measure.texture': 'Texture measurements',
  'stages.measure.coloc': 'Colocalisation measurements',
  'statistics.controls': 'Control conditions',
};

function leaves(value: unknown, path: string, out: [string, unknown][]): void {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const entries = Object.entries(value as Record<string, unknown>);
    // an empty record (no rules, no exclusions) is itself a value worth stating
    if (entries.length === 0 && path) out.push([path, value]);
    for (const [k, v] of entries) leaves(v, path ? `${path}.${k}` : k, out);
  } else out.push([path, value]);
}

function show(v: unknown): string | number | boolean | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (Array.isArray(v)) return v.length ? v.map(String).join(', ') : '(none)';
  const e = Object.entries(v as Record<string, unknown>);
  return e.length ? e.map(([k, x]) => `${k}: ${String(x)}`).join('; ') : '(none)';
}

/**
 * Flatten the recipe's input, question, stages and statistics (in that order: data, question,
 * then stages in order of operations) into parameters, each matched with its wizard decision.
 * Outputs, subset and decisions themselves are not parameters (they are reported elsewhere).
 */
export function recipeParameters(recipe: Recipe): MethodsParam[] {
  const decisions = (recipe.decisions ?? []) as DecisionLike[];
  const pairs: [string, unknown][] = [];
  for (const section of ['input', 'question', 'stages', 'statistics'] as const) leaves(recipe[section], section, pairs);
  const out: MethodsParam[] = [];
  for (const [path, value] of pairs) {
    if (path === 'input.root') continue; // stated in the data section (machine-specific path)
    const by = DECIDED_BY[path];
    const d = by ? decisions.find((x) => x.step === by[0] && x.field === by[1]) : undefined;
    const p: MethodsParam = {
      path,
      label: d?.label ?? LABELS[path] ?? path.split('.').slice(-1)[0]!,
      value: show(value),
      source: d ? (d.changed ? 'changed' : 'recommended') : 'default',
    };
    if (d?.why) p.why = d.why;
    if (d?.changed && d.recommended !== undefined) p.recommended = d.recommended;
    out.push(p);
  }
  return out;
}

/** Decisions that do not correspond to a recipe parameter (e.g. run mode, subset size), for completeness. */
export function otherDecisions(recipe: Recipe): DecisionLike[] {
  const mapped = new Set(Object.values(DECIDED_BY).map(([s, f]) => `${s}.${f}`));
  return ((recipe.decisions ?? []) as DecisionLike[]).filter((d) => !mapped.has(`${d.step}.${d.field}`));
}
