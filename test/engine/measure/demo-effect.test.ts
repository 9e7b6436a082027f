import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDemoPlate } from '../../../src/engine/dataset/demo.js';
import { measureFiles, measureTables } from '../../../src/engine/measure/measure-files.js';

/** The demo plate plants a known effect (truth.json): measuring its true nuclei must recover it. */
describe('measure recovers the demo plate effect from its true labels', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sp-measure-demo-'));
  const ratio: Record<string, number> = {};
  let truth: {
    effect: { nucleusArea: number; markerNuclearIntensity: number; rawMarkerMeanIntensityRatio?: number };
    problems: { well: string; site?: number }[];
  };
  beforeAll(async () => {
    await writeDemoPlate(dir, { seed: 1 });
    truth = JSON.parse(readFileSync(join(dir, 'truth.json'), 'utf8'));
    const files = readdirSync(join(dir, 'images'))
      .filter((n) => n.endsWith('.tif'))
      .sort()
      .map((n) => join(dir, 'images', n));
    const { objects } = measureTables(await measureFiles(files, { labelsDir: join(dir, 'labels') }));
    const c = (name: string) => objects.columns.indexOf(name);
    const planted = (well: string, site: string) =>
      truth.problems.some((p) => p.well === well && (p.site === undefined || String(p.site) === site));
    const sums: Record<string, Record<string, number>> = { DMSO: {}, X: {} };
    for (const r of objects.rows) {
      const well = String(r[c('Metadata_Well')]);
      if (planted(well, String(r[c('Metadata_Site')]))) continue;
      const s = sums[Number(well.slice(1)) >= 4 ? 'X' : 'DMSO']!;
      for (const k of ['AreaShape_Area', 'Intensity_MeanIntensity_w1', 'Intensity_MeanIntensity_w2']) s[k] = (s[k] ?? 0) + Number(r[c(k)]);
      s.n = (s.n ?? 0) + 1;
    }
    for (const k of ['AreaShape_Area', 'Intensity_MeanIntensity_w1', 'Intensity_MeanIntensity_w2'])
      ratio[k] = sums.X![k]! / sums.X!.n! / (sums.DMSO![k]! / sums.DMSO!.n!);
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('nuclei of compound-X are 1.2x larger (within 3%)', () => {
    expect(Math.abs(ratio.AreaShape_Area! / truth.effect.nucleusArea - 1)).toBeLessThan(0.03);
  });
  it('the raw nuclear marker ratio is what the planted 1.5x gives over the background (within 3%)', () => {
    const expected = truth.effect.rawMarkerMeanIntensityRatio ?? (300 + 500 * truth.effect.markerNuclearIntensity) / 800;
    expect(Math.abs(ratio.Intensity_MeanIntensity_w2! / expected - 1)).toBeLessThan(0.03);
  });
  it('DNA intensity is unchanged (within 3%)', () => {
    expect(Math.abs(ratio.Intensity_MeanIntensity_w1! - 1)).toBeLessThan(0.03);
  });
});
