import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { percentileRange, renderPreview } from '../../../src/engine/io/preview.js';
import type { Labels, Plane } from '../../../src/engine/types.js';

/** Seeded PRNG (mulberry32), so every run sees the same images. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The value at percentile p of integer data: the element floor(p / 100 * (n - 1)) of the sorted values. */
function refPercentile(d: ArrayLike<number>, p: number): number {
  const s = Array.from(d).sort((a, b) => a - b);
  return s[Math.floor((p / 100) * (s.length - 1))]!;
}

/** Outline pixels by their definition: labelled, and on the border or with a 4-neighbour of another label (nearest-neighbour labels at output size). */
function refOutline(labels: Labels, ow: number, oh: number): boolean[] {
  const { width: lw, height: lh, data } = labels;
  const at = (x: number, y: number) =>
    data[Math.min(lh - 1, Math.floor(((y + 0.5) * lh) / oh)) * lw + Math.min(lw - 1, Math.floor(((x + 0.5) * lw) / ow))]!;
  const out: boolean[] = [];
  for (let y = 0; y < oh; y++)
    for (let x = 0; x < ow; x++) {
      const v = at(x, y);
      const border = x === 0 || y === 0 || x === ow - 1 || y === oh - 1;
      out.push(v !== 0 && (border || at(x - 1, y) !== v || at(x + 1, y) !== v || at(x, y - 1) !== v || at(x, y + 1) !== v));
    }
  return out;
}

/** Decoded RGB pixels of a PNG, with its size. */
async function decode(png: Buffer): Promise<{ rgb: Buffer; width: number; height: number }> {
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  expect(info.channels).toBe(3);
  return { rgb: data, width: info.width, height: info.height };
}

describe('percentileRange', () => {
  it('integer data: the sorted values at floor(p (n - 1)), for 1 to 11 values (all remainders of the 4-way count)', () => {
    const r = rng(1);
    for (let n = 1; n <= 11; n++) {
      for (let trial = 0; trial < 20; trial++) {
        const d16 = Uint16Array.from({ length: n }, () => Math.floor(r() * 65536));
        const d8 = Uint8Array.from({ length: n }, () => Math.floor(r() * 256));
        for (const [d, bitDepth] of [
          [d16, 16],
          [d8, 8],
        ] as const) {
          const plane: Plane = { width: n, height: 1, data: d, bitDepth };
          for (const [lo, hi] of [
            [0.5, 99.5],
            [0, 100],
            [30, 70],
          ] as const) {
            const want = [refPercentile(d, lo), refPercentile(d, hi)];
            expect(percentileRange(plane, lo, hi), `${n} values ${Array.from(d)}, ${lo}-${hi}`).toEqual(want);
          }
        }
      }
    }
  });
});

describe('renderPreview pixels', () => {
  it('outlines: labelled pixels on the border or next to another label, at every output size down to 1 pixel', async () => {
    const r = rng(7);
    let outlines = 0;
    let others = 0;
    for (const [lw, lh, ow] of [
      [37, 23, 37],
      [37, 23, 29],
      [37, 23, 3],
      [37, 23, 2],
      [37, 23, 1],
      [5, 40, 1], // one column of 8 rows
      [6, 40, 2],
      [513, 7, 512],
      [40, 1, 40],
      [10, 6, 25], // enlarged
    ] as const) {
      const n = lw * lh;
      // blobs of 2 x 2 to 4 x 4 cells with random ids, some touching, about half background
      const data = new Int32Array(n);
      for (let y = 0; y < lh; y++)
        for (let x = 0; x < lw; x++) {
          const cell = Math.floor(y / 3) * 1000 + Math.floor(x / 4);
          data[y * lw + x] = (cell * 2654435761) % 7 < 3 ? 0 : 1 + ((cell * 40503) % 5);
        }
      const labels: Labels = { width: lw, height: lh, data, count: 5 };
      const plane: Plane = { width: lw, height: lh, data: Uint16Array.from({ length: n }, () => 100 + Math.floor(r() * 50)), bitDepth: 16 };
      const oh = Math.max(1, Math.round((lh * ow) / lw));
      const want = refOutline(labels, ow, oh);
      outlines += want.filter(Boolean).length;
      others += want.filter((o) => !o).length;
      const { rgb, width } = await decode(await renderPreview(plane, { width: ow, labels, outlineColor: [255, 0, 0] }));
      const isRed = (i: number) => rgb[i * 3] === 255 && rgb[i * 3 + 1] === 0 && rgb[i * 3 + 2] === 0;
      const wrong = want.flatMap((o, i) => (o !== isRed(i) ? [{ x: i % width, y: Math.floor(i / width), outline: o }] : []));
      expect(wrong, `${lw} x ${lh} -> ${ow} x ${oh}`).toEqual([]);
    }
    expect(outlines).toBeGreaterThan(500); // the cases have outlines and other pixels to tell apart
    expect(others).toBeGreaterThan(500);
  });
});
