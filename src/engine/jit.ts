/**
 * V8 compiler settings for pixel work, and back. Flags are per process and apply to the
 * threads (isolates) started after they are set.
 */
import { setFlagsFromString } from 'node:v8';

let tuned = false;

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
 * Background compilation back on for threads started from now on, once the pixel work is done.
 * The end of a run (tables, Parquet, DuckDB) is many short functions run a few thousand times:
 * compiled on its own thread, the merge of 200 image sets took 2.2 s instead of 1.1 s. Safe on a
 * thread started without a compile thread: V8 compiles in the background only where that thread
 * exists (Isolate::concurrent_recompilation_enabled), so this thread keeps compiling in place.
 */
export function endPixelWork(): void {
  if (!tuned) return;
  setFlagsFromString('--concurrent-recompilation');
  setFlagsFromString('--concurrent-osr');
  setFlagsFromString('--lazy-feedback-allocation');
  tuned = false;
}
