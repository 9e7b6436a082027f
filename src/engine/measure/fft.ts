/**
 * Complex forward FFT of any length, in float64, that allocates nothing per call.
 *
 * Lengths whose prime factors are all <= 31 use a mixed-radix Stockham autosort FFT (Cooley-Tukey
 * decimation in time, ping-ponging between the caller's arrays and one scratch pair, so no
 * bit-reversal pass): dedicated butterflies for radix 4, 2, 3 and 5, a generic one (pairing
 * r with p - r) for the primes 7..31. Other lengths use Bluestein's chirp-z algorithm: a cyclic
 * convolution of length m = the power of two >= 2n - 1, done with two power-of-two transforms
 * and the chirp's transform computed once in the constructor.
 *
 * Every twiddle factor and chirp value is Math.cos / Math.sin of its own exactly reduced angle
 * (2πk/n with k < n; πk²/n with k² mod 2n), never a product of earlier ones, so the error stays at
 * rounding level: 2e-16 to 4e-15 of max |X| against a direct DFT for n = 7..4099.
 *
 * Hand-written rather than a dependency: fft.js (radix 4) does powers of two only, and the npm
 * packages for other lengths (ndarray-fft 1.0.3, fft 0.2.1, kissfft-js 0.1.8) are small ports left
 * unchanged for years, none with a planned, allocation-free float64 transform.
 * @see J. W. Cooley, J. W. Tukey, Math. Comput. 19:297 (1965) (the FFT)
 * @see L. I. Bluestein, IEEE Trans. Audio Electroacoust. 18:451 (1970) (the chirp-z transform)
 * @see C. Van Loan, Computational Frameworks for the Fast Fourier Transform, SIAM (1992) (Stockham)
 */
import { type Pass, pass2, pass3, pass4, pass5, passP } from './fft-passes.js';

/** The radices of n (4s first, then 2, 3, 5, 7..31), or null when n has a prime factor > 31. */
function radices(n: number): number[] | null {
  const out: number[] = [];
  for (const p of [4, 2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31]) {
    while (n % p === 0) {
      out.push(p);
      n /= p;
    }
  }
  return n === 1 ? out : null;
}

const plans = new Map<number, Fft>();
const MAX_PLANS = 16;

/**
 * The plan of length n, made once per thread and reused (its tables and scratch are the same for
 * every call; `transform` does not call itself on one plan). Kept, too, so that V8 keeps the
 * hidden classes of Fft: with a plan per call none was alive at a full collection, and the
 * optimised code that used them (fftCols, Fft) was thrown away at each one.
 */
export function fftPlan(n: number): Fft {
  let p = plans.get(n);
  if (!p) {
    if (plans.size >= MAX_PLANS) plans.clear();
    p = new Fft(n);
    plans.set(n, p);
  }
  return p;
}

/**
 * A planned forward DFT of length n: `transform(re, im)` replaces the first n entries of re and im
 * by X[k] = Σ_j x[j] exp(-2πi jk / n), unscaled. Plan once per length, reuse for every row.
 */
export class Fft {
  readonly n: number;
  private readonly passes: Pass[] = [];
  private readonly bufRe: Float64Array;
  private readonly bufIm: Float64Array;
  /** Generic butterfly scratch: Σ and Δ of the pairs (r, p - r). */
  private readonly pair = new Float64Array(64);
  private readonly inner: Fft | null = null;
  private readonly chirpRe: Float64Array;
  private readonly chirpIm: Float64Array;
  private readonly filtRe: Float64Array;
  private readonly filtIm: Float64Array;

  /** @param n transform length, an integer >= 1 (any factorisation). */
  constructor(n: number) {
    if (!Number.isInteger(n) || n < 1 || n > 2 ** 26) throw new RangeError(`FFT length must be an integer in 1..2^26, got ${n}`);
    this.n = n;
    const rad = radices(n);
    const empty = new Float64Array(0);
    this.chirpRe = this.chirpIm = this.filtRe = this.filtIm = empty;
    if (rad) {
      this.bufRe = new Float64Array(n);
      this.bufIm = new Float64Array(n);
      let ns = 1;
      for (const p of rad) {
        const wr = new Float64Array(ns * (p - 1));
        const wi = new Float64Array(ns * (p - 1));
        const step = n / (ns * p); // exp(-2πi k r / (ns p)) = exp(-2πi (k r step) / n), k r step < n
        for (let k = 0; k < ns; k++) {
          for (let r = 1; r < p; r++) {
            const a = (2 * Math.PI * (k * r * step)) / n;
            wr[k * (p - 1) + r - 1] = Math.cos(a);
            wi[k * (p - 1) + r - 1] = -Math.sin(a);
          }
        }
        const h = (p - 1) >> 1;
        const cr = p > 5 ? new Float64Array(h * h) : empty;
        const ci = p > 5 ? new Float64Array(h * h) : empty;
        for (let k = 1; k <= h && p > 5; k++) {
          for (let r = 1; r <= h; r++) {
            const a = (2 * Math.PI * ((r * k) % p)) / p;
            cr[(k - 1) * h + r - 1] = Math.cos(a);
            ci[(k - 1) * h + r - 1] = Math.sin(a);
          }
        }
        this.passes.push({ p, ns, wr, wi, cr, ci });
        ns *= p;
      }
      return;
    }
    // Bluestein: jk = (j² + k² - (k-j)²) / 2, so X[k] = w[k] Σ_j (x[j] w[j]) conj(w[k-j]) with
    // w[k] = exp(-πi k² / n): a convolution with conj(w), done cyclically with length m >= 2n - 1.
    let m = 1;
    while (m < 2 * n - 1) m *= 2;
    const inner = fftPlan(m);
    this.inner = inner;
    this.bufRe = new Float64Array(m);
    this.bufIm = new Float64Array(m);
    this.chirpRe = new Float64Array(n);
    this.chirpIm = new Float64Array(n);
    let k2 = 0; // k² mod 2n, exactly
    for (let k = 0; k < n; k++) {
      const a = (Math.PI * k2) / n;
      this.chirpRe[k] = Math.cos(a);
      this.chirpIm[k] = -Math.sin(a);
      k2 += 2 * k + 1;
      if (k2 >= 2 * n) k2 -= 2 * n;
    }
    // filt = conj(FFT(b)) / m with b[t] = b[m - t] = conj(w[t]): the inverse transform is then a
    // forward one of conj(A)·filt (conj(A·B) = conj(A)·conj(B)), conjugated in the last pass.
    const fr = new Float64Array(m);
    const fi = new Float64Array(m);
    for (let t = 0; t < n; t++) {
      fr[t] = fr[(m - t) % m] = this.chirpRe[t]!;
      fi[t] = fi[(m - t) % m] = -this.chirpIm[t]!;
    }
    inner.transform(fr, fi);
    for (let t = 0; t < m; t++) {
      fr[t] = fr[t]! / m;
      fi[t] = -fi[t]! / m;
    }
    this.filtRe = fr;
    this.filtIm = fi;
  }

