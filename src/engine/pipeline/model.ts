/**
 * The deep-learning model a recipe asks for (stages.objects.nuclei.method 'model'), loaded and
 * validated once: for the runner (refuse a bad path before any image), the `recipe --model`
 * command and the methods record (name, version, source, training data, checksum).
 * onnxruntime and the model code are imported only when a recipe uses a model.
 */
import { resolve } from 'node:path';
import { UserError } from '../errors.js';
import type { Recipe } from './recipe.js';

/** What is recorded about a model (recipe runs, METHODS.md). */
export interface ModelInfo {
  /** As in the recipe: 'builtin' or the package path. */
  spec: string;
  name: string;
  version: string;
  /** Absolute path of the package. */
  source: string;
  /** SHA-256 of the weights (hex). */
  sha256: string;
  /** Training data as the package states it. */
  trainingData?: string;
  license?: string;
  /** 'bioimage.io 0.5.3', or 'bare ONNX file'. */
  format: string;
  /** Citations of the package (text with doi/url). */
  cite: string[];
}

/**
 * Load the model `spec` ('builtin' or a package path, relative to `base`, default the working
 * directory). A UserError naming the recipe field and what to give instead when it is unusable.
 */
export async function loadModelInfo(spec: string, o: { base?: string; field?: string } = {}): Promise<ModelInfo> {
  const { getModelPackage, defaultModelPath } = await import('../dl/index.js');
  const builtin = spec === 'builtin';
  const path = builtin ? defaultModelPath() : resolve(o.base ?? process.cwd(), spec);
  try {
    const pkg = await getModelPackage(path);
    const info: ModelInfo = {
      spec,
      name: pkg.name,
      version: pkg.version ?? '',
      source: path,
      sha256: pkg.sha256,
      format: /\.onnx$/i.test(path) ? 'bare ONNX file' : `bioimage.io ${pkg.formatVersion}`,
      cite: pkg.cite.map((c) => `${c.text}${c.doi ? ` doi:${c.doi}` : c.url ? ` ${c.url}` : ''}`),
    };
    if (pkg.trainingData) info.trainingData = pkg.trainingData;
    if (pkg.license) info.license = pkg.license;
    return info;
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    throw new UserError(
      `${o.field ?? 'model'} ${spec}: ${err.message}`,
      `${err.hint ?? 'give a BioImage Model Zoo package'}; or 'builtin' for the shipped nuclei model (check a package with: scopepilot model inspect PATH)`,
    );
  }
}

/** The recipe's model, loaded and checked, or undefined when it uses the classical method. */
export async function recipeModel(recipe: Recipe, o: { base?: string } = {}): Promise<ModelInfo | undefined> {
  const n = recipe.stages.objects.nuclei;
  if (n.method !== 'model') return undefined;
  return loadModelInfo(n.model ?? 'builtin', { ...o, field: 'stages.objects.nuclei.model' });
}
