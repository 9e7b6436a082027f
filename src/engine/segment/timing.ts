import { performance } from 'node:perf_hooks';

/**
 * Stage timings of one image, for segment.json and the run's checkpoints: `lap(name)` adds the
 * time since the previous lap (or the start) to `timingsMs[name]`. Shared by the classical and the
 * model path.
 */
export function stageTimer(): { timingsMs: Record<string, number>; lap: (name: string) => void } {
  const timingsMs: Record<string, number> = {};
  let t = performance.now();
  const lap = (name: string) => {
    const now = performance.now();
    timingsMs[name] = (timingsMs[name] ?? 0) + (now - t);
    t = now;
  };
  return { timingsMs, lap };
}
