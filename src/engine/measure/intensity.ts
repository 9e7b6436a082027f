/**
 * Per-object intensity statistics and colocalisation (CellProfiler MeasureObjectIntensity and
 * MeasureColocalization names), over each object's own pixel list; used by measureObjects.
 */
import type { Labels, Plane } from '../types.js';
import { histMedianAbsDev, medianInPlace } from './robust.js';
import { channelLabel } from './table.js';

/** Flag bit: the pixel has an 8-neighbour outside its object or lies on the image edge (CellProfiler outline). */
export const EDGE8 = 2;

/** q-quantile of sorted values with numpy's default linear interpolation. */
function quantileSorted(v: Float64Array, n: number, q: number): number {
  const pos = q * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, n - 1);
  return v[lo]! + (pos - lo) * (v[hi]! - v[lo]!);
}

/**
 * Objects of 8/16-bit channels whose values span fewer than this many levels get their quartiles
 * and MAD from a count per value instead of a sort and a selection: measuring a BBBC039 field
 * (100 nuclei, with texture) took 21.5-22.8 ms instead of 26.7-28.2 ms. Same values (both are
 * exact order statistics; run tables byte-identical).
 */
const COUNTING_RANGE = 16384;

/**
 * Quartiles (numpy linear interpolation) and MAD of the m integer values in v, all between lo and
 * lo + range - 1, from their counts; out = [lower quartile, median, upper quartile, MAD]. Leaves
 * `counts` zeroed again.
 */
function quantilesByCounting(v: Float64Array, m: number, lo: number, range: number, counts: Float64Array, out: Float64Array): void {
  for (let p = 0; p < m; p++) counts[v[p]! - lo]!++;
  // ranks (0-based) of the two order statistics each quartile interpolates between, ascending
  const r1 = Math.floor(0.25 * (m - 1));
  const r2 = Math.floor(0.5 * (m - 1));
  const r3 = Math.floor(0.75 * (m - 1));
  let v1 = 0;
  let v1b = 0;
  let v2 = 0;
  let v2b = 0;
  let v3 = 0;
  let v3b = 0;
  const top = Math.min(r3 + 1, m - 1);
  let seen = 0;
  for (let b = 0; b < range; b++) {
    const c = counts[b]!;
    if (c === 0) continue;
    const from = seen;
    seen += c;
    // this value holds ranks from .. seen - 1
    const val = lo + b;
    if (r1 >= from && r1 < seen) v1 = val;
    if (r1 + 1 >= from && r1 + 1 < seen) v1b = val;
    if (r2 >= from && r2 < seen) v2 = val;
    if (r2 + 1 >= from && r2 + 1 < seen) v2b = val;
    if (r3 >= from && r3 < seen) v3 = val;
    if (r3 + 1 >= from && r3 + 1 < seen) v3b = val;
    if (seen > top) break;
  }
  // ranks past the last value (m - 1 + 1) stand for the last value, as in quantileSorted
  if (r1 + 1 > m - 1) v1b = v1;
  if (r2 + 1 > m - 1) v2b = v2;
  if (r3 + 1 > m - 1) v3b = v3;
  out[0] = v1 + (0.25 * (m - 1) - r1) * (v1b - v1);
  out[1] = v2 + (0.5 * (m - 1) - r2) * (v2b - v2);
  out[2] = v3 + (0.75 * (m - 1) - r3) * (v3b - v3);
  out[3] = histMedianAbsDev(counts, lo, out[1]!, 0, range - 1);
  counts.fill(0, 0, range);
}

