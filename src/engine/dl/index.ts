/**
 * Nucleus segmentation with a trained network (ScopePilot's own U-Net by default, or any
 * BioImage Model Zoo package with ONNX weights), returning the same result shape as the
 * classical `segmentNuclei`. Steps: estimate the nucleus size (classical first foreground),
 * resample so nuclei are the size the model expects, percentile-normalise, run the
 * model in overlapping tiles, resample the probabilities back, seeded watershed.
 * Nothing is downloaded: the default model ships in models/nuclei/.
 * @see O. Ronneberger et al., U-Net, MICCAI 2015, LNCS 9351:234-241.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../errors.js';
import { cappedDistances } from '../ops/distance.js';
import { binomialSmooth } from '../ops/gaussian.js';
import { estimateDiameter } from '../segment/diameter.js';
import type { SegmentResult } from '../segment/index.js';
import { emptyFieldVerdict, foregroundAndContrast, MIN_CONTRAST, round2 } from '../segment/steps.js';
import { thresholdFor } from '../segment/threshold.js';
import { stageTimer } from '../segment/timing.js';
import type { LongWorkOptions, Plane, QcVerdict } from '../types.js';
import { loadModelPackage, type ModelPackage } from './bmz.js';
import { getSession, pointwise, predictTiled, preprocess, resizeBilinear } from './infer.js';
import { labelsFromMaps } from './postprocess.js';

export { loadModelPackage, type ModelPackage } from './bmz.js';
export { checkTestTensors, type TestTensorCheck } from './check.js';

export interface ModelSegmentOptions extends LongWorkOptions {
  /** BMZ package folder, .zip, rdf.yaml or .onnx; default ScopePilot's nuclei model. */
  modelPath?: string;
  /** Resampling factor before the model (2 = twice as many pixels per side), or 'auto' (default). */
  scale?: number | 'auto';
  /** Typical nucleus diameter (px) instead of estimating it; sets the scale when scale is 'auto'. */
  diameter?: number;
  /** Foreground probability cut-off (default 0.5). */
  foregroundLevel?: number;
  /** Seed cut-off on the normalised distance (default 0.5). */
  seedLevel?: number;
  /** Tile side in model pixels (default 512) and its discarded margin (default 32). */
  tile?: number;
  margin?: number;
  /** onnxruntime threads (default 1). */
  threads?: number;
  /** Return no objects when the image has no contrast (as the classical path); default true. */
  emptyCheck?: boolean;
}

const FALLBACK_DIAMETER = 20;
const MIN_SCALE = 0.25;
const MAX_SCALE = 4;

/** Path of the shipped nuclei model package (models/nuclei), from src/ or dist/. */
export function defaultModelPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const p = join(dir, 'models', 'nuclei');
    if (existsSync(join(p, 'rdf.yaml'))) return p;
    dir = resolve(dir, '..');
  }
  throw new UserError(
    'the built-in nuclei model (models/nuclei/rdf.yaml) is missing from this installation',
    'reinstall ScopePilot, or give --model PATH',
  );
}

const packages = new Map<string, Promise<ModelPackage>>();

/** Load (once per path) and validate a model package. */
export function getModelPackage(path?: string): Promise<ModelPackage> {
  const p = resolve(path ?? defaultModelPath());
  let pkg = packages.get(p);
  if (!pkg) {
    pkg = loadModelPackage(p);
    packages.set(p, pkg);
    pkg.catch(() => packages.delete(p));
  }
  return pkg;
}

/**
 * Typical nucleus diameter from the classical first foreground (as segmentNuclei estimates it),
 * and the foreground contrast in noise standard deviations (below MIN_CONTRAST: an empty field).
 */
export function estimateNucleusDiameter(plane: Plane): { diameter: number | undefined; contrast: number } {
  const s = binomialSmooth(plane.data, plane.width, plane.height);
  const t = thresholdFor('otsu-sqrt', s, 1);
  const { mask, contrast } = foregroundAndContrast(s, t, true, plane.width);
  return { diameter: estimateDiameter(mask, cappedDistances(mask).dist), contrast };
}

/**
 * Find nuclei in one plane with a network. Async (onnxruntime runs off the JS thread).
 * `threshold` in the result is NaN (no intensity threshold is used); `params` records the
 * model name, version, checksum, diameter and scale used.
 */
