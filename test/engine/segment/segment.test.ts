import { readdirSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { UserError } from '../../../src/engine/errors.js';
import { readMaskFolder } from '../../../src/engine/io/mask-folder.js';
import { readPlane } from '../../../src/engine/io/read.js';
import { scoreSegmentation } from '../../../src/engine/results/score.js';
import { rng } from '../../../src/engine/results/stats-math.js';
import { DEFAULT_SEGMENT_OPTIONS, segmentNuclei } from '../../../src/engine/segment/index.js';
import type { Labels, Plane } from '../../../src/engine/types.js';
import { BBBC039, DSB2018, hasSharedData } from '../../helpers/shared-data.js';

/** A 12-bit image of bright disks (centre x, y, radius) on a noisy background of 150 +- 10. */
function disks(w: number, h: number, list: [number, number, number][], seed = 1): Plane {
  const r = rng(seed);
  const data = new Uint16Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let v = 150 + (r() - 0.5) * 20;
      for (const [cx, cy, rad] of list) if ((x - cx) ** 2 + (y - cy) ** 2 <= rad * rad) v += 1200;
      data[y * w + x] = Math.round(Math.min(4095, v));
    }
  }
  return { width: w, height: h, data, bitDepth: 12 };
}

function truthOf(w: number, h: number, list: [number, number, number][]): Labels {
  const data = new Int32Array(w * h);
  list.forEach(([cx, cy, rad], k) => {
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) if ((x - cx) ** 2 + (y - cy) ** 2 <= rad * rad) data[y * w + x] = k + 1;
  });
  return { width: w, height: h, data, count: list.length };
}

describe('segmentNuclei on drawn disks', () => {
  const list: [number, number, number][] = [
    [30, 30, 12],
    [52, 30, 12], // touches the first: must be split
    [110, 40, 10],
    [40, 90, 11],
    [100, 100, 13],
  ];
  const plane = disks(150, 130, list);

  it('finds every disk, splits the touching pair, and reports the size it estimated', () => {
    const r = segmentNuclei(plane);
    expect(r.labels.count).toBe(5);
    const s = scoreSegmentation(r.labels, truthOf(150, 130, list));
    expect(s.tp).toBe(5);
    expect(s.meanIoU).toBeGreaterThan(0.85);
    expect(r.params.diameterSource).toBe('estimated');
    expect(Number(r.params.estimatedDiameter)).toBeGreaterThan(18);
    expect(Number(r.params.estimatedDiameter)).toBeLessThan(30);
    expect(r.threshold).toBeGreaterThan(160);
    expect(r.threshold).toBeLessThan(1350);
  });

  it('keeps the touching pair together without declumping', () => {
    const r = segmentNuclei(plane, { declump: 'none' });
    expect(r.labels.count).toBe(4);
  });

  it('records what the size filter removed', () => {
    const r = segmentNuclei(plane, { minDiameter: 22 });
    // the radius-10 disk (area ~314 px, equivalent diameter 20) and radius 11 (~22) are at risk
    expect(r.discarded.small.length).toBeGreaterThanOrEqual(1);
    expect(r.labels.count + r.discarded.small.length).toBe(5);
    for (const a of r.discarded.small) expect(a).toBeLessThan(Math.PI * 11 * 11);
    const big = segmentNuclei(plane, { maxDiameter: 23 });
    expect(big.discarded.large.length).toBeGreaterThanOrEqual(2);
    expect(big.qc.some((q) => q.check === 'size-filter')).toBe(true);
  });

  it('clears border objects when asked and counts them', () => {
    const edge = disks(80, 60, [
      [5, 30, 10],
      [45, 30, 10],
    ]);
    expect(segmentNuclei(edge).labels.count).toBe(2);
    const r = segmentNuclei(edge, { clearBorder: true });
    expect(r.labels.count).toBe(1);
    expect(r.discarded.border).toBe(1);
  });

  it('uses a given diameter instead of estimating', () => {
    const r = segmentNuclei(plane, { diameter: 24 });
    expect(r.params.diameterSource).toBe('given');
    expect(r.params.diameter).toBe(24);
    expect(r.labels.count).toBe(5);
  });

  it('finds nothing in pure noise and says why', () => {
    const r = segmentNuclei(disks(100, 80, []));
    expect(r.labels.count).toBe(0);
    expect(r.qc.find((q) => q.check === 'empty')?.message).toMatch(/empty field/);
  });

  it('gives the same labels for the same input (deterministic)', () => {
    const a = segmentNuclei(plane);
    const b = segmentNuclei(plane);
    expect(Buffer.from(a.labels.data.buffer).equals(Buffer.from(b.labels.data.buffer))).toBe(true);
  });

  it('rejects an unknown threshold or declump method with what to choose', () => {
    let hint = '';
    try {
      segmentNuclei(plane, { threshold: 'magic' });
    } catch (err) {
      hint = (err as UserError).hint ?? '';
    }
    expect(hint).toMatch(/otsu, otsu-sqrt/);
    expect(() => segmentNuclei(plane, { declump: 'magic' as never })).toThrow(/shape, intensity or none/);
  });

  it('accepts a manual threshold', () => {
    const r = segmentNuclei(plane, { threshold: 700 });
    expect(r.threshold).toBe(700);
    expect(r.labels.count).toBe(5);
  });

  it('defaults are the documented ones', () => {
    expect(DEFAULT_SEGMENT_OPTIONS).toMatchObject({ diameter: 'auto', threshold: 'otsu-sqrt', declump: 'shape' });
  });
});

async function meanF1(dir: string, truth: (stem: string) => Promise<Labels>, every: number): Promise<number> {
  const files = readdirSync(join(dir, 'images'))
    .sort()
    .filter((_, i) => i % every === 0);
  let sum = 0;
  for (const f of files) {
    const stem = basename(f, extname(f));
    const r = segmentNuclei(await readPlane(join(dir, 'images', f)));
    sum += scoreSegmentation(r.labels, await truth(stem)).f1;
  }
  return sum / files.length;
}

const asLabels = (p: Plane): Labels => ({ width: p.width, height: p.height, data: Int32Array.from(p.data), count: 0 });

// needs ../shared/data (BBBC039 and DSB2018 with ground truth); skipped with a message when absent
describe.skipIf(!hasSharedData)('segmentNuclei accuracy with defaults (real data)', () => {
  it('BBBC039 dev: mean F1 at IoU 0.5 of at least 0.9 (every image)', async () => {
    const f1 = await meanF1(BBBC039, async (s) => asLabels(await readPlane(join(BBBC039, 'labels', `${s}.tif`))), 1);
    expect(f1).toBeGreaterThanOrEqual(0.9);
  }, 60_000);

  it('DSB2018 dev: mean F1 at IoU 0.5 of at least 0.72 (every other image)', async () => {
    const f1 = await meanF1(DSB2018, (s) => readMaskFolder(join(DSB2018, 'masks', s)), 2);
    expect(f1).toBeGreaterThanOrEqual(0.72);
  }, 60_000);
});
