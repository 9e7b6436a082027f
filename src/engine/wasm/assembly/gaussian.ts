// Separable convolution with a symmetric kernel and repeated borders (scipy 'nearest'): the
// Gaussian of src/engine/ops/gaussian.ts. Each output is the float64 sum of k[j] * input over j in
// order, stored as float32, exactly as the JavaScript computed it; two outputs per float64x2.

@inline function f32At(base: usize, i: i32): f64 {
  return <f64>load<f32>(base + (<usize>i << 2));
}

/** Two consecutive float32 values at `p`, widened to float64x2. */
@inline function pairAt(p: usize): v128 {
  return f64x2.promote_low_f32x4(v128.load64_zero(p));
}

@inline function storePair(p: usize, acc: v128): void {
  store<f32>(p, <f32>f64x2.extract_lane(acc, 0));
  store<f32>(p, <f32>f64x2.extract_lane(acc, 1), 4);
}

/** Rows of `src` (f32, w x h) convolved with `k` (f32, kl taps) into `dst`; `line`: f32 scratch of w + kl - 1. */
export function blurRows(src: usize, dst: usize, w: i32, h: i32, k: usize, kl: i32, line: usize): void {
  const r = (kl - 1) >> 1;
  for (let y = 0; y < h; y++) {
    const row = src + ((<usize>y * <usize>w) << 2);
    const out = dst + ((<usize>y * <usize>w) << 2);
    const first = load<f32>(row);
    const last = load<f32>(row + (<usize>(w - 1) << 2));
    for (let i = 0; i < r; i++) {
      store<f32>(line + (<usize>i << 2), first);
      store<f32>(line + (<usize>(r + w + i) << 2), last);
    }
    memory.copy(line + (<usize>r << 2), row, <usize>w << 2);
    let x = 0;
    for (; x + 2 <= w; x += 2) {
      let acc = f64x2.splat(0);
      for (let j = 0; j < kl; j++) acc = f64x2.add(acc, f64x2.mul(f64x2.splat(f32At(k, j)), pairAt(line + (<usize>(x + j) << 2))));
      storePair(out + (<usize>x << 2), acc);
    }
    for (; x < w; x++) {
      let acc: f64 = 0;
      for (let j = 0; j < kl; j++) acc += f32At(k, j) * f32At(line, x + j);
      store<f32>(out + (<usize>x << 2), <f32>acc);
    }
  }
}

/** Columns of `src` (f32, w x h) convolved with `k` into `dst`; `rowOff`: i32 scratch of kl. */
export function blurCols(src: usize, dst: usize, w: i32, h: i32, k: usize, kl: i32, rowOff: usize): void {
  const r = (kl - 1) >> 1;
  for (let y = 0; y < h; y++) {
    for (let j = 0; j < kl; j++) {
      let yy = y + j - r;
      if (yy < 0) yy = 0;
      else if (yy >= h) yy = h - 1;
      store<i32>(rowOff + (<usize>j << 2), yy * w);
    }
    const out = dst + ((<usize>y * <usize>w) << 2);
    let x = 0;
    for (; x + 2 <= w; x += 2) {
      let acc = f64x2.splat(0);
      for (let j = 0; j < kl; j++) {
        const at = src + (<usize>(load<i32>(rowOff + (<usize>j << 2)) + x) << 2);
        acc = f64x2.add(acc, f64x2.mul(f64x2.splat(f32At(k, j)), pairAt(at)));
      }
      storePair(out + (<usize>x << 2), acc);
    }
    for (; x < w; x++) {
      let acc: f64 = 0;
      for (let j = 0; j < kl; j++) acc += f32At(k, j) * f32At(src, load<i32>(rowOff + (<usize>j << 2)) + x);
      store<f32>(out + (<usize>x << 2), <f32>acc);
    }
  }
}
