/**
 * What the engine reads from a validated recipe, without the schema: the segmentation and
 * background options, the model, and the mark of a recipe already validated. Kept apart from
 * recipe.ts (and zod, 0.1 s to load in a fresh thread) so that the runner's worker threads, which
 * get a recipe the main thread has validated, do not load the schema.
 */
import type { Recipe } from './recipe.js';

const PARSED = new WeakSet<object>();

/** Mark `r` as a validated recipe (parseRecipe's result, or a copy of one made by another thread). */
export function markParsed(r: Recipe): Recipe {
  PARSED.add(r);
  return r;
}

/** True when `x` is a recipe parseRecipe returned (or markParsed marked), not a copy of one. */
export function isParsed(x: unknown): x is Recipe {
  return x !== null && typeof x === 'object' && PARSED.has(x);
}

/** The model a recipe asks for ('builtin' or a package path), or undefined for the classical method. */
export function modelSpec(recipe: Recipe): string | undefined {
  const n = recipe.stages.objects.nuclei;
  return n.method === 'model' ? (n.model ?? 'builtin') : undefined;
}

/**
 * The segmentNuclei options a recipe asks for (objects.nuclei + preprocess smoothing), as passed
 * to `segmentNuclei(plane, opts)`. sizeFilter 'off' removes the diameter-based size limits.
 * Background subtraction is applied before (see backgroundOptions). With method 'model':
 * `{diameter, model}`, the options of segmentModel (src/engine/dl).
 */
export function segmentOptions(recipe: Recipe): Record<string, number | string | boolean> {
  const n = recipe.stages.objects.nuclei;
  if (n.method === 'model') return { diameter: n.diameter, model: n.model ?? 'builtin' };
  const o: Record<string, number | string | boolean> = {
    diameter: n.diameter,
    threshold: n.threshold,
    declump: n.declump,
    smoothing: recipe.stages.preprocess.smoothing,
    clearBorder: n.clearBorder,
    fillHoles: n.fillHoles,
  };
  for (const k of ['minDiameter', 'maxDiameter', 'thresholdCorrection', 'neckRatio', 'seedSpacing'] as const)
    if (n[k] !== undefined) o[k] = n[k];
  if (n.sizeFilter === 'off') {
    o.minDiameter = 0;
    o.maxDiameter = Number.POSITIVE_INFINITY;
  }
  return o;
}

/** Background subtraction a recipe asks for, or undefined for none (radius in pixels). */
export function backgroundOptions(recipe: Recipe): { method: 'rolling-ball' | 'tophat'; radius: number } | undefined {
  const p = recipe.stages.preprocess;
  if (p.background === 'none') return undefined;
  const d = recipe.stages.objects.nuclei.diameter;
  return { method: p.background, radius: p.backgroundRadius ?? (typeof d === 'number' ? d : 50) };
}
