/**
 * Per-image quality metrics with CellProfiler MeasureImageQuality names (ImageQuality_*), plus the
 * metrics ScopePilot's QC rules need (signal-to-noise, illumination unevenness, bright debris,
 * object count). Computed on the raw plane, before any correction. Judging them: ./qc.ts.
 */
import type { Plane } from '../types.js';
import { histKth, histMedian, histMedianAbsDev, intHistogram, medianInPlace, selectInPlace } from './robust.js';
import { countComponents, robustOtsu } from './robust-threshold.js';
import { powerLogLogSlope } from './spectrum.js';

export interface ImageQualityOptions {
  /** True maximum of the camera (4095 for 12-bit data in 16-bit files). Default: inferred from the data ({@link inferCeiling}). */
  trueMax?: number;
  /** Number of objects found in the image, when segmentation has run. Default: estimated (see ImageQuality_ObjectCount). */
  objectCount?: number;
  /** Spatial scale in pixels for LocalFocusScore tiles and Correlation offset. Default 20 (CellProfiler's default). */
  scale?: number;
}

/** Smallest foreground component counted as an object when no object count is given. */
const MIN_OBJECT_AREA = 16;
/** A foreground pixel is "very bright" (debris) above background + this x the typical foreground contrast. */
const DEBRIS_FACTOR = 3;

/**
 * The camera maximum when it is not given: the smallest 2^b - 1 (b = 8, 10, 12, 14, 16) at or above
 * the image maximum, within the plane's bit depth: 12-bit cameras write 16-bit files whose values
 * stop at 4095, and saturation must be counted there, not at 65535.
 */
export function inferCeiling(max: number, bitDepth: number): number {
  for (const b of [8, 10, 12, 14, 16]) if (b <= bitDepth && max <= 2 ** b - 1) return 2 ** b - 1;
  return 2 ** bitDepth - 1;
}

function containerMax(plane: Plane): number {
  if (plane.data instanceof Uint8Array) return 255;
  if (plane.data instanceof Uint16Array) return 65535;
  return 1;
}

/**
 * Quality metrics of one plane. Intensities are raw pixel values except FocusScore and
 * LocalFocusScore, which use CellProfiler's 0..1 scaling (value / container maximum) so that
 * published cut-offs apply. Keys:
 * - ImageQuality_FocusScore: variance / mean of the whole image (CellProfiler "normalized variance").
 * - ImageQuality_LocalFocusScore: variance / median of the tiles' normalized variances (tiles of
 *   about `scale` px; CellProfiler's definition, see localFocus).
 * - ImageQuality_PowerLogLogSlope: see {@link powerLogLogSlope} (more negative = blurrier).
 * - ImageQuality_Correlation: Haralick correlation of pixel pairs `scale` px apart horizontally,
 *   8 grey levels (CellProfiler's). Rises with blur.
 * - ImageQuality_PercentMaximal / PercentMinimal: % of pixels equal to the image max / min.
 * - ImageQuality_PercentSaturated: % of pixels >= the true maximum (`trueMax`).
 * - ImageQuality_{Mean,Std,MAD,Median,Min,Max,Total}Intensity; ImageQuality_ThresholdOtsu.
 * - ImageQuality_ThresholdOtsu: Otsu's threshold made robust to bright specks and sparse fields
 *   ({@link robustOtsu}); ImageQuality_ForegroundFraction: fraction of pixels above it.
 * - ImageQuality_SignalToNoise: (median foreground - median background) / MAD of the background
 *   (an empty field is near 2-4, stained nuclei are 20 or more).
 * - ImageQuality_IlluminationUnevenness: over 3 vertical and 3 horizontal strips, the larger of
 *   (a) the spread (max - min) of strip background means / the image's foreground-minus-background
 *   contrast and (b) the spread of strip foreground-minus-background means / their maximum
 *   (0 = even; 0.5 = one side of the field gets half the light of the other).
 * - ImageQuality_EdgeSharpness: mean gradient on object edges / contrast (~ 1 / edge width in px).
 * - ImageQuality_DebrisFraction: fraction of foreground pixels brighter than background + 3 x the
 *   contrast of the brighter objects (90th percentile of the foreground), or than 95% of the true
 *   maximum when that is lower (but at least 2 x that contrast): very bright specks, dust,
 *   precipitate. 0 when the very bright pixels form more than max(3, 20% of the objects) separate
 *   spots (an overexposed field, judged by the saturation rules, not debris).
 * - ImageQuality_ObjectCount: `objectCount` when given; else foreground components (8-connected,
 *   >= 16 px) as a rough estimate. ImageQuality_BitDepth: the plane's significant bits.
 * Constant images give 0 for focus and slope metrics and NaN where a ratio is undefined.
 * @see Bray et al., J Biomol Screen 17:266 (2012); CellProfiler MeasureImageQuality
 *   (Stirling et al., BMC Bioinformatics 22:433, 2021).
 */
