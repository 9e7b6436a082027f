/**
 * V8 settings for pixel work: the compiler flags, and the young generation of the runner's worker
 * threads. Flags are per process and apply to the threads (isolates) started after they are set
 * (the main thread keeps the settings it started with).
 */
import { setFlagsFromString } from 'node:v8';

let tuned = false;

/**
 * Young generation (MB) of the runner's worker threads. V8's default lets it grow to about 48 MB
 * per thread under allocation churn; 8 MB measured the same CPU time (200 BBBC039 sets, 1 worker)
 * and 25-40 MB less peak memory with 2 workers.
 */
export const SMALL_YOUNG_GENERATION_MB = 8;

/**
 * Compile hot functions on the thread that runs them instead of a background thread. A batch
 * command's few dozen pixel loops each run hundreds of thousands of iterations on the first
 * image: waiting a few ms for the optimised code beats interpreting while a background compiler
 * competes for the same two cores. Measured on the 50 BBBC039 images with 2 lanes: 2.38 s -> 2.02 s
 * of CPU (hyperfine, 8 runs). Must run before worker threads start.
 */
export function tuneForPixelWork(): void {
  if (process.env.SCOPEPILOT_V8_DEFAULTS === '1') return;
  setFlagsFromString('--no-concurrent-osr');
  setFlagsFromString('--no-concurrent-recompilation');
  // feedback from the first call, so the first image's loops can be optimised at all
  setFlagsFromString('--no-lazy-feedback-allocation');
  tuned = true;
}

/**
 * Background compilation again for a thread started after the pixel work, such as the merge
 * worker: its code is many small functions that each run a few thousand times, so compiling them
 * on the thread that runs them only waits. A 200-set merge's tables took 0.35-0.45 s instead of
 * 0.75-1.05 s (20,000 object rows). With the DuckDB export still in that worker, this had raised a
 * 2,000-set run's peak by about 25 MB; with the export after the worker (pipeline/merge.ts), three
 * interleaved runs each gave 212/234/225 MB against 207/237/222 MB without it. Returns the
 * function that restores the pixel-work setting; call it once the thread has started (again
 * later is harmless).
 */
export function compileInBackground(): () => void {
  if (!tuned) return () => {};
  setFlagsFromString('--concurrent-recompilation');
  let restored = false;
  return () => {
    if (!restored) setFlagsFromString('--no-concurrent-recompilation');
    restored = true;
  };
}

/**
 * Collect the young generation's garbage of one finished image set now (about 1 ms), when the
 * process was started with --expose-gc (`scopepilot run` is, see src/reexec.ts; otherwise this
 * does nothing). Its pixel arrays live outside V8's heap, behind small objects that V8 frees only
 * when that heap needs room, so tens of MB of finished arrays waited for it.
 * - After each set in the runner's worker threads: 200 BBBC039 sets with 2 workers peaked at
 *   193-199 instead of 275-289 MB (4 runs each), in the same time. A full collection there made
 *   the runs twice as slow (V8 optimised the code again).
 * - After each set the main thread wrote (1 worker on 2 cores): 200 BBBC039 sets peaked at
 *   193-198 instead of 226-246 MB, 8 sets of 2048 x 2048 at 431-440 instead of 524 MB. A full
 *   collection there gave 394-400 MB for those, but took 4-5 s of CPU per 200 sets.
 */
export function collectGarbage(): void {
  const gc = (globalThis as { gc?: (o: { type: 'minor' }) => void }).gc;
  if (typeof gc === 'function') gc({ type: 'minor' });
}
