/**
 * Background subtraction for images whose background is uneven (dark-field fluorescence: objects
 * brighter than the background).
 *
 * - 'rolling-ball': the background is where a ball of `radius` pixels (height in intensity units equal to
 *   its radius), pushed up from below, touches the intensity surface; as skimage.restoration.rolling_ball
 *   (0.19) with its default ball kernel and no pre-smoothing. For radius <= 10 the result equals scikit-image's;
 *   for larger radii the ball rolls on an image shrunk by taking the minimum of s x s blocks (s = 2 up to
 *   radius 30, 4 up to 100, else 8, ImageJ's shrink factors) and the background is interpolated back
 *   bilinearly, which costs 1/s⁴ of the exact computation. On a 696x520 12-bit BBBC039 image the
 *   radius 25 and 50 backgrounds differ from scikit-image's by 0.2 grey levels on average (at most 7).
 *   Cost: exact radius 10 is ~180 operations per pixel (~150 ms CPU for 696x520 here); radius 50
 *   (shrunk 4x) about 50 ms. 'tophat' is exact at every radius and O(r) per pixel: ~0.1 s at radius 15,
 *   ~0.3 s at radius 40 for 696x520 here, so prefer 'rolling-ball' for large radii.
 * - 'tophat': white top-hat, the image minus its grey opening with disk(radius)
 *   (skimage.morphology.white_tophat): removes everything wider than the disc.
 *
 * Integer results are clipped at 0 and keep the input's type; float stays float.
 *
 * @see S.R. Sternberg, "Biomedical image processing", Computer 16(1):22-34 (1983).
 * @see ImageJ Process > Subtract Background (BackgroundSubtracter.java), for the shrink factors.
 */
import { UserError } from '../errors.js';
import type { Plane, PlaneData } from '../types.js';
import { greyOpen } from './morphology.js';
import { upsampleBilinear } from './upsample.js';

export interface BackgroundOptions {
  method: 'rolling-ball' | 'tophat';
  /** Ball or disc radius in pixels; larger than the largest object (e.g. 2-3 object radii). */
  radius: number;
}

function checkRadius(r: number): void {
  if (!(r > 0) || !Number.isFinite(r)) {
    throw new UserError(`background radius must be a positive number of pixels, got ${r}`, 'use a radius larger than the objects, e.g. 50');
  }
}

/** ImageJ's shrink factor for a rolling ball of this radius. */
export function rollingBallShrink(radius: number): number {
  return radius <= 10 ? 1 : radius <= 30 ? 2 : radius <= 100 ? 4 : 8;
}

/**
 * Rolling-ball erosion of a w x h raster: bg(p) = min over offsets o with |o| s <= r of
 * src(p + o) + r - sqrt(r² - (|o| s)²), offsets outside the raster ignored. `s` is the pixel size in
 * units of the radius (1 when not shrunk).
 */
