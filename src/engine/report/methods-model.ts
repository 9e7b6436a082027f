/**
 * The methods record of a recipe that finds nuclei with a deep-learning model
 * (stages.objects.nuclei.method 'model'): the model stage (name, version, source, training data,
 * checksum, and the caveat that it was trained on other images), the objects stage in words,
 * and the limitation. Pure: the model facts come in the context (writeMethods loads them).
 */
import type { ModelInfo } from '../pipeline/model.js';
import type { Recipe } from '../pipeline/recipe.js';
import type { MethodsParam } from './params.js';

/** What the record states about the model; `error` when the package could not be read. */
export type MethodsModel = Partial<ModelInfo> & { spec: string; error?: string };

/** The caveat every model record carries. */
export const MODEL_CAVEAT =
  'The model was trained on other images than these; its objects must be checked on these images (e.g. `scopepilot validate` with a few hand-labelled images) before the results are trusted.';

/** The classical-only recipe fields: not used, so not reported, when a model finds the nuclei. */
const CLASSICAL_ONLY = new Set(
  [
    'threshold',
    'thresholdCorrection',
    'declump',
    'sizeFilter',
    'minDiameter',
    'maxDiameter',
    'clearBorder',
    'fillHoles',
    'neckRatio',
    'seedSpacing',
  ].map((k) => `stages.objects.nuclei.${k}`),
);
const MODEL_FIELDS = new Set(['stages.objects.nuclei.method', 'stages.objects.nuclei.model']);

/** The parameters of a model recipe: without the classical-only ones (plus smoothing, unused too). */
export function withoutClassical(params: MethodsParam[]): MethodsParam[] {
  return params.filter((p) => !CLASSICAL_ONLY.has(p.path) && p.path !== 'stages.preprocess.smoothing');
}

/** The model stage's parameters (method and model) and the objects stage's (the rest). */
export function isModelField(p: MethodsParam): boolean {
  return MODEL_FIELDS.has(p.path);
}

/** One line naming the model: "NAME version V (SOURCE; weights SHA-256 X)". */
export function modelName(m: MethodsModel): string {
  const where = m.spec === 'builtin' ? `shipped with ScopePilot, ${m.source ?? 'models/nuclei'}` : (m.source ?? m.spec);
  return `"${m.name ?? m.spec}"${m.version ? ` version ${m.version}` : ''} (${where}${m.sha256 ? `; weights SHA-256 ${m.sha256}` : ''})`;
}

/** Summary of the model stage: what the model is, what it was trained on, and the caveat. */
export function modelStageSummary(m: MethodsModel, validated: boolean): string {
  if (m.error)
    return `Deep-learning model ${m.spec}: the package could not be read when this record was written (${m.error}); its name, version and checksum are not known here. ${MODEL_CAVEAT}`;
  return [
    `Deep-learning model ${modelName(m)}${m.format ? `, ${m.format} package` : ''}${m.license ? `, licence ${m.license}` : ''}.`,
    `Training data: ${m.trainingData ?? 'not stated by the package'}.`,
    validated
      ? 'The model was trained on other images than these; it was compared with hand-made labels of these images (see Validation).'
      : MODEL_CAVEAT,
  ].join(' ');
}

/** Summary of the objects stage for a model recipe (cells as the classical summary states them). */
export function modelObjectsSummary(recipe: Recipe, m: MethodsModel, cells: string): string {
  const d = recipe.stages.objects.nuclei.diameter;
  return `Nuclei in the ${recipe.input.channels.dna} channel were found with the deep-learning model ${m.name ? `"${m.name}"${m.version ? ` ${m.version}` : ''}` : m.spec} instead of thresholding: each image was percentile-normalised and resampled so nuclei had the size the model expects (nucleus diameter: ${d === 'auto' ? 'estimated per image from a classical first foreground' : `${d} px`}), the model was run in overlapping tiles with onnxruntime, and its foreground and distance maps were turned into nuclei by a seeded watershed; objects smaller than 0.4 x the nucleus diameter across were dropped.${cells}`;
}
