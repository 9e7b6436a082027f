/**
 * The methods record as data (methods.json): software, data, question, every stage in order of
 * operations with its parameters and citations, QC and exclusions, size-filter losses,
 * statistics, validation, blinding, limitations, the reporting checklist and the paragraph.
 * Built by a pure function from the recipe, the wizard's context and the run's facts, so the
 * same inputs give the same record byte for byte (no clock is read here).
 */
import type { Recipe } from '../pipeline/recipe.js';
import { RECIPE_VERSION } from '../pipeline/recipe.js';
import { buildChecklist, type ChecklistItem } from './checklist.js';
import { CITATIONS } from './citations.js';
import type { RunFacts } from './facts.js';
import { type MethodsModel, withoutClassical } from './methods-model.js';
import { stagesOf } from './methods-stages.js';
import { methodsParagraph } from './paragraph.js';
import { type DecisionLike, type MethodsParam, otherDecisions, recipeParameters } from './params.js';

export interface MethodsStage {
  id: 'qc' | 'preprocess' | 'objects' | 'measure' | 'statistics' | 'model';
  title: string;
  /** What the stage does with these settings, in plain words. */
  summary: string;
  params: MethodsParam[];
  /** Keys into CITATIONS. */
  citations: string[];
}

/** What the wizard passes as `context` (all optional; read defensively). */
export interface MethodsContext {
  wizard?: { values?: Record<string, Record<string, unknown>>; excluded?: Record<string, string>; subset?: string[] };
  session?: {
    revealedAt?: string[];
    demo?: boolean;
    input?: string;
    template?: { name?: string };
    values?: Record<string, Record<string, unknown>>;
  };
  scan?: {
    imageSetCount?: number;
    plates?: string[];
    channels?: string[];
    wells?: unknown[];
    format?: string;
    bitDepth?: number;
    pixelSizeUm?: number;
    plateMapPath?: string;
    conditions?: string[];
    presetName?: string;
  };
  pilot?: string[];
  /** A ground-truth check (wizard objects step or `scopepilot validate`). */
  validation?: { images?: number; f1?: number; countErrorPct?: number; apDsb?: number };
  /** Statistics results in words (from summarise), when computed. */
  statistics?: { lines?: string[]; tolerance?: string };
  /** The thresholds registry entry for the recipe's method, when loaded. */
  threshold?: { name?: string; citation?: string };
  /** The deep-learning model of a recipe with objects.nuclei.method 'model' (writeMethods loads it). */
  model?: MethodsModel;
}

export interface MethodsRecord {
  format: 'scopepilot-methods';
  formatVersion: 1;
  software: {
    versions: Record<string, string>;
    /** Where the versions come from: run.json (the run), this process, or both (libraries not in run.json). */
    source: 'run.json' | 'this process' | 'run.json and this process';
    recipeVersion: number;
  };
  /** When the run started/finished (from run.json only; absent otherwise). */
  date?: { startedAt?: string; finishedAt?: string };
  /** The deep-learning model that found the nuclei (absent: the classical method). */
  model?: MethodsModel;
  data: {
    /** The folder analysed (as in recipe.json). */
    root: string;
    pattern?: string;
    preset?: string;
    plateMap?: string;
    channels: { dna: string; marker?: string; cell?: string };
    pixelSizeUm?: number;
    format?: string;
    bitDepth?: number;
    imageSets?: number;
    plates?: string[];
    wells?: number;
    conditions?: string[];
    /** REMBI-style metadata given by the user or a facility template (id -> value). */
    metadata: Record<string, string>;
  };
  question: Recipe['question'];
  stages: MethodsStage[];
  /** Every recipe parameter (input, question, stages, statistics) with its source. */
  parameters: MethodsParam[];
  subset: { ids: string[]; how: string };
  qc: {
    policy: string;
    imagesAnalysed?: number;
    levels?: { ok: number; warn: number; fail: number };
    excluded: { id: string; reason: string }[];
    failed: number;
    failures: { id: string; stage?: string; reason: string }[];
  };
  sizeFilter: { discarded?: { small?: number; large?: number; border?: number }; caveat: string };
  statistics: Recipe['statistics'] & { lines: string[]; tolerance?: string };
  validation?: { summary: string; images?: number; f1?: number; countErrorPct?: number; apDsb?: number };
  blinding: { known: boolean; text: string };
  objects?: number;
  outputs: { previews: boolean; labels: boolean };
  decisions: DecisionLike[];
  limitations: string[];
  references: string[];
  checklist: ChecklistItem[];
  paragraph: string;
  /** The wizard context this record was written with (reduced), so `scopepilot report` can rewrite it. */
  context: MethodsContext;
}

export interface MethodsInput {
  recipe: Recipe;
  context: MethodsContext;
  facts: RunFacts;
  /** Versions of this process (used when run.json has none). */
  environment: Record<string, string>;
}

