/**
 * The figures' worker thread (report/svg-worker.ts) draws the same SVG bytes as charts.ts in this
 * thread. The worker only exists in the build: this test uses dist/ (built by `npm run build`,
 * which the CI runs first) and skips with a message without it. The built worker loads vega
 * from dist's one-file bundle (scripts/bundle-vega.mjs) and this thread from the packages, so
 * the test also checks that the bundle draws the same bytes.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderSvg, scopeSvgIds, sizeHistogramSpec } from '../../../src/engine/report/charts.js';

const BUILT = join(resolve(import.meta.dirname, '../../..'), 'dist/engine/report/svg-renderer.js');
const built = existsSync(BUILT);
if (!built) console.log(`skipped: ${BUILT} is not built (run \`npm run build\`)`);

describe.skipIf(!built)('figures drawn in a worker thread', () => {
  it('gives the bytes drawn in this thread, rejects a spec that cannot be drawn, and stops', async () => {
    const { startSvgRenderer } = (await import(pathToFileURL(BUILT).href)) as typeof import('../../../src/engine/report/svg-renderer.js');
    const spec = sizeHistogramSpec(
      [
        { start: 0, end: 10, count: 3 },
        { start: 10, end: 20, count: 5 },
      ],
      [{ area: 12, label: 'min (4 px across)' }],
      'px²',
    );
    const svg = startSvgRenderer();
    try {
      const [a, b] = await Promise.all([svg.render(spec), svg.render({ ...spec, title: 'second' })]);
      expect(scopeSvgIds(a, 'fig-x')).toBe(scopeSvgIds(await renderSvg(spec), 'fig-x'));
      expect(b).toContain('second');
      await expect(svg.render({ mark: 'no-such-mark' })).rejects.toThrow();
    } finally {
      await svg.close();
    }
    // after close, figures are drawn in this thread
    expect(await svg.render(spec)).toContain('<svg');
  });

  it('the build bundled vega for the worker, with the licences of what it bundles', async () => {
    const bundle = join(BUILT, '..', 'vega-bundle.js');
    expect(existsSync(bundle)).toBe(true);
    const { readFile } = await import('node:fs/promises');
    expect(await readFile(bundle, 'utf8')).toMatch(/export \{[^}]*vegaLite/);
    const licences = await readFile(join(BUILT, '..', 'vega-bundle.LICENSES.txt'), 'utf8');
    expect(licences).toMatch(/^vega \d+\.\d+\.\d+ \(BSD-3-Clause\)$/m);
    expect(licences).toMatch(/^d3-scale \d+\.\d+\.\d+ \(ISC\)$/m);
    expect(licences).toMatch(/Copyright/);
  });
});
