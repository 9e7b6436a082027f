// Foreground mask and the sums behind the foreground contrast (src/engine/segment/steps.ts).

/**
 * mask[i] = values[i] > t (f32 values, n pixels); sums (f64 x 5): foreground count and sum,
 * background count, sum and sum of squares, accumulated in pixel order as the JavaScript did.
 */
export function foregroundSums(values: usize, n: i32, t: f64, mask: usize, sums: usize): void {
  let nb: f64 = 0;
  let sb: f64 = 0;
  let ssb: f64 = 0;
  let nf: f64 = 0;
  let sf: f64 = 0;
  for (let i = 0; i < n; i++) {
    const v = <f64>load<f32>(values + (<usize>i << 2));
    if (v > t) {
      store<u8>(mask + <usize>i, 1);
      nf++;
      sf += v;
    } else {
      store<u8>(mask + <usize>i, 0);
      nb++;
      sb += v;
      ssb += v * v;
    }
  }
  store<f64>(sums, nf);
  store<f64>(sums, sf, 8);
  store<f64>(sums, nb, 16);
  store<f64>(sums, sb, 24);
  store<f64>(sums, ssb, 32);
}

/**
 * Pixels above `thr` (inside `mask` (u8) unless it is 0) that no 8-neighbour exceeds, in raster
 * order, into `out` (i32, room for n). Returns how many.
 */
export function localMaxima(v: usize, w: i32, h: i32, thr: f64, mask: usize, out: usize): i32 {
  let c = 0;
  for (let y = 0; y < h; y++) {
    const y0 = y > 0 ? -w : 0;
    const y1 = y < h - 1 ? w : 0;
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      const val = load<f32>(v + (<usize>i << 2));
      if (!(<f64>val > thr) || (mask !== 0 && load<u8>(mask + <usize>i) === 0)) continue;
      const x0 = x > 0 ? -1 : 0;
      const x1 = x < w - 1 ? 1 : 0;
      if (
        load<f32>(v + (<usize>(i + y0 + x0) << 2)) > val ||
        load<f32>(v + (<usize>(i + y0) << 2)) > val ||
        load<f32>(v + (<usize>(i + y0 + x1) << 2)) > val ||
        load<f32>(v + (<usize>(i + x0) << 2)) > val ||
        load<f32>(v + (<usize>(i + x1) << 2)) > val ||
        load<f32>(v + (<usize>(i + y1 + x0) << 2)) > val ||
        load<f32>(v + (<usize>(i + y1) << 2)) > val ||
        load<f32>(v + (<usize>(i + y1 + x1) << 2)) > val
      ) {
        continue;
      }
      store<i32>(out + (<usize>c << 2), i);
      c++;
    }
  }
  return c;
}

/** The `nc` candidates (i32 pixel indices) that equal the maximum of their (2r+1)^2 window, into `out`. */
export function windowMaxima(v: usize, w: i32, h: i32, r: i32, cand: usize, nc: i32, out: usize): i32 {
  let c = 0;
  for (let k = 0; k < nc; k++) {
    const i = load<i32>(cand + (<usize>k << 2));
    const x = i % w;
    const y = i / w;
    const val = load<f32>(v + (<usize>i << 2));
    const xa = x - r < 0 ? 0 : x - r;
    const xb = x + r >= w ? w - 1 : x + r;
    const ya = y - r < 0 ? 0 : y - r;
    const yb = y + r >= h ? h - 1 : y + r;
    let ok = true;
    for (let yy = ya; ok && yy <= yb; yy++) {
      const row = yy * w;
      for (let xx = xa; xx <= xb; xx++) {
        if (load<f32>(v + (<usize>(row + xx) << 2)) > val) {
          ok = false;
          break;
        }
      }
    }
    if (ok) {
      store<i32>(out + (<usize>c << 2), i);
      c++;
    }
  }
  return c;
}

/** levels[i] = maxD2 - d2[i] inside `mask` (u8), 0 outside (i32 levels, T squares, n pixels): the distance watershed's flooding order. */
function distanceLevels<T>(mask: usize, d2: usize, maxD2: f64, levels: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const v = load<u8>(mask + <usize>i) !== 0 ? <i32>(maxD2 - <f64>load<T>(d2 + (<usize>i << alignof<T>()))) : 0;
    store<i32>(levels + (<usize>i << 2), v);
  }
}

export function distanceLevelsI32(mask: usize, d2: usize, maxD2: f64, levels: usize, n: i32): void {
  distanceLevels<i32>(mask, d2, maxD2, levels, n);
}

export function distanceLevelsF64(mask: usize, d2: usize, maxD2: f64, levels: usize, n: i32): void {
  distanceLevels<f64>(mask, d2, maxD2, levels, n);
}
