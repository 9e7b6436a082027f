import { describe, expect, it } from 'vitest';
import { Fft, fftCost, fftPlan } from '../../../src/engine/measure/fft.js';

/** Deterministic pseudo-random numbers in [-1, 1). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  };
}

function signal(n: number, seed: number, real = false): { re: Float64Array; im: Float64Array } {
  const r = rng(seed);
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    re[j] = r();
    im[j] = real ? 0 : r();
  }
  return { re, im };
}

/** Direct DFT at the frequencies ks, in float64, each angle 2π ((j k) mod n) / n taken exactly from a table. */
function naiveDft(re: Float64Array, im: Float64Array, ks: number[]): { re: Float64Array; im: Float64Array } {
  const n = re.length;
  const cos = new Float64Array(n);
  const sin = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    cos[t] = Math.cos((2 * Math.PI * t) / n);
    sin[t] = Math.sin((2 * Math.PI * t) / n);
  }
  const outRe = new Float64Array(ks.length);
  const outIm = new Float64Array(ks.length);
  ks.forEach((k, i) => {
    let sr = 0;
    let si = 0;
    for (let j = 0; j < n; j++) {
      const t = (j * k) % n;
      // x[j] * exp(-iθ) = (xr + i xi)(cos θ - i sin θ)
      sr += re[j]! * cos[t]! + im[j]! * sin[t]!;
      si += im[j]! * cos[t]! - re[j]! * sin[t]!;
    }
    outRe[i] = sr;
    outIm[i] = si;
  });
  return { re: outRe, im: outIm };
}

/** The frequencies compared: all of them up to 128, else the first and last 60 and 180 spread between. */
function checkedKs(n: number): number[] {
  if (n <= 128) return Array.from({ length: n }, (_, k) => k);
  const ks = new Set<number>();
  for (let k = 0; k < 60; k++) {
    ks.add(k);
    ks.add(n - 1 - k);
  }
  for (let i = 0; i < 180; i++) ks.add(Math.floor((i * n) / 180));
  return [...ks].sort((a, b) => a - b);
}

/** Max |X_fft[k] - X_dft[k]| over the checked k, relative to max |X_dft|, and where it is worst. */
function relError(n: number, seed: number): { err: number; worstK: number } {
  const x = signal(n, seed);
  const ks = checkedKs(n);
  const want = naiveDft(x.re, x.im, ks);
  const got = { re: x.re.slice(), im: x.im.slice() };
  new Fft(n).transform(got.re, got.im);
  let maxAbs = 0;
  let err = 0;
  let worstK = -1;
  ks.forEach((k, i) => {
    maxAbs = Math.max(maxAbs, Math.hypot(want.re[i]!, want.im[i]!));
    const e = Math.hypot(got.re[k]! - want.re[i]!, got.im[k]! - want.im[i]!);
    if (e > err) {
      err = e;
      worstK = k;
    }
  });
  return { err: err / maxAbs, worstK };
}

