/**
 * Gaussian smoothing, separable, as scipy.ndimage.gaussian_filter with mode 'nearest'
 * (the border pixel repeats; scikit-image's `filters.gaussian` default) and truncate 4:
 * the kernel has radius round(4 sigma) and is normalised to sum 1.
 */
import type { Plane } from '../types.js';
import { doneWithScratch, withScratch } from '../wasm/kernels.js';

/** Normalised 1D Gaussian kernel of radius round(truncate * sigma). */
export function gaussianKernel(sigma: number, truncate = 4): Float32Array {
  const radius = Math.max(0, Math.floor(truncate * sigma + 0.5));
  const k = new Float32Array(2 * radius + 1);
  let sum = 0;
  for (let i = -radius; i <= radius; i++) {
    const v = Math.exp((-0.5 * i * i) / (sigma * sigma));
    k[i + radius] = v;
    sum += v;
  }
  for (let i = 0; i < k.length; i++) k[i] = k[i]! / sum;
  return k;
}

/** A Float32 copy of any typed pixel array (one monomorphic pass, so the filters stay fast). */
export function toFloat32(src: ArrayLike<number>, n: number): Float32Array {
  if (src instanceof Float32Array) return src;
  const out = new Float32Array(n);
  if (src instanceof Uint16Array || src instanceof Uint8Array || src instanceof Int32Array) out.set(src);
  else for (let i = 0; i < n; i++) out[i] = src[i]!;
  return out;
}

/**
 * Gaussian-smooth a raw w x h array into a Float32Array (`out` if given, which may not be `src`).
 * sigma <= 0 copies. `truncate` (default 4, as scipy) sets the kernel radius in sigmas.
 */
export function gaussianF32(src: ArrayLike<number>, w: number, h: number, sigma: number, out?: Float32Array, truncate = 4): Float32Array {
  const dst = out ?? new Float32Array(w * h);
  if (!(sigma > 0)) {
    dst.set(toFloat32(src, w * h).subarray(0, w * h));
    return dst;
  }
  const k = gaussianKernel(sigma, truncate);
  const n = w * h;
  const kl = k.length;
  // rows, then columns: WebAssembly kernels (src/engine/wasm/assembly/gaussian.ts)
  const { k: kern, at } = withScratch(4 * n, 4 * n, 4 * n, 4 * kl, 4 * (w + kl), 4 * kl);
  const [pSrc, pTmp, pDst, pK, pLine, pRowOff] = at;
  const into = new Float32Array(kern.memory.buffer, pSrc, n);
  if (src instanceof Uint16Array || src instanceof Uint8Array || src instanceof Float32Array) into.set(src.subarray(0, n));
  else into.set(toFloat32(src, n).subarray(0, n));
  new Float32Array(kern.memory.buffer, pK, kl).set(k);
  kern.blurRows(pSrc, pTmp, w, h, pK, kl, pLine);
  kern.blurCols(pTmp, pDst, w, h, pK, kl, pRowOff);
  dst.set(new Float32Array(kern.memory.buffer, pDst, n));
  doneWithScratch();
  return dst;
}

/** Gaussian-smoothed copy of `plane` as 32-bit float (values keep their original scale). */
export function gaussian(plane: Plane, sigma: number): Plane {
  return { width: plane.width, height: plane.height, data: gaussianF32(plane.data, plane.width, plane.height, sigma), bitDepth: 32 };
}

/**
 * Smoothing with the 5-tap binomial kernel [1 4 6 4 1]/16 in both directions: a Gaussian of
 * sigma exactly 1 px in variance (within 2% of the peak weight of `gaussianF32(.., 1)`'s 9-tap
 * kernel, at a fraction of the cost). Border pixels repeat (scipy 'nearest'). Runs as a
 * WebAssembly kernel (src/engine/wasm): integer arithmetic for 8/16-bit data, float64 otherwise.
 * @see P. Burt, E. Adelson, IEEE Trans. Commun. 31:532-540 (1983).
 */
export function binomialSmooth(src: ArrayLike<number>, w: number, h: number): Float32Array {
  const n = w * h;
  const integer = src instanceof Uint16Array || src instanceof Uint8Array;
  const input = integer ? undefined : toFloat32(src, n);
  const {
    k,
    at: [pSrc, pTmp, pOut],
  } = withScratch(integer ? 2 * n : 4 * n, 4 * n, 4 * n);
  if (input) new Float32Array(k.memory.buffer, pSrc, n).set(input.subarray(0, n));
  else new Uint16Array(k.memory.buffer, pSrc, n).set((src as Uint16Array | Uint8Array).subarray(0, n));
  (integer ? k.binomialU16 : k.binomialF32)(pSrc, pTmp, pOut, w, h);
  const out = new Float32Array(k.memory.buffer, pOut, n).slice();
  doneWithScratch();
  return out;
}
