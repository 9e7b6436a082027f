import { describe, expect, it } from 'vitest';
import { UserError } from '../../../src/engine/errors.js';
import { rollingBallBackground, subtractBackground } from '../../../src/engine/ops/background.js';
import { flattenIllumination, illuminationField } from '../../../src/engine/ops/illumination.js';
import { median } from '../../../src/engine/ops/median.js';
import { binaryClosing, binaryOpening, dilate, discArea, erode } from '../../../src/engine/ops/morphology.js';
import type { Mask, Plane } from '../../../src/engine/types.js';

function grid(rows: string[]): Mask {
  const h = rows.length;
  const w = rows[0]!.length;
  const data = new Uint8Array(w * h);
  rows.forEach((r, y) => {
    for (let x = 0; x < w; x++) data[y * w + x] = r[x] === '#' ? 1 : 0;
  });
  return { width: w, height: h, data };
}
function show(m: Mask): string[] {
  const out: string[] = [];
  for (let y = 0; y < m.height; y++) {
    let s = '';
    for (let x = 0; x < m.width; x++) s += m.data[y * m.width + x] ? '#' : '.';
    out.push(s);
  }
  return out;
}

describe('median', () => {
  it('removes an isolated hot pixel and keeps a flat image flat (8-bit, 16-bit and float agree)', () => {
    const w = 7;
    const u8 = new Uint8Array(49).fill(20);
    u8[24] = 255;
    const before = u8.slice();
    for (const data of [u8, Uint16Array.from(u8), Float32Array.from(u8)]) {
      const out = median({ width: w, height: w, data, bitDepth: 8 }, 1);
      expect(Array.from(out.data).every((v) => v === 20)).toBe(true);
      expect(out.data.constructor).toBe(data.constructor);
    }
    expect(u8).toEqual(before); // input untouched
  });

  it('keeps an edge where it is (median of a step is the step)', () => {
    const w = 8;
    const data = new Uint16Array(64);
    for (let i = 0; i < 64; i++) data[i] = i % w < 4 ? 100 : 900;
    const out = median({ width: w, height: w, data, bitDepth: 12 }, 2);
    expect(Array.from(out.data)).toEqual(Array.from(data));
  });

  it('radius 0 copies; a negative radius is a user error', () => {
    const p: Plane = { width: 2, height: 1, data: Uint8Array.from([3, 4]), bitDepth: 8 };
    const out = median(p, 0);
    expect(Array.from(out.data)).toEqual([3, 4]);
    expect(out.data).not.toBe(p.data);
    expect(() => median(p, -1)).toThrow(UserError);
  });
});

describe('binary morphology with a disc', () => {
  it('disk(1) is a plus sign of 5 pixels, disk(2) has 13', () => {
    expect(discArea(1)).toBe(5);
    expect(discArea(2)).toBe(13);
    expect(discArea(3)).toBe(29);
  });

  it('erosion and dilation by disk(1) on paper', () => {
    const m = grid(['.......', '.#####.', '.#####.', '.#####.', '.......']);
    expect(show(erode(m, 1))).toEqual(['.......', '.......', '..###..', '.......', '.......']);
    const dot = grid(['.....', '.....', '..#..', '.....', '.....']);
    expect(show(dilate(dot, 1))).toEqual(['.....', '..#..', '.###.', '..#..', '.....']);
  });

  it('opening removes a speck and cuts a thin bridge; closing fills a one-pixel hole', () => {
    const m = grid(['#...........', '..###...###.', '..#########.', '..###...###.', '............']);
    const opened = show(binaryOpening(m, 1));
    expect(opened[0]![0]).toBe('.'); // speck gone
    expect(opened[2]![6]).toBe('.'); // bridge cut in its middle
    expect(opened[2]![3]).toBe('#'); // the blocks stay
    const holed = grid(['#####', '#####', '##.##', '#####', '#####']);
    expect(show(binaryClosing(holed, 1))).toEqual(['#####', '#####', '#####', '#####', '#####']);
  });

  it('objects touching the image edge are not eaten from the edge (skimage border rule)', () => {
    const full = grid(['####', '####', '####']);
    expect(show(erode(full, 1))).toEqual(['####', '####', '####']);
  });
});