const REMBI_KEYS = [
  'organism',
  'cellLine',
  'specimen',
  'stain',
  'fixation',
  'microscope',
  'objective',
  'na',
  'camera',
  'facility',
  'study',
];

function metadataOf(ctx: MethodsContext): Record<string, string> {
  const out: Record<string, string> = {};
  for (const src of [ctx.session?.values?.data, ctx.session?.values?.question, ctx.wizard?.values?.data]) {
    if (!src) continue;
    for (const [k, v] of Object.entries(src)) {
      const key = REMBI_KEYS.find((r) => r.toLowerCase() === k.toLowerCase().replace(/[-_ ]/g, ''));
      if (key && (typeof v === 'string' || typeof v === 'number') && String(v).trim()) out[key] = String(v).trim();
    }
  }
  return out;
}

/** The parts of a wizard context the methods record uses (no statistics: those are recomputed). */
export function reduceContext(ctx: MethodsContext): MethodsContext {
  const out: MethodsContext = {};
  const s = ctx.session;
  if (s) {
    const session: NonNullable<MethodsContext['session']> = {};
    if (s.revealedAt) session.revealedAt = [...s.revealedAt];
    if (s.demo !== undefined) session.demo = s.demo;
    if (s.template?.name) session.template = { name: s.template.name };
    const values: Record<string, Record<string, unknown>> = {};
    for (const k of ['data', 'question'] as const) if (s.values?.[k]) values[k] = { ...s.values[k] };
    if (Object.keys(values).length) session.values = values;
    out.session = session;
  }
  if (ctx.wizard?.excluded && Object.keys(ctx.wizard.excluded).length) out.wizard = { excluded: { ...ctx.wizard.excluded } };
  if (ctx.scan) {
    const { imageSetCount, plates, channels, format, bitDepth, pixelSizeUm, plateMapPath, conditions, presetName } = ctx.scan;
    out.scan = JSON.parse(
      JSON.stringify({ imageSetCount, plates, channels, format, bitDepth, pixelSizeUm, plateMapPath, conditions, presetName }),
    ) as MethodsContext['scan'];
  }
  if (ctx.validation) out.validation = { ...ctx.validation };
  if (ctx.pilot) out.pilot = [...ctx.pilot];
  return out;
}