function rollBall(src: Float64Array, w: number, h: number, r: number, s: number): Float64Array {
  const reach = Math.ceil(r / s);
  // row dy of the ball: half-width and the cost of each dx
  const half = new Int32Array(reach + 1);
  const cost: Float64Array[] = [];
  for (let dy = 0; dy <= reach; dy++) {
    const ry2 = r * r - dy * s * (dy * s);
    const hw = ry2 >= 0 ? Math.floor(Math.sqrt(ry2) / s + 1e-9) : -1;
    half[dy] = hw;
    const c = new Float64Array(Math.max(0, 2 * hw + 1));
    for (let dx = -hw; dx <= hw; dx++) {
      const d2 = (dx * s) ** 2 + (dy * s) ** 2;
      c[dx + hw] = r - Math.sqrt(Math.max(0, r * r - d2));
    }
    cost.push(c);
  }
  // Each source row is eroded once per ball row |dy| (the 1D profile of that row of the ball) into a
  // ring of the last 2 reach + 1 rows; an output row is the minimum over dy of the matching rows.
  // Loop order per ball offset: one contiguous pass over the valid x range (no per-pixel clamps).
  const R = 2 * reach + 1;
  const levelStride = R * w;
  const ring = new Float64Array((reach + 1) * levelStride);
  const out = new Float64Array(w * h);
  for (let yy = 0; yy < h + reach; yy++) {
    if (yy < h) {
      const ro = yy * w;
      for (let d = 0; d <= reach; d++) {
        const hw = half[d]!;
        const o = d * levelStride + (yy % R) * w;
        ring.fill(Number.POSITIVE_INFINITY, o, o + w);
        if (hw < 0) continue;
        const c = cost[d]!;
        for (let dx = -hw; dx <= hw; dx++) {
          const cst = c[dx + hw]!;
          const x0 = dx < 0 ? -dx : 0;
          const x1 = dx > 0 ? w - dx : w;
          const so = ro + dx;
          for (let x = x0; x < x1; x++) {
            const v = src[so + x]! + cst;
            if (v < ring[o + x]!) ring[o + x] = v;
          }
        }
      }
    }
    const y = yy - reach;
    if (y < 0) continue;
    const o = y * w;
    out.fill(Number.POSITIVE_INFINITY, o, o + w);
    const y0 = Math.max(y - reach, 0);
    const y1 = y + reach >= h ? h - 1 : y + reach;
    for (let sy = y0; sy <= y1; sy++) {
      const d = sy > y ? sy - y : y - sy;
      if (half[d]! < 0) continue;
      const ro = d * levelStride + (sy % R) * w;
      for (let x = 0; x < w; x++) {
        const v = ring[ro + x]!;
        if (v < out[o + x]!) out[o + x] = v;
      }
    }
  }
  return out;
}

/**
 * The rolling-ball background of `plane` (Float64Array, row-major, not truncated).
 * Equals skimage.restoration.rolling_ball(image, radius) for radius <= 10 (before its cast back to an integer type).
 */
export function rollingBallBackground(plane: Plane, radius: number): Float64Array {
  checkRadius(radius);
  const { width: w, height: h, data } = plane;
  const s = rollingBallShrink(radius);
  if (s === 1) return rollBall(Float64Array.from(data), w, h, radius, 1);
  // shrink by the minimum of s x s blocks
  const sw = Math.ceil(w / s);
  const sh = Math.ceil(h / s);
  const small = new Float64Array(sw * sh).fill(Number.POSITIVE_INFINITY);
  for (let y = 0; y < h; y++) {
    const so = Math.floor(y / s) * sw;
    for (let x = 0; x < w; x++) {
      const v = data[y * w + x]!;
      const k = so + Math.floor(x / s);
      if (v < small[k]!) small[k] = v;
    }
  }
  const bgSmall = rollBall(small, sw, sh, radius, s);
  // bilinear interpolation back, block centres at (i + 0.5) s - 0.5
  const out = new Float64Array(w * h);
  upsampleBilinear(bgSmall, sw, sh, s, out, w, h);
  for (let i = 0; i < out.length; i++) if (data[i]! < out[i]!) out[i] = data[i]!; // the background never exceeds the image
  return out;
}

/** `data - background`, clipped at 0 and cast to the input's type (integer backgrounds truncated as skimage casts them). */
function subtract(plane: Plane, bg: ArrayLike<number>): Plane {
  const { width, height, data } = plane;
  const n = width * height;
  let out: PlaneData;
  if (data instanceof Float32Array) {
    out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = data[i]! - bg[i]!;
  } else {
    out = data instanceof Uint8Array ? new Uint8Array(n) : new Uint16Array(n);
    for (let i = 0; i < n; i++) {
      const d = data[i]! - Math.floor(bg[i]!);
      out[i] = Math.max(d, 0);
    }
  }
  return { width, height, data: out, bitDepth: plane.bitDepth };
}

/**
 * Subtract an uneven background (see file comment for the two methods). Returns a new plane of the
 * input's type and bit depth; the input is not changed.
 */
export function subtractBackground(plane: Plane, o: BackgroundOptions): Plane {
  checkRadius(o.radius);
  if (o.method === 'tophat') {
    const r = Math.round(o.radius);
    const opened = greyOpen(plane.data, plane.width, plane.height, r);
    return subtract(plane, opened);
  }
  if (o.method === 'rolling-ball') return subtract(plane, rollingBallBackground(plane, o.radius));
  throw new UserError(`unknown background method "${String(o.method)}"`, "use 'rolling-ball' or 'tophat'");
}