describe('Fft', () => {
  // 1..64 covers radix 4, 2, 3, 5, every generic prime 7..31 and Bluestein (37, 41, ...);
  // the larger ones mix radices (520 = 4·2·5·13, 2160 = 4·4·3·3·3·5), and 1021 and 2042 = 2·1021
  // have a prime factor > 31 (Bluestein with inner lengths 2048 and 4096).
  const lengths = [...Array.from({ length: 64 }, (_, i) => i + 1), 96, 100, 128, 360, 512, 520, 696, 1000, 1021, 1024, 2042, 2160];
  it.each(lengths)('matches a direct DFT to 1e-12 of max |X| for n = %i', (n) => {
    const { err, worstK } = relError(n, 1000 + n);
    expect(err, `worst at k = ${worstK}`).toBeLessThanOrEqual(1e-12);
  });

  it('n = 1 is the identity and the input arrays may be longer than n', () => {
    const re = Float64Array.of(3, 7);
    const im = Float64Array.of(-2, 9);
    new Fft(1).transform(re, im);
    expect([...re, ...im]).toEqual([3, 7, -2, 9]);
    const x = signal(12, 5);
    const want = naiveDft(x.re, x.im, checkedKs(12));
    const re2 = new Float64Array(20).fill(42);
    const im2 = new Float64Array(20).fill(42);
    re2.set(x.re);
    im2.set(x.im);
    new Fft(12).transform(re2, im2);
    for (let k = 0; k < 12; k++) {
      expect(re2[k]).toBeCloseTo(want.re[k]!, 12);
      expect(im2[k]).toBeCloseTo(want.im[k]!, 12);
    }
    expect([...re2.subarray(12), ...im2.subarray(12)].every((v) => v === 42)).toBe(true);
  });

  it.each([30, 64, 97, 360, 1021])('real input gives X[n-k] = conj(X[k]) for n = %i', (n) => {
    const { re, im } = signal(n, 7, true);
    new Fft(n).transform(re, im);
    let maxAbs = 0;
    for (let k = 0; k < n; k++) maxAbs = Math.max(maxAbs, Math.hypot(re[k]!, im[k]!));
    let err = Math.abs(im[0]!);
    for (let k = 1; k < n; k++) err = Math.max(err, Math.abs(re[n - k]! - re[k]!), Math.abs(im[n - k]! + im[k]!));
    expect(err / maxAbs).toBeLessThanOrEqual(1e-13);
    expect(maxAbs).toBeGreaterThan(1);
  });

  it.each([1, 7, 60, 1021, 2160])('a reused instance gives identical results (no state between calls), n = %i', (n) => {
    const fft = new Fft(n);
    const first = signal(n, 11);
    const other = signal(n, 12);
    fft.transform(first.re, first.im);
    fft.transform(other.re, other.im);
    const again = signal(n, 11);
    fft.transform(again.re, again.im);
    expect(again.re).toEqual(first.re);
    expect(again.im).toEqual(first.im);
  });

  it('rejects a length that is not a positive integer and arrays shorter than n', () => {
    expect(() => new Fft(0)).toThrow(/integer/);
    expect(() => new Fft(2.5)).toThrow(/integer/);
    expect(() => new Fft(8).transform(new Float64Array(7), new Float64Array(8))).toThrow(/8 entries/);
  });

  it('fftCost: n times the radix weights; a prime length (Bluestein) costs more than its smooth neighbours', () => {
    expect(fftCost(1)).toBe(0);
    expect(fftCost(1024)).toBe(1024 * 5 * 8);
    expect(fftCost(2160)).toBe(2160 * (8 + 8 + 9 + 9 + 9 + 11));
    expect(fftCost(1021)).toBeGreaterThan(2 * fftCost(1024));
    expect(fftCost(1021)).toBeGreaterThan(2 * fftCost(1020));
    // a 2048-wide row: the FFT beats a direct DFT of 64 frequencies
    expect(fftCost(2048)).toBeLessThan(2048 * 64);
  });
});

describe('fftPlan', () => {
  it('gives one plan per length, reused, with the bytes of a fresh plan (also Bluestein lengths, and past its cache size)', () => {
    expect(fftPlan(520)).toBe(fftPlan(520));
    expect(fftPlan(521)).not.toBe(fftPlan(520));
    const lengths = [520, 521, 696, 7, 64, 97, 360, 1000, 2, 3, 5, 11, 13, 17, 19, 23, 29, 31, 37, 520, 521];
    for (const n of lengths) {
      const a = signal(n, n);
      const b = { re: a.re.slice(), im: a.im.slice() };
      fftPlan(n).transform(a.re, a.im);
      new Fft(n).transform(b.re, b.im);
      expect(a.re).toEqual(b.re);
      expect(a.im).toEqual(b.im);
    }
  });
});
