/**
 * Starting the runner's worker threads (worker.ts). A worker loads the engine as soon as it
 * starts and takes the run's context as its first message, so it can be started before the run
 * is set up: `scopepilot run` starts one before it reads and validates the recipe (the schema's
 * code alone takes about 0.1 s to load), and the two load at once.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { SMALL_YOUNG_GENERATION_MB } from '../jit.js';

/** The built worker script, or undefined (under vitest only worker.ts exists: in-process). */
export function runWorkerScript(): string | undefined {
  const path = fileURLToPath(new URL('./worker.js', import.meta.url));
  return existsSync(path) ? path : undefined;
}

/** A new worker thread for runRecipe (`RunOptions.startedWorkers`), or undefined without a built script. */
export function startRunWorker(): Worker | undefined {
  const script = runWorkerScript();
  return script ? new Worker(script, { resourceLimits: { maxYoungGenerationSizeMb: SMALL_YOUNG_GENERATION_MB } }) : undefined;
}