describe('background subtraction', () => {
  /** A tilted background (0.3 grey levels per pixel) with a 5x5 bright square. */
  function rampWithSpot(): Plane {
    const w = 64;
    const h = 48;
    const data = new Uint16Array(w * h);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data[y * w + x] = 100 + Math.round(0.3 * x + 0.2 * y);
    for (let y = 20; y < 25; y++) for (let x = 30; x < 35; x++) data[y * w + x] = data[y * w + x]! + 500;
    return { width: w, height: h, data, bitDepth: 12 };
  }

  for (const method of ['rolling-ball', 'tophat'] as const) {
    it(`${method}: removes a tilted background and keeps a small bright object`, () => {
      const p = rampWithSpot();
      const before = p.data.slice();
      const out = subtractBackground(p, { method, radius: 8 });
      expect(out.data).toBeInstanceOf(Uint16Array);
      expect(out.bitDepth).toBe(12);
      expect(p.data).toEqual(before);
      let bgMax = 0;
      for (let y = 0; y < 48; y++)
        for (let x = 0; x < 64; x++) if (y < 17 || y > 27 || x < 27 || x > 37) bgMax = Math.max(bgMax, out.data[y * 64 + x]!);
      expect(bgMax).toBeLessThanOrEqual(3);
      expect(out.data[22 * 64 + 32]).toBeGreaterThanOrEqual(495);
    });
  }

  it('rolling ball never puts the background above the image, also when shrunk (radius 40)', () => {
    const p = rampWithSpot();
    const bg = rollingBallBackground(p, 40);
    for (let i = 0; i < bg.length; i++) expect(bg[i]!).toBeLessThanOrEqual(p.data[i]!);
    const out = subtractBackground(p, { method: 'rolling-ball', radius: 40 });
    expect(out.data[22 * 64 + 32]).toBeGreaterThanOrEqual(480);
  });

  it('a non-positive radius is a user error', () => {
    expect(() => subtractBackground(rampWithSpot(), { method: 'tophat', radius: 0 })).toThrow(UserError);
  });
});

describe('illumination flattening', () => {
  function vignetted(w: number, h: number): { plane: Plane; truth: Float32Array } {
    // objects: a regular grid of 3x3 squares at 300 on 100; illumination falls from 1 (centre) to 0.2 (corners)
    const truth = new Float32Array(w * h);
    const data = new Float32Array(w * h);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const obj = (x + 6) % 12 < 3 && (y + 6) % 12 < 3;
        const t = obj ? 300 : 100;
        const r2 = ((x - w / 2) / (w / 2)) ** 2 + ((y - h / 2) / (h / 2)) ** 2;
        truth[y * w + x] = t;
        data[y * w + x] = t * (1 - 0.4 * r2);
      }
    }
    return { plane: { width: w, height: h, data, bitDepth: 32 }, truth };
  }

  for (const sigma of [6, 20]) {
    it(`evens out a vignetted field and keeps the mean (sigma ${sigma}${sigma > 8 ? ', block-averaged' : ''})`, () => {
      const size = sigma * 16;
      const { plane } = vignetted(size, size);
      const c = Math.floor(size / 24) * 12; // a background pixel at the centre
      const out = flattenIllumination(plane, { sigma });
      expect(out.bitDepth).toBe(32);
      let m0 = 0;
      let m1 = 0;
      for (let i = 0; i < out.data.length; i++) {
        m0 += plane.data[i]!;
        m1 += out.data[i]!;
      }
      expect(m1 / out.data.length).toBeCloseTo(m0 / out.data.length, 2);
      // background at the centre vs near a corner: > 25% apart before, within 15% after
      const bg = (p: Plane, x: number, y: number) => p.data[y * size + x]!;
      expect(bg(plane, c, c) / bg(plane, 22, 22)).toBeGreaterThan(1.25);
      const ratio = bg(out, c, c) / bg(out, 22, 22);
      expect(ratio).toBeGreaterThan(0.85);
      expect(ratio).toBeLessThan(1.15);
    });
  }

  it('a constant image comes back unchanged; zero sigma is a user error', () => {
    const p: Plane = { width: 40, height: 30, data: new Uint16Array(1200).fill(500), bitDepth: 12 };
    const out = flattenIllumination(p, { sigma: 12 });
    for (const v of out.data) expect(v).toBeCloseTo(500, 3);
    expect(illuminationField(p, { sigma: 3 })[0]).toBeCloseTo(500, 3);
    expect(() => flattenIllumination(p, { sigma: 0 })).toThrow(UserError);
  });
});

describe('median on full-range 16-bit data', () => {
  it('the sliding histogram agrees with sorting every window (high-contrast edges, radius 1-3)', () => {
    const w = 41;
    const h = 29;
    const d = new Uint16Array(w * h);
    let s = 7;
    const rnd = () => {
      s = (s * 1103515245 + 12345) >>> 0;
      return s / 4294967296;
    };
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) d[y * w + x] = ((x >> 3) + (y >> 3)) & 1 ? 65000 + Math.floor(rnd() * 500) : Math.floor(rnd() * 3000);
    for (const r of [1, 2, 3]) {
      for (const shape of ['disc', 'square'] as const) {
        const a = median({ width: w, height: h, data: d, bitDepth: 16 }, r, { shape });
        const b = median({ width: w, height: h, data: Float32Array.from(d), bitDepth: 16 }, r, { shape });
        expect(Array.from(a.data), `radius ${r} ${shape}`).toEqual(Array.from(b.data));
      }
    }
  });
});
