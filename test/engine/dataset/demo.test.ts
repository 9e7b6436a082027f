import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeDemoPlate } from '../../../src/engine/dataset/demo.js';
import { scanFolder } from '../../../src/engine/dataset/scan.js';
import { probe } from '../../../src/engine/io/probe.js';
import { readPlane } from '../../../src/engine/io/read.js';

const tmp = mkdtempSync(join(tmpdir(), 'sp-demo-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function digest(dir: string): string {
  const h = createHash('sha256');
  for (const f of (readdirSync(dir, { recursive: true }) as string[]).sort()) {
    if (!f.includes('.')) continue;
    h.update(f);
    h.update(readFileSync(join(dir, f)));
  }
  return h.digest('hex');
}

describe('writeDemoPlate', async () => {
  const dir = join(tmp, 'a');
  const info = await writeDemoPlate(dir, { seed: 1 });
  const truth = JSON.parse(readFileSync(info.truth, 'utf8'));

  it('writes 48 ImageXpress-named 16-bit images, 24 label images, a plate map and truth.json', () => {
    expect(readdirSync(join(dir, 'images'))).toHaveLength(48);
    expect(readdirSync(join(dir, 'labels'))).toHaveLength(24);
    expect(readFileSync(info.plateMap, 'utf8').split('\n')[0]).toBe('Metadata_Well,condition,treatment,dose_uM,replicate,control');
    expect(truth.effect).toMatchObject({ nucleusArea: 1.2, markerNuclearIntensity: 1.5 });
    expect(truth.problems.map((p: { check: string }) => p.check)).toEqual(['blur', 'saturation', 'debris', 'empty']);
  });

  it('scans as one ImageXpress plate: 12 wells x 2 sites, channels w1/w2, conditions from the plate map, pixel size', async () => {
    const scan = await scanFolder(dir, { plateMap: info.plateMap });
    expect(scan.preset).toMatchObject({ id: 'imagexpress', confidence: 1 });
    expect(scan.channels).toEqual(['w1', 'w2']);
    expect(scan.imageSets).toHaveLength(24);
    expect(scan.wells).toHaveLength(12);
    expect(scan.summary.skipped.truthFiles).toBe(24);
    expect(scan.summary.pixelSizeUm).toBeCloseTo(0.65, 3);
    expect(Math.max(...Object.keys(scan.summary.significantBits).map(Number))).toBe(12);
    const a01 = scan.imageSets.find((s) => s.id === 'A01_s1')!;
    expect(a01.meta).toMatchObject({ condition: 'DMSO', extra: { control: 'yes' } });
    expect(scan.imageSets.find((s) => s.id === 'B06_s2')!.meta.condition).toBe('compound-X');
    expect(scan.problems.filter((p) => p.code !== 'clipped').map((p) => p.code)).toEqual([]);
  });

  it('ground truth matches the images: label counts, treated nuclei ~20% larger, empty well, saturated field', async () => {
    type F = { imageSetId: string; condition: string; nuclei: number; meanAreaPx: number; labels: string; files: { w1: string } };
    const fields: F[] = truth.fields;
    for (const f of fields.slice(0, 4)) {
      const pl = await readPlane(join(dir, f.labels));
      expect(Math.max(...pl.data)).toBe(f.nuclei);
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const area = (c: string) => mean(fields.filter((f) => f.condition === c && f.nuclei > 0).map((f) => f.meanAreaPx));
    expect(area('compound-X') / area('DMSO')).toBeGreaterThan(1.1);
    expect(area('compound-X') / area('DMSO')).toBeLessThan(1.3);
    expect(fields.filter((f) => f.imageSetId.startsWith('B06')).map((f) => f.nuclei)).toEqual([0, 0]);
    expect(fields.find((f) => f.imageSetId === 'A01_s1')!.nuclei).toBeGreaterThan(20);
    const sat = await probe(join(dir, fields.find((f) => f.imageSetId === 'B03_s1')!.files.w1));
    expect(sat.problems.map((p) => p.code)).toContain('clipped');
  });

  it('is deterministic: the same seed gives the same bytes, another seed other images', async () => {
    await writeDemoPlate(join(tmp, 'b'), { seed: 1 });
    await writeDemoPlate(join(tmp, 'c'), { seed: 2 });
    expect(digest(join(tmp, 'b'))).toBe(digest(dir));
    expect(digest(join(tmp, 'c'))).not.toBe(digest(dir));
  });
});