export function measureImageQuality(plane: Plane, opts: ImageQualityOptions = {}): Record<string, number> {
  const { width: w, height: h, data } = plane;
  const n = w * h;
  const scale = Math.max(2, Math.round(opts.scale ?? 20));
  const isInt = !(data instanceof Float32Array);
  const cmax = containerMax(plane);

  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  let nLo = 0;
  let nHi = 0;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const v = data[i]!;
    sum += v;
    if (v < lo) {
      lo = v;
      nLo = 1;
    } else if (v === lo) nLo++;
    if (v > hi) {
      hi = v;
      nHi = 1;
    } else if (v === hi) nHi++;
  }
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const d = data[i]! - mean;
    ss += d * d;
  }
  const variance = ss / n;
  const hist = isInt ? intHistogram(data as Uint8Array | Uint16Array) : undefined;
  const ceiling = opts.trueMax ?? (isInt ? inferCeiling(hi, plane.bitDepth) : Number.NaN);
  let nSat = 0;
  if (hist) {
    for (let b = Math.max(0, Math.ceil(ceiling - hist.lo)); b < hist.counts.length; b++) nSat += hist.counts[b]!;
  } else if (Number.isFinite(ceiling)) {
    for (let i = 0; i < n; i++) if (data[i]! >= ceiling) nSat++;
  }
  let med: number;
  let madAll: number;
  if (hist) {
    med = histMedian(hist.counts, hist.lo);
    madAll = histMedianAbsDev(hist.counts, hist.lo, med);
  } else {
    const all = Float64Array.from(data);
    med = medianInPlace(all);
    for (let i = 0; i < n; i++) all[i] = Math.abs(data[i]! - med);
    madAll = medianInPlace(all);
  }

  const m: Record<string, number> = {
    ImageQuality_FocusScore: mean > 0 ? variance / (mean * cmax) : 0,
    ImageQuality_LocalFocusScore: localFocus(data, w, h, scale, cmax),
    ImageQuality_PowerLogLogSlope: powerLogLogSlope(data, w, h),
    ImageQuality_Correlation: offsetCorrelation(data, w, h, scale),
    ImageQuality_PercentMaximal: (100 * nHi) / n,
    ImageQuality_PercentMinimal: (100 * nLo) / n,
    ImageQuality_PercentSaturated: Number.isFinite(ceiling) ? (100 * nSat) / n : Number.NaN,
    ImageQuality_MeanIntensity: mean,
    ImageQuality_StdIntensity: Math.sqrt(variance),
    ImageQuality_MADIntensity: madAll,
    ImageQuality_MedianIntensity: med,
    ImageQuality_MinIntensity: lo,
    ImageQuality_MaxIntensity: hi,
    ImageQuality_TotalIntensity: sum,
    ImageQuality_BitDepth: plane.bitDepth,
  };
  if (!(hi > lo)) {
    return {
      ...m,
      ImageQuality_ThresholdOtsu: lo,
      ImageQuality_ForegroundFraction: 0,
      ImageQuality_SignalToNoise: 0,
      ImageQuality_IlluminationUnevenness: 0,
      ImageQuality_EdgeSharpness: 0,
      ImageQuality_DebrisFraction: 0,
      ImageQuality_ObjectCount: opts.objectCount ?? 0,
    };
  }
  const split = robustOtsu(data, w, h, MIN_OBJECT_AREA);
  const t = split.threshold;
  const fg = new Uint8Array(n);
  let nFg = 0;
  for (let i = 0; i < n; i++) {
    if (data[i]! > t) {
      fg[i] = 1;
      nFg++;
    }
  }
  let fgMed: number;
  let fgP90: number;
  let bgMed: number;
  let bgMad: number;
  // The 90th percentile of the unsaturated foreground: saturated debris cannot raise it.
  if (hist) {
    const tb = Math.min(hist.counts.length - 1, Math.floor(t - hist.lo));
    fgMed = histMedian(hist.counts, hist.lo, tb + 1);
    const top = Math.min(hist.counts.length - 1, Number.isFinite(ceiling) ? Math.ceil(ceiling - hist.lo) - 1 : hist.counts.length - 1);
    let nUnsat = 0;
    for (let b = tb + 1; b <= top; b++) nUnsat += hist.counts[b]!;
    fgP90 = nUnsat > 0 ? histKth(hist.counts, hist.lo, tb + 1, top, Math.floor(0.9 * (nUnsat - 1))) : fgMed;
    bgMed = histMedian(hist.counts, hist.lo, 0, tb);
    bgMad = histMedianAbsDev(hist.counts, hist.lo, bgMed, 0, tb);
  } else {
    const fgVals = new Float64Array(nFg);
    const bgVals = new Float64Array(n - nFg);
    for (let i = 0, a = 0, b = 0; i < n; i++) {
      if (fg[i]) fgVals[a++] = data[i]!;
      else bgVals[b++] = data[i]!;
    }
    fgMed = medianInPlace(fgVals);
    const unsat = Number.isFinite(ceiling) ? fgVals.filter((v) => v < ceiling) : fgVals;
    fgP90 = unsat.length > 0 ? selectInPlace(unsat, Math.floor(0.9 * (unsat.length - 1))) : fgMed;
    bgMed = medianInPlace(bgVals);
    for (let i = 0; i < bgVals.length; i++) bgVals[i] = Math.abs(bgVals[i]! - bgMed);
    bgMad = medianInPlace(bgVals);
  }
  const contrast = fgMed - bgMed;
  // Very bright: 3x the contrast of the brighter objects (90th percentile of the unsaturated
  // foreground, so bright mitotic nuclei and the lit side of an unevenly lit field stay under it), but never
  // beyond 95% of the camera range (debris is often saturated) and never below 2x that contrast.
  const bright = Math.max(fgP90 - bgMed, contrast);
  const cap = Number.isFinite(ceiling) ? bgMed + 0.95 * (ceiling - bgMed) : Number.POSITIVE_INFINITY;
  const debrisLevel = Math.max(bgMed + 2 * bright, Math.min(bgMed + DEBRIS_FACTOR * bright, cap));
  let nDebris = 0;
  for (let i = 0; i < n; i++) if (data[i]! > debrisLevel) nDebris++;
  const objects = opts.objectCount ?? split.objects ?? countComponents(data, w, h, t, MIN_OBJECT_AREA);
  // Debris is a few bright things; when very bright pixels sit in many objects the whole field is
  // overexposed (the saturation check's business), not dirty.
  if (nDebris > 0 && countComponents(data, w, h, debrisLevel, 1) > Math.max(3, 0.2 * objects)) nDebris = 0;

  return {
    ...m,
    ImageQuality_ThresholdOtsu: t,
    ImageQuality_ForegroundFraction: nFg / n,
    ImageQuality_SignalToNoise: bgMad > 0 ? contrast / bgMad : contrast > 0 ? Number.POSITIVE_INFINITY : 0,
    ImageQuality_IlluminationUnevenness: unevenness(data, fg, w, h, bgMed, contrast, debrisLevel),
    ImageQuality_EdgeSharpness: edgeSharpness(data, fg, w, h, contrast),
    ImageQuality_DebrisFraction: nFg > 0 ? nDebris / nFg : 0,
    ImageQuality_ObjectCount: objects,
  };
}

