/**
 * Worker thread of `segmentFiles`: receives jobs, runs them one at a time, posts results.
 * Loaded as dist/engine/batch/worker.js.
 */
import { parentPort } from 'node:worker_threads';
import { type JobSpec, loadSegmentFn, runJob } from './job.js';

const port = parentPort;
if (port) {
  // load the segmentation code while the first job is on its way (errors surface in the job)
  loadSegmentFn().catch(() => undefined);
  const queue: JobSpec[] = [];
  let busy = false;
  const pump = async () => {
    if (busy) return;
    busy = true;
    while (queue.length > 0) {
      const job = queue.shift()!;
      port.postMessage(await runJob(job));
    }
    busy = false;
  };
  port.on('message', (job: JobSpec) => {
    queue.push(job);
    void pump();
  });
}
