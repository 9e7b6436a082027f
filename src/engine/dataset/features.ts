/**
 * Cheap per-image features for choosing a representative subset: brightness, bright tail,
 * foreground fraction, sharpness and saturation. Computed on at most ~65,000 sampled pixels
 * (every k-th row and column), so a 2048x2048 image costs a few milliseconds.
 */
import { gaussianF32 } from '../ops/gaussian.js';
import type { Plane } from '../types.js';

export interface ImageFeatures {
  /** Mean intensity (raw units). */
  mean: number;
  /** 99th percentile intensity (raw units). */
  p99: number;
  /** Share of pixels clearly above background (median + 5 robust SD), 0..1: a proxy for object density. */
  foreground: number;
  /** Focus: gradient energy after a 1-px Gaussian over that after a 3-px one (central 256x256; higher = sharper, ~1 = blurred). */
  sharpness: number;
  /** Share of pixels at the image maximum when it looks clipped (>= 0.1%), else 0. */
  saturated: number;
  /** Object density: bright blobs (8-connected, >= 3 sampled pixels) per 100,000 pixels. */
  objects: number;
}

export const FEATURE_NAMES: (keyof ImageFeatures)[] = ['mean', 'p99', 'foreground', 'sharpness', 'saturated', 'objects'];

const TARGET_SAMPLES = 65_536;

/** Features of one plane (see ImageFeatures). Never mutates the plane. */
export function imageFeatures(plane: Plane): ImageFeatures {
  const { width: w, height: h, data } = plane;
  const step = Math.max(1, Math.floor(Math.sqrt((w * h) / TARGET_SAMPLES)));
  const nx = Math.ceil(w / step);
  const ny = Math.ceil(h / step);
  const sample = new Float32Array(nx * ny);
  let k = 0;
  let sum = 0;
  let max = Number.NEGATIVE_INFINITY;
  for (let y = 0; y < h; y += step)
    for (let x = 0; x < w; x += step) {
      const v = data[y * w + x]!;
      sample[k++] = v;
      sum += v;
      if (v > max) max = v;
    }
  const n = k;
  const sorted = sample.subarray(0, n).slice().sort();
  const q = (p: number) => sorted[Math.min(n - 1, Math.max(0, Math.round(p * (n - 1))))]!;
  const median = q(0.5);
  const dev = new Float32Array(n);
  for (let i = 0; i < n; i++) dev[i] = Math.abs(sorted[i]! - median);
  dev.sort();
  const mad = dev[Math.floor((n - 1) / 2)]! * 1.4826;
  const cut = median + 5 * Math.max(mad, 1e-6);
  let fg = 0;
  let atMax = 0;
  const mean = sum / n;
  for (let i = 0; i < n; i++) {
    const v = sample[i]!;
    if (v > cut) fg++;
    if (v === max) atMax++;
  }
  const sharp = focusRatio(plane);
  const satShare = atMax / n;
  return {
    mean,
    p99: q(0.99),
    foreground: fg / n,
    sharpness: sharp,
    saturated: satShare >= 0.001 && max > median ? satShare : 0,
    objects: (countBlobs(sample, nx, ny, cut) * 100_000) / (w * h),
  };
}

function gradientEnergy(a: Float32Array, w: number, h: number): number {
  let e = 0;
  for (let y = 0; y < h - 1; y++)
    for (let x = 0; x < w - 1; x++) {
      const i = y * w + x;
      const gx = a[i + 1]! - a[i]!;
      const gy = a[i + w]! - a[i]!;
      e += gx * gx + gy * gy;
    }
  return e;
}

/** Fine-scale over coarse-scale gradient energy of the central (at most) 256x256 pixels. */
function focusRatio(plane: Plane): number {
  const cw = Math.min(256, plane.width);
  const ch = Math.min(256, plane.height);
  const x0 = (plane.width - cw) >> 1;
  const y0 = (plane.height - ch) >> 1;
  const crop = new Float32Array(cw * ch);
  for (let y = 0; y < ch; y++) for (let x = 0; x < cw; x++) crop[y * cw + x] = plane.data[(y0 + y) * plane.width + x0 + x]!;
  const fine = gradientEnergy(gaussianF32(crop, cw, ch, 1), cw, ch);
  const coarse = gradientEnergy(gaussianF32(crop, cw, ch, 3), cw, ch);
  return coarse > 0 ? fine / coarse : 0;
}

/** Connected groups (8-connected) of at least 3 grid pixels above `cut` on the sampled grid. */
function countBlobs(sample: Float32Array, nx: number, ny: number, cut: number): number {
  const seen = new Uint8Array(nx * ny);
  const stack = new Int32Array(nx * ny);
  let blobs = 0;
  for (let i = 0; i < nx * ny; i++) {
    if (seen[i] || !(sample[i]! > cut)) continue;
    let top = 0;
    let size = 0;
    stack[top++] = i;
    seen[i] = 1;
    while (top > 0) {
      const p = stack[--top]!;
      size++;
      const px = p % nx;
      const py = (p - px) / nx;
      for (let dy = -1; dy <= 1; dy++) {
        const y = py + dy;
        if (y < 0 || y >= ny) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const x = px + dx;
          if (x < 0 || x >= nx) continue;
          const q = y * nx + x;
          if (!seen[q] && sample[q]! > cut) {
            seen[q] = 1;
            stack[top++] = q;
          }
        }
      }
    }
    if (size >= 3) blobs++;
  }
  return blobs;
}
