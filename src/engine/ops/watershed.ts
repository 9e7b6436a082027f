/**
 * Marker-controlled watershed by priority flooding (as skimage.segmentation.watershed with
 * connectivity 1 and compactness 0): every marker pixel is queued; the lowest queued pixel is
 * taken (ties: the one queued first) and each unlabelled 4-neighbour inside the mask gets its
 * label and is queued with its own surface value. Pixels never reached stay 0.
 * Written by hand over typed arrays (a binary heap of pixel indices): no npm package floods
 * typed-array images without per-pixel objects.
 * @see F. Meyer, "Topographic distance and watershed lines", Signal Process. 38:113-125 (1994).
 */
import type { Labels, Mask } from '../types.js';
import { doneWithScratch, type KernelExports, moreScratch, withScratch } from '../wasm/kernels.js';

/** Binary min-heap on (value, age) over pixel indices, in typed arrays. */
class PixelHeap {
  private val: Float64Array;
  private age: Float64Array;
  private idx: Int32Array;
  size = 0;
  constructor(capacity: number) {
    this.val = new Float64Array(capacity);
    this.age = new Float64Array(capacity);
    this.idx = new Int32Array(capacity);
  }
  private less(a: number, b: number): boolean {
    const va = this.val[a]!;
    const vb = this.val[b]!;
    return va < vb || (va === vb && this.age[a]! < this.age[b]!);
  }
  private swap(a: number, b: number): void {
    const v = this.val[a]!;
    this.val[a] = this.val[b]!;
    this.val[b] = v;
    const g = this.age[a]!;
    this.age[a] = this.age[b]!;
    this.age[b] = g;
    const i = this.idx[a]!;
    this.idx[a] = this.idx[b]!;
    this.idx[b] = i;
  }
  push(value: number, age: number, index: number): void {
    if (this.size === this.idx.length) this.grow();
    let c = this.size++;
    this.val[c] = value;
    this.age[c] = age;
    this.idx[c] = index;
    while (c > 0) {
      const p = (c - 1) >> 1;
      if (!this.less(c, p)) break;
      this.swap(c, p);
      c = p;
    }
  }
  /** Remove the smallest and return its pixel index. */
  pop(): number {
    const top = this.idx[0]!;
    const last = --this.size;
    if (last > 0) {
      this.val[0] = this.val[last]!;
      this.age[0] = this.age[last]!;
      this.idx[0] = this.idx[last]!;
      let p = 0;
      for (;;) {
        const l = 2 * p + 1;
        if (l >= last) break;
        const r = l + 1;
        const c = r < last && this.less(r, l) ? r : l;
        if (!this.less(c, p)) break;
        this.swap(c, p);
        p = c;
      }
    }
    return top;
  }
  private grow(): void {
    const cap = this.idx.length * 2;
    const v = new Float64Array(cap);
    v.set(this.val);
    const g = new Float64Array(cap);
    g.set(this.age);
    const i = new Int32Array(cap);
    i.set(this.idx);
    this.val = v;
    this.age = g;
    this.idx = i;
  }
}

/**
 * Flood `surface` (w x h, lower = earlier) from the non-zero pixels of `markers`, inside `mask`
 * when given. Output ids are the marker ids; `count` is the largest id.
 */
