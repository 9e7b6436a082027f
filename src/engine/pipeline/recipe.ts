/**
 * The recipe: everything needed to reproduce an analysis, and nothing else. It is the contract
 * between the interactive wizard (which writes it) and the headless runner (`scopepilot run
 * recipe.json`, which applies it to every image set). Versioned; validated with zod; invalid
 * recipes fail with the field path, what is wrong and what to do.
 *
 * Stages always run in this order: qc -> preprocess -> objects -> measure.
 * The recipe holds no output paths: where results go is chosen at run time (`--out`), so a
 * recipe can never make ScopePilot write outside the output folder.
 */
import { z } from 'zod';
import { UserError } from '../errors.js';
import { isParsed, markParsed } from './recipe-use.js';

/** Version of the recipe format written by this build. Older versions are migrated or refused. */
export const RECIPE_VERSION = 1;

/** The analysis questions the wizard offers (src/wizard/recommend.ts QUESTIONS). */
export const QUESTION_TYPES = ['count', 'size', 'intensity', 'coloc', 'phenotype'] as const;

const nonEmpty = z.string().min(1, 'must not be empty');

/** Where the images are and how they are named. */
export const InputSchema = z.strictObject({
  /** The folder analysed (absolute, or relative to the recipe file). Never written to. */
  root: nonEmpty,
  /** Filename regex with named groups (plate, well, site, channel, z, t); overrides the preset. */
  pattern: z.string().min(1).optional(),
  /** Naming preset id (dataset/presets). */
  preset: z.string().min(1).optional(),
  /** Plate map CSV (absolute, or relative to the recipe file). */
  plateMap: z.string().min(1).optional(),
  /** Channel roles: which scanned channel holds the DNA stain, which the marker. */
  channels: z.strictObject({
    dna: nonEmpty,
    /** Measured marker channel; 'none' or absent when there is none. */
    marker: z.string().min(1).optional(),
    /** Channel used to find cell outlines (default: the marker). */
    cell: z.string().min(1).optional(),
  }),
  /** Pixel size in µm; when absent it is read from the images (sizes stay in pixels if unknown). */
  pixelSizeUm: z.number().positive('must be a positive number of µm per pixel').optional(),
});

/** The scientific question and the accuracy it needs. */
export const QuestionSchema = z.strictObject({
  type: z.enum(QUESTION_TYPES),
  /** The question in the user's words (free text). */
  text: z.string().optional(),
  /** Compartment measured (intensity / coloc questions). */
  compartment: z.enum(['nucleus', 'cytoplasm', 'membrane', 'cell']).optional(),
  /** Expected effect, % relative difference versus control. */
  expectedEffectPct: z.number().positive().optional(),
  /** Tolerated analysis error, %. */
  toleratedErrorPct: z.number().positive().optional(),
  /** Independent unit of comparison. */
  unit: z.enum(['well', 'image', 'replicate', 'object']).default('well'),
});

/** Per-image quality control: which images are excluded. */
export const QcStageSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** exclude-fail: drop images with a failing verdict; exclude-warn: also doubtful; keep-all: flag only. */
  policy: z.enum(['exclude-fail', 'exclude-warn', 'keep-all']).default('exclude-fail'),
  /** QC thresholds passed to judgeQuality (measure/qc.ts QcThresholds, e.g. saturationFailPercent); empty = its defaults. */
  rules: z.record(z.string(), z.number()).default({}),
  /** Image sets excluded by the user (id -> reason), whatever their metrics. */
  exclude: z.record(z.string(), z.string()).default({}),
  /** Image sets kept by the user despite a failing verdict (id -> reason). */
  keep: z.record(z.string(), z.string()).default({}),
});

/** Corrections of the DNA channel before objects are found (measurements use the raw planes). */
export const PreprocessStageSchema = z.strictObject({
  background: z.enum(['none', 'rolling-ball', 'tophat']).default('none'),
  /** Rolling-ball / top-hat radius in pixels; default the nucleus diameter (50 px when it is 'auto'). */
  backgroundRadius: z.number().positive().optional(),
  /** Gaussian sigma in pixels before thresholding, or 'auto' (from the diameter). */
  smoothing: z.union([z.number().min(0), z.literal('auto')]).default('auto'),
});

