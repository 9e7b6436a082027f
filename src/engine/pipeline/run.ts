/**
 * runRecipe: apply a recipe to every image set of the data set (or one shard of it) on worker
 * threads, with a checkpoint per finished image set, then merge the checkpoints into the result
 * tables. Killed and rerun into the same folder, it continues where it stopped and the final
 * outputs are identical to an uninterrupted run; they do not depend on the worker count either.
 * The set-up (scan, what is still to do) is prepareRun in run-setup.ts.
 */
import { availableParallelism } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Worker } from 'node:worker_threads';
import { VERSION } from '../../version.js';
import { workerLane } from '../batch/worker-lane.js';
import { UserError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic.js';
import { collectGarbage, collectOldGarbage } from '../jit.js';
import { type JobComputed, type JobDone, type JobSpec, type RunContext, runJob, storeJob } from './job.js';
import { mergeInWorker, startMergeWorker } from './merge.js';
import { asRecipe, RECIPE_VERSION } from './recipe.js';
import { planWorkers } from './run-memory.js';
import type { RunOptions, RunSummary } from './run-options.js';
import { prepareRun, WRITE_HINTS } from './run-setup.js';
import { runWorkerScript, startRunWorker } from './worker-start.js';

export type { RunOptions, RunSummary } from './run-options.js';
export { parseShard, type Shard, shardRange } from './shard.js';

function inside(child: string, parent: string): boolean {
  const r = relative(parent, child);
  return r === '' || (!r.startsWith('..') && !isAbsolute(r));
}

/**
 * Run `recipe` on every image set (or shard). Never throws for bad images (they are recorded in
 * failures.csv); throws a UserError for a missing input, an output folder inside the input, or
 * an output that cannot be written (disk full, permission), leaving finished checkpoints intact.
 */
export async function runRecipe(recipeIn: unknown, o: RunOptions): Promise<RunSummary> {
  const t0 = performance.now();
  const startedAt = new Date().toISOString();
  const recipe = asRecipe(recipeIn);
  const base = resolve(o.base ?? process.cwd());
  const out = resolve(o.out);
  const root = resolve(base, o.input ?? recipe.input.root);
  if (!o.imageSets && inside(out, root))
    throw new UserError(
      `--out ${out} is inside the input folder ${root}; ScopePilot never writes into input folders`,
      'choose an output folder outside it',
    );
  const { total, names, hash, from, to, todo, skipped, counts, notes } = await prepareRun(recipe, o, { root, base, out });
  // until the tables are merged, run.json says the folder is being written (older tables in it are stale)
  if (!o.shard)
    await writeFileAtomic(
      join(out, 'run.json'),
      `${JSON.stringify({ scopepilot: VERSION, recipeHash: hash, input: root, startedAt, status: 'running', complete: false, total, skipped }, null, 2)}\n`,
    );

  const ctx: RunContext = {
    recipe,
    out,
    root,
    hash,
    total,
    writeLabels: recipe.outputs.labels,
    previewChannel: recipe.input.channels.dna,
  };
  const selected = to - from;
  let done = skipped;
  let processed = 0;
  let fatal: JobDone | undefined;
  const stageMs: Record<string, number> = {};
  o.onProgress?.({ done, total: selected, label: skipped ? 'resumed' : 'starting' });
  const finish = (r: JobDone) => {
    if (r.fatal) {
      fatal ??= r;
      return;
    }
    done++;
    processed++;
    if (r.status) counts[r.status]++;
    counts.objects += r.objects ?? 0;
    for (const [k, v] of Object.entries(r.timingsMs ?? {})) stageMs[k] = (stageMs[k] ?? 0) + v;
    stageMs.store = (stageMs.store ?? 0) + (r.storeMs ?? 0);
    o.onResult?.(r);
    o.onProgress?.({ done, total: selected, label: r.id });
  };
  // a result this thread wrote: its arrays go at once (see collectGarbage)
  const finishStored = (r: JobDone) => {
    finish(r);
    collectGarbage();
  };
  let next = 0;
  const take = (): JobSpec | undefined => (fatal || o.signal?.aborted || next >= todo.length ? undefined : todo[next++]);

  const script = runWorkerScript();
  const plan = await planWorkers(
    todo.map((j) => j.imageSet),
    {
      cores: availableParallelism(),
      model: recipe.stages.objects.nuclei.method === 'model',
      ...(o.workers !== undefined ? { asked: o.workers } : {}),
      ...(o.memoryLimit ? { limit: o.memoryLimit } : {}),
    },
  );
  if (plan.note) {
    notes.push(plan.note);
    o.onNote?.(plan.note);
  }
  const lanes = Math.max(1, Math.min(plan.workers, todo.length || 1));
  // the scan's and set-up's garbage goes before the image sets (see collectOldGarbage)
  collectOldGarbage();
  const tImages = performance.now();
  // a core with nothing to do: load the code of the run's end there (DuckDB's takes 0.1 s, the
  // report's more), not after the last image set
  let idleCore = false;
  const onIdleCore = () => {
    if (idleCore) return;
    idleCore = true;
    if (!o.shard && (recipe.outputs.parquet || recipe.outputs.duckdb))
      import('../results/export.js').then((m) => m.loadDuckDb()).catch(() => undefined);
    o.onIdleCore?.();
  };
  if (lanes < availableParallelism()) onIdleCore();
  // the merge's worker thread starts when the first worker runs out of image sets: it boots on
  // that worker's core while the last sets finish on the others, and the tables start as soon as
  // they are done. The code of the run's end (onIdleCore) is loaded after that, while the tables
  // are written: loaded here, it held this thread 0.1-0.15 s past the last set before the merge
  // worker could be started.
  let mergeWorker: Worker | undefined;
  const laneDone = (worker: Worker) => {
    void worker.terminate(); // its image sets are finished; its memory goes before the merge's
    const merging = !o.shard && !fatal && !o.signal?.aborted && todo.length > 0 && next >= todo.length;
    if (merging && !mergeWorker && lanes > 1) mergeWorker = startMergeWorker();
  };
  // every lane is a worker thread (the main thread hands out jobs and records results, and writes
  // them only when a core has no worker, so its memory stays small and is not added to the
  // merge's); in-process when there is no worker script (tests) or functions are injected
  const threads = script && !o.deps && todo.length > 0 ? lanes : 0;
  // a core without a worker writes the results (label images, previews, checkpoints) in this
  // thread while the workers go on computing: 200 BBBC039 sets with 1 worker on 2 cores took
  // 14.9-20.3 s instead of 18.6-23.6 s (7 interleaved pairs, each faster by 1.1-6.3 s)
  if (threads > 0 && lanes < availableParallelism()) ctx.storeInMain = true;
  const pool: Worker[] = [];
  const workerLanes: Promise<void>[] = [];
  const started = [...(o.startedWorkers ?? [])];
  for (let w = 0; w < threads; w++) {
    const worker = started.shift() ?? startRunWorker()!;
    pool.push(worker);
    worker.postMessage({ ctx }); // the run's context first, then the jobs
    workerLanes.push(
      workerLane<JobSpec, JobDone | JobComputed>(worker, {
        take,
        finish: (r) => ('pending' in r ? storeJob(r, ctx).then(finishStored) : finish(r)),
        onError: (err) => notes.push(`a worker thread failed (${err.message}); its image sets were not finished - rerun to resume`),
      }).then(() => (lanes < availableParallelism() ? onIdleCore() : laneDone(worker))),
    );
  }
  const mainLane = (async () => {
    if (threads > 0) return;
    for (let job = take(); job; job = take()) finish(await runJob(job, ctx, o.deps));
  })();
  try {
    await Promise.all([mainLane, ...workerLanes]);
  } finally {
    await Promise.all([...pool, ...started].map((w) => w.terminate()));
  }
  todo.length = 0; // the jobs' image sets go before the tables, exports and report (see run-setup.ts)
  const stopped = done < selected;
  if (mergeWorker && (fatal || stopped)) {
    await mergeWorker.terminate();
    mergeWorker = undefined;
  }
  if (fatal) {
    const hint = WRITE_HINTS[fatal.fatalCode ?? ''] ?? 'check the output folder, then rerun the same command to resume';
    throw new UserError(`cannot write the results of ${fatal.id} to ${out}: ${fatal.fatal}`, hint);
  }

  onIdleCore();
  const tImagesDone = performance.now();
  const rssAfterImagesMb = Math.round(process.resourceUsage().maxRSS / 1024);
  const summary: RunSummary = {
    out,
    total,
    selected,
    skipped,
    processed,
    done,
    ...counts,
    stopped,
    complete: false,
    ...(o.shard ? { shard: o.shard } : {}),
    workers: lanes,
    wallMs: 0,
    outputs: [],
    notes,
  };
  // what run.json says about the run, also given to onResultsWritten before run.json is written
  const header = {
    scopepilot: VERSION,
    node: process.version,
    /** Node/V8 start-up flags (the CLI adds --single-threaded-gc, see src/reexec.ts). */
    nodeFlags: process.execArgv,
    /** glibc's malloc arenas for the process (the CLI sets 2, see src/reexec.ts); null: the C library's default. */
    mallocArenaMax: process.env.MALLOC_ARENA_MAX ?? null,
    recipeVersion: RECIPE_VERSION,
    recipeHash: hash,
    input: root,
    startedAt,
  };
  /** When the tables and exports were complete (the methods record, written next, says the same). */
  let finishedAt: string | undefined;
  const onResultsWritten = o.onResultsWritten;
  if (stopped) notes.push(`stopped after ${done} of ${selected} image sets; rerun the same command to continue`);
  else if (!o.shard) {
    const m = await mergeInWorker(
      out,
      [out],
      {
        parquet: recipe.outputs.parquet,
        duckdb: recipe.outputs.duckdb,
        objectsCsv: recipe.outputs.objectsCsv,
        select: { hash, names },
      },
      o.onMergeStep,
      onResultsWritten
        ? (tables) => {
            if (!tables.complete) return Promise.resolve();
            finishedAt = new Date().toISOString();
            return onResultsWritten({ status: 'done', ...header, finishedAt });
          }
        : undefined,
      mergeWorker,
    );
    summary.complete = m.complete;
    if (m.exportError) summary.exportError = m.exportError;
    summary.outputs = m.outputs;
    notes.push(...m.notes);
  } else notes.push(`shard ${o.shard.index}/${o.shard.count} done; when every shard is done: scopepilot merge --out ${out}`);
  const tEnd = performance.now();
  summary.wallMs = Math.round(tEnd - t0);
  const runInfo = {
    status: stopped ? 'stopped' : o.shard ? 'shard-done' : 'done',
    ...header,
    finishedAt: finishedAt ?? new Date().toISOString(),
    ...summary,
    /** Which thread wrote the image sets' files: the main thread when a core had no worker. */
    resultsWrittenBy: ctx.storeInMain ? 'main thread' : threads > 0 ? 'worker threads' : 'this thread',
    /**
     * Wall time (ms) summed over this run's image sets, per stage: total is the whole computation
     * (processImageSet: read, QC, objects, measure), store the writing of each set's label images,
     * preview and checkpoint. The run's wall time minus total is what the runner itself cost.
     */
    stageMs: Object.fromEntries(Object.entries(stageMs).map(([k, v]) => [k, Math.round(v)])),
    /**
     * Wall time (ms) of the run's phases: set-up (recipe, scan, resume check), the image sets, then
     * tables and exports (and the methods record and report that onResultsWritten writes then).
     */
    phaseMs: {
      setup: Math.round(tImages - t0),
      imageSets: Math.round(tImagesDone - tImages),
      tables: Math.round(tEnd - tImagesDone),
    },
    /** Peak resident memory of the process (MB) after the image sets, and at the end (tables, exports). */
    peakRssMb: { images: rssAfterImagesMb, end: Math.round(process.resourceUsage().maxRSS / 1024) },
  };
  const runJson = o.shard ? join(out, 'shards', `run-${o.shard.index}-of-${o.shard.count}.json`) : join(out, 'run.json');
  await writeFileAtomic(runJson, `${JSON.stringify(runInfo, null, 2)}\n`);
  summary.outputs.push(runJson);
  return summary;
}
