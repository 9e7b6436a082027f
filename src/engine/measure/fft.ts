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

/** One Stockham pass: radix p over sub-transforms of length ns (product of the earlier radices). */
interface Pass {
  p: number;
  ns: number;
  /** Twiddles exp(-2πi k r / (ns p)) for k < ns, r = 1..p-1, at [k (p-1) + r - 1]. */
  wr: Float64Array;
  wi: Float64Array;
  /** Generic radix only: cos and sin of 2π r k / p for r, k = 1..(p-1)/2, at [(k-1) h + r - 1]. */
  cr: Float64Array;
  ci: Float64Array;
}

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
    const inner = new Fft(m);
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

// Each pass reads x[j + r n/p] (j < n/p, r < p), twiddles it by exp(-2πi k r / (ns p)) with
// k = j mod ns, takes the length-p DFT and writes it to y[(j - k) p + k + r ns]: after the last
// pass y is X in natural order. One flat loop over j; b jumps past the other outputs each ns.

function pass2(n: number, ps: Pass, xr: Float64Array, xi: Float64Array, yr: Float64Array, yi: Float64Array): void {
  const { ns, wr, wi } = ps;
  const s = n / 2;
  for (let a = 0, b = 0, k = 0; a < s; a++, b++, k++) {
    if (k === ns) {
      k = 0;
      b += ns;
    }
    const x0r = xr[a]!;
    const x0i = xi[a]!;
    const u1r = xr[a + s]!;
    const u1i = xi[a + s]!;
    const x1r = u1r * wr[k]! - u1i * wi[k]!;
    const x1i = u1r * wi[k]! + u1i * wr[k]!;
    yr[b] = x0r + x1r;
    yi[b] = x0i + x1i;
    yr[b + ns] = x0r - x1r;
    yi[b + ns] = x0i - x1i;
  }
}

function pass4(n: number, ps: Pass, xr: Float64Array, xi: Float64Array, yr: Float64Array, yi: Float64Array): void {
  const { ns, wr, wi } = ps;
  const s = n / 4;
  for (let a = 0, b = 0, k = 0, t = 0; a < s; a++, b++, k++, t += 3) {
    if (k === ns) {
      k = t = 0;
      b += 3 * ns;
    }
    const x0r = xr[a]!;
    const x0i = xi[a]!;
    const u1r = xr[a + s]!;
    const u1i = xi[a + s]!;
    const x1r = u1r * wr[t]! - u1i * wi[t]!;
    const x1i = u1r * wi[t]! + u1i * wr[t]!;
    const u2r = xr[a + 2 * s]!;
    const u2i = xi[a + 2 * s]!;
    const x2r = u2r * wr[t + 1]! - u2i * wi[t + 1]!;
    const x2i = u2r * wi[t + 1]! + u2i * wr[t + 1]!;
    const u3r = xr[a + 3 * s]!;
    const u3i = xi[a + 3 * s]!;
    const x3r = u3r * wr[t + 2]! - u3i * wi[t + 2]!;
    const x3i = u3r * wi[t + 2]! + u3i * wr[t + 2]!;
    const s02r = x0r + x2r;
    const s02i = x0i + x2i;
    const d02r = x0r - x2r;
    const d02i = x0i - x2i;
    const s13r = x1r + x3r;
    const s13i = x1i + x3i;
    const d13r = x1r - x3r;
    const d13i = x1i - x3i;
    yr[b] = s02r + s13r;
    yi[b] = s02i + s13i;
    yr[b + ns] = d02r + d13i; // d02 - i d13
    yi[b + ns] = d02i - d13r;
    yr[b + 2 * ns] = s02r - s13r;
    yi[b + 2 * ns] = s02i - s13i;
    yr[b + 3 * ns] = d02r - d13i; // d02 + i d13
    yi[b + 3 * ns] = d02i + d13r;
  }
}

const SIN60 = Math.sqrt(3) / 2;

function pass3(n: number, ps: Pass, xr: Float64Array, xi: Float64Array, yr: Float64Array, yi: Float64Array): void {
  const { ns, wr, wi } = ps;
  const s = n / 3;
  for (let a = 0, b = 0, k = 0, t = 0; a < s; a++, b++, k++, t += 2) {
    if (k === ns) {
      k = t = 0;
      b += 2 * ns;
    }
    const x0r = xr[a]!;
    const x0i = xi[a]!;
    const u1r = xr[a + s]!;
    const u1i = xi[a + s]!;
    const x1r = u1r * wr[t]! - u1i * wi[t]!;
    const x1i = u1r * wi[t]! + u1i * wr[t]!;
    const u2r = xr[a + 2 * s]!;
    const u2i = xi[a + 2 * s]!;
    const x2r = u2r * wr[t + 1]! - u2i * wi[t + 1]!;
    const x2i = u2r * wi[t + 1]! + u2i * wr[t + 1]!;
    const sr = x1r + x2r;
    const si = x1i + x2i;
    const dr = SIN60 * (x1r - x2r);
    const di = SIN60 * (x1i - x2i);
    const mr = x0r - 0.5 * sr;
    const mi = x0i - 0.5 * si;
    yr[b] = x0r + sr;
    yi[b] = x0i + si;
    yr[b + ns] = mr + di; // m - i (√3/2) d
    yi[b + ns] = mi - dr;
    yr[b + 2 * ns] = mr - di;
    yi[b + 2 * ns] = mi + dr;
  }
}

const C1 = Math.cos((2 * Math.PI) / 5);
const C2 = Math.cos((4 * Math.PI) / 5);
const S1 = Math.sin((2 * Math.PI) / 5);
const S2 = Math.sin((4 * Math.PI) / 5);

