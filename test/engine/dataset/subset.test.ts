import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeDemoPlate } from '../../../src/engine/dataset/demo.js';
import { scanFolder } from '../../../src/engine/dataset/scan.js';
import { pickSubset } from '../../../src/engine/dataset/subset.js';
import { encodeTiff } from '../../../src/engine/io/tiff-write.js';
import { BBBC039, hasSharedData } from '../../helpers/shared-data.js';

const tmp = mkdtempSync(join(tmpdir(), 'sp-subset-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('pickSubset on the demo plate', async () => {
  const info = await writeDemoPlate(join(tmp, 'demo'), { seed: 1 });
  const scan = await scanFolder(info.dir, { plateMap: info.plateMap, probeSets: 0 });
  const picks = await pickSubset(scan, { n: 8, seed: 1 });
  const byId = new Map(scan.imageSets.map((s) => [s.id, s]));

  it('picks 8 distinct image sets covering both conditions, each with a reason naming the well', () => {
    expect(picks).toHaveLength(8);
    expect(new Set(picks.map((p) => p.imageSetId)).size).toBe(8);
    const design = picks.filter((p) => p.role === 'design');
    expect(new Set(design.map((p) => byId.get(p.imageSetId)!.meta.condition))).toEqual(new Set(['DMSO', 'compound-X']));
    for (const p of picks) expect(p.reason).toMatch(new RegExp(`well ${byId.get(p.imageSetId)!.meta.well}`));
    expect(design[0]!.reason).toMatch(/DMSO, control/);
  });

  it('includes the odd fields on purpose: the empty well, the saturated field and the blurred field', () => {
    const ids = picks.map((p) => p.imageSetId);
    expect(ids.some((id) => id.startsWith('B06'))).toBe(true);
    expect(ids).toContain('B03_s1');
    expect(ids).toContain('A02_s2');
    const reasons = picks
      .filter((p) => p.role === 'variety')
      .map((p) => p.reason)
      .join(' | ');
    expect(reasons).toMatch(/of the plate/);
  });

  it('is deterministic for a seed', async () => {
    expect(await pickSubset(scan, { n: 8, seed: 1 })).toEqual(picks);
  });

  it('n >= the number of image sets gives every image set once', async () => {
    const all = await pickSubset(scan, { n: 30 });
    expect(all.map((p) => p.imageSetId).sort()).toEqual(scan.imageSets.map((s) => s.id).sort());
  });
});

describe('pickSubset on plain folders', () => {
  it('works without plate metadata and never picks an unreadable image', async () => {
    const root = join(tmp, 'plain');
    mkdirSync(root);
    for (let i = 0; i < 20; i++) {
      const data = new Uint16Array(32 * 32);
      for (let k = 0; k < data.length; k++) data[k] = 100 + i * 10 + ((k * 7919) % 53);
      writeFileSync(join(root, `img${String(i).padStart(2, '0')}.tif`), encodeTiff([{ width: 32, height: 32, data }]));
    }
    writeFileSync(join(root, 'img99.tif'), 'broken');
    const scan = await scanFolder(root, { probeSets: 0 });
    const picks = await pickSubset(scan, { n: 6, seed: 3 });
    expect(picks).toHaveLength(6);
    expect(picks.map((p) => p.imageSetId)).not.toContain('img99');
    const reasons = picks.map((p) => p.reason).join(' | ');
    expect(reasons).toMatch(/the dimmest field in the folder/);
    expect(reasons).toMatch(/the brightest field in the folder/);
  });
});

describe.skipIf(!hasSharedData)('pickSubset on BBBC039', () => {
  it('one field per well spread over the plate plus the extremes', async () => {
    const scan = await scanFolder(BBBC039, { probeSets: 0 });
    const picks = await pickSubset(scan, { n: 8, seed: 1 });
    expect(picks).toHaveLength(8);
    const wells = picks.map((p) => scan.imageSets.find((s) => s.id === p.imageSetId)!.meta.well);
    expect(new Set(wells).size).toBeGreaterThanOrEqual(6);
    expect(picks.filter((p) => p.role === 'design').every((p) => /spread over the plate/.test(p.reason))).toBe(true);
  });
});
