// Pixel passes of the variance-stabilised Otsu threshold (src/engine/ops/threshold/otsu-sqrt.ts).

/** Minimum and maximum of n f32 values (where `mask` (u8) is non-zero, unless mask is 0) into out (f64 x 2); NaN ignored. */
export function valueRangeF32(values: usize, mask: usize, n: i32, out: usize): void {
  let lo: f64 = Infinity;
  let hi: f64 = -Infinity;
  for (let i = 0; i < n; i++) {
    if (mask !== 0 && load<u8>(mask + <usize>i) === 0) continue;
    const v = <f64>load<f32>(values + (<usize>i << 2));
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  store<f64>(out, lo);
  store<f64>(out, hi, 8);
}

/**
 * Count every step-th value (inside the mask) into nbins bins of its square root: bin =
 * floor((sqrt(max(v, 0)) - slo) * scale), at most nbins - 1; NaN and values equal to `skip` are
 * left out. counts: f64 x nbins, zeroed here. Returns how many values were binned.
 */
export function sqrtHistogram(values: usize, mask: usize, n: i32, step: i32, slo: f64, scale: f64, nbins: i32, skip: f64, counts: usize): i32 {
  memory.fill(counts, 0, <usize>nbins << 3);
  let binned = 0;
  for (let i = 0; i < n; i += step) {
    if (mask !== 0 && load<u8>(mask + <usize>i) === 0) continue;
    const x = <f64>load<f32>(values + (<usize>i << 2));
    if (isNaN(x) || x === skip) continue;
    binned++;
    let b = <i32>Math.floor((Math.sqrt(x > 0 ? x : 0) - slo) * scale);
    if (b >= nbins) b = nbins - 1;
    const at = counts + (<usize>b << 3);
    store<f64>(at, load<f64>(at) + 1);
  }
  return binned;
}
