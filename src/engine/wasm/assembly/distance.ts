// Exact squared Euclidean distance transform (Meijster's two phases with the lower envelope of
// parabolas per foreground run); the algorithm and its references are in src/engine/ops/distance.ts.

/**
 * Mask (w x h u8, 0 = background) at `mask`; i32 scratch `g` (w x h); float64 scratch `f`
 * (w + 2), i32 `v` (w + 2), float64 `z` (w + 3). Writes squared distances to `d2` as T (i32, or
 * f64 for images whose squared distances could overflow 32 bits).
 */
function edt<T>(mask: usize, g: usize, d2: usize, f: usize, v: usize, z: usize, w: i32, h: i32): void {
  const big = w + h; // larger than any real vertical distance
  const sw = <usize>w;
  // phase 1: vertical distance to the nearest background pixel in the same column (down, then up)
  for (let x: usize = 0; x < sw; x++) store<i32>(g + (x << 2), load<u8>(mask + x) === 0 ? 0 : big);
  for (let y = 1; y < h; y++) {
    const row = <usize>y * sw;
    for (let x: usize = 0; x < sw; x++) {
      const i = row + x;
      if (load<u8>(mask + i) === 0) store<i32>(g + (i << 2), 0);
      else {
        const up = load<i32>(g + ((i - sw) << 2)) + 1;
        store<i32>(g + (i << 2), up > big ? big : up);
      }
    }
  }
  for (let y = h - 2; y >= 0; y--) {
    const row = <usize>y * sw;
    for (let x: usize = 0; x < sw; x++) {
      const i = row + x;
      const down = load<i32>(g + ((i + sw) << 2)) + 1;
      if (down < load<i32>(g + (i << 2))) store<i32>(g + (i << 2), down);
    }
  }
  // phase 2: per row, lower envelope of parabolas f(q) = g(q)^2. For a foreground run [a, b]
  // the background pixels a-1 and b+1 are nearer than any column beyond them, so the envelope
  // over [a-1, b+1] alone is exact for the run: the work is proportional to the foreground.
  for (let y = 0; y < h; y++) {
    const row = <usize>y * sw;
    // background: 0
    for (let x: usize = 0; x < sw; x++) if (load<u8>(mask + row + x) === 0) store<T>(d2 + ((row + x) << alignof<T>()), <T>0);
    let x = 0;
    while (x < w) {
      if (load<u8>(mask + row + <usize>x) === 0) {
        x++;
        continue;
      }
      let b = x;
      while (b + 1 < w && load<u8>(mask + row + <usize>(b + 1)) !== 0) b++;
      const lo = x > 0 ? x - 1 : 0;
      const hi = b + 1 < w ? b + 1 : w - 1;
      const len = hi - lo + 1;
      for (let q = 0; q < len; q++) {
        const gv = <f64>load<i32>(g + ((row + <usize>(lo + q)) << 2));
        store<f64>(f + (<usize>q << 3), gv * gv);
      }
      let k = 0;
      store<i32>(v, 0);
      store<f64>(z, -Infinity);
      store<f64>(z, Infinity, 8);
      for (let q = 1; q < len; q++) {
        const fq = load<f64>(f + (<usize>q << 3)) + <f64>q * <f64>q;
        let p = load<i32>(v + (<usize>k << 2));
        let s = (fq - (load<f64>(f + (<usize>p << 3)) + <f64>p * <f64>p)) / <f64>(2 * (q - p));
        while (s <= load<f64>(z + (<usize>k << 3))) {
          k--;
          p = load<i32>(v + (<usize>k << 2));
          s = (fq - (load<f64>(f + (<usize>p << 3)) + <f64>p * <f64>p)) / <f64>(2 * (q - p));
        }
        k++;
        store<i32>(v + (<usize>k << 2), q);
        store<f64>(z + (<usize>k << 3), s);
        store<f64>(z + (<usize>(k + 1) << 3), Infinity);
      }
      k = 0;
      for (let q = x - lo; q <= b - lo; q++) {
        while (load<f64>(z + (<usize>(k + 1) << 3)) < <f64>q) k++;
        const p = load<i32>(v + (<usize>k << 2));
        const dq = <f64>(q - p);
        store<T>(d2 + ((row + <usize>(lo + q)) << alignof<T>()), <T>(dq * dq + load<f64>(f + (<usize>p << 3))));
      }
      x = b + 1;
    }
  }
}

export function edtI32(mask: usize, g: usize, d2: usize, f: usize, v: usize, z: usize, w: i32, h: i32): void {
  edt<i32>(mask, g, d2, f, v, z, w, h);
}

export function edtF64(mask: usize, g: usize, d2: usize, f: usize, v: usize, z: usize, w: i32, h: i32): void {
  edt<f64>(mask, g, d2, f, v, z, w, h);
}

/**
 * Distances from squared distances (T at `d2`, n pixels): squared values beyond `far` (no
 * background in reach) are capped to `far` in place; float32 distances go to `dist`. Returns the
 * largest (capped) squared distance.
 */
function distances<T>(d2: usize, dist: usize, n: i32, far: f64): f64 {
  let maxD2: f64 = 0;
  for (let i: usize = 0; i < <usize>n; i++) {
    let s = <f64>load<T>(d2 + (i << alignof<T>()));
    if (s === 0) {
      store<f32>(dist + (i << 2), 0);
      continue;
    }
    if (s > far) {
      s = far;
      store<T>(d2 + (i << alignof<T>()), <T>far);
    }
    if (s > maxD2) maxD2 = s;
    store<f32>(dist + (i << 2), <f32>Math.sqrt(s));
  }
  return maxD2;
}

export function distancesI32(d2: usize, dist: usize, n: i32, far: f64): f64 {
  return distances<i32>(d2, dist, n, far);
}

export function distancesF64(d2: usize, dist: usize, n: i32, far: f64): f64 {
  return distances<f64>(d2, dist, n, far);
}
