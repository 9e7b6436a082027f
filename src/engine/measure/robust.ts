/** Order statistics without a full sort (quickselect), and robust location/scale. */

/**
 * k-th smallest value (0-based) of `a`, partially reordering `a` in place (callers pass a copy).
 * Hoare-style quickselect with median-of-three pivots; O(n) on average.
 */
export function selectInPlace(a: Float64Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (hi > lo) {
    const mid = (lo + hi) >> 1;
    // median of three to the middle
    if (a[mid]! < a[lo]!) swap(a, mid, lo);
    if (a[hi]! < a[lo]!) swap(a, hi, lo);
    if (a[hi]! < a[mid]!) swap(a, hi, mid);
    const pivot = a[mid]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        swap(a, i, j);
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k]!;
  }
  return a[k]!;
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i]!;
  a[i] = a[j]!;
  a[j] = t;
}

/** Median as numpy computes it (mean of the two middle values for even n); NaN when empty. Modifies `a`. */
export function medianInPlace(a: Float64Array): number {
  const n = a.length;
  if (n === 0) return Number.NaN;
  const hi = selectInPlace(a, n >> 1);
  if (n % 2) return hi;
  // the largest value below position n/2 is the max of the left part after selection
  let lo = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n >> 1; i++) if (a[i]! > lo) lo = a[i]!;
  return (lo + hi) / 2;
}

/** Median of numbers (finite values only); NaN when none. Does not modify the input. */
export function median(values: ArrayLike<number>): number {
  const a: number[] = [];
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i]!)) a.push(values[i]!);
  return medianInPlace(Float64Array.from(a));
}

/** Median absolute deviation from the median (unscaled); NaN when empty. Does not modify the input. */
export function mad(values: ArrayLike<number>, center = median(values)): number {
  const a: number[] = [];
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i]!)) a.push(Math.abs(values[i]! - center));
  return medianInPlace(Float64Array.from(a));
}

/** Counts per integer value: counts[v - lo] is the number of pixels of value v. */
export interface IntHistogram {
  counts: Float64Array;
  lo: number;
}

/**
 * Counts per integer value of 8/16-bit data: counts[v - lo] for v in lo..hi. One pass over the
 * pixels into a table of every possible value, then the occupied range is copied out (a second
 * pass for the minimum and maximum cost as much as the counting).
 */
export function intHistogram(data: Uint8Array | Uint16Array): IntHistogram {
  if (data.length === 0) return { counts: new Float64Array(0), lo: 0 };
  const all = new Uint32Array(data instanceof Uint8Array ? 256 : 65536);
  for (let i = 0; i < data.length; i++) all[data[i]!]!++;
  let lo = 0;
  while (all[lo] === 0) lo++;
  let hi = all.length - 1;
  while (all[hi] === 0) hi--;
  const counts = new Float64Array(hi - lo + 1);
  for (let b = 0; b < counts.length; b++) counts[b] = all[lo + b]!;
  return { counts, lo };
}

/** k-th smallest value (0-based) among bins from..to (inclusive) of an integer histogram. */
export function histKth(counts: Float64Array, lo: number, from: number, to: number, k: number): number {
  let acc = 0;
  for (let b = from; b <= to; b++) {
    acc += counts[b]!;
    if (acc > k) return lo + b;
  }
  return lo + to;
}

/** numpy median of the values in bins from..to of an integer histogram; NaN when empty. */
export function histMedian(counts: Float64Array, lo: number, from = 0, to = counts.length - 1): number {
  let n = 0;
  for (let b = from; b <= to; b++) n += counts[b]!;
  if (n === 0) return Number.NaN;
  const hi = histKth(counts, lo, from, to, Math.floor(n / 2));
  return n % 2 ? hi : (histKth(counts, lo, from, to, n / 2 - 1) + hi) / 2;
}

/**
 * numpy median of |v - center| over the values in bins from..to of an integer histogram (walks
 * outward from the centre, so no sort); NaN when empty.
 */
export function histMedianAbsDev(counts: Float64Array, lo: number, center: number, from = 0, to = counts.length - 1): number {
  let n = 0;
  for (let b = from; b <= to; b++) n += counts[b]!;
  if (n === 0) return Number.NaN;
  const k2 = Math.floor(n / 2);
  const k1 = n % 2 ? k2 : k2 - 1;
  // left: largest bin with value <= center; right: the next one
  let left = Math.min(to, Math.floor(center - lo));
  if (left < from - 1) left = from - 1;
  let right = left + 1;
  if (right < from) right = from;
  let acc = 0;
  let v1 = Number.NaN;
  while (left >= from || right <= to) {
    const dl = left >= from ? center - (lo + left) : Number.POSITIVE_INFINITY;
    const dr = right <= to ? lo + right - center : Number.POSITIVE_INFINITY;
    let d: number;
    let c: number;
    if (dl <= dr) {
      d = dl;
      c = counts[left]!;
      left--;
    } else {
      d = dr;
      c = counts[right]!;
      right++;
    }
    if (c === 0) continue;
    if (acc <= k1 && k1 < acc + c) v1 = d;
    if (acc <= k2 && k2 < acc + c) return (v1 + d) / 2;
    acc += c;
  }
  return v1;
}