/** Second pass: per object, per channel intensity statistics and colocalisation. */
export function measureIntensities(
  labels: Labels,
  channels: Record<string, Plane>,
  names: string[],
  present: number[],
  start: Int32Array,
  order: Int32Array,
  flags: Uint8Array,
  cols: Map<string, Float64Array>,
  col: (name: string) => Float64Array,
  mandersFraction: number,
  maxArea: number,
): void {
  const w = labels.width;
  const N = present.length;
  const C = names.length;
  const vals = names.map(() => new Float64Array(maxArea));
  const sorted = new Float64Array(maxArea);
  const xs = new Float64Array(maxArea);
  const ys = new Float64Array(maxArea);
  const edge = new Uint8Array(maxArea);
  const cx = cols.get('Location_Center_X')!;
  const cy = cols.get('Location_Center_Y')!;
  const counts = new Float64Array(COUNTING_RANGE);
  const q = new Float64Array(4);
  const per = names.map((name) => {
    const s = channelLabel(name);
    const data = channels[name]!.data;
    return {
      data,
      integer: data instanceof Uint8Array || data instanceof Uint16Array,
      integ: col(`Intensity_IntegratedIntensity_${s}`),
      mean: col(`Intensity_MeanIntensity_${s}`),
      std: col(`Intensity_StdIntensity_${s}`),
      min: col(`Intensity_MinIntensity_${s}`),
      max: col(`Intensity_MaxIntensity_${s}`),
      median: col(`Intensity_MedianIntensity_${s}`),
      lq: col(`Intensity_LowerQuartileIntensity_${s}`),
      uq: col(`Intensity_UpperQuartileIntensity_${s}`),
      mad: col(`Intensity_MADIntensity_${s}`),
      mass: col(`Intensity_MassDisplacement_${s}`),
      eInteg: col(`Intensity_IntegratedIntensityEdge_${s}`),
      eMean: col(`Intensity_MeanIntensityEdge_${s}`),
      eStd: col(`Intensity_StdIntensityEdge_${s}`),
      eMin: col(`Intensity_MinIntensityEdge_${s}`),
      eMax: col(`Intensity_MaxIntensityEdge_${s}`),
      cmx: col(`Location_CenterMassIntensity_X_${s}`),
      cmy: col(`Location_CenterMassIntensity_Y_${s}`),
      mxx: col(`Location_MaxIntensity_X_${s}`),
      mxy: col(`Location_MaxIntensity_Y_${s}`),
    };
  });
  const pairs: { a: number; b: number; r: Float64Array; mab: Float64Array; mba: Float64Array }[] = [];
  for (let a = 0; a < C; a++) {
    for (let b = a + 1; b < C; b++) {
      const sa = channelLabel(names[a]!);
      const sb = channelLabel(names[b]!);
      pairs.push({
        a,
        b,
        r: col(`Correlation_Pearson_${sa}_${sb}`),
        mab: col(`Correlation_Manders_${sa}_${sb}`),
        mba: col(`Correlation_Manders_${sb}_${sa}`),
      });
    }
  }
  if (C === 0) return;
  const chMax = new Float64Array(C);
  const chMean = new Float64Array(C);
  for (let k = 0; k < N; k++) {
    const l = present[k]!;
    const s0 = start[l]!;
    const m = start[l + 1]! - s0;
    for (let p = 0; p < m; p++) {
      const i = order[s0 + p]!;
      const y = (i / w) | 0;
      xs[p] = i - y * w;
      ys[p] = y;
      edge[p] = flags[i]! & EDGE8;
    }
    for (let c = 0; c < C; c++) {
      const P = per[c]!;
      const v = vals[c]!;
      const d = P.data;
      let sum = 0;
      let mn = Number.POSITIVE_INFINITY;
      let mx = Number.NEGATIVE_INFINITY;
      let mxAt = 0;
      let sxI = 0;
      let syI = 0;
      let en = 0;
      let eSum = 0;
      let eMin = Number.POSITIVE_INFINITY;
      let eMax = Number.NEGATIVE_INFINITY;
      for (let p = 0; p < m; p++) {
        const val = d[order[s0 + p]!]!;
        v[p] = val;
        sum += val;
        if (val < mn) mn = val;
        if (val > mx) {
          mx = val;
          mxAt = p;
        }
        sxI += xs[p]! * val;
        syI += ys[p]! * val;
        if (edge[p]) {
          en++;
          eSum += val;
          if (val < eMin) eMin = val;
          if (val > eMax) eMax = val;
        }
      }
      const mean = sum / m;
      const eMean = en > 0 ? eSum / en : Number.NaN;
      let ss = 0;
      let ess = 0;
      for (let p = 0; p < m; p++) {
        const dv = v[p]! - mean;
        ss += dv * dv;
        if (edge[p]) {
          const de = v[p]! - eMean;
          ess += de * de;
        }
      }
      chMax[c] = mx;
      chMean[c] = mean;
      P.integ[k] = sum;
      P.mean[k] = mean;
      P.std[k] = Math.sqrt(ss / m);
      P.min[k] = mn;
      P.max[k] = mx;
      P.mxx[k] = xs[mxAt]!;
      P.mxy[k] = ys[mxAt]!;
      if (sum !== 0) {
        P.cmx[k] = sxI / sum;
        P.cmy[k] = syI / sum;
        P.mass[k] = Math.hypot(sxI / sum - cx[k]!, syI / sum - cy[k]!);
      } else {
        P.cmx[k] = P.cmy[k] = P.mass[k] = Number.NaN;
      }
      P.eInteg[k] = eSum;
      P.eMean[k] = eMean;
      P.eStd[k] = en > 0 ? Math.sqrt(ess / en) : Number.NaN;
      P.eMin[k] = en > 0 ? eMin : Number.NaN;
      P.eMax[k] = en > 0 ? eMax : Number.NaN;
      if (P.integer && mx - mn < COUNTING_RANGE) {
        quantilesByCounting(v, m, mn, mx - mn + 1, counts, q);
        P.lq[k] = q[0]!;
        P.median[k] = q[1]!;
        P.uq[k] = q[2]!;
        P.mad[k] = q[3]!;
      } else {
        const sv = sorted.subarray(0, m);
        sv.set(v.subarray(0, m));
        sv.sort();
        const med = quantileSorted(sv, m, 0.5);
        P.median[k] = med;
        P.lq[k] = quantileSorted(sv, m, 0.25);
        P.uq[k] = quantileSorted(sv, m, 0.75);
        for (let p = 0; p < m; p++) sv[p] = Math.abs(v[p]! - med);
        P.mad[k] = medianInPlace(sv);
      }
    }
    for (const pr of pairs) {
      const va = vals[pr.a]!;
      const vb = vals[pr.b]!;
      const ma = chMean[pr.a]!;
      const mb = chMean[pr.b]!;
      const ta = mandersFraction * chMax[pr.a]!;
      const tb = mandersFraction * chMax[pr.b]!;
      let sab = 0;
      let saa = 0;
      let sbb = 0;
      let totA = 0;
      let totB = 0;
      let coA = 0;
      let coB = 0;
      for (let p = 0; p < m; p++) {
        const a = va[p]!;
        const b = vb[p]!;
        const da = a - ma;
        const db = b - mb;
        sab += da * db;
        saa += da * da;
        sbb += db * db;
        const aOn = a >= ta;
        const bOn = b >= tb;
        if (aOn) totA += a;
        if (bOn) totB += b;
        if (aOn && bOn) {
          coA += a;
          coB += b;
        }
      }
      pr.r[k] = saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : Number.NaN;
      pr.mab[k] = totA > 0 ? coA / totA : Number.NaN;
      pr.mba[k] = totB > 0 ? coB / totB : Number.NaN;
    }
  }
}
