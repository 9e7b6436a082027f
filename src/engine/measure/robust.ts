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