export async function segmentWithModel(plane: Plane, opts: ModelSegmentOptions = {}): Promise<SegmentResult> {
  const { timingsMs, lap } = stageTimer();
  const qc: QcVerdict[] = [];
  const pkg = await getModelPackage(opts.modelPath);
  const session = await getSession(pkg, opts.threads ?? 1);
  lap('load');
  const { width: w, height: h } = plane;

  let diameter = opts.diameter;
  let source = 'given';
  const { diameter: est, contrast } = estimateNucleusDiameter(plane);
  lap('estimateDiameter');
  if (contrast < MIN_CONTRAST && opts.emptyCheck !== false) {
    // percentile normalisation would stretch pure noise into "nuclei": stop as the classical path does
    qc.push(emptyFieldVerdict(contrast, 'look at the image; if it holds objects, run again with the empty check off'));
    const labels = { width: w, height: h, data: new Int32Array(w * h), count: 0 };
    const params = {
      method: 'model',
      model: pkg.name,
      modelVersion: pkg.version ?? '',
      modelSha256: pkg.sha256,
      contrast: round2(contrast),
    };
    return { labels, params, threshold: Number.NaN, discarded: { small: [], large: [], border: 0 }, timingsMs, qc };
  }
  if (diameter === undefined) {
    diameter = est ?? FALLBACK_DIAMETER;
    source = est === undefined ? 'fallback' : 'estimated';
    if (est === undefined)
      qc.push({
        check: 'diameter',
        level: 'warn',
        message: `no objects to measure the size from; assumed ${FALLBACK_DIAMETER} px`,
        action: 'give the diameter',
      });
    lap('estimateDiameter');
  }
  let scale = typeof opts.scale === 'number' ? opts.scale : pkg.trainingDiameter ? pkg.trainingDiameter / diameter : 1;
  if (!(scale > 0))
    throw new UserError(
      `scale ${String(opts.scale)}: expected a positive number or 'auto'`,
      'e.g. scale 0.5 halves the image before the model',
    );
  if (opts.scale === undefined || opts.scale === 'auto') {
    const clamped = Math.min(MAX_SCALE, Math.max(MIN_SCALE, scale));
    if (clamped !== scale) {
      qc.push({
        check: 'model-scale',
        level: 'warn',
        message: `nuclei of ${diameter.toFixed(1)} px are far from the ${pkg.trainingDiameter} px the model expects; resampled by ${clamped} only`,
        value: scale,
        action: 'check the objects on the overlay; give the diameter if the estimate is wrong',
      });
      scale = clamped;
    }
  }
  const sw = Math.max(1, Math.round(w * scale));
  const sh = Math.max(1, Math.round(h * scale));

  const norm = preprocess(plane.data, pkg.preprocessing);
  const input = resizeBilinear(norm, w, h, sw, sh);
  lap('preprocess');
  const raw = await predictTiled(session, pkg, input, sw, sh, {
    tile: opts.tile,
    margin: opts.margin,
    signal: opts.signal,
    onProgress: opts.onProgress,
  });
  lap('model');
  let maps = raw.data;
  for (const s of pkg.postprocessing) maps = pointwise(maps, s);
  maps = resizeBilinear(maps, sw, sh, w, h, raw.channels);
  lap('postprocess');
  const fg = maps.subarray(0, w * h);
  const nd = pkg.outputKind === 'foreground-distance' && raw.channels >= 2 ? maps.subarray(w * h, 2 * w * h) : undefined;
  const { labels, removedSmall, seeds } = labelsFromMaps(fg, nd, w, h, {
    diameter,
    foregroundLevel: opts.foregroundLevel,
    seedLevel: opts.seedLevel,
  });
  lap('watershed');
  if (labels.count === 0)
    qc.push({ check: 'objects', level: 'warn', message: 'no objects found', value: 0, action: 'check the image, the model and the scale' });
  const params: Record<string, number | string | boolean> = {
    method: 'model',
    model: pkg.name,
    modelVersion: pkg.version ?? '',
    modelSha256: pkg.sha256,
    modelSource: opts.modelPath === undefined ? 'builtin' : pkg.source,
    modelTrainingData: pkg.trainingData ?? 'not stated',
    diameter: round2(diameter),
    diameterSource: source,
    scale: round4(scale),
    foregroundLevel: opts.foregroundLevel ?? 0.5,
    seedLevel: opts.seedLevel ?? 0.5,
    seeds,
    contrast: round2(contrast),
  };
  return { labels, params, threshold: Number.NaN, discarded: { small: removedSmall, large: [], border: 0 }, timingsMs, qc };
}

const round4 = (v: number) => Math.round(v * 10000) / 10000;

/**
 * `segmentWithModel` for the option record of `segmentNuclei` plus `model` (a package path, or
 * 'builtin' for the shipped one), so a batch or a recipe can switch method with one field.
 * Uses `diameter` (a number, or 'auto'), `scale`, `seedLevel`, `modelThreads`; the classical-only
 * options (threshold, declump, smoothing ...) are ignored.
 */
export function segmentModel(plane: Plane, opts: Record<string, unknown> = {}): Promise<SegmentResult> {
  const model = typeof opts.model === 'string' && opts.model !== 'builtin' && opts.model !== '' ? opts.model : undefined;
  const num = (v: unknown) =>
    typeof v === 'number' && Number.isFinite(v)
      ? v
      : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))
        ? Number(v)
        : undefined;
  return segmentWithModel(plane, {
    modelPath: model,
    diameter: num(opts.diameter),
    scale: num(opts.scale),
    seedLevel: num(opts.seedLevel),
    threads: num(opts.modelThreads),
    signal: opts.signal instanceof AbortSignal ? opts.signal : undefined,
  });
}
