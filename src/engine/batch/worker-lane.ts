/**
 * One lane of a worker pool: hand a worker thread jobs (two queued, so it never waits for a busy
 * main thread), collect its results, and settle when there is no more work or the worker fails.
 * Shared by `segmentFiles` and the recipe runner.
 */
import type { Worker } from 'node:worker_threads';

export interface LaneHandlers<J, R> {
  /** The next job, or undefined when there is none (or the run stops). */
  take: () => J | undefined;
  /**
   * Record one result (called in completion order). When it returns a promise, the job counts as
   * queued until that settles (the runner writes a result there), so no more than `queued` jobs
   * of this lane are ever between being handed out and being recorded.
   */
  finish: (result: R) => void | Promise<void>;
  /** The worker crashed: its queued jobs are lost (the caller reports them). */
  onError: (err: Error) => void;
}

/** Drive `worker` until no job is left; resolves (never rejects) when the lane is done. */
export function workerLane<J, R>(worker: Worker, h: LaneHandlers<J, R>, queued = 2): Promise<void> {
  return new Promise<void>((resolve) => {
    let inFlight = 0;
    const feed = () => {
      while (inFlight < queued) {
        const job = h.take();
        if (job === undefined) break;
        inFlight++;
        worker.postMessage(job);
      }
      if (inFlight === 0) resolve();
    };
    const settle = () => {
      inFlight--;
      feed();
    };
    worker.on('message', (r: R) => {
      const recorded = h.finish(r);
      if (recorded) recorded.then(settle, settle);
      else settle();
    });
    worker.on('error', (err) => {
      inFlight = 0;
      h.onError(err);
      resolve();
    });
    // a worker that ends by itself (it should not) must not leave the run waiting for it
    worker.on('exit', () => resolve());
    feed();
  });
}