export function watershed(surface: Float32Array, markers: Labels, mask?: Mask): Labels {
  const { width: w, height: h } = markers;
  const n = w * h;
  const out = new Int32Array(n);
  const m = mask?.data;
  let nMask = n;
  if (m) {
    nMask = 0;
    for (let i = 0; i < n; i++) if (m[i] !== 0) nMask++;
  }
  const heap = new PixelHeap(Math.max(16, nMask + 1));
  let count = 0;
  let age = 0;
  const mk = markers.data;
  for (let i = 0; i < n; i++) {
    const l = mk[i]!;
    if (l === 0 || (m && m[i] === 0)) continue;
    out[i] = l;
    if (l > count) count = l;
    heap.push(surface[i]!, age++, i);
  }
  while (heap.size > 0) {
    const i = heap.pop();
    const l = out[i]!;
    const x = i % w;
    // neighbours in raster order: up, left, right, down
    if (i >= w) {
      const j = i - w;
      if (out[j] === 0 && m?.[j] !== 0) {
        out[j] = l;
        heap.push(surface[j]!, age++, j);
      }
    }
    if (x > 0) {
      const j = i - 1;
      if (out[j] === 0 && m?.[j] !== 0) {
        out[j] = l;
        heap.push(surface[j]!, age++, j);
      }
    }
    if (x < w - 1) {
      const j = i + 1;
      if (out[j] === 0 && m?.[j] !== 0) {
        out[j] = l;
        heap.push(surface[j]!, age++, j);
      }
    }
    if (i < n - w) {
      const j = i + w;
      if (out[j] === 0 && m?.[j] !== 0) {
        out[j] = l;
        heap.push(surface[j]!, age++, j);
      }
    }
  }
  return { width: w, height: h, data: out, count };
}

/**
 * The same flooding on integer levels 0..nLevels-1 (lower floods first) with a bucket queue:
 * O(1) per pixel instead of O(log n). Gives exactly `watershed`'s result when `levels` ranks the
 * surface values exactly (e.g. squared distances), since both take equal values first-in first-out.
 */
export function watershedLevels(levels: Int32Array, nLevels: number, markers: Labels, mask?: Mask): Labels {
  const n = markers.width * markers.height;
  return floodLevels(nLevels, markers, mask, (k, pLevels) => new Int32Array(k.memory.buffer, pLevels, n).set(levels.subarray(0, n)));
}

/**
 * `watershedLevels` on the distance transform: flooding from the object centres outwards, the
 * levels being maxD2 - d2 (which ranks -distance exactly) inside the mask.
 */
export function watershedOnSquares(d2: Int32Array | Float64Array, maxD2: number, markers: Labels, mask: Mask): Labels {
  const n = markers.width * markers.height;
  return floodLevels(maxD2 + 1, markers, mask, (k, pLevels, pMask) => {
    if (d2 instanceof Int32Array) {
      // in place: the squares become the levels
      new Int32Array(k.memory.buffer, pLevels, n).set(d2.subarray(0, n));
      k.distanceLevelsI32(pMask, pLevels, maxD2, pLevels, n);
    } else {
      const [pD2] = moreScratch(8 * n);
      new Float64Array(k.memory.buffer, pD2, n).set(d2.subarray(0, n));
      k.distanceLevelsF64(pMask, pD2, maxD2, pLevels, n);
    }
  });
}

/** Copy markers and mask into the kernels' memory, let `setLevels` fill the levels, flood. */
function floodLevels(
  nLevels: number,
  markers: Labels,
  mask: Mask | undefined,
  setLevels: (k: KernelExports, pLevels: number, pMask: number) => void,
): Labels {
  const { width: w, height: h } = markers;
  const n = w * h;
  // a WebAssembly kernel (src/engine/wasm/assembly/flood.ts): the queue lives in its memory
  const { k, at } = withScratch(4 * n, 4 * n, mask ? n : 0, 4 * n, 4 * nLevels, 4 * nLevels, 4 * n);
  const [pLevels, pMarkers, pMask, pOut, pHead, pTail, pNext] = at;
  new Int32Array(k.memory.buffer, pMarkers, n).set(markers.data.subarray(0, n));
  if (mask) new Uint8Array(k.memory.buffer, pMask, n).set(mask.data.subarray(0, n));
  setLevels(k, pLevels, pMask);
  const count = k.watershedLevels(pLevels, nLevels, pMarkers, mask ? pMask : 0, pOut, pHead, pTail, pNext, w, h);
  const data = new Int32Array(k.memory.buffer, pOut, n).slice();
  doneWithScratch();
  return { width: w, height: h, data, count };
}
