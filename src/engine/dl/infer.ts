/**
 * Running an ONNX model on one image with onnxruntime-node (CPU): the package's preprocessing,
 * resampling to the model's scale, tiling with overlap, postprocessing, and resampling back.
 * onnxruntime-node is imported on first use (not when this module loads). Sessions are cached
 * by weights checksum and thread count.
 */
import type { InferenceSession } from 'onnxruntime-node';
import { UserError } from '../errors.js';
import type { LongWorkOptions } from '../types.js';
import type { ModelPackage, ProcessingStep } from './bmz.js';

const sessions = new Map<string, Promise<InferenceSession>>();

/** The cached onnxruntime session of a package (created once per weights and thread count). */
export function getSession(pkg: ModelPackage, threads = 1): Promise<InferenceSession> {
  const key = `${pkg.sha256}:${threads}`;
  let s = sessions.get(key);
  if (!s) {
    s = (async () => {
      const ort = await import('onnxruntime-node');
      try {
        return await ort.InferenceSession.create(pkg.weights, {
          intraOpNumThreads: threads,
          interOpNumThreads: 1,
          executionProviders: ['cpu'],
          graphOptimizationLevel: 'all',
        });
      } catch (err) {
        throw new UserError(
          `${pkg.source}: onnxruntime cannot load the weights (${(err as Error).message.split('\n')[0]})`,
          'the ONNX file may be damaged or use operators this runtime lacks',
        );
      }
    })();
    sessions.set(key, s);
    s.catch(() => sessions.delete(key));
  }
  return s;
}

/**
 * Linear-interpolated percentile (numpy's default) of `values`, q in 0..100.
 * Integer data of 8 or 16 bits uses a counting histogram; anything else a sorted copy.
 */
export function percentile(values: ArrayLike<number>, q: number): number {
  const n = values.length;
  if (n === 0) return Number.NaN;
  const pos = (q / 100) * (n - 1);
  const lo = Math.floor(pos);
  const frac = pos - lo;
  if (values instanceof Uint8Array || values instanceof Uint16Array) {
    const hist = new Uint32Array(values instanceof Uint8Array ? 256 : 65536);
    for (let i = 0; i < n; i++) hist[values[i]!]!++;
    let acc = 0;
    let a = -1;
    let b = -1;
    for (let v = 0; v < hist.length; v++) {
      acc += hist[v]!;
      if (a < 0 && acc > lo) a = v;
      if (acc > lo + 1 || (acc === n && acc > lo)) {
        b = v;
        break;
      }
    }
    if (b < 0) b = a;
    return a + frac * (b - a);
  }
  const sorted = Float32Array.from(values).sort();
  const a = sorted[lo]!;
  const b = sorted[Math.min(n - 1, lo + 1)]!;
  return a + frac * (b - a);
}

/** Apply preprocessing steps to a whole image (per-sample statistics). Returns a new array. */
export function preprocess(values: ArrayLike<number>, stepsIn: ProcessingStep[]): Float32Array {
  let src: ArrayLike<number> = values;
  let out: Float32Array = Float32Array.from(values as ArrayLike<number>);
  for (const s of stepsIn) {
    const k = s.kwargs;
    const num = (name: string, def: number) => (typeof k[name] === 'number' ? (k[name] as number) : def);
    if (s.id === 'scale_range') {
      const lo = percentile(src, num('min_percentile', 0));
      const hi = percentile(src, num('max_percentile', 100));
      const d = hi - lo + num('eps', 1e-6);
      for (let i = 0; i < out.length; i++) out[i] = (out[i]! - lo) / d;
    } else if (s.id === 'zero_mean_unit_variance') {
      let m = 0;
      for (let i = 0; i < out.length; i++) m += out[i]!;
      m /= out.length;
      let v = 0;
      for (let i = 0; i < out.length; i++) v += (out[i]! - m) ** 2;
      const sd = Math.sqrt(v / out.length) + num('eps', 1e-6);
      for (let i = 0; i < out.length; i++) out[i] = (out[i]! - m) / sd;
    } else {
      out = pointwise(out, s);
    }
    src = out;
  }
  return out;
}

/** Pointwise steps (sigmoid, clip, scale_linear), in place. */
export function pointwise(out: Float32Array, s: ProcessingStep): Float32Array {
  const k = s.kwargs;
  if (s.id === 'sigmoid') {
    for (let i = 0; i < out.length; i++) out[i] = 1 / (1 + Math.exp(-out[i]!));
  } else if (s.id === 'clip') {
    const lo = typeof k.min === 'number' ? k.min : Number.NEGATIVE_INFINITY;
    const hi = typeof k.max === 'number' ? k.max : Number.POSITIVE_INFINITY;
    for (let i = 0; i < out.length; i++) out[i] = Math.min(hi, Math.max(lo, out[i]!));
  } else if (s.id === 'scale_linear') {
    const g = typeof k.gain === 'number' ? k.gain : 1;
    const o = typeof k.offset === 'number' ? k.offset : 0;
    for (let i = 0; i < out.length; i++) out[i] = out[i]! * g + o;
  }
  return out;
}

/**
 * Bilinear resampling (pixel centres aligned, as torch's interpolate with align_corners=False,
 * no antialiasing) of `c` stacked channels of w x h to nw x nh.
 */
