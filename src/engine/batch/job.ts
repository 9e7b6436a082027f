/**
 * One segmentation job: read one image file, find the nuclei, write the label TIFF. Shared by the
 * main thread and the worker threads of `segmentFiles`, so both give identical results.
 */
import { performance } from 'node:perf_hooks';
import { describeError, UserError } from '../errors.js';
import { writeLabelTiff } from '../io/labels-write.js';
import { decodeImage, readBytesSync } from '../io/read.js';
import type { SegmentResult } from '../segment/index.js';
import type { Plane, QcVerdict } from '../types.js';

/** What `segmentNuclei` returns, as far as a batch needs it. */
export type SegmentResultLike = Pick<SegmentResult, 'labels' | 'params' | 'threshold' | 'discarded' | 'timingsMs' | 'qc'>;
/** `segmentNuclei` (synchronous) or `segmentModel` (asynchronous). */
export type SegmentFn = (plane: Plane, opts?: Record<string, unknown>) => SegmentResultLike | Promise<SegmentResultLike>;

/** The outcome for one input file (a row of segment.json). */
export interface SegmentFileResult {
  /** Position in the input list. */
  index: number;
  file: string;
  /** The label TIFF written (absent on failure). */
  output?: string;
  ok: boolean;
  /** One line a user can act on (file name, what is wrong, what to do). */
  error?: string;
  width?: number;
  height?: number;
  objects?: number;
  /** Parameters actually used, including the estimated diameter. */
  params?: Record<string, number | string | boolean>;
  threshold?: number;
  discarded?: { small: number; large: number; border: number; smallAreas: number[]; largeAreas: number[] };
  pixelSizeUm?: number;
  notes?: string[];
  qc?: QcVerdict[];
  timingsMs: Record<string, number>;
}

export interface JobSpec {
  index: number;
  file: string;
  output: string;
  options: Record<string, unknown>;
}

let cached: SegmentFn | undefined;

/** The engine's `segmentNuclei`, loaded once per thread. */
export async function loadSegmentFn(): Promise<SegmentFn> {
  if (cached) return cached;
  const spec = '../segment/index.js';
  const mod = (await import(spec)) as { segmentNuclei?: SegmentFn };
  if (typeof mod.segmentNuclei !== 'function') throw new Error('segmentNuclei is missing from src/engine/segment/index.ts');
  cached = mod.segmentNuclei;
  return cached;
}

let cachedModel: SegmentFn | undefined;

/**
 * The engine's `segmentModel` (src/engine/dl), loaded once per thread and only when a job asks
 * for a model, so the classical path never loads onnxruntime.
 */
export async function loadModelSegmentFn(): Promise<SegmentFn> {
  if (cachedModel) return cachedModel;
  const mod = await import('../dl/index.js');
  cachedModel = mod.segmentModel;
  return cachedModel;
}

/** True when the job's options ask for a model (`model: 'builtin'` or a package path). */
export function wantsModel(options: Record<string, unknown>): boolean {
  return typeof options.model === 'string' && options.model !== '';
}

const round = (ms: number) => Math.round(ms * 100) / 100;

/**
 * Run one job with `segment`, or else with `segmentModel` when `job.options.model` is set, or
 * else with `segmentNuclei`. Never throws for a bad input file: the failure is in the result. */
export async function runJob(job: JobSpec, segment?: SegmentFn): Promise<SegmentFileResult> {
  const t0 = performance.now();
  const timingsMs: Record<string, number> = {};
  try {
    const buf = readBytesSync(job.file);
    const img = await decodeImage(buf, job.file, { expectPlane: true });
    const plane = img.planes[0]!;
    const t1 = performance.now();
    timingsMs.read = round(t1 - t0);
    const fn = segment ?? (wantsModel(job.options) ? await loadModelSegmentFn() : await loadSegmentFn());
    const seg = await fn(plane, job.options);
    const t2 = performance.now();
    timingsMs.segment = round(t2 - t1);
    for (const [k, v] of Object.entries(seg.timingsMs ?? {})) timingsMs[`segment.${k}`] = round(v);
    await writeLabelTiff(job.output, seg.labels, img.pixelSizeUm ? { pixelSizeUm: img.pixelSizeUm } : {});
    timingsMs.write = round(performance.now() - t2);
    timingsMs.total = round(performance.now() - t0);
    const res: SegmentFileResult = {
      index: job.index,
      file: job.file,
      output: job.output,
      ok: true,
      width: plane.width,
      height: plane.height,
      objects: seg.labels.count,
      params: seg.params,
      threshold: seg.threshold,
      discarded: {
        small: seg.discarded.small.length,
        large: seg.discarded.large.length,
        border: seg.discarded.border,
        smallAreas: seg.discarded.small,
        largeAreas: seg.discarded.large,
      },
      qc: seg.qc,
      timingsMs,
    };
    if (img.pixelSizeUm !== undefined) res.pixelSizeUm = img.pixelSizeUm;
    if (img.notes.length) res.notes = img.notes;
    return res;
  } catch (err) {
    timingsMs.total = round(performance.now() - t0);
    const msg = describeError(err);
    const named = err instanceof UserError || msg.includes(job.file) ? msg : `${job.file}: ${msg}`;
    return { index: job.index, file: job.file, ok: false, error: named, timingsMs };
  }
}