/**
 * CellProfiler's LocalFocusScore: the image is cut into ceil(H/scale) x ceil(W/scale) tiles (tile of
 * pixel (x, y): floor(y * rows / H), floor(x * cols / W)); each tile's normalized variance
 * (variance / mean, 0..1 data, mean 0 counted as 1) is taken; the score is their variance divided
 * by their median (0 when the median is 0).
 */
function localFocus(data: ArrayLike<number>, w: number, h: number, scale: number, cmax: number): number {
  const ty = Math.floor((h + scale - 1) / scale);
  const tx = Math.floor((w + scale - 1) / scale);
  const colOf = new Int32Array(w);
  for (let x = 0; x < w; x++) colOf[x] = Math.floor((x * tx) / w);
  const s = new Float64Array(tx * ty);
  const s2 = new Float64Array(tx * ty);
  const c = new Float64Array(tx * ty);
  for (let y = 0; y < h; y++) {
    const ro = Math.floor((y * ty) / h) * tx;
    const o = y * w;
    for (let x = 0; x < w; x++) {
      const k = ro + colOf[x]!;
      const v = data[o + x]! / cmax;
      s[k]! += v;
      s2[k]! += v * v;
      c[k]!++;
    }
  }
  const nv = new Float64Array(tx * ty);
  let mean = 0;
  for (let k = 0; k < tx * ty; k++) {
    const mu = c[k]! > 0 ? s[k]! / c[k]! : 0;
    const variance = c[k]! > 0 ? Math.max(0, s2[k]! / c[k]! - mu * mu) : 0;
    nv[k] = variance / (mu === 0 ? 1 : mu);
    mean += nv[k]!;
  }
  mean /= tx * ty;
  let v = 0;
  for (let k = 0; k < tx * ty; k++) v += (nv[k]! - mean) ** 2;
  v /= tx * ty;
  const med = medianInPlace(nv);
  return med > 0 ? v / med : 0;
}

