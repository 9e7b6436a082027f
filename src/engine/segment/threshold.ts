/**
 * Resolve the threshold option of segmentNuclei to a value: a number is a manual threshold;
 * a name is looked up among the threshold methods.
 */
import { UserError } from '../errors.js';
import { otsuFromHistogram, otsuThreshold } from '../ops/threshold/otsu.js';

type Method = (values: Float32Array) => number;

const METHODS: Record<string, Method> = {
  otsu: (v) => otsuThreshold(v),
  'otsu-sqrt': (v) => otsuSqrt(v),
};

/** Register further methods (the threshold registry adds its entries here). */
export function registerSegmentThreshold(id: string, fn: Method): void {
  METHODS[id] = fn;
}

export function thresholdFor(method: string | number, values: Float32Array, correction = 1): number {
  if (typeof method === 'number') return method;
  const asNumber = Number(method);
  if (method.trim() !== '' && Number.isFinite(asNumber)) return asNumber;
  const fn = METHODS[method];
  if (!fn) {
    throw new UserError(`threshold method "${method}" is unknown`, `choose one of: ${Object.keys(METHODS).join(', ')}, or a number`);
  }
  return fn(values) * correction;
}

/**
 * Otsu's threshold on square-root intensities, returned on the intensity scale. The square root
 * makes photon (Poisson) noise equal across brightness (Anscombe), so one very bright object no
 * longer drags the threshold up past dim nuclei. Same as otsuThreshold(sqrt(v)) ** 2 with 256
 * float bins, without the extra image.
 * @see F. Anscombe, Biometrika 35:246-254 (1948).
 */
export function otsuSqrt(v: Float32Array): number {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < v.length; i++) {
    const x = v[i]!;
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  const slo = Math.sqrt(Math.max(0, lo));
  const shi = Math.sqrt(Math.max(0, hi));
  if (!(shi > slo)) return lo;
  const nbins = 256;
  const counts = new Float64Array(nbins);
  const scale = nbins / (shi - slo);
  for (let i = 0; i < v.length; i++) {
    const x = v[i]!;
    let b = Math.floor((Math.sqrt(x > 0 ? x : 0) - slo) * scale);
    if (b >= nbins) b = nbins - 1;
    counts[b] = counts[b]! + 1;
  }
  const centers = new Float64Array(nbins);
  const width = shi - slo;
  for (let b = 0; b < nbins; b++) centers[b] = slo + (width * (b + 0.5)) / nbins;
  const t = otsuFromHistogram({ counts, centers });
  return t * t;
}
