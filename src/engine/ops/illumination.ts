/**
 * Illumination flattening: divide the image by a heavily smoothed copy of itself (an estimate of the
 * illumination field, as a retrospective flat-field correction of a single image), then rescale so the
 * mean intensity is unchanged. Corrects vignetting and gradients much wider than the objects.
 *
 * For speed, a large sigma (> 8 px) is applied to a block-averaged copy (blocks of floor(sigma / 4) px,
 * so the smoothing still spans >= 4 blocks per sigma) and the field is interpolated back bilinearly;
 * the field is smooth at that scale, so the difference from full-resolution smoothing is small.
 *
 * @see S. Singh, M.-A. Bray, T.R. Jones and A.E. Carpenter, "Pipeline for illumination correction of images
 *   for high-throughput microscopy", J. Microsc. 256(3):231-236 (2014) (CellProfiler's approach; a per-plate
 *   estimate is better than this per-image one when many images share the optics).
 * @see K. Smith et al., "CIDRE: an illumination-correction method for optical microscopy", Nat. Methods 12:404-406 (2015).
 */
import { UserError } from '../errors.js';
import type { Plane } from '../types.js';
import { gaussianF32 } from './gaussian.js';
import { upsampleBilinear } from './upsample.js';

export interface IlluminationOptions {
  /** Smoothing sigma of the illumination estimate in pixels; several times the object diameter (e.g. 50-100). */
  sigma: number;
}

/** The smooth illumination field of `plane` (Float32Array, same scale as the pixels). */
export function illuminationField(plane: Plane, o: IlluminationOptions): Float32Array {
  const { width: w, height: h, data } = plane;
  const sigma = o.sigma;
  if (!(sigma > 0) || !Number.isFinite(sigma)) {
    throw new UserError(`illumination sigma must be a positive number of pixels, got ${sigma}`, 'use several object diameters, e.g. 60');
  }
  const f = sigma > 8 ? Math.floor(sigma / 4) : 1;
  if (f === 1) return gaussianF32(data, w, h, sigma);
  const sw = Math.ceil(w / f);
  const sh = Math.ceil(h / f);
  const sum = new Float64Array(sw * sh);
  const cnt = new Float64Array(sw * sh);
  for (let y = 0; y < h; y++) {
    const so = Math.floor(y / f) * sw;
    for (let x = 0; x < w; x++) {
      const k = so + Math.floor(x / f);
      sum[k] = sum[k]! + data[y * w + x]!;
      cnt[k] = cnt[k]! + 1;
    }
  }
  const small = new Float32Array(sw * sh);
  for (let k = 0; k < small.length; k++) small[k] = sum[k]! / cnt[k]!;
  const blurred = gaussianF32(small, sw, sh, sigma / f);
  const out = new Float32Array(w * h);
  upsampleBilinear(blurred, sw, sh, f, out, w, h);
  return out;
}

/**
 * `plane` divided by its illumination field, rescaled so its mean equals the input's mean.
 * Returns a Float32 plane (bitDepth 32). Where the field is <= 0 (a black region) the field is
 * raised to 1e-6 of its mean so nothing divides by zero. A constant image comes back unchanged.
 */
export function flattenIllumination(plane: Plane, o: IlluminationOptions): Plane {
  const { width: w, height: h, data } = plane;
  const n = w * h;
  const field = illuminationField(plane, o);
  let fieldMean = 0;
  let mean = 0;
  for (let i = 0; i < n; i++) {
    fieldMean += field[i]!;
    mean += data[i]!;
  }
  fieldMean /= n;
  mean /= n;
  const floor = Math.max(1e-6 * Math.abs(fieldMean), Number.MIN_VALUE);
  const out = new Float32Array(n);
  let outMean = 0;
  for (let i = 0; i < n; i++) {
    const f = field[i]!;
    const v = data[i]! / Math.max(f, floor);
    out[i] = v;
    outMean += v;
  }
  outMean /= n;
  const scale = outMean > 0 ? mean / outMean : 1;
  for (let i = 0; i < n; i++) out[i] = out[i]! * scale;
  return { width: w, height: h, data: out, bitDepth: 32 };
}