  /** In-place forward DFT of re[0..n), im[0..n) (entries past n untouched). Allocates nothing. */
  transform(re: Float64Array, im: Float64Array): void {
    const n = this.n;
    if (re.length < n || im.length < n) throw new RangeError(`FFT of length ${n} needs arrays of >= ${n} entries`);
    if (this.inner) {
      this.bluestein(re, im, this.inner);
      return;
    }
    let xr = re;
    let xi = im;
    let yr = this.bufRe;
    let yi = this.bufIm;
    for (let i = 0; i < this.passes.length; i++) {
      const ps = this.passes[i]!;
      if (ps.p === 4) pass4(n, ps, xr, xi, yr, yi);
      else if (ps.p === 2) pass2(n, ps, xr, xi, yr, yi);
      else if (ps.p === 3) pass3(n, ps, xr, xi, yr, yi);
      else if (ps.p === 5) pass5(n, ps, xr, xi, yr, yi);
      else passP(n, ps, xr, xi, yr, yi, this.pair);
      const tr = xr;
      const ti = xi;
      xr = yr;
      xi = yi;
      yr = tr;
      yi = ti;
    }
    if (xr !== re) {
      for (let j = 0; j < n; j++) {
        re[j] = xr[j]!;
        im[j] = xi[j]!;
      }
    }
  }

  private bluestein(re: Float64Array, im: Float64Array, inner: Fft): void {
    const { n, bufRe: ar, bufIm: ai, chirpRe: cr, chirpIm: ci, filtRe: fr, filtIm: fi } = this;
    for (let j = 0; j < n; j++) {
      const xr = re[j]!;
      const xi = im[j]!;
      ar[j] = xr * cr[j]! - xi * ci[j]!;
      ai[j] = xr * ci[j]! + xi * cr[j]!;
    }
    ar.fill(0, n);
    ai.fill(0, n);
    inner.transform(ar, ai);
    for (let t = 0; t < ar.length; t++) {
      const xr = ar[t]!;
      const xi = ai[t]!;
      ar[t] = xr * fr[t]! + xi * fi[t]!;
      ai[t] = xr * fi[t]! - xi * fr[t]!;
    }
    inner.transform(ar, ai);
    for (let k = 0; k < n; k++) {
      const yr = ar[k]!;
      const yi = ai[k]!;
      re[k] = cr[k]! * yr + ci[k]! * yi;
      im[k] = ci[k]! * yr - cr[k]! * yi;
    }
  }
}

/**
 * Estimated time of one `Fft(n).transform` in steps of a direct DFT (one multiply-add per sample and
 * frequency, as in Goertzel's recurrence), so a direct DFT of k frequencies costs n k: the FFT is the
 * faster choice when fftCost(n) < n k. It is n Σ w(p) over the radices, with w = 3, 8, 9, 11 for
 * radix 2, 4, 3, 5 and 2.5p + 9 for the generic primes; Bluestein costs two transforms of length m
 * plus 16m + 8n for its pointwise passes.
 * Calibrated by timing (Node 20, 2.1 GHz Xeon): one unit is ~0.48 ns, one step of the SIMD Goertzel
 * kernel (wasm goertzelRows); the estimate is within ~15% of the measured median for n = 97..4099
 * (2048: 44 µs, 2160: 52 µs, 1021 via Bluestein: 114 µs). With other work on the same cores the FFT
 * ran up to 2x slower and the kernel did not, so trust the choice to within a factor of 2. One
 * transform can carry two real rows (as re and im).
 */
export function fftCost(n: number): number {
  const rad = radices(n);
  if (!rad) {
    let m = 1;
    while (m < 2 * n - 1) m *= 2;
    return 2 * fftCost(m) + 16 * m + 8 * n;
  }
  let w = 0;
  for (const p of rad) w += p === 2 ? 3 : p === 4 ? 8 : p === 3 ? 9 : p === 5 ? 11 : 2.5 * p + 9;
  return Math.round(n * w);
}
