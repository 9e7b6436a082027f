/**
 * `scopepilot run RECIPE --out DIR`: apply a recipe to every image set of the data set on worker
 * threads, with checkpoints (a rerun into the same folder resumes), shards for clusters, and
 * `--slurm` to write an sbatch array script instead of running. Progress on stderr: a bar on a
 * terminal, plain lines otherwise (SLURM logs). Exit code 1 when some image sets failed.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Worker } from 'node:worker_threads';
import { Command, InvalidArgumentError } from 'commander';
import { UserError } from '../engine/errors.js';

interface Options {
  out?: string;
  input?: string;
  workers?: number;
  shard?: string;
  resume?: boolean;
  slurm?: boolean;
  tasks?: number;
  progress?: boolean;
  json?: boolean;
  report?: boolean;
}

export function wholeNumber(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a whole number >= 1`);
    return n;
  };
}

/** Read and validate a recipe file (UserError naming the file when unreadable). */
export async function loadRecipeFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as { code?: string }).code;
    throw new UserError(
      `cannot read the recipe ${path}${code === 'ENOENT' ? ': no such file' : `: ${(err as Error).message}`}`,
      'write one with `scopepilot recipe DIR --out recipe.json` or the wizard',
    );
  }
  const { parseRecipe } = await import('../engine/pipeline/recipe.js');
  try {
    return parseRecipe(text);
  } catch (err) {
    if (err instanceof UserError) throw new UserError(`${path}: ${err.message}`, err.hint);
    throw err;
  }
}

/** Progress on stderr: a bar with rate and ETA on a terminal, a line every ~10 s (or 5%) otherwise. */
export function progressWriter(enabled: boolean, what: string) {
  const tty = process.stderr.isTTY === true;
  const t0 = Date.now();
  let last = 0;
  let lastPct = -1;
  let first: number | undefined;
  return (p: { done: number; total: number; label?: string }) => {
    if (!enabled || p.total === 0) return;
    const now = Date.now();
    first ??= p.done; // resumed image sets do not count for the rate
    const rate = (p.done - first) / Math.max(0.001, (now - t0) / 1000);
    const eta = rate > 0 ? (p.total - p.done) / rate : Number.NaN;
    const etaS = Number.isFinite(eta) ? (eta > 90 ? `${Math.round(eta / 60)} min` : `${Math.round(eta)} s`) : '?';
    const pct = Math.floor((p.done / p.total) * 100);
    if (tty) {
      if (p.done < p.total && now - last < 100) return;
      last = now;
      const width = 28;
      const fill = Math.round((p.done / p.total) * width);
      process.stderr.write(
        `\r${what} [${'#'.repeat(fill)}${' '.repeat(width - fill)}] ${p.done}/${p.total} ${rate.toFixed(1)}/s ETA ${etaS}\x1b[K`,
      );
      if (p.done === p.total) process.stderr.write('\n');
    } else if (p.done === p.total || now - last > 10_000 || pct >= lastPct + 5) {
      last = now;
      lastPct = pct;
      process.stderr.write(`${what}: ${p.done}/${p.total} (${pct}%) ${rate.toFixed(2)} image sets/s, ETA ${etaS}\n`);
    }
  };
}

async function action(recipePath: string, o: Options): Promise<void> {
  const path = resolve(recipePath);
  // the first worker thread loads the engine while this thread reads and validates the recipe
  const started = o.slurm ? undefined : (await import('../engine/pipeline/worker-start.js')).startRunWorker();
  try {
    await runCommand(path, o, started);
  } finally {
    await started?.terminate();
  }
}