export function resizeBilinear(src: Float32Array, w: number, h: number, nw: number, nh: number, c = 1): Float32Array {
  if (nw === w && nh === h) return src.slice();
  const out = new Float32Array(nw * nh * c);
  const sx = w / nw;
  const sy = h / nh;
  const x0 = new Int32Array(nw);
  const x1 = new Int32Array(nw);
  const fx = new Float32Array(nw);
  for (let x = 0; x < nw; x++) {
    const p = Math.max(0, (x + 0.5) * sx - 0.5);
    const i = Math.min(w - 1, Math.floor(p));
    x0[x] = i;
    x1[x] = Math.min(w - 1, i + 1);
    fx[x] = p - i;
  }
  for (let ch = 0; ch < c; ch++) {
    const so = ch * w * h;
    const oo = ch * nw * nh;
    for (let y = 0; y < nh; y++) {
      const p = Math.max(0, (y + 0.5) * sy - 0.5);
      const j = Math.min(h - 1, Math.floor(p));
      const j1 = Math.min(h - 1, j + 1);
      const fy = p - j;
      const r0 = so + j * w;
      const r1 = so + j1 * w;
      const ro = oo + y * nw;
      for (let x = 0; x < nw; x++) {
        const a = src[r0 + x0[x]!]! + fx[x]! * (src[r0 + x1[x]!]! - src[r0 + x0[x]!]!);
        const b = src[r1 + x0[x]!]! + fx[x]! * (src[r1 + x1[x]!]! - src[r1 + x0[x]!]!);
        out[ro + x] = a + fy * (b - a);
      }
    }
  }
  return out;
}

export interface TileOptions extends LongWorkOptions {
  /** Tile side in model pixels (rounded down to the model's size step). Default 512. */
  tile?: number;
  /** Context discarded at each inner tile edge (px). Default 32. */
  margin?: number;
}

/** Mirror index into 0..n-1 (reflect without repeating the edge pixel, as numpy 'reflect'). */
function mirror(i: number, n: number): number {
  if (n === 1) return 0;
  const p = 2 * (n - 1);
  let k = ((i % p) + p) % p;
  if (k >= n) k = p - k;
  return k;
}

/** Copy a th x tw window at (ty, tx) of a w x h image, mirrored outside the image. */
function window(img: Float32Array, w: number, h: number, ty: number, tx: number, th: number, tw: number): Float32Array {
  const out = new Float32Array(th * tw);
  for (let y = 0; y < th; y++) {
    const sy = mirror(ty + y, h) * w;
    for (let x = 0; x < tw; x++) out[y * tw + x] = img[sy + mirror(tx + x, w)]!;
  }
  return out;
}

/** Tile starts along one axis of length n (padded tile side t), overlapping by 2 margins. */
function starts(n: number, t: number, margin: number): number[] {
  if (n <= t) return [0];
  const stride = t - 2 * margin;
  const s: number[] = [];
  for (let p = 0; p + t < n; p += stride) s.push(p);
  s.push(n - t);
  return s;
}

/**
 * Run the model on a preprocessed w x h image, in overlapping tiles; returns the raw output
 * channels (c x h x w, before postprocessing). Tile edges inside the image drop `margin` pixels
 * of context; the image border is mirrored up to the model's size step.
 */
export async function predictTiled(
  session: InferenceSession,
  pkg: ModelPackage,
  img: Float32Array,
  w: number,
  h: number,
  o: TileOptions = {},
): Promise<{ data: Float32Array; channels: number }> {
  const ort = await import('onnxruntime-node');
  const step = Math.max(1, pkg.input.step);
  const margin = o.margin ?? 32;
  const roundUp = (v: number) => Math.max(pkg.input.minSize, Math.ceil(v / step) * step);
  const tileMax = Math.max(roundUp(2 * margin + step), Math.floor((o.tile ?? 512) / step) * step);
  const th = Math.min(tileMax, roundUp(h));
  const tw = Math.min(tileMax, roundUp(w));
  // tiles start on multiples of the size step (as the pooling grid of one pass over the padded image)
  const ys = starts(roundUp(h), th, margin);
  const xs = starts(roundUp(w), tw, margin);
  let out: Float32Array | undefined;
  let channels = 0;
  const total = ys.length * xs.length;
  let done = 0;
  const inName = session.inputNames[0]!;
  const outName = session.outputNames[0]!;
  const shape = pkg.input.axes === 'bcyx' ? [1, 1, th, tw] : pkg.input.axes === 'cyx' || pkg.input.axes === 'byx' ? [1, th, tw] : [th, tw];
  for (const ty of ys) {
    for (const tx of xs) {
      if (o.signal?.aborted) throw new UserError('model inference stopped', 'run it again to continue');
      const tile = window(img, w, h, ty, tx, th, tw);
      const res = await session.run({ [inName]: new ort.Tensor('float32', tile, shape) });
      const t = res[outName]!;
      const data = t.data as Float32Array;
      const c = data.length / (th * tw);
      if (!Number.isInteger(c))
        throw new UserError(
          `${pkg.source}: the output is not the input's size (${t.dims.join('x')})`,
          'only models whose output matches the input in y and x can run here',
        );
      if (!out) {
        channels = c;
        out = new Float32Array(c * w * h);
      }
      // the part of the tile this tile is trusted for: all but the margins at inner edges
      const y0 = ty === 0 ? 0 : ty + margin;
      const x0 = tx === 0 ? 0 : tx + margin;
      const y1 = Math.min(h, ty + th >= roundUp(h) ? h : ty + th - margin);
      const x1 = Math.min(w, tx + tw >= roundUp(w) ? w : tx + tw - margin);
      for (let ch = 0; ch < c; ch++) {
        for (let y = y0; y < y1; y++) {
          const src = ch * th * tw + (y - ty) * tw - tx;
          const dst = ch * w * h + y * w;
          for (let x = x0; x < x1; x++) out[dst + x] = data[src + x]!;
        }
      }
      o.onProgress?.({ done: ++done, total, label: 'model tiles' });
    }
  }
  return { data: out!, channels };
}
