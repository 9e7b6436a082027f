import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  bootstrapCi,
  hedgesG,
  mad,
  mean,
  median,
  normalQuantile,
  permutationTest,
  quantile,
  sd,
  studentTCdf,
  studentTQuantile,
  unitsNeeded,
  welchTest,
  zPrime,
} from '../../../src/engine/results/stats-math.js';

/** scipy 1.10 / numpy 1.24 values (stats-golden.py writes stats-golden.json). */
const golden = JSON.parse(readFileSync(new URL('./stats-golden.json', import.meta.url), 'utf8')) as {
  cases: Record<
    string,
    {
      a: number[];
      b: number[];
      t: number;
      p: number;
      df: number;
      ci: [number, number];
      hedgesG: number;
      madA: number;
      quantile25A: number;
      bootDiff: [number, number];
      bootRatio: [number, number];
      zPrime: number;
      permutationP: number;
    }
  >;
  tCdf: [number, number, number][];
  tPpf: [number, number, number][];
  normPpf: [number, number][];
};

const rel = (x: number, y: number) => Math.abs(x - y) / Math.max(1e-300, Math.abs(y));

describe('location and spread (by hand)', () => {
  it('mean, SD, median, quantile, MAD of a small table', () => {
    const xs = [2, 4, 4, 4, 5, 5, 7, 9];
    expect(mean(xs)).toBe(5);
    expect(sd(xs)).toBeCloseTo(Math.sqrt(32 / 7), 12);
    expect(median(xs)).toBe(4.5);
    expect(quantile([1, 2, 3, 4], 0.25)).toBe(1.75);
    expect(mad([1, 2, 3, 4, 100])).toBeCloseTo(1.4826, 4); // robust: the outlier does not move it
    expect(mean([])).toBeNaN();
    expect(sd([3])).toBeNaN();
  });
});

describe('distributions against scipy', () => {
  it('Student t CDF and quantile, normal quantile', () => {
    for (const [t, df, p] of golden.tCdf) expect(rel(studentTCdf(t, df), p), `t=${t} df=${df}`).toBeLessThan(1e-9);
    for (const [p, df, q] of golden.tPpf) expect(Math.abs(studentTQuantile(p, df) - q), `p=${p} df=${df}`).toBeLessThan(1e-8);
    for (const [p, q] of golden.normPpf) expect(Math.abs(normalQuantile(p) - q), `p=${p}`).toBeLessThan(1e-8);
  });
});

describe.each(Object.entries(golden.cases))('two-sample statistics against scipy: %s', (_name, c) => {
  it("Welch's t-test (t, df, p, 95% CI)", () => {
    const w = welchTest(c.a, c.b);
    expect(rel(w.t, c.t)).toBeLessThan(1e-10);
    expect(rel(w.df, c.df)).toBeLessThan(1e-10);
    expect(rel(w.p, c.p)).toBeLessThan(1e-7);
    expect(Math.abs(w.ci[0] - c.ci[0])).toBeLessThan(1e-7);
    expect(Math.abs(w.ci[1] - c.ci[1])).toBeLessThan(1e-7);
  });
  it("Hedges' g, MAD, quantile, Z'", () => {
    expect(rel(hedgesG(c.a, c.b), c.hedgesG)).toBeLessThan(1e-12);
    expect(rel(mad(c.a), c.madA)).toBeLessThan(1e-9);
    expect(quantile(c.a, 0.25)).toBeCloseTo(c.quantile25A, 12);
    expect(rel(zPrime(c.b, c.a), c.zPrime)).toBeLessThan(1e-12);
  });
  it('exact permutation test equals an independent enumeration; the seeded Monte Carlo one is close', () => {
    const ex = permutationTest(c.a, c.b);
    expect(ex.exact).toBe(true);
    expect(ex.p).toBeCloseTo(c.permutationP, 12);
    const mc = permutationTest(c.a, c.b, { maxExact: 0, reps: 20000, seed: 3 });
    expect(mc.exact).toBe(false);
    expect(Math.abs(mc.p - c.permutationP)).toBeLessThan(0.01);
  });
  it('bootstrap percentile intervals agree with scipy.stats.bootstrap within resampling noise', () => {
    const bs = bootstrapCi(c.a, c.b, { reps: 20000, seed: 7 });
    const width = c.bootDiff[1] - c.bootDiff[0];
    expect(Math.abs(bs.diff[0] - c.bootDiff[0])).toBeLessThan(0.05 * width);
    expect(Math.abs(bs.diff[1] - c.bootDiff[1])).toBeLessThan(0.05 * width);
    const rw = c.bootRatio[1] - c.bootRatio[0];
    expect(Math.abs(bs.ratio[0] - c.bootRatio[0])).toBeLessThan(0.05 * rw);
    expect(Math.abs(bs.ratio[1] - c.bootRatio[1])).toBeLessThan(0.05 * rw);
  });
});

describe('bootstrap is seeded', () => {
  it('same seed, same interval; another seed, another interval', () => {
    const a = [1.13, 2.71, 3.05, 4.42, 5.9, 2.2];
    const b = [3.3, 4.75, 6.1, 7.77, 9.02, 5.5, 6.6];
    expect(bootstrapCi(a, b, { seed: 3 })).toEqual(bootstrapCi(a, b, { seed: 3 }));
    expect(bootstrapCi(a, b, { seed: 3 }).diff).not.toEqual(bootstrapCi(a, b, { seed: 4 }).diff);
    expect(bootstrapCi([1], b).diff[0]).toBeNaN();
  });
});

describe('permutation test limits', () => {
  it('3 vs 3 can never give p below 0.1, and says so', () => {
    const r = permutationTest([1, 2, 3], [10, 11, 12]);
    expect(r).toEqual({ p: 0.1, exact: true, smallestP: 0.1 });
    expect(permutationTest([1], [2, 3]).p).toBeNaN();
  });
});

describe('assay window and sample size', () => {
  it("Z' is 1 for noiseless controls and negative when they overlap", () => {
    expect(zPrime([10, 10], [0, 0])).toBe(1);
    expect(zPrime([1, 3], [2, 4])).toBeLessThan(0);
  });
  it('units needed: 10% CV for a 20% change needs 4 per group (2 x 7.85 x 0.25 = 3.9)', () => {
    expect(unitsNeeded(0.1, 0.2)).toBe(4);
    expect(unitsNeeded(0.3, 0.1)).toBe(142);
    expect(unitsNeeded(0.1, 0)).toBeNaN();
  });
  it('Welch with identical constant groups: p = 1; different constants: p = 0', () => {
    expect(welchTest([2, 2], [2, 2]).p).toBe(1);
    expect(welchTest([2, 2], [3, 3]).p).toBe(0);
  });
});
