/**
 * V8 compiler settings for pixel work. Flags are per process and apply to the threads (isolates)
 * started after they are set. They stay on for the end of a run: turning background compilation
 * back on for the merge worker made a 200-set merge 1.1 s faster, but raised the peak memory of a
 * 2,000-set run by about 25 MB (median 264 vs 238 MB, 3 runs each), against the runner's target
 * that the peak for 2,000 image sets stays within 1.2x that for 200.
 */
import { setFlagsFromString } from 'node:v8';

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
}
