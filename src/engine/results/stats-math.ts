/**
 * Small, exact statistics used by the summaries: location and spread (mean, SD, median, MAD),
 * a seeded bootstrap of two-sample effects, Welch's t-test with its Student-t distribution,
 * Hedges' g, the Z'-factor and a sample-size estimate. No dependencies; every function is
 * pure and deterministic (the bootstrap takes a seed). Empty input gives NaN, never a throw.
 */

/** Arithmetic mean (NaN when empty). */
export function mean(xs: ArrayLike<number>): number {
  if (xs.length === 0) return Number.NaN;
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i]!;
  return s / xs.length;
}

/** Sample standard deviation (n - 1 denominator; NaN below 2 values). */
export function sd(xs: ArrayLike<number>): number {
  if (xs.length < 2) return Number.NaN;
  const m = mean(xs);
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += (xs[i]! - m) ** 2;
  return Math.sqrt(s / (xs.length - 1));
}

/** Linear-interpolation quantile of unsorted values (numpy's default, type 7); p in [0, 1]. */
export function quantile(xs: ArrayLike<number>, p: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = Float64Array.from(xs).sort();
  const h = (s.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(s.length - 1, lo + 1);
  return s[lo]! + (h - lo) * (s[hi]! - s[lo]!);
}

export function median(xs: ArrayLike<number>): number {
  return quantile(xs, 0.5);
}

/**
 * Median absolute deviation scaled by 1.4826 (consistent with the SD for normal data), as
 * scipy.stats.median_abs_deviation(scale='normal'). NaN when empty.
 */
export function mad(xs: ArrayLike<number>): number {
  const m = median(xs);
  const d = new Float64Array(xs.length);
  for (let i = 0; i < xs.length; i++) d[i] = Math.abs(xs[i]! - m);
  return 1.482602218505602 * median(d);
}

/** A seeded uniform [0, 1) generator (mulberry32). Same seed, same sequence on every machine. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Natural log of the gamma function (Lanczos, g = 7; relative error < 1e-14 for x > 0). */
export function logGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
    -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const z = x - 1;
  let a = c[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Continued fraction of the incomplete beta function (modified Lentz). */
function betacf(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return h;
}

/** Regularised incomplete beta I_x(a, b), x in [0, 1]. @see Press et al., Numerical Recipes, 6.4. */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const lbt = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x);
  const bt = Math.exp(lbt);
  return x < (a + 1) / (a + b + 2) ? (bt * betacf(a, b, x)) / a : 1 - (bt * betacf(b, a, 1 - x)) / b;
}

/** Cumulative distribution of Student's t with `df` degrees of freedom (df may be fractional). */
export function studentTCdf(t: number, df: number): number {
  if (!Number.isFinite(t)) return t > 0 ? 1 : 0;
  const p = 0.5 * incompleteBeta(df / (df + t * t), df / 2, 0.5);
  return t > 0 ? 1 - p : p;
}

