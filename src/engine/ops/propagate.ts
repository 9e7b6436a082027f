/**
 * Seeded region growing on an image manifold ("propagation"), as CellProfiler's
 * IdentifySecondaryObjects "Propagation": each pixel of the mask goes to the seed it is closest to,
 * where the distance between neighbouring pixels mixes their intensity difference (cells are split
 * along dark valleys and bright ridges) with the plain spatial step (weighted by the regularisation
 * lambda). A large lambda makes it a Voronoi split by distance; lambda = 0 follows intensity only.
 * @see T. Jones, A. Carpenter, P. Golland, "Voronoi-based segmentation of cells on image
 *   manifolds", CVBIA 2005, LNCS 3765:535-543.
 */
import type { Labels, Mask } from '../types.js';

export interface PropagateOptions {
  /** Weight of the spatial step against the intensity difference (CellProfiler default 0.05). */
  lambda?: number;
  /** Pixels further than this (in the same distance units) from every seed stay background. Default: no limit. */
  maxDistance?: number;
  /** Use only the spatial step (fixed-distance expansion, CellProfiler "Distance - N"). Default false. */
  spatialOnly?: boolean;
}

/**
 * An indexed binary min-heap of pixels ordered by (dist[pixel], seq[pixel]); `seq` is renewed on
 * every insert or decrease, so equal distances leave in the order they were last improved.
 */
class PixelHeap {
  private readonly heap: Int32Array;
  private readonly pos: Int32Array;
  private readonly seq: Float64Array;
  private counter = 0;
  size = 0;
  constructor(
    n: number,
    private readonly dist: Float64Array,
  ) {
    this.heap = new Int32Array(n);
    this.pos = new Int32Array(n).fill(-1);
    this.seq = new Float64Array(n);
  }
  private less(a: number, b: number): boolean {
    const da = this.dist[a]!;
    const db = this.dist[b]!;
    return da < db || (da === db && this.seq[a]! < this.seq[b]!);
  }
  private place(i: number, p: number): void {
    this.heap[i] = p;
    this.pos[p] = i;
  }
  /** Insert p, or move it up after its dist decreased. */
  update(p: number): void {
    this.seq[p] = this.counter++;
    let i = this.pos[p]!;
    if (i < 0) i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const q = this.heap[parent]!;
      if (!this.less(p, q)) break;
      this.place(i, q);
      i = parent;
    }
    this.place(i, p);
  }
  /** Remove and return the pixel with the smallest (dist, seq). */
  pop(): number {
    const top = this.heap[0]!;
    this.pos[top] = -1;
    const n = --this.size;
    if (n > 0) {
      const p = this.heap[n]!;
      let i = 0;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && this.less(this.heap[c + 1]!, this.heap[c]!)) c++;
        if (!this.less(this.heap[c]!, p)) break;
        this.place(i, this.heap[c]!);
        i = c;
      }
      this.place(i, p);
    }
    return top;
  }
}

/**
 * Sum of absolute differences between the 3x3 neighbourhoods of (px, py) and (qx, qy) (edge
 * pixels repeated at the border): a step across an edge costs about three times the edge height,
 * so boundaries between cells outweigh a few pixels of distance.
 */
function patchDifference(img: Float32Array, w: number, h: number, px: number, py: number, qx: number, qy: number): number {
  let sum = 0;
  for (let dy = -1; dy <= 1; dy++) {
    const ya = Math.min(h - 1, Math.max(0, py + dy)) * w;
    const yb = Math.min(h - 1, Math.max(0, qy + dy)) * w;
    for (let dx = -1; dx <= 1; dx++) {
      const xa = Math.min(w - 1, Math.max(0, px + dx));
      const xb = Math.min(w - 1, Math.max(0, qx + dx));
      sum += Math.abs(img[ya + xa]! - img[yb + xb]!);
    }
  }
  return sum;
}

const DX = [1, -1, 0, 0, 1, 1, -1, -1];
const DY = [0, 0, 1, -1, 1, -1, 1, -1];
const STEP = [1, 1, 1, 1, Math.SQRT2, Math.SQRT2, Math.SQRT2, Math.SQRT2];

