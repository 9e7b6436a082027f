/**
 * Worker thread for `mergeInWorker`: runs `mergeTables` (the CSV tables) with the options it is
 * given (as workerData, or as its first message) and posts the result (or the error, with its hint). Loaded as
 * dist/engine/pipeline/merge-worker.js.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { UserError } from '../errors.js';
import { type MergeOptions, mergeTables } from './merge.js';

type Job = { out: string; sources: string[]; options: MergeOptions };

const port = parentPort;
const run = (job: Job) =>
  mergeTables(job.out, job.sources, job.options).then(
    (result) => port!.postMessage({ result }),
    (err: Error) =>
      port!.postMessage({
        error: { message: err.message, user: err instanceof UserError, hint: err instanceof UserError ? err.hint : undefined },
      }),
  );
// the job comes as workerData, or as the first message to a worker started ahead (startMergeWorker)
if (port) {
  if (workerData) run(workerData as Job);
  else port.once('message', run);
}
