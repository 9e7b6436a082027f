import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { percentileRange, renderPreview } from '../../../src/engine/io/preview.js';
import { rng } from '../../../src/engine/results/stats-math.js';
import type { Labels, Plane } from '../../../src/engine/types.js';

/** The value at percentile p of integer data: the element floor(p / 100 * (n - 1)) of the sorted values. */
function refPercentile(d: ArrayLike<number>, p: number): number {
  const s = Array.from(d).sort((a, b) => a - b);
  return s[Math.floor((p / 100) * (s.length - 1))]!;
}

/**
 * The preview's grey indices by their definition, pixel by pixel: each output pixel the mean of
 * the source pixels whose column maps to it (floor(x ow / w)) and whose row does, stretched from
 * lo (0) to hi (254), rounded half up.
 */
function refGrey(plane: Plane, ow: number, oh: number, lo: number, hi: number): number[] {
  const { width: w, height: h, data } = plane;
  const sum = new Float64Array(ow * oh);
  const count = new Float64Array(ow * oh);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const o = Math.min(oh - 1, Math.floor((y * oh) / h)) * ow + Math.min(ow - 1, Math.floor((x * ow) / w));
      sum[o]! += data[y * w + x]!;
      count[o]!++;
    }
  const scale = 254 / (hi - lo);
  return Array.from(sum, (s, i) => {
    const v = (s / count[i]! - lo) * scale;
    return v <= 0 ? 0 : v >= 254 ? 254 : Math.floor(v + 0.5);
  });
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

/** How many pixels differ from `want` (an [r, g, b] per pixel), and the first one: where, what it is, what it should be. */
function differences(rgb: Buffer, want: (i: number) => [number, number, number], width: number) {
  let count = 0;
  let first: { x: number; y: number; got: number[]; want: number[] } | undefined;
  for (let i = 0; i * 3 < rgb.length; i++) {
    const got = [rgb[i * 3]!, rgb[i * 3 + 1]!, rgb[i * 3 + 2]!];
    const w = want(i);
    if (got[0] !== w[0] || got[1] !== w[1] || got[2] !== w[2]) {
      count++;
      first ??= { x: i % width, y: Math.floor(i / width), got, want: w };
    }
  }
  return { count, first };
}

const greyOf = (index: number) => Math.round((index * 255) / 254);

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
  // sizes and value ranges that take each way of shrinking: by at most 2 with a narrow range of
  // values (a table of grey levels), with a wide range, by more than 2, 8-bit, and at its own size
  const cases: { name: string; w: number; h: number; ow: number; bits: 8 | 16; min: number; span: number }[] = [
    { name: 'by 1.37, 12-bit values over 300 levels', w: 100, h: 60, ow: 73, bits: 16, min: 1000, span: 300 },
    { name: 'by 1.002 (513 x 7 -> 512 x 7)', w: 513, h: 7, ow: 512, bits: 16, min: 120, span: 400 },
    { name: 'by exactly 2', w: 200, h: 100, ow: 100, bits: 16, min: 500, span: 600 },
    { name: 'at its own size', w: 64, h: 48, ow: 64, bits: 16, min: 200, span: 350 },
    { name: '8-bit, by 1.48', w: 90, h: 70, ow: 61, bits: 8, min: 0, span: 256 },
    { name: 'by 1.37 over the whole 16-bit range', w: 100, h: 60, ow: 73, bits: 16, min: 0, span: 65536 },
    { name: 'by 3.3', w: 100, h: 60, ow: 30, bits: 16, min: 1000, span: 300 },
  ];
  for (const c of cases) {
    it(`grey levels are the area means, contrast-stretched: ${c.name}`, async () => {
      const r = rng(c.w * 1000 + c.ow);
      const n = c.w * c.h;
      const data = c.bits === 8 ? new Uint8Array(n) : new Uint16Array(n);
      for (let i = 0; i < n; i++) data[i] = c.min + Math.floor(r() * c.span);
      const plane: Plane = { width: c.w, height: c.h, data, bitDepth: c.bits };
      const oh = Math.max(1, Math.round((c.h * c.ow) / c.w));
      const lo = refPercentile(data, 0.5);
      const hiRaw = refPercentile(data, 99.5);
      const want = refGrey(plane, c.ow, oh, lo, hiRaw > lo ? hiRaw : lo + 1);
      const { rgb, width, height } = await decode(await renderPreview(plane, { width: c.ow }));
      expect([width, height]).toEqual([c.ow, oh]);
      const g = (i: number): [number, number, number] => [greyOf(want[i]!), greyOf(want[i]!), greyOf(want[i]!)];
      expect(differences(rgb, g, width)).toEqual({ count: 0, first: undefined });
    });
  }

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