/**
 * How the primary objects are found: options of segmentNuclei (src/engine/segment/index.ts), or
 * with method 'model' a deep-learning model (segmentModel, src/engine/dl), which uses only the
 * diameter (for its scale) and ignores the classical-only fields.
 */
export const NucleiSchema = z.strictObject({
  /** classical: threshold + watershed (segmentNuclei); model: a deep-learning model (segmentModel). */
  method: z.enum(['classical', 'model']).default('classical'),
  /**
   * The model for method 'model': 'builtin' (ScopePilot's nuclei U-Net, models/nuclei) or the path
   * of a BioImage Model Zoo package (folder, .zip, rdf.yaml or .onnx; absolute, or relative to the
   * working directory). Absent = 'builtin'. Ignored by the classical method.
   */
  model: z.string().min(1, "must be 'builtin' or the path of a model package").optional(),
  diameter: z.union([z.number().positive('must be a positive diameter in pixels'), z.literal('auto')]).default('auto'),
  /** Threshold method id (ops/threshold/registry THRESHOLDS), or a number for a manual threshold. */
  threshold: z.union([nonEmpty, z.number()]).default('otsu-sqrt'),
  /** Multiply the automatic threshold by this (CellProfiler's threshold correction factor). */
  thresholdCorrection: z.number().positive().optional(),
  declump: z.enum(['shape', 'intensity', 'none']).default('shape'),
  /** auto: size limits from the diameter; off: keep every size. */
  sizeFilter: z.enum(['auto', 'off']).default('auto'),
  minDiameter: z.number().positive().optional(),
  maxDiameter: z.number().positive().optional(),
  /** Discard objects touching the image border (segmentNuclei's default: keep them). */
  clearBorder: z.boolean().default(false),
  fillHoles: z.boolean().default(true),
  /** Declumping fine-tuning (segmentNuclei defaults when absent). */
  neckRatio: z.number().min(0).max(1).optional(),
  seedSpacing: z.number().positive().optional(),
});

export const ObjectsStageSchema = z.strictObject({
  nuclei: NucleiSchema.default(NucleiSchema.parse({})),
  /** Secondary objects (cells) grown from the nuclei; none = nuclei only. */
  cells: z.enum(['none', 'propagate', 'expand']).default('none'),
  /** Expansion distance in pixels for cells = 'expand'. */
  expandPx: z.number().positive().optional(),
});

/** Which measurement modules run (CellProfiler names). */
export const MeasureStageSchema = z.strictObject({
  shape: z.boolean().default(true),
  intensity: z.boolean().default(true),
  texture: z.boolean().default(false),
  coloc: z.boolean().default(false),
});

export const StagesSchema = z.strictObject({
  qc: QcStageSchema.default(QcStageSchema.parse({})),
  preprocess: PreprocessStageSchema.default(PreprocessStageSchema.parse({})),
  objects: ObjectsStageSchema.default(ObjectsStageSchema.parse({})),
  measure: MeasureStageSchema.default(MeasureStageSchema.parse({})),
});

export const StatisticsSchema = z.strictObject({
  unit: z.enum(['well', 'image', 'replicate', 'object']).default('well'),
  normalisation: z.enum(['none', 'percent-of-control', 'robust-z']).default('none'),
  /** Plate-map conditions that are controls (empty: the plate map's control column). */
  controls: z.array(z.string()).default([]),
});

/** Which result files are written (names are fixed; see ARCHITECTURE.md). */
export const OutputsSchema = z.strictObject({
  objectsCsv: z.boolean().default(true),
  parquet: z.boolean().default(true),
  duckdb: z.boolean().default(true),
  labels: z.boolean().default(true),
  /** PNG previews: none, only the subset the user saw, or every image set. */
  previews: z.enum(['none', 'subset', 'all']).default('subset'),
});

/** One wizard decision (src/wizard/types.ts Decision), kept for the methods record. */
export const DecisionSchema = z.looseObject({
  step: z.string(),
  field: z.string(),
  label: z.string().optional(),
  value: z.union([z.string(), z.number(), z.boolean()]),
  recommended: z.union([z.string(), z.number(), z.boolean()]).optional(),
  changed: z.boolean().optional(),
  why: z.string().optional(),
});

/**
 * recipe.json. Unknown top-level keys are kept (the wizard may add context for the methods
 * record); unknown keys inside a section are errors (they are usually typos).
 */
