import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getModelPackage, segmentModel, segmentWithModel } from '../../../src/engine/dl/index.js';
import { getSession, predictTiled, preprocess, resizeBilinear } from '../../../src/engine/dl/infer.js';
import { readMaskFolder } from '../../../src/engine/io/mask-folder.js';
import { readPlane } from '../../../src/engine/io/read.js';
import { scoreSegmentation } from '../../../src/engine/results/score.js';
import type { Labels, Plane } from '../../../src/engine/types.js';
import { BBBC039, DSB2018, hasSharedData } from '../../helpers/shared-data.js';
import { hasModel, MODEL_DIR } from './helpers.js';

const split = hasModel ? (JSON.parse(readFileSync(join(MODEL_DIR, 'split.json'), 'utf8')) as Record<string, { heldout: string[] }>) : {};
const toLabels = (p: Plane): Labels => {
  const data = Int32Array.from(p.data);
  let count = 0;
  for (const v of data) if (v > count) count = v;
  return { width: p.width, height: p.height, data, count };
};

describe('resampling', () => {
  it('bilinear resize keeps a constant image constant and a ramp monotone', () => {
    const flat = resizeBilinear(new Float32Array(6 * 4).fill(3), 6, 4, 9, 7);
    expect(flat.every((v) => Math.abs(v - 3) < 1e-6)).toBe(true);
    const ramp = Float32Array.from({ length: 8 }, (_, i) => i);
    const up = resizeBilinear(ramp, 8, 1, 16, 1);
    for (let i = 1; i < up.length; i++) expect(up[i]!).toBeGreaterThanOrEqual(up[i - 1]!);
  });
});

describe.skipIf(!hasModel || !hasSharedData)('nuclei model on held-out images (not used in training)', () => {
  const bbbc = split['bbbc039-dev']?.heldout ?? [];
  const dsb = split['dsb2018-dev']?.heldout ?? [];

  it('tiles with overlap give the same maps and objects as one pass', async () => {
    const plane = await readPlane(join(BBBC039, 'images', bbbc[1]!));
    const pkg = await getModelPackage();
    const session = await getSession(pkg);
    // a 200 x 300 window, preprocessed as the model sees it
    const w = 300;
    const h = 200;
    const crop = new Float32Array(w * h);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) crop[y * w + x] = plane.data[(y + 100) * plane.width + x + 150]!;
    const img = preprocess(crop, pkg.preprocessing);
    const one = await predictTiled(session, pkg, img, w, h, { tile: 1024 });
    const tiled = await predictTiled(session, pkg, img, w, h, { tile: 96, margin: 32 });
    let max = 0;
    for (let i = 0; i < one.data.length; i++) max = Math.max(max, Math.abs(one.data[i]! - tiled.data[i]!));
    expect(max).toBeLessThan(1e-5);
    const a = await segmentWithModel(plane);
    const b = await segmentWithModel(plane, { tile: 128 });
    expect(b.labels.count).toBe(a.labels.count);
    let same = 0;
    for (let i = 0; i < a.labels.data.length; i++) if (a.labels.data[i] === b.labels.data[i]) same++;
    expect(same / a.labels.data.length).toBeGreaterThan(0.999);
  });

  it('finds BBBC039 and DSB2018 nuclei at F1@0.5 above a modest bar', async () => {
    for (const f of bbbc.slice(3, 5)) {
      const plane = await readPlane(join(BBBC039, 'images', f));
      const truth = toLabels(await readPlane(join(BBBC039, 'labels', f)));
      const r = await segmentWithModel(plane);
      expect(Number.isNaN(r.threshold)).toBe(true);
      expect(r.params.model).toBe('ScopePilot nuclei U-Net');
      expect(scoreSegmentation(r.labels, truth).f1, f).toBeGreaterThan(0.9);
    }
    const f = dsb[5]!;
    const plane = await readPlane(join(DSB2018, 'images', f));
    const truth = await readMaskFolder(join(DSB2018, 'masks', f.replace(/\.png$/, '')));
    const r = await segmentWithModel(plane);
    expect(scoreSegmentation(r.labels, truth).f1, f).toBeGreaterThan(0.9);
  });

  it('takes the option record of the classical path (model: builtin, diameter: auto)', async () => {
    const plane = await readPlane(join(BBBC039, 'images', bbbc[2]!));
    const a = await segmentWithModel(plane);
    const b = await segmentModel(plane, { model: 'builtin', diameter: 'auto', threshold: 'otsu', declump: 'shape' });
    expect(b.labels.count).toBe(a.labels.count);
    expect(b.labels.count).toBeGreaterThan(10);
    expect(b.params.diameterSource).toBe('estimated');
  });

  it('stops when aborted', async () => {
    const plane = await readPlane(join(BBBC039, 'images', bbbc[0]!));
    const ac = new AbortController();
    ac.abort();
    await expect(segmentWithModel(plane, { signal: ac.signal })).rejects.toThrow(/stopped/);
  });
});
