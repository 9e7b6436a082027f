/**
 * Merging: the result tables of a run folder (or of several shard folders) from their
 * checkpoints, in ImageNumber order, so the outputs equal those of one uninterrupted run.
 */
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { BugError, UserError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic.js';
import { compileInBackground, SMALL_YOUNG_GENERATION_MB } from '../jit.js';
import {
  type IndexOptions,
  indexCheckpoints,
  type JudgeFn,
  type TableCounts,
  type TableOptions,
  writeResultTables,
} from '../results/tables.js';
import { CHECKPOINT_DIR } from './checkpoint.js';

export interface MergeOptions {
  /** Write objects.parquet / results.duckdb (default true). */
  parquet?: boolean;
  duckdb?: boolean;
  /** Keep objects.csv (default true; when false it is removed after the Parquet export). */
  objectsCsv?: boolean;
  /** Which checkpoints belong to the run (recipe hash, names by ImageNumber); default all, refusing mixed recipes. */
  select?: IndexOptions;
}

export interface MergeResult {
  /**
   * How many checkpoints were merged, of the data set's total. Counts, not the index's entries (a
   * path and name per image set), which a run would otherwise hold through its exports and report.
   */
  index: { merged: number; total: number };
  counts: TableCounts;
  outputs: string[];
  /** True when every image set of the data set has a checkpoint. */
  complete: boolean;
  /** Parquet / DuckDB export failed (the CSV tables are complete). */
  exportError?: string;
  notes: string[];
}

async function copyTree(from: string, to: string): Promise<number> {
  let n = 0;
  const entries = await readdir(from, { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    if (e.name.startsWith('.tmp-')) continue;
    if (e.isDirectory()) n += await copyTree(join(from, e.name), join(to, e.name));
    else if (e.isFile()) {
      await mkdir(to, { recursive: true });
      await copyFile(join(from, e.name), join(to, e.name));
      n++;
    }
  }
  return n;
}

/** The CSV tables of a merge, before the Parquet / DuckDB export. */
export type MergedTables = Omit<MergeResult, 'exportError'>;

/** What a merge is doing: writing the CSV tables, then the Parquet / DuckDB export. */
export type MergeStep = 'tables' | 'export';

/** A progress line's words for a merge step ("writing the result tables (images.csv, ...)"). */
export function describeMergeStep(step: MergeStep, o: Pick<MergeOptions, 'parquet' | 'duckdb'> = {}): string {
  if (step === 'tables') return 'writing the result tables (images.csv, objects.csv, qc.csv, failures.csv)';
  const files = [o.parquet !== false ? 'objects.parquet' : '', o.duckdb !== false ? 'results.duckdb' : ''].filter(Boolean);
  return `exporting ${files.join(' and ')}`;
}

/**
 * Write the CSV result tables of `out` from the checkpoints of `sources` (default: `out` itself).
 * Other source folders' checkpoints, labels and previews are copied into `out` first.
 * Missing image sets are reported (complete: false), not invented.
 */
export async function mergeTables(out: string, sources: string[] = [out], o: MergeOptions = {}): Promise<MergedTables> {
  const outAbs = resolve(out);
  const notes: string[] = [];
  const srcs = sources.map((s) => resolve(s));
  for (const s of srcs) {
    if (s === outAbs) continue;
    for (const sub of [CHECKPOINT_DIR, 'labels', 'previews']) await copyTree(join(s, sub), join(outAbs, sub));
  }
  const index = await indexCheckpoints([outAbs], o.select ?? {});
  if (index.entries.length === 0)
    throw new UserError(
      `no finished image sets in ${srcs.join(', ')}`,
      'run `scopepilot run recipe.json --out DIR` first (a shard writes DIR/checkpoints/)',
    );
  if (index.missing.length) {
    const ex = index.missing.slice(0, 5).join(', ');
    notes.push(
      `${index.missing.length} of ${index.total} image sets have no result yet (ImageNumber ${ex}${index.missing.length > 5 ? ' ...' : ''}); the tables are incomplete - rerun the missing shards, then merge again`,
    );
  }
  // the data-set-wide QC judgement (outliers per plate and channel), when the measure layer is in the build
  const qcSpec = '../measure/qc.js';
  const judge = (await import(/* @vite-ignore */ qcSpec).catch(() => ({}))) as { judgeQuality?: JudgeFn };
  if (!judge.judgeQuality) notes.push('judgeQuality is not in this build: qc.csv has no data-set-wide outlier flags');
  // shards merged into a folder of their own: their recipe.json comes too, for the QC policy read
  // here and the methods record after (indexCheckpoints has checked that they share one recipe)
  const recipeFile = join(outAbs, 'recipe.json');
  const from = existsSync(recipeFile) ? undefined : srcs.map((s) => join(s, 'recipe.json')).find((p) => existsSync(p));
  if (from) await writeFileAtomic(recipeFile, await readFile(from));
  // the recipe's QC policy decides what the data-set judgement does (recipe.json as the run wrote it)
  const used = await readFile(recipeFile, 'utf8')
    .then((t) => JSON.parse(t) as { stages?: { qc?: { policy?: TableOptions['policy']; keep?: Record<string, string> } } })
    .catch(() => undefined);
  const qcStage = used?.stages?.qc;
  const counts = await writeResultTables(outAbs, index, {
    ...(judge.judgeQuality ? { judgeQuality: judge.judgeQuality } : {}),
    ...(qcStage?.policy ? { policy: qcStage.policy } : {}),
    keep: new Set(Object.keys(qcStage?.keep ?? {})),
  });
  const outputs = ['images.csv', 'objects.csv', 'qc.csv', 'failures.csv'].map((n) => join(outAbs, n));
  return { index: { merged: index.entries.length, total: index.total }, counts, outputs, complete: index.missing.length === 0, notes };
}

/**
 * Work after the export and before objects.csv is removed (when it is not wanted): the runner
 * writes the methods record and the report then, which read the CSV tables. Not during the
 * export, although DuckDB works in a thread of its own: both at once took 0.2-0.4 s less but
 * peaked at 224-246 MB for 2,000 image sets against 181-195 MB one after the other (DuckDB's
 * memory and the report's both grow with the data set), breaking flat memory.
 */
export type AfterExport = (tables: MergedTables) => Promise<unknown>;

/**
 * objects.parquet and results.duckdb from the CSV tables of `mergeTables` (as `o` asks), then
 * `after`, then objects.csv removed when it is not wanted. An export failure is reported, not
 * thrown: the CSV tables are complete.
 */
export async function exportMerged(out: string, m: MergedTables, o: MergeOptions = {}, after?: AfterExport): Promise<MergeResult> {
  const outAbs = resolve(out);
  const { counts } = m;
  const outputs = [...m.outputs];
  const notes = [...m.notes];
  const { exportTables } = await import('../results/export.js');
  let exportError: string | undefined;
  try {
    outputs.push(
      ...(await exportTables(outAbs, {
        parquet: o.parquet ?? true,
        duckdb: o.duckdb ?? true,
        columns: { objects: counts.objectColumns, images: counts.imageColumns, qc: counts.qcColumns, failures: counts.failureColumns },
        text: counts.textColumns,
      })),
    );
  } catch (err) {
    // the CSV tables are complete; say what is missing rather than lose the run
    exportError = `objects.parquet / results.duckdb could not be written: ${(err as Error).message.split('\n')[0]}`;
    notes.push(exportError);
  }
  await after?.(m);
  if (o.objectsCsv === false && outputs.some((p) => p.endsWith('objects.parquet'))) {
    const { rm } = await import('node:fs/promises');
    await rm(join(outAbs, 'objects.csv'), { force: true });
    outputs.splice(outputs.indexOf(join(outAbs, 'objects.csv')), 1);
  }
  return { ...m, outputs, notes, ...(exportError ? { exportError } : {}) };
}

/** `mergeTables` then `exportMerged` (and `after`), in this thread. */
export async function mergeOutputs(
  out: string,
  sources: string[] = [out],
  o: MergeOptions = {},
  after?: AfterExport,
): Promise<MergeResult> {
  return exportMerged(out, await mergeTables(out, sources, o), o, after);
}

/** The merge worker's script, or undefined (under vitest only merge-worker.ts exists: in-process). */
function mergeWorkerScript(): string | undefined {
  const script = fileURLToPath(new URL('./merge-worker.js', import.meta.url));
  return existsSync(script) ? script : undefined;
}

/** A merge worker thread with a small young generation, compiling in the background (see compileInBackground). */
function newMergeWorker(script: string, workerData?: unknown): Worker {
  const restore = compileInBackground();
  const worker = new Worker(script, { workerData, resourceLimits: { maxYoungGenerationSizeMb: SMALL_YOUNG_GENERATION_MB } });
  worker.once('online', restore);
  worker.once('error', restore);
  return worker;
}

/**
 * A merge worker started ahead of `mergeInWorker` (its `started`): it loads its code and waits
 * for its job. The runner starts one when the first of its workers runs out of image sets, so
 * the thread boots on the core that is free while the last sets finish elsewhere (about 0.1 s
 * less after the last set); undefined when there is no built worker script. Terminate it when it
 * is not used.
 */
export function startMergeWorker(): Worker | undefined {
  const script = mergeWorkerScript();
  return script ? newMergeWorker(script) : undefined;
}

/**
 * `mergeOutputs` with the tables written in a worker thread with a small young generation, and
 * the Parquet / DuckDB export in this thread after that worker has gone (all in-process when
 * there is no built worker script, as under the tests). `started`: a worker from
 * `startMergeWorker`, which this takes over (and terminates).
 * - The tables parse every checkpoint three times; on the main thread that churn let V8 grow the
 *   heap with the data set (2,000 image sets: heap 53 MB for 11 MB live), and the run's peak
 *   memory with it.
 * - DuckDB's memory (about 80 MB for 2,000 sets) then no longer adds to the worker's heap: the
 *   export was the peak of a run's memory.
 */
export async function mergeInWorker(
  out: string,
  sources: string[] = [out],
  o: MergeOptions = {},
  onStep?: (step: MergeStep) => void,
  after?: AfterExport,
  started?: Worker,
): Promise<MergeResult> {
  const script = mergeWorkerScript();
  onStep?.('tables');
  const exporting = () => {
    if ((o.parquet ?? true) || (o.duckdb ?? true)) onStep?.('export');
  };
  if (!script && !started) {
    const tables = await mergeTables(out, sources, o);
    exporting();
    return exportMerged(out, tables, o, after);
  }
  const job = { out, sources, options: o };
  let worker: Worker;
  if (started) {
    worker = started;
    worker.postMessage(job);
  } else worker = newMergeWorker(script!, job);
  // while the worker writes the tables, this thread loads the export's code and DuckDB's
  if ((o.parquet ?? true) || (o.duckdb ?? true)) import('../results/export.js').then((m) => m.loadDuckDb()).catch(() => undefined);
  let tables: MergedTables;
  try {
    const reply = await new Promise<{ result?: MergedTables; error?: { message: string; user: boolean; hint?: string } }>((res, rej) => {
      worker.once('message', res);
      worker.once('error', rej);
      worker.once('exit', (code) => rej(new BugError(`the merge worker stopped (exit code ${code}) without a result`)));
    });
    if (reply.error) throw reply.error.user ? new UserError(reply.error.message, reply.error.hint) : new Error(reply.error.message);
    tables = reply.result!;
  } finally {
    await worker.terminate();
  }
  exporting();
  return exportMerged(out, tables, o, after);
}
