/**
 * The WebAssembly kernels: the hottest pixel loops (smoothing and the Gaussian, the distance
 * transform, watershed, hole filling, seeds, the neck test, the Otsu-sqrt histogram, the size
 * filter and the blur metric's Fourier sums), written in AssemblyScript
 * (src/engine/wasm/assembly) and compiled by `npm run build` to kernels.wasm beside this file.
 *
 * Why not plain JavaScript: the binomial smoothing in JavaScript ran 2.5x slower once optimised
 * (no SIMD, float32 loads widened to float64, bounds checks) and 3x slower on the first images of
 * every worker, which run before V8 has optimised them and are re-optimised several times;
 * WebAssembly runs at full speed after a 1 ms compile. Each call copies its input into the
 * module's memory and its result out, so callers get ordinary typed arrays and never see the module.
 */
import { readFileSync } from 'node:fs';
import { BugError, UserError } from '../errors.js';

// the WebAssembly names used here (their declarations live in lib.dom, which a Node project leaves out)
declare namespace WebAssembly {
  class Module {
    constructor(bytes: Uint8Array);
  }
  class Instance {
    constructor(module: Module, imports: Record<string, Record<string, unknown>>);
    readonly exports: Record<string, unknown>;
  }
  interface Memory {
    readonly buffer: ArrayBuffer;
  }
}

export interface KernelExports {
  memory: WebAssembly.Memory;
  scratch(bytes: number): number;
  release(): void;
  binomialU16(src: number, tmp: number, out: number, w: number, h: number): void;
  binomialF32(src: number, tmp: number, out: number, w: number, h: number): void;
  edtI32(mask: number, g: number, d2: number, f: number, v: number, z: number, w: number, h: number): void;
  edtF64(mask: number, g: number, d2: number, f: number, v: number, z: number, w: number, h: number): void;
  distancesI32(d2: number, dist: number, n: number, far: number): number;
  distancesF64(d2: number, dist: number, n: number, far: number): number;
  watershedLevels(
    levels: number,
    nLevels: number,
    markers: number,
    mask: number,
    out: number,
    head: number,
    tail: number,
    next: number,
    w: number,
    h: number,
  ): number;
  fillHoles(mask: number, out: number, stack: number, w: number, h: number): void;
  labelAreas(labels: number, n: number, areas: number, maxLabel: number): void;
  relabel(labels: number, map: number, out: number, n: number): void;
  maxLabel(labels: number, n: number, floor: number): number;
  labelPeaks(labels: number, dist: number, n: number, peak: number, nl: number): void;
  neckSaddles(labels: number, dist: number, w: number, h: number, stride: number, keys: number, vals: number, bits: number): number;
  relabelRoots(labels: number, root: number, map: number, out: number, n: number, nl: number): number;
  foregroundSums(values: number, n: number, t: number, mask: number, sums: number): void;
  localMaxima(values: number, w: number, h: number, thr: number, mask: number, out: number): number;
  windowMaxima(values: number, w: number, h: number, r: number, cand: number, nc: number, out: number): number;
  distanceLevelsI32(mask: number, d2: number, maxD2: number, levels: number, n: number): void;
  distanceLevelsF64(mask: number, d2: number, maxD2: number, levels: number, n: number): void;
  valueRangeF32(values: number, mask: number, n: number, out: number): void;
  sqrtHistogram(
    values: number,
    mask: number,
    n: number,
    step: number,
    slo: number,
    scale: number,
    nbins: number,
    skip: number,
    counts: number,
  ): number;
  componentPeaks(
    mask: number,
    dist: number,
    w: number,
    h: number,
    start: number,
    end: number,
    parent: number,
    peak: number,
    out: number,
  ): number;
  goertzelRows(
    values: number,
    w: number,
    h: number,
    mean: number,
    inv: number,
    nj: number,
    coef: number,
    gRe: number,
    gIm: number,
    row: number,
  ): void;
  goertzelCols(
    gRe: number,
    gIm: number,
    h: number,
    nj: number,
    nRows: number,
    coef: number,
    fRe: number,
    fIm: number,
    colRe: number,
    colIm: number,
  ): void;
  blurRows(src: number, dst: number, w: number, h: number, k: number, kl: number, line: number): void;
  blurCols(src: number, dst: number, w: number, h: number, k: number, kl: number, rowOff: number): void;
}

/** The kernels' memory is 32-bit: no block can reach 4 GiB. */
const MAX_BYTES = 2 ** 32 - 2 ** 16;

/** After a call that needed more than this, the instance is dropped so that its memory is freed. */
const KEEP_BYTES = 256 * 1024 * 1024;

let instance: KernelExports | undefined;

function load(): KernelExports {
  const url = new URL('./kernels.wasm', import.meta.url);
  let bytes: Buffer;
  try {
    bytes = readFileSync(url);
  } catch (err) {
    throw new BugError(`${url.pathname} is missing: ScopePilot was not built (run \`npm run build\`)`, { cause: err });
  }
  const abort = () => {
    throw new BugError('a WebAssembly kernel failed an internal check');
  };
  return new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { abort } }).exports as unknown as KernelExports;
}

/** One address per requested block (a tuple as long as the list of sizes). */
export type Addresses<T extends readonly number[]> = { -readonly [K in keyof T]: number };

/**
 * The kernels with fresh scratch blocks of the given byte sizes (16-byte aligned addresses).
 * Views on `memory.buffer` made before this call are invalid after it (the memory may grow), and
 * the blocks of the previous call are reused: copy results out before calling another wrapper
 * that uses the kernels.
 */
export function withScratch<const T extends readonly number[]>(...bytes: T): { k: KernelExports; at: Addresses<T> } {
  instance ??= load();
  instance.release();
  return { k: instance, at: moreScratch(...bytes) };
}

/**
 * More scratch blocks for the current `withScratch` call, once sizes depend on a kernel's answer
 * (e.g. the number of labels). Invalidates views on `memory.buffer` like `withScratch`.
 */
export function moreScratch<const T extends readonly number[]>(...bytes: T): Addresses<T> {
  const k = instance;
  if (!k) throw new BugError('moreScratch before withScratch');
  return bytes.map((b: number) => {
    const p = b >= 0 && b < MAX_BYTES ? k.scratch(b) : 0;
    if (p === 0) {
      instance = undefined;
      const total = bytes.reduce((s, x) => s + x, 0);
      throw new UserError(
        `the image is too large to analyse in memory (one step needs ${(total / 2 ** 30).toFixed(1)} GiB; the limit is 4 GiB)`,
        'split it into tiles, or bin it 2x2 first (Fiji: Image > Transform > Bin)',
      );
    }
    return p;
  }) as unknown as Addresses<T>;
}

/** Call when the results of a `withScratch` call have been copied out: frees a very large memory. */
export function doneWithScratch(): void {
  if (instance && instance.memory.buffer.byteLength > KEEP_BYTES) instance = undefined;
}
