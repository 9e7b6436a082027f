/**
 * Worker thread of runRecipe: loads the engine at once, gets the run context (its first message,
 * { ctx }), then jobs; runs them one at a time and posts per job either a small JobDone (it wrote
 * the result itself) or, when the context says storeInMain, the JobComputed for the main thread
 * to write (its pixel arrays moved, not copied). Loaded as dist/engine/pipeline/worker.js;
 * started by worker-start.ts.
 */
import { parentPort } from 'node:worker_threads';
import { collectGarbage } from '../jit.js';
import { loadPipelineDeps } from './deps.js';
import { computeJob, type JobSpec, type RunContext, runJob } from './job.js';
import { markParsed } from './recipe-use.js';
import { storeTransfers } from './store.js';

const port = parentPort;
if (port) {
  let ctx: RunContext;
  // load the engine while the run is set up (errors surface in the first job's result)
  loadPipelineDeps().catch(() => undefined);
  const queue: JobSpec[] = [];
  let busy = false;
  const run = async (job: JobSpec) => {
    if (!ctx.storeInMain) {
      port.postMessage(await runJob(job, ctx));
      return;
    }
    const computed = await computeJob(job, ctx);
    try {
      port.postMessage(computed, storeTransfers(computed.pending));
    } catch {
      port.postMessage(computed); // a buffer that cannot be moved (e.g. WebAssembly memory) is copied
    }
  };
  const pump = async () => {
    if (busy) return;
    busy = true;
    while (queue.length > 0) {
      await run(queue.shift()!);
      collectGarbage();
    }
    busy = false;
  };
  port.on('message', (m: JobSpec | { ctx: RunContext }) => {
    if ('ctx' in m) {
      // the main thread validated the recipe (runRecipe); this structured clone of it is the same
      // plain data. Marked as validated, so that processImageSet neither validates it per job nor
      // loads the schema (zod: 0.1 s per worker thread at the start of every run)
      ctx = { ...m.ctx, recipe: markParsed(m.ctx.recipe) };
      return;
    }
    queue.push(m);
    void pump();
  });
}
