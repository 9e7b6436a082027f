/**
 * applyDecisions: the wizard's decisions (step, field, value) written into a recipe, so the
 * recipe the runner applies is the one the user accepted - not only the defaults. Field ids are
 * those of src/wizard/steps.ts and src/wizard/recommend.ts. Unknown fields are kept in
 * `decisions` only (for the methods record) and listed in the result.
 */
import { parseRecipe, type Recipe } from './recipe.js';

export interface DecisionLike {
  step: string;
  field: string;
  value: string | number | boolean;
  [k: string]: unknown;
}

export interface WizardExtras {
  /** Image sets excluded at QC (id -> reason). */
  excluded?: Record<string, string>;
  /** Image sets kept despite a failing verdict (id -> reason). */
  kept?: Record<string, string>;
  /** The subset previewed (image set ids). */
  subset?: string[];
  /** The model package the wizard offered (`scopepilot wizard --model PATH`); default the built-in one. */
  model?: string;
}

const yes = (v: unknown) => v === true || v === 'yes';
const num = (v: unknown): number | undefined => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
  return Number.isFinite(n) ? n : undefined;
};
const autoOrNum = (v: unknown): number | 'auto' | undefined => (v === 'auto' ? 'auto' : num(v));

/**
 * A new recipe with `decisions` applied (the last decision of a field wins) and validated.
 * Never mutates its inputs. Returns the recipe and the decisions that map to no recipe field.
 */
export function applyDecisions(
  recipe: Recipe,
  decisions: readonly DecisionLike[],
  extras: WizardExtras = {},
): { recipe: Recipe; unmapped: DecisionLike[] } {
  const r = structuredClone(recipe) as Recipe;
  const unmapped: DecisionLike[] = [];
  const s = r.stages;
  for (const d of decisions) {
    const v = d.value;
    const key = `${d.step}.${d.field}`;
    switch (key) {
      case 'question.question':
        r.question.type = String(v) as Recipe['question']['type'];
        break;
      case 'question.compartment':
        r.question.compartment = String(v) as NonNullable<Recipe['question']['compartment']>;
        break;
      case 'question.effect':
        if (num(v) !== undefined) r.question.expectedEffectPct = num(v)!;
        break;
      case 'question.tolerance':
        if (num(v) !== undefined) r.question.toleratedErrorPct = num(v)!;
        break;
      case 'data.preset':
        if (v !== '') r.input.preset = String(v);
        break;
      case 'data.dna':
        if (v !== '') r.input.channels.dna = String(v);
        break;
      case 'data.marker':
        if (v === 'none' || v === '') delete r.input.channels.marker;
        else r.input.channels.marker = String(v);
        break;
      case 'data.pixelSize':
        if (num(v) !== undefined && num(v)! > 0) r.input.pixelSizeUm = num(v)!;
        break;
      case 'data.plateMap':
        if (v !== '') r.input.plateMap = String(v);
        break;
      case 'qc.policy':
        s.qc.policy = String(v) as Recipe['stages']['qc']['policy'];
        break;
      case 'preprocess.background':
        s.preprocess.background = String(v) as Recipe['stages']['preprocess']['background'];
        break;
      case 'preprocess.smoothing':
        if (autoOrNum(v) !== undefined) s.preprocess.smoothing = autoOrNum(v)!;
        break;
      case 'objects.method':
        // the wizard offers its --model package or the built-in model; a model set in the recipe is kept
        s.objects.nuclei.method = v === 'model' ? 'model' : 'classical';
        if (v === 'model' && s.objects.nuclei.model === undefined) s.objects.nuclei.model = extras.model ?? 'builtin';
        break;
      case 'objects.threshold':
        s.objects.nuclei.threshold = typeof v === 'number' ? v : String(v);
        break;
      case 'objects.diameter':
        if (autoOrNum(v) !== undefined) s.objects.nuclei.diameter = autoOrNum(v)!;
        break;
      case 'objects.declump':
        s.objects.nuclei.declump = String(v) as Recipe['stages']['objects']['nuclei']['declump'];
        break;
      case 'objects.sizeFilter':
        s.objects.nuclei.sizeFilter = v === 'off' ? 'off' : 'auto';
        break;
      case 'objects.cells':
        s.objects.cells = String(v) as Recipe['stages']['objects']['cells'];
        break;
      case 'measurements.shape':
      case 'measurements.intensity':
      case 'measurements.texture':
      case 'measurements.coloc':
        s.measure[d.field as 'shape' | 'intensity' | 'texture' | 'coloc'] = yes(v);
        break;
      case 'statistics.unit':
        r.statistics.unit = String(v) as Recipe['statistics']['unit'];
        r.question.unit = r.statistics.unit;
        break;
      case 'statistics.normalisation':
        r.statistics.normalisation = String(v) as Recipe['statistics']['normalisation'];
        break;
      default:
        unmapped.push(d);
    }
  }
  if (extras.excluded) s.qc.exclude = { ...s.qc.exclude, ...extras.excluded };
  if (extras.kept) s.qc.keep = { ...s.qc.keep, ...extras.kept };
  if (extras.subset) r.subset = [...extras.subset];
  r.decisions = decisions.map((d) => ({ ...d })) as Recipe['decisions'];
  return { recipe: parseRecipe(r), unmapped };
}