async function runCommand(path: string, o: Options, started: Worker | undefined): Promise<void> {
  const recipe = (await loadRecipeFile(path)) as { input: { root: string } };
  const out = resolve(o.out ?? dirname(path));
  if (o.slurm) {
    const { writeSlurmScript } = await import('../engine/pipeline/slurm.js');
    const s = await writeSlurmScript(path, { out, ...(o.tasks ? { tasks: o.tasks } : {}), ...(o.workers ? { cpus: o.workers } : {}) });
    process.stdout.write(`SLURM scripts in ${s.dir} (${s.tasks} array tasks + a merge job)\nsubmit with: ${s.submitCommand}\n`);
    return;
  }
  const { parseShard, runRecipe } = await import('../engine/pipeline/run.js');
  const shard = o.shard ? parseShard(o.shard) : undefined;
  const ac = new AbortController();
  let interrupts = 0;
  let lastSignal = 0;
  const onSignal = () => {
    // one Ctrl-C or scancel can arrive twice (directly, and passed on by the parent process that
    // started this one with --single-threaded-gc, see src/reexec.ts): count a burst as one
    const now = Date.now();
    if (now - lastSignal < 500) return;
    lastSignal = now;
    interrupts++;
    if (interrupts > 1) process.exit(130);
    process.stderr.write('\nstopping after the image sets in progress (Ctrl-C again to quit now; rerun to resume)\n');
    ac.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const failures: string[] = [];
  /** Notes printed as the run started (not again with the summary). */
  const said = new Set<string>();
  const record = !shard && o.report !== false;
  let preloaded: Promise<unknown> | undefined;
  /** Whether the methods record and the report were written (undefined: not attempted). */
  let recorded: boolean | undefined;
  // the end of a run prints no progress of its own: say what it is doing (a large data set's
  // tables and exports take a while)
  const say = (what: string) => {
    if (o.progress !== false) process.stderr.write(`run: ${what}\n`);
  };
  const { describeMergeStep } = await import('../engine/pipeline/merge.js');
  const outputs = (recipe as { outputs?: { parquet?: boolean; duckdb?: boolean } }).outputs ?? {};
  try {
    const s = await runRecipe(recipe, {
      out,
      ...(o.workers !== undefined ? { workers: Math.max(1, Math.floor(o.workers)) } : {}),
      onNote: (n) => {
        said.add(n);
        // on a terminal, on a line of its own rather than after the progress bar
        process.stderr.write(`${process.stderr.isTTY && o.progress !== false ? '\r\x1b[K' : ''}note: ${n}\n`);
      },
      ...(shard ? { shard } : {}),
      resume: o.resume !== false,
      ...(o.input ? { input: o.input } : {}),
      base: dirname(path),
      recipePath: path,
      signal: ac.signal,
      ...(started ? { startedWorkers: [started] } : {}),
      onProgress: progressWriter(o.progress !== false, shard ? `run ${shard.index}/${shard.count}` : 'run'),
      onResult: (r) => {
        if (r.status === 'failed') failures.push(r.reason ?? r.id);
      },
      onMergeStep: (step) => say(describeMergeStep(step, outputs)),
      // load the code of the record (0.3-0.5 s in a fresh process) on a core with nothing to do
      onIdleCore: () => {
        if (record) preloaded = import('./run-record.js').then((m) => m.preloadRunRecord());
      },
      // a whole run (not a shard) leaves its record, METHODS.md and report.html
      ...(record
        ? {
            onResultsWritten: async (run: Record<string, unknown>) => {
              say('writing the methods record and the report (METHODS.md, report.html)');
              await preloaded;
              const { writeRunRecord } = await import('./run-record.js');
              recorded = await writeRunRecord(out, recipe as unknown as Record<string, unknown>, { run, quiet: true });
            },
          }
        : {}),
    });
    if (o.json) process.stdout.write(`${JSON.stringify(s)}\n`);
    else {
      for (const n of s.notes) if (!said.has(n)) process.stderr.write(`note: ${n}\n`);
      process.stdout.write(
        `${s.done} of ${s.selected} image sets${shard ? ` (shard ${shard.index}/${shard.count} of ${s.total})` : ''}: ` +
          `${s.ok} analysed, ${s.excluded} excluded by QC, ${s.failed} failed; ${s.objects} objects; ${(s.wallMs / 1000).toFixed(1)} s\n`,
      );
      if (failures.length)
        process.stdout.write(`failed: ${failures.slice(0, 5).join('\n        ')}${failures.length > 5 ? '\n        ...' : ''}\n`);
      if (s.outputs.length) process.stdout.write(`results in ${out}: ${s.outputs.map((p) => p.slice(out.length + 1)).join(', ')}\n`);
    }
    // after the summary, as before the record was written inside runRecipe
    if (recorded) process.stdout.write((await import('./run-record.js')).recordWritten(out));
    if (s.stopped) process.exitCode = 130;
    else if (s.failed > 0 || (!shard && !s.complete) || s.exportError || recorded === false) process.exitCode = 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

export function build(): Command {
  return new Command('run')
    .description('Run a recipe on every image set: results tables, labels, checkpoints (a rerun resumes)')
    .argument('<recipe>', 'recipe.json written by the wizard or `scopepilot recipe`')
    .option('--out <dir>', "output folder (default: the recipe file's folder)")
    .option('--input <dir>', 'input folder instead of the one in the recipe (e.g. on a cluster)')
    .option('--workers <n>', 'parallel workers (default: one per core, fewer when the memory holds fewer)', wholeNumber('--workers'))
    .option('--shard <i/n>', 'process only shard i of n (1-based); then `scopepilot merge`')
    .option('--resume', 'continue a run in the same folder (the default: finished image sets are kept)')
    .option('--no-resume', 'redo every image set, even those already finished')
    .option('--slurm', 'write an sbatch array script + merge job to OUT/slurm instead of running')
    .option('--tasks <n>', 'with --slurm: number of array tasks (shards)', wholeNumber('--tasks'))
    .option('--json', 'print the run summary as JSON on stdout')
    .option('--no-report', 'do not write METHODS.md and report.html at the end')
    .option('--no-progress', 'no progress on stderr')
    .action(action);
}