export const RecipeSchema = z.looseObject({
  version: z.literal(RECIPE_VERSION),
  /** When and by what the recipe was written (informational; not used by the runner). */
  createdAt: z.string().optional(),
  scopepilot: z.string().optional(),
  input: InputSchema,
  question: QuestionSchema,
  stages: StagesSchema.default(StagesSchema.parse({})),
  statistics: StatisticsSchema.default(StatisticsSchema.parse({})),
  outputs: OutputsSchema.default(OutputsSchema.parse({})),
  /** The representative subset the wizard previewed (image set ids). */
  subset: z.array(z.string()).default([]),
  /** Decisions made in the wizard (what, recommended, why). */
  decisions: z.array(DecisionSchema).default([]),
});

export type Recipe = z.infer<typeof RecipeSchema>;
/** What a recipe may look like before defaults are filled in. */
export type RecipeInput = z.input<typeof RecipeSchema>;
export type NucleiOptions = z.infer<typeof NucleiSchema>;

function pathOf(path: readonly PropertyKey[]): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : s ? `.${String(p)}` : String(p);
  return s || '(the recipe)';
}

/** Plain-words explanation of one zod issue. */
function explain(issue: z.core.$ZodIssue): string {
  const where = pathOf(issue.path);
  if (issue.code === 'unrecognized_keys') return `${where}: unknown field ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  if (issue.code === 'invalid_type' && issue.input === undefined) return `${where}: missing (expected ${issue.expected})`;
  if (issue.code === 'invalid_value') return `${where}: must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  return `${where}: ${issue.message}`;
}

/** Migrations from older versions, keyed by the version they read. None yet: version 1 is the first. */
const MIGRATIONS: Record<number, (r: Record<string, unknown>) => Record<string, unknown>> = {};

/**
 * Validate a recipe (parsed JSON object, or JSON text) and fill in defaults.
 * Throws a UserError naming every wrong field (path: what is wrong) and what to do.
 * Refuses drafts (the wizard without the recipe module), recipes from a newer ScopePilot, and
 * versions it cannot migrate. Never mutates its input.
 */
export function parseRecipe(json: unknown): Recipe {
  let value = json;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch (err) {
      throw new UserError(`recipe is not valid JSON: ${(err as Error).message}`, 'fix the JSON syntax, or write it again with the wizard');
    }
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new UserError('recipe must be a JSON object', 'write one with `scopepilot recipe DIR --out recipe.json` or the wizard');
  let obj = value as Record<string, unknown>;
  if (obj.draft === true)
    throw new UserError(
      'this recipe is a draft written without the engine recipe module',
      'run the wizard again with a ScopePilot that includes the runner, or `scopepilot recipe DIR --out recipe.json`',
    );
  const version = obj.version;
  if (version === undefined)
    throw new UserError('recipe has no "version" field: it is not a ScopePilot recipe', `add "version": ${RECIPE_VERSION} if it is one`);
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1)
    throw new UserError(`recipe "version" must be a whole number >= 1 (found ${JSON.stringify(version)})`);
  if (version > RECIPE_VERSION)
    throw new UserError(
      `recipe version ${version} was written by a newer ScopePilot (this one reads up to version ${RECIPE_VERSION})`,
      'update ScopePilot (npm install -g scopepilot)',
    );
  for (let v = version; v < RECIPE_VERSION; v++) {
    const migrate = MIGRATIONS[v];
    if (!migrate) throw new UserError(`recipe version ${v} can no longer be read`, 'write the recipe again with the wizard');
    obj = migrate(obj);
  }
  const r = RecipeSchema.safeParse(obj);
  if (!r.success) {
    const lines = r.error.issues.map(explain);
    throw new UserError(
      `recipe is not valid:\n  ${lines.join('\n  ')}`,
      'fix these fields in recipe.json (docs: README "scopepilot run"), or write it again with the wizard',
    );
  }
  markParsed(r.data);
  return r.data;
}

/** `x` itself when it came from parseRecipe (or was marked as validated), else parseRecipe(x). */
export function asRecipe(x: unknown): Recipe {
  return isParsed(x) ? x : parseRecipe(x);
}

export { backgroundOptions, modelSpec, segmentOptions } from './recipe-use.js';