/** Quantile of Student's t (inverse CDF), p in (0, 1), by bisection to 1e-12. */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1) || !(df > 0)) return Number.NaN;
  let lo = -1e3;
  let hi = 1e3;
  for (let i = 0; i < 200 && hi - lo > 1e-12; i++) {
    const mid = (lo + hi) / 2;
    if (studentTCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

export interface WelchResult {
  /** (mean(b) - mean(a)) / standard error. */
  t: number;
  /** Welch-Satterthwaite degrees of freedom. */
  df: number;
  /** Two-sided p-value. */
  p: number;
  /** t-based 95% confidence interval of mean(b) - mean(a). */
  ci: [number, number];
}

/**
 * Welch's unequal-variance t-test of mean(b) - mean(a), as scipy.stats.ttest_ind(b, a,
 * equal_var=False). Needs at least 2 values in each group (otherwise NaN fields).
 * When both groups have zero variance the p-value is 0 for different means and 1 for equal.
 * @see Welch B.L. (1947) Biometrika 34:28-35.
 */
export function welchTest(a: ArrayLike<number>, b: ArrayLike<number>): WelchResult {
  const na = a.length;
  const nb = b.length;
  const nan: WelchResult = { t: Number.NaN, df: Number.NaN, p: Number.NaN, ci: [Number.NaN, Number.NaN] };
  if (na < 2 || nb < 2) return nan;
  const va = sd(a) ** 2 / na;
  const vb = sd(b) ** 2 / nb;
  const diff = mean(b) - mean(a);
  const se = Math.sqrt(va + vb);
  if (se === 0)
    return { t: diff === 0 ? 0 : Math.sign(diff) * Number.POSITIVE_INFINITY, df: na + nb - 2, p: diff === 0 ? 1 : 0, ci: [diff, diff] };
  const t = diff / se;
  const df = (va + vb) ** 2 / (va ** 2 / (na - 1) + vb ** 2 / (nb - 1));
  const p = Math.min(1, 2 * studentTCdf(-Math.abs(t), df));
  const q = studentTQuantile(0.975, df);
  return { t, df, p, ci: [diff - q * se, diff + q * se] };
}

/**
 * Hedges' g of b versus a: (mean(b) - mean(a)) / pooled SD, times the small-sample correction
 * J = 1 - 3 / (4 (na + nb) - 9). NaN below 2 values per group or with zero pooled SD.
 * @see Hedges L.V. (1981) J Educ Stat 6:107-128.
 */
export function hedgesG(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const na = a.length;
  const nb = b.length;
  if (na < 2 || nb < 2) return Number.NaN;
  const sp = Math.sqrt(((na - 1) * sd(a) ** 2 + (nb - 1) * sd(b) ** 2) / (na + nb - 2));
  if (!(sp > 0)) return Number.NaN;
  return ((mean(b) - mean(a)) / sp) * (1 - 3 / (4 * (na + nb) - 9));
}

export interface BootstrapCi {
  /** Percentile interval [lo, hi] of the difference mean(b) - mean(a). */
  diff: [number, number];
  /** Percentile interval of the ratio mean(b) / mean(a) (NaN when a resampled control mean is 0). */
  ratio: [number, number];
  reps: number;
  seed: number;
}

/**
 * Percentile bootstrap confidence intervals of mean(b) - mean(a) and mean(b) / mean(a):
 * each group is resampled with replacement on its own (stratified), `reps` times, with a seeded
 * generator, so the same data and seed give the same interval. NaN below 2 values per group.
 * @see Efron B., Tibshirani R.J. (1993) An Introduction to the Bootstrap, ch. 13.
 */
export function bootstrapCi(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  o: { reps?: number; seed?: number; level?: number } = {},
): BootstrapCi {
  const reps = o.reps ?? 4000;
  const seed = o.seed ?? 1;
  const level = o.level ?? 0.95;
  if (a.length < 2 || b.length < 2) return { diff: [Number.NaN, Number.NaN], ratio: [Number.NaN, Number.NaN], reps, seed };
  const rand = rng(seed);
  const diffs = new Float64Array(reps);
  const ratios = new Float64Array(reps);
  let ratioOk = true;
  const resampleMean = (xs: ArrayLike<number>) => {
    let s = 0;
    for (let i = 0; i < xs.length; i++) s += xs[Math.floor(rand() * xs.length)]!;
    return s / xs.length;
  };
  for (let r = 0; r < reps; r++) {
    const ma = resampleMean(a);
    const mb = resampleMean(b);
    diffs[r] = mb - ma;
    if (ma === 0) ratioOk = false;
    ratios[r] = mb / ma;
  }
  const lo = (1 - level) / 2;
  return {
    diff: [quantile(diffs, lo), quantile(diffs, 1 - lo)],
    ratio: ratioOk ? [quantile(ratios, lo), quantile(ratios, 1 - lo)] : [Number.NaN, Number.NaN],
    reps,
    seed,
  };
}

/**
 * Z'-factor of an assay from positive and negative control values:
 * 1 - 3 (SD_pos + SD_neg) / |mean_pos - mean_neg|. Above 0.5 is an excellent assay window,
 * 0 to 0.5 marginal, below 0 the controls overlap. NaN below 2 values per control.
 * @see Zhang J.-H., Chung T.D.Y., Oldenburg K.R. (1999) J Biomol Screen 4:67-73.
 */
export function zPrime(pos: ArrayLike<number>, neg: ArrayLike<number>): number {
  if (pos.length < 2 || neg.length < 2) return Number.NaN;
  const d = Math.abs(mean(pos) - mean(neg));
  if (d === 0) return Number.NEGATIVE_INFINITY;
  return 1 - (3 * (sd(pos) + sd(neg))) / d;
}

/** Standard normal quantile (Acklam's rational approximation, |error| < 1.2e-9 after refinement). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) return Number.NaN;
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const pl = 0.02425;
  let x: number;
  if (p < pl) {
    const q = Math.sqrt(-2 * Math.log(p));
    x =
      (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  } else if (p <= 1 - pl) {
    const q = p - 0.5;
    const r = q * q;
    x =
      ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
      (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x =
      -(((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  return x;
}

/**
 * Units per group needed to detect a relative change `effect` (fraction, e.g. 0.2) when the
 * between-unit coefficient of variation is `cv`, two-sided alpha and power as given (defaults
 * 0.05 and 0.8): n = 2 (z_{1-alpha/2} + z_{power})^2 (cv / effect)^2, at least 2. Normal
 * approximation; a pilot's CV is itself uncertain, so treat the answer as a rough guide.
 * @see Cohen J. (1988) Statistical Power Analysis for the Behavioral Sciences.
 */
export function unitsNeeded(cv: number, effect: number, o: { alpha?: number; power?: number } = {}): number {
  if (!(effect > 0) || !Number.isFinite(cv)) return Number.NaN;
  const z = normalQuantile(1 - (o.alpha ?? 0.05) / 2) + normalQuantile(o.power ?? 0.8);
  return Math.max(2, Math.ceil(2 * z * z * (cv / effect) ** 2));
}

/** Number of ways to choose k of n (as a float; exact below 2^53). */
export function binomial(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  let r = 1;
  for (let i = 1; i <= Math.min(k, n - k); i++) r = (r * (n - i + 1)) / i;
  return Math.round(r);
}

export interface PermutationResult {
  /** Two-sided p: share of relabellings with |mean(b) - mean(a)| at least the observed. */
  p: number;
  /** True when every relabelling was enumerated; false: `reps` seeded random ones. */
  exact: boolean;
  /** The smallest p this design can give (exact: 2 / C(na+nb, na) for a symmetric split, at least 1 / C). */
  smallestP: number;
}

/**
 * Permutation test of mean(b) - mean(a), two-sided on the absolute difference: exact (every way
 * of relabelling the pooled units) when there are at most `maxExact` relabellings, otherwise
 * `reps` seeded random relabellings with p = (hits + 1) / (reps + 1). Makes no normality
 * assumption, which suits the few units of a typical plate; with 3 vs 3 the smallest possible
 * p is 0.1, which the result says. NaN below 2 values per group.
 * @see Good P. (2005) Permutation, Parametric and Bootstrap Tests of Hypotheses. Springer.
 */
export function permutationTest(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  o: { maxExact?: number; reps?: number; seed?: number } = {},
): PermutationResult {
  const na = a.length;
  const nb = b.length;
  if (na < 2 || nb < 2) return { p: Number.NaN, exact: false, smallestP: Number.NaN };
  const pooled = Float64Array.from([...Array.from(a), ...Array.from(b)]);
  const n = na + nb;
  let total = 0;
  for (let i = 0; i < n; i++) total += pooled[i]!;
  // |mean(b) - mean(a)| from the sum of the units labelled b
  const stat = (sumB: number) => Math.abs(sumB / nb - (total - sumB) / na);
  let sumB0 = 0;
  for (let i = na; i < n; i++) sumB0 += pooled[i]!;
  const observed = stat(sumB0) * (1 - 1e-12) - 1e-12;
  const combos = binomial(n, nb);
  if (combos <= (o.maxExact ?? 20000)) {
    const idx = Array.from({ length: nb }, (_, i) => i);
    let hits = 0;
    for (;;) {
      let s = 0;
      for (let i = 0; i < nb; i++) s += pooled[idx[i]!]!;
      if (stat(s) >= observed) hits++;
      let i = nb - 1;
      while (i >= 0 && idx[i] === n - nb + i) i--;
      if (i < 0) break;
      idx[i]!++;
      for (let j = i + 1; j < nb; j++) idx[j] = idx[j - 1]! + 1;
    }
    return { p: hits / combos, exact: true, smallestP: (na === nb ? 2 : 1) / combos };
  }
  const reps = o.reps ?? 10000;
  const rand = rng(o.seed ?? 1);
  const perm = Float64Array.from(pooled);
  let hits = 0;
  for (let r = 0; r < reps; r++) {
    // partial Fisher-Yates: the first nb positions are a random b-group
    for (let i = 0; i < nb; i++) {
      const j = i + Math.floor(rand() * (n - i));
      const t = perm[i]!;
      perm[i] = perm[j]!;
      perm[j] = t;
    }
    let s = 0;
    for (let i = 0; i < nb; i++) s += perm[i]!;
    if (stat(s) >= observed) hits++;
  }
  return { p: (hits + 1) / (reps + 1), exact: false, smallestP: 1 / (reps + 1) };
}
