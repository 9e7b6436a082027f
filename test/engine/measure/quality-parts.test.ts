import { describe, expect, it } from 'vitest';
import { edgeSharpness, localFocus, offsetCorrelation, unevenness } from '../../../src/engine/measure/quality-spatial.js';
import { intHistogram } from '../../../src/engine/measure/robust.js';
import { countComponents } from '../../../src/engine/measure/robust-threshold.js';
import { label } from '../../../src/engine/ops/label.js';

/** Deterministic pseudo-random numbers in [0, 1). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** A field of blobs (discs of random size and brightness) on noise, 16-bit. */
function blobs(w: number, h: number, seed: number, count: number): Uint16Array {
  const r = rng(seed);
  const d = new Uint16Array(w * h);
  for (let i = 0; i < d.length; i++) d[i] = 100 + Math.floor(r() * 40);
  for (let k = 0; k < count; k++) {
    const cx = r() * w;
    const cy = r() * h;
    const rad = 1 + r() * 6;
    const v = 300 + Math.floor(r() * 3000);
    for (let y = Math.max(0, Math.floor(cy - rad)); y < Math.min(h, cy + rad + 1); y++)
      for (let x = Math.max(0, Math.floor(cx - rad)); x < Math.min(w, cx + rad + 1); x++)
        if ((x - cx) ** 2 + (y - cy) ** 2 <= rad * rad) d[y * w + x] = v;
  }
  return d;
}

/** The count from a labelled image (ops/label.ts), as countComponents did before it counted runs. */
function countByLabels(d: ArrayLike<number>, w: number, h: number, t: number, minArea: number): number {
  const mask = new Uint8Array(w * h);
  for (let i = 0; i < mask.length; i++) if (d[i]! > t) mask[i] = 1;
  const lab = label({ width: w, height: h, data: mask }, 8);
  const areas = new Int32Array(lab.count + 1);
  for (let i = 0; i < mask.length; i++) areas[lab.data[i]!]!++;
  let c = 0;
  for (let l = 1; l <= lab.count; l++) if (areas[l]! >= minArea) c++;
  return c;
}

describe('countComponents (runs) agrees with connected-component labelling', () => {
  it('on random fields, thresholds and minimum areas, including 1-pixel-wide and 1-row images', () => {
    const r = rng(7);
    for (let k = 0; k < 60; k++) {
      const w = k % 10 === 0 ? 1 : 1 + Math.floor(r() * 90);
      const h = k % 10 === 5 ? 1 : 1 + Math.floor(r() * 70);
      const d = blobs(w, h, 100 + k, Math.floor(r() * 80));
      // dense salt noise too: many diagonal contacts, U shapes that join late
      if (k % 3 === 0) for (let i = 0; i < d.length; i++) if (r() < 0.35) d[i] = 1000;
      for (const t of [139, 500, 2000])
        for (const minArea of [1, 4, 16]) {
          expect(countComponents(d, w, h, t, minArea), `case ${k} ${w}x${h} t=${t} min=${minArea}`).toBe(
            countByLabels(d, w, h, t, minArea),
          );
        }
    }
  });

  it('joins a U shape and diagonal neighbours, and counts NaN as background', () => {
    // rows: "1.1", "1.1", "111" -> one object; then a pixel touching only diagonally
    const u = Float32Array.from([1, 0, 1, 0, 1, 0, 1, 0, 1, 1, 1, 0, 0, 0, 0, 1]);
    expect(countComponents(u, 4, 4, 0.5, 1)).toBe(1);
    expect(countComponents(Float32Array.from([1, Number.NaN, 1]), 3, 1, 0.5, 1)).toBe(2);
  });
});

