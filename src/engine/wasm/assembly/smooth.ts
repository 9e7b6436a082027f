// Binomial [1 4 6 4 1]/16 smoothing in both directions, border pixels repeated (scipy 'nearest').
// Same arithmetic as the JavaScript it replaced: for 8/16-bit input every sum is an integer below
// 2^24, so the integer SIMD passes below give exactly the float results; float input takes the
// scalar float64 path.

/** Address of row y of a w-wide 4-byte array at `base`. */
@inline function rowAt(base: usize, y: i32, w: i32): usize {
  return base + ((<usize>y * <usize>w) << 2);
}

/** Address of row y + d (clamped to [0, h)) of a w-wide 4-byte array at `base`. */
@inline function rowNear(base: usize, y: i32, d: i32, w: i32, h: i32): usize {
  const v = y + d;
  return rowAt(base, v < 0 ? 0 : v >= h ? h - 1 : v, w);
}

/** Index of column x + d clamped to the row [0, w). */
@inline function clampX(x: i32, d: i32, w: i32): i32 {
  const v = x + d;
  return v < 0 ? 0 : v >= w ? w - 1 : v;
}

/**
 * 16-bit input at `src` (w x h u16), i32 scratch at `tmp` (w x h), float32 result at `out`.
 * Rows: 8 pixels per step from unaligned u16 loads; columns: 4 pixels per step.
 */
export function binomialU16(src: usize, tmp: usize, out: usize, w: i32, h: i32): void {
  for (let y = 0; y < h; y++) {
    const rs = src + ((<usize>y * <usize>w) << 1);
    const rt = tmp + ((<usize>y * <usize>w) << 2);
    let x = 2;
    for (; x + 8 <= w - 2; x += 8) {
      const p = rs + (<usize>x << 1);
      const a = v128.load(p - 4);
      const b = v128.load(p - 2);
      const c = v128.load(p);
      const d = v128.load(p + 2);
      const e = v128.load(p + 4);
      // a + e + 4 (b + d) + 6 c = a + e + ((b + d) << 2) + (c << 2) + (c << 1), in 32 bits
      const lo = i32x4.add(
        i32x4.add(i32x4.extend_low_i16x8_u(a), i32x4.extend_low_i16x8_u(e)),
        i32x4.add(
          i32x4.shl(i32x4.add(i32x4.extend_low_i16x8_u(b), i32x4.extend_low_i16x8_u(d)), 2),
          i32x4.mul(i32x4.extend_low_i16x8_u(c), i32x4.splat(6)),
        ),
      );
      const hi = i32x4.add(
        i32x4.add(i32x4.extend_high_i16x8_u(a), i32x4.extend_high_i16x8_u(e)),
        i32x4.add(
          i32x4.shl(i32x4.add(i32x4.extend_high_i16x8_u(b), i32x4.extend_high_i16x8_u(d)), 2),
          i32x4.mul(i32x4.extend_high_i16x8_u(c), i32x4.splat(6)),
        ),
      );
      v128.store(rt + (<usize>x << 2), lo);
      v128.store(rt + (<usize>x << 2), hi, 16);
    }
    // the rest of the interior, then the two columns at each edge (clamped)
    for (; x < w - 2; x++) rowU16(rs, rt, x, w);
    for (let e = 0; e < w; e++) {
      if (e === 2 && w - 2 > 2) e = w - 2;
      rowU16(rs, rt, e, w);
    }
  }
  const inv = f32x4.splat(<f32>1 / <f32>256);
  for (let y = 0; y < h; y++) {
    const r0 = rowAt(tmp, y, w);
    const rm2 = rowNear(tmp, y, -2, w, h);
    const rm1 = rowNear(tmp, y, -1, w, h);
    const rp1 = rowNear(tmp, y, 1, w, h);
    const rp2 = rowNear(tmp, y, 2, w, h);
    const ro = out + ((<usize>y * <usize>w) << 2);
    let x = 0;
    for (; x + 4 <= w; x += 4) {
      const o = <usize>x << 2;
      const s = i32x4.add(
        i32x4.add(v128.load(rm2 + o), v128.load(rp2 + o)),
        i32x4.add(i32x4.shl(i32x4.add(v128.load(rm1 + o), v128.load(rp1 + o)), 2), i32x4.mul(v128.load(r0 + o), i32x4.splat(6))),
      );
      v128.store(ro + o, f32x4.mul(f32x4.convert_i32x4_s(s), inv));
    }
    for (; x < w; x++) {
      const o = <usize>x << 2;
      const s = load<i32>(rm2 + o) + load<i32>(rp2 + o) + 4 * (load<i32>(rm1 + o) + load<i32>(rp1 + o)) + 6 * load<i32>(r0 + o);
      store<f32>(ro + o, <f32>s / <f32>256);
    }
  }
}

@inline function rowU16(rs: usize, rt: usize, x: i32, w: i32): void {
  const a = <i32>load<u16>(rs + (<usize>clampX(x, -2, w) << 1));
  const b = <i32>load<u16>(rs + (<usize>clampX(x, -1, w) << 1));
  const c = <i32>load<u16>(rs + (<usize>x << 1));
  const d = <i32>load<u16>(rs + (<usize>clampX(x, 1, w) << 1));
  const e = <i32>load<u16>(rs + (<usize>clampX(x, 2, w) << 1));
  store<i32>(rt + (<usize>x << 2), a + e + 4 * (b + d) + 6 * c);
}

/** Float32 input at `src`, float32 scratch at `tmp`, float32 result at `out`; float64 arithmetic. */
export function binomialF32(src: usize, tmp: usize, out: usize, w: i32, h: i32): void {
  for (let y = 0; y < h; y++) {
    const rs = src + ((<usize>y * <usize>w) << 2);
    const rt = tmp + ((<usize>y * <usize>w) << 2);
    for (let x = 0; x < w; x++) {
      const a = <f64>load<f32>(rs + (<usize>clampX(x, -2, w) << 2));
      const b = <f64>load<f32>(rs + (<usize>clampX(x, -1, w) << 2));
      const c = <f64>load<f32>(rs + (<usize>x << 2));
      const d = <f64>load<f32>(rs + (<usize>clampX(x, 1, w) << 2));
      const e = <f64>load<f32>(rs + (<usize>clampX(x, 2, w) << 2));
      store<f32>(rt + (<usize>x << 2), <f32>(a + e + 4 * (b + d) + 6 * c));
    }
  }
  for (let y = 0; y < h; y++) {
    const r0 = rowAt(tmp, y, w);
    const rm2 = rowNear(tmp, y, -2, w, h);
    const rm1 = rowNear(tmp, y, -1, w, h);
    const rp1 = rowNear(tmp, y, 1, w, h);
    const rp2 = rowNear(tmp, y, 2, w, h);
    const ro = out + ((<usize>y * <usize>w) << 2);
    for (let x = 0; x < w; x++) {
      const o = <usize>x << 2;
      const s = <f64>load<f32>(rm2 + o) + <f64>load<f32>(rp2 + o) + 4 * (<f64>load<f32>(rm1 + o) + <f64>load<f32>(rp1 + o)) + 6 * <f64>load<f32>(r0 + o);
      store<f32>(ro + o, <f32>(s / 256));
    }
  }
}
