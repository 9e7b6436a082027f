/**
 * What runRecipe (run.ts) takes and returns: its options (output folder, workers, shard, resume,
 * the callbacks a command or the wizard hooks into) and the summary of a run.
 */
import type { Worker } from 'node:worker_threads';
import type { ImageSet, OnProgress } from '../types.js';
import type { PipelineDeps } from './deps.js';
import type { JobDone } from './job.js';
import type { MergeStep } from './merge.js';
import type { Shard } from './shard.js';

export interface RunOptions {
  /** Output folder (created; must not be inside the input folder). */
  out: string;
  /** Worker threads; default one per core, fewer when the memory holds fewer (run-memory.ts). */
  workers?: number;
  /** The memory the run may use (tests); default the cgroup limit or the machine's memory. */
  memoryLimit?: { bytes: number; source: 'limit' | 'machine' };
  /** Called at once with what the user should know before the image sets start (also in the summary's notes). */
  onNote?: (note: string) => void;
  /** Process only this deterministic slice; tables are written by `merge`. */
  shard?: Shard;
  /** Reuse finished image sets found in `out` (default true). false: redo every image set. */
  resume?: boolean;
  /** Input folder instead of recipe.input.root. */
  input?: string;
  /** Folder relative paths in the recipe are resolved against (the recipe file's folder); default cwd. */
  base?: string;
  onProgress?: OnProgress;
  signal?: AbortSignal;
  /** Image sets to process instead of scanning the input folder (tests, wizard). */
  imageSets?: ImageSet[];
  /** Engine functions to use instead of the real ones (tests; runs in-process). */
  deps?: Partial<PipelineDeps>;
  /** The recipe file run (it is not overwritten when it is OUT/recipe.json). */
  recipePath?: string;
  /** Called after each image set is finished (in completion order). */
  onResult?: (r: JobDone) => void;
  /** Called as the tables are written (in a worker thread), then exported. */
  onMergeStep?: (step: MergeStep) => void;
  /**
   * Called once the result tables of a complete run (not a shard) are written and exported, with
   * the facts run.json will hold (versions, input, start and finish times); awaited before
   * run.json is written (which then says the folder is complete). commands/run.ts writes the
   * methods record and the report here.
   */
  onResultsWritten?: (run: Record<string, unknown>) => Promise<unknown>;
  /**
   * Called once when a core has nothing to do: at the start when there are fewer lanes than
   * cores, else after the last image set, once the merge worker has its job. Code needed at the
   * end of the run can be loaded then.
   */
  onIdleCore?: () => void;
  /**
   * Worker threads already started with startRunWorker (loading the engine meanwhile): used as
   * the first lanes; those not needed are stopped.
   */
  startedWorkers?: Worker[];
}

export interface RunSummary {
  out: string;
  /** Image sets in the whole data set. */
  total: number;
  /** Image sets in this run's slice (total, or the shard's share). */
  selected: number;
  /** Already finished before this run (resumed). */
  skipped: number;
  /** Finished by this run. */
  processed: number;
  /** skipped + processed. */
  done: number;
  ok: number;
  excluded: number;
  failed: number;
  objects: number;
  /** True when stopped (signal) before every image set was done. */
  stopped: boolean;
  /** True when the result tables cover every image set of the data set. */
  complete: boolean;
  /** Parquet / DuckDB export failed (the CSV tables are complete; see notes). */
  exportError?: string;
  shard?: Shard;
  workers: number;
  wallMs: number;
  outputs: string[];
  notes: string[];
}
