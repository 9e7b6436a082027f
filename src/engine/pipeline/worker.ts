/**
 * Worker thread of runRecipe: gets the run context once (workerData), then jobs; runs them one
 * at a time and posts a small JobDone per job. Loaded as dist/engine/pipeline/worker.js.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadPipelineDeps } from './deps.js';
import { type JobSpec, type RunContext, runJob } from './job.js';
import { markParsed } from './recipe-use.js';

const port = parentPort;
if (port) {
  // the main thread validated the recipe (runRecipe); this structured clone of it is the same plain
  // data. Marked as validated, so that processImageSet neither validates it per job nor loads the
  // schema (zod: 0.1 s per worker thread at the start of every run)
  const ctx = { ...(workerData as RunContext), recipe: markParsed((workerData as RunContext).recipe) };
  // load the engine while the first job is on its way (errors surface in the job's result)
  loadPipelineDeps().catch(() => undefined);
  const queue: JobSpec[] = [];
  let busy = false;
  const pump = async () => {
    if (busy) return;
    busy = true;
    while (queue.length > 0) port.postMessage(await runJob(queue.shift()!, ctx));
    busy = false;
  };
  port.on('message', (job: JobSpec) => {
    queue.push(job);
    void pump();
  });
}
