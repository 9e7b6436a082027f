// Goertzel recurrences of the power-spectrum blur metric (src/engine/measure/spectrum.ts documents
// the metric; spectrum-transform.ts calls these for planes where they beat an FFT): two
// frequencies per float64x2 lane pair, the same float64 operations
// in the same order as the JavaScript they replaced. Cosines and sines come from the caller's
// tables (JavaScript's Math.cos), so the results are bit-identical.

@inline function coefAt(coef: usize, k: i32, which: i32): f64 {
  return load<f64>(coef + ((<usize>(k * 3 + which)) << 3));
}

@inline function pairOf(coef: usize, k1: i32, k2: i32, which: i32): v128 {
  return f64x2.replace_lane(f64x2.splat(coefAt(coef, k1, which)), 1, coefAt(coef, k2, which));
}

/**
 * G[y][j] = sum_x f[y][x] e^{-2 pi i j x / w} for j in 0..nj-1, f = (values - mean) * inv
 * (values: f64, w x h). coef: per frequency j, [2 cos, cos, sin] of 2 pi j / w. gRe, gIm: f64,
 * h x nj. row: f64 scratch of w.
 */
export function goertzelRows(values: usize, w: i32, h: i32, mean: f64, inv: f64, nj: i32, coef: usize, gRe: usize, gIm: usize, row: usize): void {
  const kMax = nj - 1;
  for (let y = 0; y < h; y++) {
    const o = <usize>(y * w) << 3;
    for (let x = 0; x < w; x++) store<f64>(row + (<usize>x << 3), (load<f64>(values + o + (<usize>x << 3)) - mean) * inv);
    for (let j = 0; j < nj; j += 8) {
      const k0 = j < kMax ? j : kMax;
      const k1 = j + 1 < kMax ? j + 1 : kMax;
      const k2 = j + 2 < kMax ? j + 2 : kMax;
      const k3 = j + 3 < kMax ? j + 3 : kMax;
      const k4 = j + 4 < kMax ? j + 4 : kMax;
      const k5 = j + 5 < kMax ? j + 5 : kMax;
      const k6 = j + 6 < kMax ? j + 6 : kMax;
      const k7 = j + 7 < kMax ? j + 7 : kMax;
      const cA = pairOf(coef, k0, k1, 0);
      const cB = pairOf(coef, k2, k3, 0);
      const cC = pairOf(coef, k4, k5, 0);
      const cD = pairOf(coef, k6, k7, 0);
      let a1 = f64x2.splat(0);
      let a2 = f64x2.splat(0);
      let b1 = f64x2.splat(0);
      let b2 = f64x2.splat(0);
      let c1 = f64x2.splat(0);
      let c2 = f64x2.splat(0);
      let d1 = f64x2.splat(0);
      let d2 = f64x2.splat(0);
      for (let i = 0; i < w; i++) {
        const v = f64x2.splat(load<f64>(row + (<usize>i << 3)));
        const a0 = f64x2.sub(f64x2.add(v, f64x2.mul(cA, a1)), a2);
        const b0 = f64x2.sub(f64x2.add(v, f64x2.mul(cB, b1)), b2);
        const c0 = f64x2.sub(f64x2.add(v, f64x2.mul(cC, c1)), c2);
        const d0 = f64x2.sub(f64x2.add(v, f64x2.mul(cD, d1)), d2);
        a2 = a1;
        a1 = a0;
        b2 = b1;
        b1 = b0;
        c2 = c1;
        c1 = c0;
        d2 = d1;
        d1 = d0;
      }
      finishPair(coef, k0, k1, cA, a1, a2, gRe, gIm, y * nj + j, j, nj);
      finishPair(coef, k2, k3, cB, b1, b2, gRe, gIm, y * nj + j + 2, j + 2, nj);
      finishPair(coef, k4, k5, cC, c1, c2, gRe, gIm, y * nj + j + 4, j + 4, nj);
      finishPair(coef, k6, k7, cD, d1, d2, gRe, gIm, y * nj + j + 6, j + 6, nj);
    }
  }
}

