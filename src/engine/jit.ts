/**
 * V8 settings for pixel work: the compiler flags, and the young generation of the runner's worker
 * threads. Flags are per process and apply to the threads (isolates) started after they are set
 * (the main thread keeps the settings it started with).
 */
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

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
 *
 * And a full collection once the heap has grown by PER_SET_OLD_GARBAGE_MB since the last one
 * (collectOldGarbage). What survives a young collection (a few KB per set: strings of its
 * checkpoint, its measurements) piles up in the old generation, which V8 collects only at a limit
 * set for a heap of gigabytes (with incremental marking off, see src/reexec.ts, nothing collects
 * it earlier): each worker thread of a 20,000-set run grew by 4.2 MB per 1,000 sets to 44 MB, of
 * which 7 MB was live. Rarely, because a full collection costs the next sets far more than its
 * own few ms: it drops the object shapes that the optimised code was made for, and V8 optimises
 * it again (a full collection every 20 BBBC039 sets made measureObjects 4-6 ms slower per set;
 * every 8 MB, 20,000 tile sets took 62-64 s instead of 54-57 s).
 */
export function collectGarbage(): void {
  const gc = (globalThis as { gc?: (o?: { type: 'minor' }) => void }).gc;
  if (typeof gc !== 'function') return;
  gc({ type: 'minor' });
  collectOldGarbage(PER_SET_OLD_GARBAGE_MB);
}

/** Growth of the heap (MB) after which collectGarbage, called once per image set, collects it all. */
export const PER_SET_OLD_GARBAGE_MB = 64;

/**
 * A full collection once the heap has grown by `slackMb` (or by half what was live after the last
 * one, if that is more) since the last one, and is past SMALL_HEAP_MB; else only a check of the
 * heap's size (about 1 us).
 * For the run's set-up (the scan's garbage: 50 MB for 20,000 sets, which otherwise stayed all
 * run), loops over many small files (the merge's checkpoints) and the steps of the report: a
 * 20,000-set report read images.csv and qc.csv into 63 MB of tables and left 74 MB of garbage
 * beside them, which stayed through the report. Does nothing without gc() (see exposeGc).
 */
export function collectOldGarbage(slackMb = OLD_GARBAGE_MB): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (typeof gc !== 'function') return;
  const used = getHeapStatistics().used_heap_size;
  // a large heap is collected in proportion; a small one not at all
  if (used < Math.max(SMALL_HEAP_MB * 1048576, liveAfterFullGc + Math.max(slackMb * 1048576, liveAfterFullGc / 2))) return;
  gc(); // a full collection (Node 20's V8 reads only type 'minor'; { type: 'major' } does nothing)
  liveAfterFullGc = getHeapStatistics().used_heap_size;
}

/** Growth of the heap (MB) after which collectOldGarbage collects it all, by default. */
const OLD_GARBAGE_MB = 8;
/**
 * Heap (MB) below which collectOldGarbage never collects. Measured on a 200-set run, whose heaps
 * stay at 8-21 MB: without this floor its set-up, merge and report each paid a full collection of
 * 9-26 ms (50 ms in all, on the serial start and end of the run) that freed 3-4 MB.
 */
const SMALL_HEAP_MB = 32;
let liveAfterFullGc = 0;

/**
 * Give this process the gc() that collectGarbage uses when it was started without --expose-gc:
 * for the commands that read whole result tables (`scopepilot report`, `merge`), which `run`'s
 * restart (src/reexec.ts) does not cover. The flag is read when a context is made, so a new
 * context hands over its gc(). A 20,000-set report peaked at 245 instead of 338 MB.
 */
export function exposeGc(): void {
  const g = globalThis as { gc?: unknown };
  if (typeof g.gc === 'function') return;
  try {
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    if (typeof gc === 'function') g.gc = gc;
  } catch {
    // without it, V8 collects when it sees fit
  }
}