/**
 * CellProfiler's image Correlation: Haralick correlation (H3) of the grey-level co-occurrence of
 * pixels `d` apart horizontally, on the image scaled to 8 grey levels between its min and max.
 * @see Haralick et al., IEEE Trans. Syst. Man Cybern. 3:610 (1973)
 */
function offsetCorrelation(data: ArrayLike<number>, w: number, h: number, d: number): number {
  const L = 8;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < w * h; i++) {
    const v = data[i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!(hi > lo) || d >= w) return Number.NaN;
  const range = hi - lo;
  const P = new Float64Array(L * L);
  let n = 0;
  for (let y = 0; y < h; y++) {
    const o = y * w;
    for (let x = 0; x + d < w; x++) {
      // multiply, then divide (as numpy), so values on a level boundary round the same way
      const a = Math.min(L - 1, Math.floor(((data[o + x]! - lo) * L) / range));
      const b = Math.min(L - 1, Math.floor(((data[o + x + d]! - lo) * L) / range));
      P[a * L + b]!++;
      n++;
    }
  }
  let mx = 0;
  let my = 0;
  for (let a = 0; a < L; a++) {
    for (let b = 0; b < L; b++) {
      const p = P[a * L + b]! / n;
      mx += a * p;
      my += b * p;
    }
  }
  let vx = 0;
  let vy = 0;
  let cov = 0;
  for (let a = 0; a < L; a++) {
    for (let b = 0; b < L; b++) {
      const p = P[a * L + b]! / n;
      vx += (a - mx) ** 2 * p;
      vy += (b - my) ** 2 * p;
      cov += (a - mx) * (b - my) * p;
    }
  }
  return vx > 0 && vy > 0 ? cov / Math.sqrt(vx * vy) : Number.NaN;
}

