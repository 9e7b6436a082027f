/**
 * Worker thread for `mergeInWorker`: runs `mergeTables` (the CSV tables) with the options it is
 * given and posts the result (or the error, with its hint). Loaded as
 * dist/engine/pipeline/merge-worker.js.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { UserError } from '../errors.js';
import { type MergeOptions, mergeTables } from './merge.js';

const port = parentPort;
if (port) {
  const job = workerData as { out: string; sources: string[]; options: MergeOptions };
  mergeTables(job.out, job.sources, job.options).then(
    (result) => port.postMessage({ result }),
    (err: Error) =>
      port.postMessage({
        error: { message: err.message, user: err instanceof UserError, hint: err instanceof UserError ? err.hint : undefined },
      }),
  );
}