function pass5(n: number, ps: Pass, xr: Float64Array, xi: Float64Array, yr: Float64Array, yi: Float64Array): void {
  const { ns, wr, wi } = ps;
  const s = n / 5;
  for (let a = 0, b = 0, k = 0, t = 0; a < s; a++, b++, k++, t += 4) {
    if (k === ns) {
      k = t = 0;
      b += 4 * ns;
    }
    const x0r = xr[a]!;
    const x0i = xi[a]!;
    const u1r = xr[a + s]!;
    const u1i = xi[a + s]!;
    const x1r = u1r * wr[t]! - u1i * wi[t]!;
    const x1i = u1r * wi[t]! + u1i * wr[t]!;
    const u2r = xr[a + 2 * s]!;
    const u2i = xi[a + 2 * s]!;
    const x2r = u2r * wr[t + 1]! - u2i * wi[t + 1]!;
    const x2i = u2r * wi[t + 1]! + u2i * wr[t + 1]!;
    const u3r = xr[a + 3 * s]!;
    const u3i = xi[a + 3 * s]!;
    const x3r = u3r * wr[t + 2]! - u3i * wi[t + 2]!;
    const x3i = u3r * wi[t + 2]! + u3i * wr[t + 2]!;
    const u4r = xr[a + 4 * s]!;
    const u4i = xi[a + 4 * s]!;
    const x4r = u4r * wr[t + 3]! - u4i * wi[t + 3]!;
    const x4i = u4r * wi[t + 3]! + u4i * wr[t + 3]!;
    const s14r = x1r + x4r;
    const s14i = x1i + x4i;
    const s23r = x2r + x3r;
    const s23i = x2i + x3i;
    // y1,4 = b1 ∓ i e1, y2,3 = b2 ∓ i e2 (b: cosine part of the pair sums, e: sine part of the differences)
    const b1r = x0r + C1 * s14r + C2 * s23r;
    const b1i = x0i + C1 * s14i + C2 * s23i;
    const b2r = x0r + C2 * s14r + C1 * s23r;
    const b2i = x0i + C2 * s14i + C1 * s23i;
    const e1r = S1 * (x1r - x4r) + S2 * (x2r - x3r);
    const e1i = S1 * (x1i - x4i) + S2 * (x2i - x3i);
    const e2r = S2 * (x1r - x4r) - S1 * (x2r - x3r);
    const e2i = S2 * (x1i - x4i) - S1 * (x2i - x3i);
    yr[b] = x0r + s14r + s23r;
    yi[b] = x0i + s14i + s23i;
    yr[b + ns] = b1r + e1i;
    yi[b + ns] = b1i - e1r;
    yr[b + 2 * ns] = b2r + e2i;
    yi[b + 2 * ns] = b2i - e2r;
    yr[b + 3 * ns] = b2r - e2i;
    yi[b + 3 * ns] = b2i + e2r;
    yr[b + 4 * ns] = b1r - e1i;
    yi[b + 4 * ns] = b1i + e1r;
  }
}

/**
 * Odd prime radix p (7..31): with u_r = twiddled x_r, y[j], y[p-j] = u_0 + Σ_{r <= (p-1)/2}
 * cos(2πrj/p) (u_r + u_{p-r}) ∓ i sin(2πrj/p) (u_r - u_{p-r}); `pair` holds those sums and differences.
 */
function passP(n: number, ps: Pass, xr: Float64Array, xi: Float64Array, yr: Float64Array, yi: Float64Array, pair: Float64Array): void {
  const { p, ns, wr, wi, cr, ci } = ps;
  const s = n / p;
  const h = (p - 1) >> 1;
  for (let a = 0, b = 0, k = 0, t = 0; a < s; a++, b++, k++, t += p - 1) {
    if (k === ns) {
      k = t = 0;
      b += (p - 1) * ns;
    }
    const x0r = xr[a]!;
    const x0i = xi[a]!;
    let y0r = x0r;
    let y0i = x0i;
    for (let r = 1, o = 0; r <= h; r++, o += 4) {
      const u = a + r * s;
      const v = a + (p - r) * s;
      const w = t + p - r - 1;
      const xur = xr[u]!;
      const xui = xi[u]!;
      const xvr = xr[v]!;
      const xvi = xi[v]!;
      const ur = xur * wr[t + r - 1]! - xui * wi[t + r - 1]!;
      const ui = xur * wi[t + r - 1]! + xui * wr[t + r - 1]!;
      const vr = xvr * wr[w]! - xvi * wi[w]!;
      const vi = xvr * wi[w]! + xvi * wr[w]!;
      pair[o] = ur + vr;
      pair[o + 1] = ui + vi;
      pair[o + 2] = ur - vr;
      pair[o + 3] = ui - vi;
      y0r += ur + vr;
      y0i += ui + vi;
    }
    yr[b] = y0r;
    yi[b] = y0i;
    for (let j = 1, c = 0; j <= h; j++) {
      let sr = x0r;
      let si = x0i;
      let dr = 0;
      let di = 0;
      for (let o = 0; o < 4 * h; o += 4, c++) {
        sr += cr[c]! * pair[o]!;
        si += cr[c]! * pair[o + 1]!;
        dr += ci[c]! * pair[o + 2]!;
        di += ci[c]! * pair[o + 3]!;
      }
      yr[b + j * ns] = sr + di; // Σ - i Δ
      yi[b + j * ns] = si - dr;
      yr[b + (p - j) * ns] = sr - di;
      yi[b + (p - j) * ns] = si + dr;
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
