/**
 * Segment many image files on every core: the main thread and `workers - 1` worker threads each
 * take the next file, segment it and write its label TIFF. Images are streamed (each lane holds
 * one image, plus one queued job per worker), so memory does not grow with the number of files.
 * Results come back in input order whatever the worker count; label files are byte-identical.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { LongWorkOptions } from '../types.js';
import { type JobSpec, runJob, type SegmentFileResult, type SegmentFn } from './job.js';
import { workerLane } from './worker-lane.js';

export type { SegmentFileResult } from './job.js';

export interface SegmentFilesOptions {
  /** Output folder; labels go to `<outDir>/labels/<name>.tif`. */
  outDir: string;
  /** Options passed to `segmentNuclei` (diameter, threshold, declump, minDiameter, maxDiameter ...). */
  segment?: Record<string, unknown>;
}

export interface SegmentFilesRun extends LongWorkOptions {
  /** Parallel lanes including the main thread; default the number of cores. 1 = no worker threads. */
  workers?: number;
  /** Called once per file as soon as it is done (in completion order). */
  onResult?: (r: SegmentFileResult) => void;
  /** Segmentation function for the in-process lane (tests); worker threads always use segmentNuclei. */
  segmentFn?: SegmentFn;
}

/**
 * Output names: the input file name without extension; a name seen before gets `-2`, `-3` ...
 * in input order (so two `a.tif` from different folders do not overwrite each other).
 */
export function outputNames(files: string[]): string[] {
  const seen = new Map<string, number>();
  const taken = new Set<string>();
  return files.map((f) => {
    const stem = basename(f, extname(f)) || 'image';
    let n = seen.get(stem) ?? 0;
    let name = n === 0 ? stem : `${stem}-${n + 1}`;
    while (taken.has(name)) name = `${stem}-${++n + 1}`;
    seen.set(stem, n + 1);
    taken.add(name);
    return name;
  });
}

function workerScript(): string | undefined {
  const path = fileURLToPath(new URL('./worker.js', import.meta.url));
  // under a TypeScript test runner only worker.ts exists: run in-process
  return existsSync(path) ? path : undefined;
}

/**
 * Segment `files`, writing `<outDir>/labels/<name>.tif` for each. Never throws for a bad file:
 * its result has `ok: false` and a one-line `error`. Aborting stops handing out files; the
 * finished ones keep their results (the rest are reported as not processed).
 */
export async function segmentFiles(files: string[], opts: SegmentFilesOptions, run: SegmentFilesRun = {}): Promise<SegmentFileResult[]> {
  const names = outputNames(files);
  const options = opts.segment ?? {};
  const jobs: JobSpec[] = files.map((file, index) => ({
    index,
    file,
    output: join(opts.outDir, 'labels', `${names[index]}.tif`),
    options,
  }));
  const results: (SegmentFileResult | undefined)[] = new Array(files.length);
  const total = files.length;
  let next = 0;
  let done = 0;
  const script = workerScript();
  const lanes = Math.max(1, Math.min(run.workers ?? availableParallelism(), total));
  const threads = script && !run.segmentFn ? lanes - 1 : 0;

  const finish = (r: SegmentFileResult) => {
    results[r.index] = r;
    done++;
    run.onResult?.(r);
    run.onProgress?.({ done, total, label: r.file });
  };
  const take = (): JobSpec | undefined => (run.signal?.aborted || next >= total ? undefined : jobs[next++]);

  const workerLanes: Promise<void>[] = [];
  const pool: Worker[] = [];
  for (let w = 0; w < threads; w++) {
    const worker = new Worker(script!);
    pool.push(worker);
    workerLanes.push(
      workerLane<JobSpec, SegmentFileResult>(worker, {
        take,
        finish,
        // a crashed worker: its queued files are reported, the others go on in the other lanes
        onError: (err) => process.emitWarning(`segment worker failed: ${err.message}`),
      }),
    );
  }
  const mainLane = (async () => {
    for (let job = take(); job; job = take()) finish(await runJob(job, run.segmentFn));
  })();
  try {
    await Promise.all([mainLane, ...workerLanes]);
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  return jobs.map(
    (j) =>
      results[j.index] ?? {
        index: j.index,
        file: j.file,
        ok: false,
        error: `${j.file}: not processed (${run.signal?.aborted ? 'stopped' : 'a worker failed'})`,
        timingsMs: {},
      },
  );
}