describe('spatial quality metrics agree with per-pixel definitions', () => {
  const w = 157;
  const h = 93;
  const d = blobs(w, h, 3, 60);
  const { counts, lo } = intHistogram(d);
  const hi = lo + counts.length - 1;

  it('LocalFocusScore: tiles from floor(y*rows/H), floor(x*cols/W), values / container maximum', () => {
    for (const scale of [2, 7, 20, 93, 200]) {
      const ty = Math.ceil(h / scale);
      const tx = Math.ceil(w / scale);
      const s = new Float64Array(tx * ty);
      const s2 = new Float64Array(tx * ty);
      const c = new Float64Array(tx * ty);
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++) {
          const k = Math.floor((y * ty) / h) * tx + Math.floor((x * tx) / w);
          const v = d[y * w + x]! / 65535;
          s[k]! += v;
          s2[k]! += v * v;
          c[k]!++;
        }
      const nv = Array.from(s, (sk, k) => {
        const mu = sk / c[k]!;
        return Math.max(0, s2[k]! / c[k]! - mu * mu) / (mu === 0 ? 1 : mu);
      });
      const mean = nv.reduce((a, b) => a + b, 0) / nv.length;
      const variance = nv.reduce((a, b) => a + (b - mean) ** 2, 0) / nv.length;
      const sorted = [...nv].sort((a, b) => a - b);
      const med = sorted.length % 2 ? sorted[(sorted.length - 1) / 2]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
      const want = med > 0 ? variance / med : 0;
      expect(Math.abs(localFocus(d, w, h, scale, 65535) - want) / Math.max(1e-12, want), `scale ${scale}`).toBeLessThan(1e-9);
    }
  });

  it('Correlation: the same co-occurrence counts as levels computed per pixel, for 16-bit and float data', () => {
    const perPixel = (v: ArrayLike<number>, d0: number, l0: number, h0: number) => {
      const P = new Float64Array(64);
      for (let y = 0; y < h; y++)
        for (let x = 0; x + d0 < w; x++) {
          const a = Math.min(7, Math.floor(((v[y * w + x]! - l0) * 8) / (h0 - l0)));
          const b = Math.min(7, Math.floor(((v[y * w + x + d0]! - l0) * 8) / (h0 - l0)));
          P[a * 8 + b]!++;
        }
      return P;
    };
    const corr = (P: Float64Array) => {
      const n = P.reduce((a, b) => a + b, 0);
      let mx = 0;
      let my = 0;
      for (let k = 0; k < 64; k++) {
        mx += (k >> 3) * (P[k]! / n);
        my += (k & 7) * (P[k]! / n);
      }
      let vx = 0;
      let vy = 0;
      let cov = 0;
      for (let k = 0; k < 64; k++) {
        vx += ((k >> 3) - mx) ** 2 * (P[k]! / n);
        vy += ((k & 7) - my) ** 2 * (P[k]! / n);
        cov += ((k >> 3) - mx) * ((k & 7) - my) * (P[k]! / n);
      }
      return cov / Math.sqrt(vx * vy);
    };
    for (const dist of [1, 20, 156]) {
      expect(offsetCorrelation(d, w, h, dist, lo, hi)).toBeCloseTo(corr(perPixel(d, dist, lo, hi)), 12);
      const f = Float32Array.from(d, (v) => v / 4095);
      expect(offsetCorrelation(f, w, h, dist, lo / 4095, hi / 4095)).toBeCloseTo(corr(perPixel(f, dist, lo / 4095, hi / 4095)), 12);
    }
    expect(offsetCorrelation(d, w, h, w, lo, hi)).toBeNaN();
  });

  it('IlluminationUnevenness: the same strip sums as strips computed per pixel (exact for 16-bit data)', () => {
    const perPixel = (v: ArrayLike<number>, fg: Uint8Array, bgMed: number, contrast: number, debris: number) => {
      const dim = bgMed + 0.2 * contrast;
      const fs = new Float64Array(6);
      const fc = new Float64Array(6);
      const bs = new Float64Array(6);
      const bc = new Float64Array(6);
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++) {
          const sx = Math.min(2, ((x * 3) / w) | 0);
          const sy = 3 + Math.min(2, ((y * 3) / h) | 0);
          const val = v[y * w + x]!;
          if (val > debris) continue;
          for (const k of [sx, sy]) {
            if (val > dim) {
              fs[k]! += val;
              fc[k]!++;
            } else if (!fg[y * w + x]) {
              bs[k]! += val;
              bc[k]!++;
            }
          }
        }
      let worst = 0;
      for (let dir = 0; dir < 2; dir++) {
        const b = [0, 1, 2].map((k) => (bc[dir * 3 + k]! > 0 ? bs[dir * 3 + k]! / bc[dir * 3 + k]! : bgMed));
        const c = [0, 1, 2].filter((k) => fc[dir * 3 + k]! >= 100).map((k) => fs[dir * 3 + k]! / fc[dir * 3 + k]! - b[k]!);
        const bgSpread = (Math.max(...b) - Math.min(...b)) / contrast;
        const cMax = Math.max(...c);
        const fgSpread = c.length > 1 && cMax > 0 ? (cMax - Math.min(...c)) / cMax : 0;
        worst = Math.max(worst, bgSpread, fgSpread);
      }
      return worst;
    };
    const fg = new Uint8Array(w * h);
    for (let i = 0; i < fg.length; i++) fg[i] = d[i]! > 200 ? 1 : 0;
    const lit = Uint16Array.from(d, (v, i) => Math.round(v * (0.5 + (0.5 * (i % w)) / w)));
    for (const [img, bg, contrast, debris] of [
      [d, 120, 1500, 60000],
      [d, 120, 300, 2500],
      [lit, 90, 1000, 60000],
    ] as const) {
      expect(unevenness(img, fg, w, h, bg, contrast, debris)).toBe(perPixel(img, fg, bg, contrast, debris));
    }
    expect(unevenness(d, fg, w, h, 120, 0, 60000)).toBe(0);
    expect(edgeSharpness(d, fg, w, h, 1500)).toBeGreaterThan(0);
  });
});
