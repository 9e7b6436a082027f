/**
 * Resolve the threshold option of segmentNuclei to a value: a number (or numeric string) is a
 * manual threshold; a name is a global method of the threshold registry (ops/threshold/registry.ts).
 */
import { UserError } from '../errors.js';
import { otsuSqrtThreshold } from '../ops/threshold/otsu-sqrt.js';
import { THRESHOLDS } from '../ops/threshold/registry.js';

/** Threshold `values` (smoothed image) with `method`, times the correction factor (automatic methods only). */
export function thresholdFor(method: string | number, values: Float32Array, correction = 1): number {
  if (typeof method === 'number') return method;
  const asNumber = Number(method);
  if (method.trim() !== '' && Number.isFinite(asNumber)) return asNumber;
  // the default runs on every image: a one-in-three sample of the pixels is enough; a background
  // clipped at the minimum is left out (see OtsuSqrtOptions.excludeMin)
  if (method === 'otsu-sqrt') return otsuSqrtThreshold(values, { step: 3, excludeMin: true }) * correction;
  const m = THRESHOLDS[method];
  if (!m || method === 'manual') {
    const names = Object.keys(THRESHOLDS).filter((k) => k !== 'manual');
    throw new UserError(
      `threshold method "${method}" is not one segmentation can use`,
      `choose one of: ${names.join(', ')}, or give a number for a manual threshold`,
    );
  }
  return m.compute(values) * correction;
}