/** X = s_N - e^{-i w} s_{N-1} after one more step with input 0: re = c s1 - s2 - cos s1, im = sin s1; stores the lanes below nj. */
@inline function finishPair(coef: usize, k1: i32, k2: i32, c: v128, s1: v128, s2: v128, re: usize, im: usize, at: i32, j: i32, nj: i32): void {
  const r = f64x2.sub(f64x2.sub(f64x2.mul(c, s1), s2), f64x2.mul(pairOf(coef, k1, k2, 1), s1));
  const m = f64x2.mul(pairOf(coef, k1, k2, 2), s1);
  if (j < nj) {
    store<f64>(re + (<usize>at << 3), f64x2.extract_lane(r, 0));
    store<f64>(im + (<usize>at << 3), f64x2.extract_lane(m, 0));
  }
  if (j + 1 < nj) {
    store<f64>(re + (<usize>(at + 1) << 3), f64x2.extract_lane(r, 1));
    store<f64>(im + (<usize>(at + 1) << 3), f64x2.extract_lane(m, 1));
  }
}

/**
 * Column transforms F[r][j] = sum_y G[y][j] e^{-2 pi i u_r y / h} for the nRows row frequencies
 * u_r (coef: per r, [2 cos, cos, sin] of 2 pi u_r / h), on the real and imaginary parts of G
 * separately (F = A + iB). fRe, fIm: f64, nRows x nj; colRe, colIm: f64 scratch of h.
 */
export function goertzelCols(gRe: usize, gIm: usize, h: i32, nj: i32, nRows: i32, coef: usize, fRe: usize, fIm: usize, colRe: usize, colIm: usize): void {
  for (let j = 0; j < nj; j++) {
    for (let y = 0; y < h; y++) {
      store<f64>(colRe + (<usize>y << 3), load<f64>(gRe + (<usize>(y * nj + j) << 3)));
      store<f64>(colIm + (<usize>y << 3), load<f64>(gIm + (<usize>(y * nj + j) << 3)));
    }
    for (let r = 0; r < nRows; r += 2) {
      const r2 = r + 1 < nRows ? r + 1 : nRows - 1;
      const c = pairOf(coef, r, r2, 0);
      let a1 = f64x2.splat(0);
      let a2 = f64x2.splat(0);
      let b1 = f64x2.splat(0);
      let b2 = f64x2.splat(0);
      for (let i = 0; i < h; i++) {
        const va = f64x2.splat(load<f64>(colRe + (<usize>i << 3)));
        const vb = f64x2.splat(load<f64>(colIm + (<usize>i << 3)));
        const a0 = f64x2.sub(f64x2.add(va, f64x2.mul(c, a1)), a2);
        const b0 = f64x2.sub(f64x2.add(vb, f64x2.mul(c, b1)), b2);
        a2 = a1;
        a1 = a0;
        b2 = b1;
        b1 = b0;
      }
      const cosP = pairOf(coef, r, r2, 1);
      const sinP = pairOf(coef, r, r2, 2);
      const aRe = f64x2.sub(f64x2.sub(f64x2.mul(c, a1), a2), f64x2.mul(cosP, a1));
      const aIm = f64x2.mul(sinP, a1);
      const bRe = f64x2.sub(f64x2.sub(f64x2.mul(c, b1), b2), f64x2.mul(cosP, b1));
      const bIm = f64x2.mul(sinP, b1);
      store<f64>(fRe + (<usize>(r * nj + j) << 3), f64x2.extract_lane(aRe, 0) - f64x2.extract_lane(bIm, 0));
      store<f64>(fIm + (<usize>(r * nj + j) << 3), f64x2.extract_lane(aIm, 0) + f64x2.extract_lane(bRe, 0));
      store<f64>(fRe + (<usize>(r2 * nj + j) << 3), f64x2.extract_lane(aRe, 1) - f64x2.extract_lane(bIm, 1));
      store<f64>(fIm + (<usize>(r2 * nj + j) << 3), f64x2.extract_lane(aIm, 1) + f64x2.extract_lane(bRe, 1));
    }
  }
}
