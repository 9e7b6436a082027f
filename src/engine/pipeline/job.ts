/**
 * One runner job: process one image set and store its result (labels, preview, checkpoint).
 * Shared by the main thread and the worker threads of runRecipe, so both give identical files.
 */
import type { ImageSet } from '../types.js';
import { type Checkpoint, checkpointObjectCount, type StoreContext, storeResult } from './checkpoint.js';
import type { PipelineDeps } from './deps.js';
import { processImageSet } from './process.js';
import type { Recipe } from './recipe.js';

/** What every job of a run shares (sent once to each worker thread). */
export interface RunContext {
  recipe: Recipe;
  out: string;
  root: string;
  hash: string;
  total: number;
  writeLabels: boolean;
  previewChannel: string;
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
  notes?: string[];
  /** Storing the result failed (disk full, permission ...): the run must stop. */
  fatal?: string;
  fatalCode?: string;
}

let render: StoreContext['renderPreview'] | undefined;

async function previewRenderer(): Promise<StoreContext['renderPreview']> {
  if (!render) {
    const spec = '../io/preview.js';
    render = ((await import(/* @vite-ignore */ spec)) as { renderPreview: NonNullable<StoreContext['renderPreview']> }).renderPreview;
  }
  return render;
}

/** Run one job. Image problems are results (status failed); only write errors are fatal. */
export async function runJob(job: JobSpec, ctx: RunContext, deps?: Partial<PipelineDeps>): Promise<JobDone> {
  const res = await processImageSet(ctx.recipe, job.imageSet, deps ? { deps } : {});
  try {
    const cp = await storeResult(
      res,
      {
        out: ctx.out,
        root: ctx.root,
        name: job.name,
        imageNumber: job.index + 1,
        total: ctx.total,
        hash: ctx.hash,
        writeLabels: ctx.writeLabels,
        preview: job.preview,
        previewChannel: ctx.previewChannel,
        ...(job.preview ? { renderPreview: await previewRenderer() } : {}),
      },
      job.imageSet.channels,
    );
    const done: JobDone = {
      index: job.index,
      id: job.imageSet.id,
      status: cp.status,
      objects: checkpointObjectCount(cp),
      timingsMs: cp.timingsMs,
    };
    if (cp.reason) done.reason = cp.reason;
    if (cp.notes.length) done.notes = cp.notes;
    return done;
  } catch (err) {
    return { index: job.index, id: job.imageSet.id, fatal: (err as Error).message, fatalCode: (err as { code?: string }).code ?? '' };
  }
}
