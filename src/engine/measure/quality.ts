/**
 * Per-image quality metrics with CellProfiler MeasureImageQuality names (ImageQuality_*), plus the
 * metrics ScopePilot's QC rules need (signal-to-noise, illumination unevenness, bright debris,
 * object count). Computed on the raw plane, before any correction. Judging them: ./qc.ts.
 */
import type { Histogram } from '../ops/threshold/otsu.js';
import type { Plane } from '../types.js';
import { edgeSharpness, localFocus, offsetCorrelation, unevenness } from './quality-spatial.js';
import { histKth, histMedian, histMedianAbsDev, type IntHistogram, intHistogram, medianInPlace, selectInPlace } from './robust.js';
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

/** The histogram `histogram()` (ops/threshold/otsu.ts) gives integer data, from an `intHistogram`. */
function otsuHistogram(hist: IntHistogram): Histogram {
  const centers = new Float64Array(hist.counts.length);
  for (let b = 0; b < centers.length; b++) centers[b] = hist.lo + b;
  return { counts: hist.counts, centers };
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

  // 8/16-bit data: every sum below comes from the histogram, not the pixels (integer sums are
  // exact, so mean, total, minimum and maximum are the same; the variance differs in the last bits)
  const hist = isInt && n > 0 ? intHistogram(data as Uint8Array | Uint16Array) : undefined;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  let nLo = 0;
  let nHi = 0;
  let sum = 0;
  let ss = 0;
  if (hist) {
    const { counts } = hist;
    lo = hist.lo;
    hi = hist.lo + counts.length - 1;
    nLo = counts[0]!;
    nHi = counts[counts.length - 1]!;
    for (let b = 0; b < counts.length; b++) sum += counts[b]! * (lo + b);
  } else {
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
  }
  const mean = sum / n;
  if (hist) {
    for (let b = 0; b < hist.counts.length; b++) {
      const d = lo + b - mean;
      ss += hist.counts[b]! * d * d;
    }
  } else {
    for (let i = 0; i < n; i++) {
      const d = data[i]! - mean;
      ss += d * d;
    }
  }
  const variance = ss / n;
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
    ImageQuality_PowerLogLogSlope: powerLogLogSlope(data, w, h, hist),
    ImageQuality_Correlation: offsetCorrelation(data, w, h, scale, lo, hi),
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
  // the rest added with Object.assign, not as `{ ...m, ... }`: in Node 20's V8 a literal that
  // spreads and then adds gets a hidden class of its own each time (test/engine/hidden-classes.test.ts)
  if (!(hi > lo)) {
    return Object.assign(m, {
      ImageQuality_ThresholdOtsu: lo,
      ImageQuality_ForegroundFraction: 0,
      ImageQuality_SignalToNoise: 0,
      ImageQuality_IlluminationUnevenness: 0,
      ImageQuality_EdgeSharpness: 0,
      ImageQuality_DebrisFraction: 0,
      ImageQuality_ObjectCount: opts.objectCount ?? 0,
    });
  }
  const split = robustOtsu(data, w, h, MIN_OBJECT_AREA, hist && otsuHistogram(hist));
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
  if (hist) {
    for (let b = Math.max(0, Math.floor(debrisLevel - hist.lo) + 1); b < hist.counts.length; b++) nDebris += hist.counts[b]!;
  } else for (let i = 0; i < n; i++) if (data[i]! > debrisLevel) nDebris++;
  const objects = opts.objectCount ?? split.objects ?? countComponents(data, w, h, t, MIN_OBJECT_AREA);
  // Debris is a few bright things; when very bright pixels sit in many objects the whole field is
  // overexposed (the saturation check's business), not dirty.
  if (nDebris > 0 && countComponents(data, w, h, debrisLevel, 1) > Math.max(3, 0.2 * objects)) nDebris = 0;

  return Object.assign(m, {
    ImageQuality_ThresholdOtsu: t,
    ImageQuality_ForegroundFraction: nFg / n,
    ImageQuality_SignalToNoise: bgMad > 0 ? contrast / bgMad : contrast > 0 ? Number.POSITIVE_INFINITY : 0,
    ImageQuality_IlluminationUnevenness: unevenness(data, fg, w, h, bgMed, contrast, debrisLevel),
    ImageQuality_EdgeSharpness: edgeSharpness(data, fg, w, h, contrast),
    ImageQuality_DebrisFraction: nFg > 0 ? nDebris / nFg : 0,
    ImageQuality_ObjectCount: objects,
  });
}
