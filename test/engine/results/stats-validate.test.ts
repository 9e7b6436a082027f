import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { writeLabelTiff } from '../../../src/engine/io/labels-write.js';
import { containsToken, pairKey, validateFolders } from '../../../src/engine/results/stats-validate.js';
import type { Labels } from '../../../src/engine/types.js';
import { BBBC039, hasSharedData } from '../../helpers/shared-data.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});
async function tmp() {
  const d = await mkdtemp(join(tmpdir(), 'sp-validate-'));
  dirs.push(d);
  return d;
}

/** 40x40 labels with square objects (id, x0, y0, size). */
function squares(objs: [number, number, number, number][]): Labels {
  const data = new Int32Array(40 * 40);
  for (const [id, x0, y0, s] of objs) for (let y = y0; y < y0 + s; y++) for (let x = x0; x < x0 + s; x++) data[y * 40 + x] = id;
  return { width: 40, height: 40, data, count: Math.max(0, ...objs.map((o) => o[0])) };
}

describe('pairKey', () => {
  it('pairs names that differ in extension and a _labels / _mask suffix', () => {
    expect(pairKey('img01.tif')).toBe('img01');
    expect(pairKey('IMG01_labels.png')).toBe('img01');
    expect(pairKey('img01_mask.tiff')).toBe('img01');
    expect(pairKey('a1b2')).toBe('a1b2');
  });
  it('token containment: A01_s1 is part of DEMO_A01_s1_w1..., not of DEMO_A01_s10_w1', () => {
    expect(containsToken('demo_a01_s1_w1f1c7', 'a01_s1')).toBe(true);
    expect(containsToken('demo_a01_s10_w1', 'a01_s1')).toBe(false);
  });
});

describe('validateFolders (hand-made labels)', () => {
  it('scores a perfect image, one with a missed object, and lists unpaired files', async () => {
    const root = await tmp();
    const pred = join(root, 'pred');
    const gt = join(root, 'gt');
    const truth = squares([
      [1, 2, 2, 8],
      [2, 20, 2, 8],
      [3, 2, 20, 8],
      [4, 20, 20, 8],
    ]);
    await writeLabelTiff(join(gt, 'a_labels.tif'), truth);
    await writeLabelTiff(join(gt, 'b.tif'), truth);
    await writeLabelTiff(join(gt, 'only-truth.tif'), truth);
    await writeLabelTiff(join(pred, 'a.tif'), truth);
    // b: object 4 missed, 3 found; F1 = 2*3 / (2*3 + 0 + 1) = 6/7
    await writeLabelTiff(
      join(pred, 'b.tif'),
      squares([
        [1, 2, 2, 8],
        [2, 20, 2, 8],
        [3, 2, 20, 8],
      ]),
    );
    await writeLabelTiff(join(pred, 'extra.tif'), truth);
    const r = await validateFolders(pred, gt);
    expect(r.images).toBe(2);
    expect(r.perImage.map((x) => [x.name, x.score.f1])).toEqual([
      ['a', 1],
      ['b', 6 / 7],
    ]);
    expect(r.mean.f1).toBeCloseTo((1 + 6 / 7) / 2, 12);
    expect(r.mean.countErrorPct).toBeCloseTo(12.5, 12); // (0 + 25%) / 2
    expect(r.totals).toMatchObject({ tp: 7, fp: 0, fn: 1 });
    expect(r.unpaired).toEqual({ pred: ['extra.tif'], truth: ['only-truth.tif'] });
  });

  it('reads DSB-style ground truth (one mask PNG per object) and a run folder with labels/', async () => {
    const root = await tmp();
    const truth = squares([
      [1, 2, 2, 8],
      [2, 20, 20, 8],
    ]);
    await writeLabelTiff(join(root, 'run', 'labels', 'img7.tif'), truth);
    const masks = join(root, 'gt', 'img7', 'masks');
    await mkdir(masks, { recursive: true });
    for (const id of [1, 2]) {
      const px = Buffer.alloc(40 * 40);
      for (let i = 0; i < px.length; i++) px[i] = truth.data[i] === id ? 255 : 0;
      await writeFile(
        join(masks, `m${id}.png`),
        await sharp(px, { raw: { width: 40, height: 40, channels: 1 } })
          .png()
          .toBuffer(),
      );
    }
    const r = await validateFolders(join(root, 'run'), join(root, 'gt'));
    expect(r.images).toBe(1);
    expect(r.perImage[0]!.score).toMatchObject({ f1: 1, apDsb: 1, nTrue: 2, nPred: 2 });
  });

  it('pairs run labels named by image set (A01_s1.tif) with truth named by file (DEMO_A01_s1_w1<uuid>.tif)', async () => {
    const root = await tmp();
    const l = squares([[1, 2, 2, 8]]);
    for (const n of ['A01_s1', 'A01_s10']) await writeLabelTiff(join(root, 'p', `${n}.tif`), l);
    for (const n of ['DEMO_A01_s1_w1F1C7-0078', 'DEMO_A01_s10_w19AB-12']) await writeLabelTiff(join(root, 'g', `${n}.tif`), l);
    const r = await validateFolders(join(root, 'p'), join(root, 'g'));
    expect(r.perImage.map((x) => [x.pred.split('/').pop(), x.truth.split('/').pop()])).toEqual([
      ['A01_s1.tif', 'DEMO_A01_s1_w1F1C7-0078.tif'],
      ['A01_s10.tif', 'DEMO_A01_s10_w19AB-12.tif'],
    ]);
  });

  it('says what to do when nothing pairs', async () => {
    const root = await tmp();
    await writeLabelTiff(join(root, 'p', 'x.tif'), squares([[1, 0, 0, 4]]));
    await writeLabelTiff(join(root, 'g', 'y.tif'), squares([[1, 0, 0, 4]]));
    await expect(validateFolders(join(root, 'p'), join(root, 'g'))).rejects.toThrow(
      /no predicted label image .* has a ground-truth partner/,
    );
  });
});

describe.skipIf(!hasSharedData)('validateFolders on BBBC039 ground truth', () => {
  it('the true labels scored against themselves give F1 = AP = 1 and no count error', async () => {
    const names = (await readdir(join(BBBC039, 'labels')))
      .filter((n) => n.endsWith('.tif'))
      .sort()
      .slice(0, 3);
    const root = await tmp();
    for (const n of names) await writeFile(join(root, n), await readFile(join(BBBC039, 'labels', n)));
    const r = await validateFolders(root, join(BBBC039, 'labels'));
    expect(r.images).toBe(3);
    expect(r.mean).toMatchObject({ f1: 1, apDsb: 1, countErrorPct: 0 });
    expect(r.totals.nTrue).toBeGreaterThan(100);
    expect(r.unpaired.pred).toEqual([]);
  });
});