/**
 * Grow `seeds` over `mask` (seed pixels always keep their label, even outside the mask).
 * Step cost between 8-neighbours p, q at spatial distance s: `sqrt(D^2 + lambda * s^2)` with D the
 * summed absolute difference of their 3x3 neighbourhoods (as CellProfiler's propagate),
 * or `s` with `spatialOnly`; a pixel goes to the seed with the smallest path cost (Dijkstra; equal
 * costs: the pixel reached first, in seed raster order, keeps it). Deterministic.
 * @param image intensities, ideally scaled to 0..1 and lightly smoothed (ignored with spatialOnly)
 * @returns labels with the seeds' ids; pixels outside the mask or beyond maxDistance are 0
 */
export function propagate(seeds: Labels, image: Float32Array | undefined, mask: Mask | undefined, o: PropagateOptions = {}): Labels {
  const { width: w, height: h } = seeds;
  const n = w * h;
  const lambda = o.lambda ?? 0.05;
  const maxD = o.maxDistance ?? Number.POSITIVE_INFINITY;
  const spatial = o.spatialOnly === true || image === undefined;
  const out = new Int32Array(n);
  const dist = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  const done = new Uint8Array(n);
  const heap = new PixelHeap(n, dist);
  for (let i = 0; i < n; i++) {
    const l = seeds.data[i]!;
    if (l > 0) {
      out[i] = l;
      dist[i] = 0;
      heap.update(i);
    }
  }
  const m = mask?.data;
  while (heap.size > 0) {
    const p = heap.pop();
    const d = dist[p]!;
    done[p] = 1;
    const py = (p / w) | 0;
    const px = p - py * w;
    const lp = out[p]!;
    for (let k = 0; k < 8; k++) {
      const x = px + DX[k]!;
      const y = py + DY[k]!;
      if (x < 0 || y < 0 || x >= w || y >= h) continue;
      const q = y * w + x;
      if (done[q] || seeds.data[q]! > 0) continue;
      if (m && m[q] === 0) continue;
      const s = STEP[k]!;
      let c: number;
      if (spatial) c = s;
      else {
        const di = patchDifference(image!, w, h, px, py, x, y);
        c = Math.sqrt(di * di + lambda * s * s);
      }
      const nd = d + c;
      if (nd < dist[q]! && nd <= maxD) {
        dist[q] = nd;
        out[q] = lp;
        heap.update(q);
      }
    }
  }
  return { width: w, height: h, data: out, count: seeds.count };
}

/** Chamfer step: pixel i takes j's seed when that path is strictly shorter. */
function relax(d: Float64Array, out: Int32Array, i: number, j: number, c: number): void {
  const v = d[j]! + c;
  if (v < d[i]!) {
    d[i] = v;
    out[i] = out[j]!;
  }
}

/**
 * Grow every seed by up to `maxDistance` px, each pixel going to the nearest seed, by the two-pass
 * chamfer transform with steps 1 (edge) and √2 (diagonal): the same distances as
 * `propagate(seeds, undefined, undefined, { spatialOnly: true, maxDistance })` in O(pixels).
 * Equal distances: the seed met first by the forward (top-left to bottom-right) pass keeps the pixel,
 * unless the backward pass finds a strictly shorter path.
 * @see G. Borgefors, "Distance transformations in digital images", CVGIP 34:344-371 (1986)
 */
export function expandLabels(seeds: Labels, maxDistance: number): Labels {
  const { width: w, height: h } = seeds;
  const n = w * h;
  const d = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    if (seeds.data[i]! > 0) {
      d[i] = 0;
      out[i] = seeds.data[i]!;
    }
  }
  const S = Math.SQRT2;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      if (d[i] === 0) continue;
      if (x > 0) relax(d, out, i, i - 1, 1);
      if (y > 0) {
        relax(d, out, i, i - w, 1);
        if (x > 0) relax(d, out, i, i - w - 1, S);
        if (x < w - 1) relax(d, out, i, i - w + 1, S);
      }
    }
  }
  for (let y = h - 1; y >= 0; y--) {
    for (let x = w - 1; x >= 0; x--) {
      const i = y * w + x;
      if (d[i] === 0) continue;
      if (x < w - 1) relax(d, out, i, i + 1, 1);
      if (y < h - 1) {
        relax(d, out, i, i + w, 1);
        if (x < w - 1) relax(d, out, i, i + w + 1, S);
        if (x > 0) relax(d, out, i, i + w - 1, S);
      }
    }
  }
  for (let i = 0; i < n; i++) if (d[i]! > maxDistance) out[i] = 0;
  return { width: w, height: h, data: out, count: seeds.count };
}
