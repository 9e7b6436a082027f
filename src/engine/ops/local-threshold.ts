/**
 * Local (adaptive) threshold, as `skimage.filters.threshold_local` (0.19) with mode 'reflect':
 * each pixel's threshold is the Gaussian-weighted or plain mean of its block x block neighbourhood
 * minus `offset`. Foreground is `value > threshold[pixel]`.
 *
 * @see R.C. Gonzalez and R.E. Woods, Digital Image Processing, 2nd ed., Prentice-Hall (2002), pp. 600-612.
 */
import { UserError } from '../errors.js';
import type { Mask, Plane } from '../types.js';

export interface LocalThresholdOptions {
  /** Odd neighbourhood size in pixels (e.g. 2-3 object diameters). */
  blockSize: number;
  /** 'gaussian' (default; sigma = (blockSize - 1) / 6) or 'mean' (box average). */
  method?: 'gaussian' | 'mean';
  /** Subtracted from the local mean (same units as the pixels). Default 0. */
  offset?: number;
}

/** Registry entry of the local method (it returns a per-pixel array, so it is not in THRESHOLDS). */
export const LOCAL_THRESHOLD_INFO = {
  id: 'local',
  name: 'Local (adaptive)',
  description:
    'Compares each pixel with the average of its neighbourhood instead of one number for the whole image. Use when illumination is uneven across the field and flattening does not fix it; the neighbourhood should be a few object diameters wide.',
  citation: 'R.C. Gonzalez, R.E. Woods, Digital Image Processing, 2nd ed. (2002) pp. 600-612; as skimage.filters.threshold_local',
} as const;

/** scipy.ndimage 'reflect' index (d c b a | a b c d), valid for any overshoot. */
function reflectIndex(i: number, n: number): number {
  if (n === 1) return 0;
  const period = 2 * n;
  let k = i % period;
  if (k < 0) k += period;
  return k < n ? k : period - 1 - k;
}

/** Normalised Gaussian kernel of radius floor(4 sigma + 0.5), as scipy. */
function kernel(sigma: number): Float64Array {
  const r = Math.floor(4 * sigma + 0.5);
  const k = new Float64Array(2 * r + 1);
  let sum = 0;
  for (let i = -r; i <= r; i++) {
    const v = Math.exp((-0.5 * i * i) / (sigma * sigma));
    k[i + r] = v;
    sum += v;
  }
  for (let i = 0; i < k.length; i++) k[i] = k[i]! / sum;
  return k;
}

/** Correlate every line of `src` (n lines of length len, stride s along the line, step between lines) with `k`, reflect border. */
function filterLines(
  src: ArrayLike<number>,
  dst: Float64Array,
  lines: number,
  len: number,
  along: number,
  across: number,
  k: Float64Array,
): void {
  const r = (k.length - 1) >> 1;
  const line = new Float64Array(len + 2 * r);
  for (let l = 0; l < lines; l++) {
    const base = l * across;
    for (let i = -r; i < len + r; i++) line[i + r] = src[base + reflectIndex(i, len) * along]!;
    for (let i = 0; i < len; i++) {
      let acc = 0;
      for (let j = 0; j < k.length; j++) acc += k[j]! * line[i + j]!;
      dst[base + i * along] = acc;
    }
  }
}

/** Box mean of size `size` along every line, reflect border, by a running sum. */
function boxLines(
  src: ArrayLike<number>,
  dst: Float64Array,
  lines: number,
  len: number,
  along: number,
  across: number,
  size: number,
): void {
  const r = (size - 1) >> 1;
  const line = new Float64Array(len + 2 * r);
  for (let l = 0; l < lines; l++) {
    const base = l * across;
    for (let i = -r; i < len + r; i++) line[i + r] = src[base + reflectIndex(i, len) * along]!;
    let acc = 0;
    for (let j = 0; j < size; j++) acc += line[j]!;
    dst[base] = acc / size;
    for (let i = 1; i < len; i++) {
      acc += line[i + size - 1]! - line[i - 1]!;
      dst[base + i * along] = acc / size;
    }
  }
}

/**
 * Per-pixel threshold (Float32Array, row-major) of `plane`. Foreground is `value > threshold[i]`.
 * Throws a UserError for an even or non-positive block size.
 */
export function localThreshold(plane: Plane, o: LocalThresholdOptions): Float32Array {
  const { width: w, height: h, data } = plane;
  const bs = o.blockSize;
  if (!Number.isInteger(bs) || bs < 1 || bs % 2 === 0) {
    throw new UserError(`local threshold block size must be an odd whole number of pixels, got ${bs}`, 'use e.g. 15, 31 or 51');
  }
  const offset = o.offset ?? 0;
  const tmp = new Float64Array(w * h);
  const res = new Float64Array(w * h);
  if ((o.method ?? 'gaussian') === 'gaussian') {
    const k = kernel((bs - 1) / 6);
    if (k.length === 1) {
      for (let i = 0; i < w * h; i++) res[i] = data[i]!;
    } else {
      filterLines(data, tmp, h, w, 1, w, k); // rows
      filterLines(tmp, res, w, h, w, 1, k); // columns
    }
  } else {
    boxLines(data, tmp, h, w, 1, w, bs);
    boxLines(tmp, res, w, h, w, 1, bs);
  }
  const out = new Float32Array(w * h);
  for (let i = 0; i < w * h; i++) out[i] = res[i]! - offset;
  return out;
}

/** Mask of pixels above their local threshold (`value > threshold[i]`). */
export function applyLocalThreshold(plane: Plane, o: LocalThresholdOptions): Mask {
  const t = localThreshold(plane, o);
  const { width, height, data } = plane;
  const m = new Uint8Array(width * height);
  for (let i = 0; i < m.length; i++) m[i] = data[i]! > t[i]! ? 1 : 0;
  return { width, height, data: m };
}
