/**
 * `scopepilot run` starts itself once more with V8's garbage collector on the JavaScript threads
 * only (--single-threaded-gc). The runner keeps every core busy with worker threads; V8's
 * background GC threads then compete with them for the same cores. On 200 BBBC039 image sets
 * (2 cores): 1 worker 25.8-27.1 s instead of 28.0-29.1 s, 2 workers 13.3-14.7 s instead of
 * 15.3-17.5 s. The flag can only be given at start-up (setting it later crashes V8), hence the
 * second process. SCOPEPILOT_V8_DEFAULTS=1 turns this off.
 *
 * The same start also caps the main thread's young generation at 2 MB semi-spaces
 * (--max-semi-space-size=2; the worker threads set their own limit). The main thread only hands
 * out jobs until the end of the run, where the methods record and the report churn through short-
 * lived strings: with V8's default (up to 16 MB semi-spaces) that garbage raised the peak memory of
 * a 2,000-image-set run from about 195 to 225 MB, which the report alone (2,000 sets) took from
 * 172 to 143 MB with the cap, in the same time (1.07 vs 1.11 s).
 *
 * And it turns off incremental marking (--no-incremental-marking). The pixel arrays live outside
 * V8's heap; when they pile up, V8 starts a major GC, but an incremental one advances only as the
 * (tiny) JavaScript heap allocates, so on large images it took 0.5-1.3 s to finish while the
 * worker went on allocating planes: 8 sets of 2048 x 2048 peaked at 500-522 MB (3 runs). Without
 * incremental marking the GC runs at once (a few ms on a heap of about 10 MB): 373 MB, same time
 * (15.1 vs 14.7 s); 200 BBBC039 sets took the same time and memory.
 *
 * And it exposes gc() (--expose-gc), which the run calls after each image set (engine/jit.ts
 * collectGarbage): the sets' arrays then go when they are done with, not when V8 next needs room.
 *
 * And it gives the child at most two malloc arenas (MALLOC_ARENA_MAX=2, glibc; other C libraries
 * ignore it), unless the environment sets it. glibc gives each thread that finds the arenas busy
 * one of its own, up to 8 per core, and memory freed in one is not reused by another: a run has
 * a dozen threads (workers, the tables' and the figures' workers, libuv's, DuckDB's; libvips' for
 * PNG or JPEG images), whose pixel buffers, file reads and exports each left memory in their own
 * arena. Peak memory with 2 workers (measured while the report still loaded sharp): 160 x 160 tiles, 200 sets 163-164 -> 155-157 MB, 2,000 sets 180-182 -> 165-168
 * MB, 20,000 sets 284-295 -> 277 MB; 200 BBBC039 sets in the same time (2 workers 6.30-6.50 s
 * against 6.20-6.41 s, 1 worker 9.58-9.67 against 9.61-9.78 s, interleaved). One arena gave 150
 * and 162-165 MB, with all threads' allocations behind one lock.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';

const FLAG = '--single-threaded-gc';
const SEMI_SPACE = '--max-semi-space-size=2';
const ATOMIC_GC = '--no-incremental-marking';
const EXPOSE_GC = '--expose-gc';

/** True when this process should hand the command over to a child started with FLAG. */
export function wantsGcRestart(command: string): boolean {
  return command === 'run' && !process.execArgv.includes(FLAG) && process.env.SCOPEPILOT_V8_DEFAULTS !== '1';
}

/**
 * Run the same command line in a child process with FLAG; resolves with its exit code. The child
 * shares the terminal (progress bar, Ctrl-C); signals sent to this process alone are passed on
 * (the run counts signals that arrive together, as from a terminal or scancel, as one); if this
 * process is killed outright, the child notices the closed channel and stops too.
 */
export function restartWithGcFlag(): Promise<number> {
  const child = spawn(process.execPath, [FLAG, SEMI_SPACE, ATOMIC_GC, EXPOSE_GC, ...process.execArgv, ...process.argv.slice(1)], {
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    env: { MALLOC_ARENA_MAX: '2', ...process.env, SCOPEPILOT_PARENT_WATCH: '1' },
  });
  const forward = (sig: NodeJS.Signals) => () => child.kill(sig);
  const onInt = forward('SIGINT');
  const onTerm = forward('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  return new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      if (code !== null) resolve(code);
      else if (signal === 'SIGINT' || signal === 'SIGTERM') resolve(130);
      else resolve(reportKilled(signal));
    });
    child.on('error', (err) => {
      process.stderr.write(
        `scopepilot: could not start the run's process: ${err.message}\n  what to do: rerun with SCOPEPILOT_V8_DEFAULTS=1 (runs in this process, with V8's own memory settings)\n`,
      );
      resolve(70);
    });
  });
}

/**
 * The child was killed by a signal it could not handle: say so (otherwise the run would end
 * without a word), with what to do; exit code 128 + the signal's number, as a shell gives.
 * SIGKILL from outside is most often the kernel's out-of-memory killer (a SLURM job's --mem).
 */
function reportKilled(signal: NodeJS.Signals | null): number {
  const num = signal ? (constants.signals[signal] ?? 0) : 0;
  const why =
    signal === 'SIGKILL'
      ? 'most often for using more memory than the job or the machine allows (the out-of-memory killer)'
      : 'unexpectedly';
  const todo =
    signal === 'SIGKILL'
      ? 'rerun the same command with fewer --workers (finished image sets are kept), or ask for more memory'
      : 'rerun the same command (finished image sets are kept); if it happens again, please report it with the command line';
  process.stderr.write(`scopepilot: the run's process was killed (${signal ?? 'unknown signal'}), ${why}\n  what to do: ${todo}\n`);
  return 128 + num;
}

/** In the child: stop when the parent is gone (killed with -9), so no orphan goes on writing. */
export function watchParent(): void {
  if (process.env.SCOPEPILOT_PARENT_WATCH !== '1' || !process.channel) return;
  process.channel.unref();
  process.on('disconnect', () => process.exit(137));
}