/**
 * See ImageQuality_IlluminationUnevenness in {@link measureImageQuality}: the image is cut into 3
 * vertical and 3 horizontal strips (each holds many objects, so cell-to-cell variation averages
 * out; very bright debris is left out); in each strip the mean background and the mean foreground-minus-background are taken.
 */
function unevenness(
  data: ArrayLike<number>,
  fg: Uint8Array,
  w: number,
  h: number,
  bgMed: number,
  contrast: number,
  debrisLevel: number,
): number {
  const S = 3;
  // "Clearly above background" (a fifth of the typical contrast), so that objects dimmed by the
  // uneven light still count on the dark side.
  const dimLevel = bgMed + 0.2 * contrast;
  // strips 0..2 vertical (by x), 3..5 horizontal (by y)
  const fs = new Float64Array(2 * S);
  const fc = new Float64Array(2 * S);
  const bs = new Float64Array(2 * S);
  const bc = new Float64Array(2 * S);
  for (let y = 0; y < h; y++) {
    const sy = S + Math.min(S - 1, ((y * S) / h) | 0);
    for (let x = 0; x < w; x++) {
      const sx = Math.min(S - 1, ((x * S) / w) | 0);
      const i = y * w + x;
      const v = data[i]!;
      if (v > debrisLevel) continue;
      if (v > dimLevel) {
        fs[sx]! += v;
        fc[sx]!++;
        fs[sy]! += v;
        fc[sy]!++;
      } else if (!fg[i]) {
        bs[sx]! += v;
        bc[sx]!++;
        bs[sy]! += v;
        bc[sy]!++;
      }
    }
  }
  if (!(contrast > 0)) return 0;
  let worst = 0;
  for (let dir = 0; dir < 2; dir++) {
    let bMin = Number.POSITIVE_INFINITY;
    let bMax = Number.NEGATIVE_INFINITY;
    let cMin = Number.POSITIVE_INFINITY;
    let cMax = Number.NEGATIVE_INFINITY;
    for (let k = dir * S; k < dir * S + S; k++) {
      const b = bc[k]! > 0 ? bs[k]! / bc[k]! : bgMed;
      if (b < bMin) bMin = b;
      if (b > bMax) bMax = b;
      if (fc[k]! < 100) continue;
      const c = fs[k]! / fc[k]! - b;
      if (c < cMin) cMin = c;
      if (c > cMax) cMax = c;
    }
    const bgSpread = bMax > bMin ? (bMax - bMin) / contrast : 0;
    const fgSpread = cMax > cMin && cMax > 0 ? (cMax - cMin) / cMax : 0;
    worst = Math.max(worst, bgSpread, fgSpread);
  }
  return worst;
}

/**
 * Mean gradient magnitude (central differences) on the foreground boundary, divided by the
 * foreground-minus-background contrast: about 1 / (edge width in px). Blur widens edges and
 * lowers it; unlike the power-spectrum slope it does not depend on how many objects the field holds.
 */
function edgeSharpness(data: ArrayLike<number>, fg: Uint8Array, w: number, h: number, contrast: number): number {
  if (!(contrast > 0)) return 0;
  let sum = 0;
  let count = 0;
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      const i = y * w + x;
      const f = fg[i]!;
      if (f === 0 || (fg[i - 1] === f && fg[i + 1] === f && fg[i - w] === f && fg[i + w] === f)) continue;
      const gx = (data[i + 1]! - data[i - 1]!) / 2;
      const gy = (data[i + w]! - data[i - w]!) / 2;
      sum += Math.sqrt(gx * gx + gy * gy);
      count++;
    }
  }
  return count > 0 ? sum / count / contrast : 0;
}
