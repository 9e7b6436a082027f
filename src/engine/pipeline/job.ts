/**
 * One runner job: process one image set and store its result (labels, preview, checkpoint).
 * Shared by the main thread and the worker threads of runRecipe, so both give identical files.
 */
import { performance } from 'node:perf_hooks';
import type { ImageSet } from '../types.js';
import { type Checkpoint, checkpointObjectCount } from './checkpoint.js';
import type { PipelineDeps } from './deps.js';
import { processImageSet } from './process.js';
import type { Recipe } from './recipe.js';
import { type PendingStore, type PreviewRenderer, prepareStore, type StoreTarget, writeStore } from './store.js';

/** What every job of a run shares (sent once to each worker thread). */
export interface RunContext {
  recipe: Recipe;
  out: string;
  root: string;
  hash: string;
  total: number;
  writeLabels: boolean;
  previewChannel: string;
  /**
   * Worker threads send their results to the main thread to be written (`JobComputed`) instead
   * of writing them: when a core has no worker, the writing then runs there, beside the computing.
   */
  storeInMain?: boolean;
}

export interface JobSpec {
  /** 0-based position in the whole data set (ImageNumber - 1). */
  index: number;
  imageSet: ImageSet;
  name: string;
  preview: boolean;
}

/** A finished job, as reported to the main thread (small: the tables stay in the checkpoint). */
export interface JobDone {
  index: number;
  id: string;
  status?: Checkpoint['status'];
  reason?: string;
  objects?: number;
  timingsMs?: Record<string, number>;
  /** Wall time (ms) of storing the result: label image(s), preview, checkpoint. */
  storeMs?: number;
  notes?: string[];
  /** Storing the result failed (disk full, permission ...): the run must stop. */
  fatal?: string;
  fatalCode?: string;
}

/** A computed job whose result is still to be written (`RunContext.storeInMain`). */
export interface JobComputed {
  index: number;
  id: string;
  pending: PendingStore;
}

let render: PreviewRenderer | undefined;

async function previewRenderer(): Promise<PreviewRenderer> {
  if (!render) {
    const spec = '../io/preview.js';
    render = ((await import(/* @vite-ignore */ spec)) as { renderPreview: PreviewRenderer }).renderPreview;
  }
  return render;
}

const target = (job: JobSpec, ctx: RunContext): StoreTarget => ({
  root: ctx.root,
  name: job.name,
  imageNumber: job.index + 1,
  total: ctx.total,
  hash: ctx.hash,
  writeLabels: ctx.writeLabels,
  preview: job.preview,
  previewChannel: ctx.previewChannel,
});

/** Process one image set; its result, ready to be written. Image problems are results (status failed). */
export async function computeJob(job: JobSpec, ctx: RunContext, deps?: Partial<PipelineDeps>): Promise<JobComputed> {
  const res = await processImageSet(ctx.recipe, job.imageSet, deps ? { deps } : {});
  return { index: job.index, id: job.imageSet.id, pending: prepareStore(res, target(job, ctx), job.imageSet.channels) };
}

/** Write a computed job's files; only write errors are fatal. */
export async function storeJob(c: JobComputed, ctx: RunContext): Promise<JobDone> {
  const t0 = performance.now();
  try {
    const cp = await writeStore(c.pending, {
      out: ctx.out,
      ...(c.pending.previewPlane ? { renderPreview: await previewRenderer() } : {}),
    });
    const done: JobDone = {
      index: c.index,
      id: c.id,
      status: cp.status,
      objects: checkpointObjectCount(cp),
      timingsMs: cp.timingsMs,
      storeMs: performance.now() - t0,
    };
    if (cp.reason) done.reason = cp.reason;
    if (cp.notes.length) done.notes = cp.notes;
    return done;
  } catch (err) {
    return { index: c.index, id: c.id, fatal: (err as Error).message, fatalCode: (err as { code?: string }).code ?? '' };
  }
}

/** Run one job in this thread: compute, then store. */
export async function runJob(job: JobSpec, ctx: RunContext, deps?: Partial<PipelineDeps>): Promise<JobDone> {
  return storeJob(await computeJob(job, ctx, deps), ctx);
}
