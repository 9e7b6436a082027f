/**
 * The report's figures rendered in a worker thread (svg-worker.ts), so that vega's loading
 * (0.1 s from the build's bundle, 0.25 s from the packages; see vega-load.ts) and its rendering run on the second core while the main thread
 * writes the methods record and the thumbnails: at the end of `scopepilot run` both cores are
 * otherwise idle but one. The SVG bytes are the same as in-thread (charts.ts renderSvg; ids are
 * renumbered per figure by scopeSvgIds). Without a built worker script (tests), or when the
 * worker fails, figures are rendered in this thread.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { SMALL_YOUNG_GENERATION_MB } from '../jit.js';
import { renderSvg, type VlSpec } from './charts.js';

export interface SvgRenderer {
  /** The SVG of a vega-lite spec (rejects when the spec cannot be drawn). */
  render(spec: VlSpec): Promise<string>;
  /** Stop the worker (pending renders are finished in this thread). */
  close(): Promise<void>;
}

/** Render in this thread (the default of writeReport). */
export const inThread: SvgRenderer = { render: renderSvg, close: async () => {} };

/** Start the worker now (it loads vega at once), or render in this thread when there is no worker script. */
export function startSvgRenderer(): SvgRenderer {
  const script = fileURLToPath(new URL('./svg-worker.js', import.meta.url));
  if (!existsSync(script)) return inThread;
  let worker: Worker | undefined = new Worker(script, { resourceLimits: { maxYoungGenerationSizeMb: SMALL_YOUNG_GENERATION_MB } });
  const pending = new Map<number, { spec: VlSpec; resolve: (svg: string) => void; reject: (err: Error) => void }>();
  let next = 0;
  // a worker that fails hands its figures back to this thread: a report never loses a figure to it
  const fallBack = () => {
    worker = undefined;
    for (const p of pending.values()) renderSvg(p.spec).then(p.resolve, p.reject);
    pending.clear();
  };
  worker.on('message', (m: { id: number; svg?: string; error?: string }) => {
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (m.svg !== undefined) p.resolve(m.svg);
    else p.reject(new Error(m.error ?? 'the figure could not be drawn'));
  });
  worker.on('error', fallBack);
  worker.on('exit', fallBack);
  return {
    render(spec) {
      if (!worker) return renderSvg(spec);
      const id = next++;
      return new Promise<string>((resolve, reject) => {
        pending.set(id, { spec, resolve, reject });
        worker!.postMessage({ id, spec });
      });
    },
    async close() {
      const w = worker;
      worker = undefined;
      if (w) {
        w.removeAllListeners('exit');
        w.removeAllListeners('error');
        await w.terminate();
      }
      fallBack();
    },
  };
}