/** Build the methods record. Pure: same input, same record. */
export function buildMethodsRecord(input: MethodsInput): MethodsRecord {
  const { recipe, context: ctx, facts } = input;
  const all = recipeParameters(recipe);
  const params = recipe.stages.objects.nuclei.method === 'model' ? withoutClassical(all) : all;
  const stages = stagesOf(recipe, params, ctx, facts);
  const rv = facts.versions ?? {};
  const complete = 'sharp' in rv || 'libvips' in rv;
  const versions = complete ? rv : { ...input.environment, ...rv };
  const source = !facts.versions ? 'this process' : complete ? 'run.json' : 'run.json and this process';
  const scan = ctx.scan ?? {};
  const data: MethodsRecord['data'] = { root: recipe.input.root, channels: { ...recipe.input.channels }, metadata: metadataOf(ctx) };
  if (recipe.input.pattern) data.pattern = recipe.input.pattern;
  if (recipe.input.preset ?? scan.presetName) data.preset = recipe.input.preset ?? scan.presetName;
  if (recipe.input.plateMap ?? scan.plateMapPath) data.plateMap = recipe.input.plateMap ?? scan.plateMapPath;
  const px = recipe.input.pixelSizeUm ?? scan.pixelSizeUm;
  if (px) data.pixelSizeUm = px;
  if (scan.format) data.format = scan.format;
  if (scan.bitDepth) data.bitDepth = scan.bitDepth;
  const nSets = scan.imageSetCount ?? facts.imageSetsTotal;
  if (nSets !== undefined) data.imageSets = nSets;
  if (scan.plates?.length) data.plates = [...scan.plates];
  else if (facts.plates?.length) data.plates = [...facts.plates];
  const wells = Array.isArray(scan.wells) && scan.wells.length ? scan.wells.length : facts.wells;
  if (wells) data.wells = wells;
  if (scan.conditions?.length) data.conditions = [...scan.conditions];

  const excluded = [...facts.excluded];
  for (const [id, reason] of Object.entries(recipe.stages.qc.exclude))
    if (!excluded.some((e) => e.id === id)) excluded.push({ id, reason: `excluded by the user: ${reason}` });
  for (const [id, reason] of Object.entries(ctx.wizard?.excluded ?? {}))
    if (!excluded.some((e) => e.id === id)) excluded.push({ id, reason });
  excluded.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

  const revealed = ctx.session?.revealedAt;
  const blinding =
    revealed === undefined
      ? { known: false, text: 'not recorded (recipe written outside the wizard)' }
      : revealed.length === 0
        ? {
            known: true,
            text: 'quality control and object-finding parameters were judged without showing which condition each image belongs to',
          }
        : { known: true, text: `the user revealed the conditions while judging at: ${revealed.join(', ')} (blinding broken there)` };

  const v = ctx.validation;
  let validation: MethodsRecord['validation'];
  if (v && (v.f1 !== undefined || v.countErrorPct !== undefined)) {
    const parts = [
      v.images !== undefined ? `${v.images} images` : '',
      v.f1 !== undefined ? `F1 ${v.f1.toFixed(3)} at IoU 0.5` : '',
      v.apDsb !== undefined ? `DSB AP ${v.apDsb.toFixed(3)}` : '',
      v.countErrorPct !== undefined ? `count error ${v.countErrorPct.toFixed(1)}%` : '',
    ].filter(Boolean);
    validation = { summary: `compared with hand-made labels: ${parts.join(', ')}`, ...v };
  }

  const tolerated = recipe.question.toleratedErrorPct;
  const limitations = [
    recipe.stages.objects.nuclei.sizeFilter === 'off'
      ? 'No size filter: debris and clumps were counted as nuclei.'
      : 'Objects outside the size limits were not counted, so the results do not show whether a condition produces such objects (e.g. fragmented or very large nuclei).',
    'Images were analysed as 2D planes; 3D samples are represented by the planes given.',
    excluded.length
      ? `${excluded.length} image set(s) were excluded at quality control; effects are reported with and without them where computed.`
      : 'No image set was excluded at quality control.',
    ...(recipe.stages.objects.nuclei.clearBorder
      ? ['Nuclei touching the image edge were removed, which under-counts large or edge-dense fields equally in all conditions.']
      : []),
    ...(recipe.stages.objects.nuclei.method === 'model'
      ? [
          `Nuclei were found by a deep-learning model trained on other images (${ctx.model?.trainingData ?? 'training data not stated'}); ${validation ? 'it was compared with hand-made labels of these images (see Validation)' : 'its objects must be checked on these images before the results are trusted'}.`,
        ]
      : []),
    ...(validation ? [] : ['The segmentation was not compared with hand-made labels; it was checked by eye on the subset.']),
    ...(tolerated !== undefined && validation?.countErrorPct !== undefined && validation.countErrorPct > tolerated
      ? [`The measured count error (${validation.countErrorPct.toFixed(1)}%) is above the tolerated ${tolerated}%.`]
      : []),
  ];

  const st = ctx.statistics;
  const base: Omit<MethodsRecord, 'checklist' | 'paragraph' | 'context'> = {
    format: 'scopepilot-methods',
    formatVersion: 1,
    software: { versions, source, recipeVersion: recipe.version ?? RECIPE_VERSION },
    ...(facts.startedAt || facts.finishedAt ? { date: { startedAt: facts.startedAt, finishedAt: facts.finishedAt } } : {}),
    ...(recipe.stages.objects.nuclei.method === 'model'
      ? { model: ctx.model ?? { spec: recipe.stages.objects.nuclei.model ?? 'builtin' } }
      : {}),
    data,
    question: recipe.question,
    stages,
    parameters: params,
    subset: {
      ids: [...(recipe.subset.length ? recipe.subset : (ctx.wizard?.subset ?? []))],
      how: 'chosen by ScopePilot to represent the whole experiment (spread over plates and conditions, including the extremes of brightness, density and focus), never the first files; parameters were tuned on these images',
    },
    qc: {
      policy: recipe.stages.qc.policy,
      ...(facts.imagesAnalysed !== undefined ? { imagesAnalysed: facts.imagesAnalysed } : {}),
      ...(facts.qcLevels ? { levels: facts.qcLevels } : {}),
      excluded,
      failed: facts.failures.length,
      failures: facts.failures,
    },
    sizeFilter: {
      ...(facts.discarded ? { discarded: facts.discarded } : {}),
      caveat: 'Objects outside the size limits were not counted, so the result does not show whether a condition produces such objects.',
    },
    statistics: { ...recipe.statistics, lines: [...(st?.lines ?? [])], ...(st?.tolerance ? { tolerance: st.tolerance } : {}) },
    ...(validation ? { validation } : {}),
    blinding,
    ...(facts.objects !== undefined ? { objects: facts.objects } : {}),
    outputs: { previews: facts.hasPreviews ?? false, labels: facts.hasLabels ?? false },
    decisions: otherDecisions(recipe),
    limitations,
    references: [],
  };
  const keys = new Set<string>();
  for (const s of stages) for (const c of s.citations) keys.add(c);
  if (validation) keys.add('dsb');
  for (const k of ['checklist', 'rembi', 'jost']) keys.add(k);
  base.references = [...keys].map((k) => (k === 'threshold' ? (ctx.threshold?.citation ?? '') : (CITATIONS[k] ?? ''))).filter(Boolean);
  for (const c of base.model?.cite ?? []) if (!base.references.includes(c)) base.references.push(c);
  const checklist = buildChecklist(base);
  return { ...base, checklist, paragraph: methodsParagraph(base), context: reduceContext(ctx) };
}
