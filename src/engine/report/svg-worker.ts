/**
 * Worker thread of svg-renderer.ts: loads vega at once, then renders each vega-lite spec it is
 * sent ({ id, spec }) and posts { id, svg } or { id, error }. Loaded as
 * dist/engine/report/svg-worker.js.
 */
import { parentPort } from 'node:worker_threads';
import { renderSvg, type VlSpec } from './charts.js';
import { loadVega } from './vega-load.js';

const port = parentPort;
if (port) {
  // load vega while the main thread is busy with other parts of the report
  loadVega().catch(() => undefined);
  port.on('message', (m: { id: number; spec: VlSpec }) => {
    renderSvg(m.spec).then(
      (svg) => port.postMessage({ id: m.id, svg }),
      (err: Error) => port.postMessage({ id: m.id, error: err.message }),
    );
  });
}
