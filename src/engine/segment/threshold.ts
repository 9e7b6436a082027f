/**
 * Resolve the threshold option of segmentNuclei to a value: a number is a manual threshold;
 * a name is looked up among the threshold methods.
 */
import { UserError } from '../errors.js';
import { otsuThreshold } from '../ops/threshold/otsu.js';

type Method = (values: Float32Array) => number;

const METHODS: Record<string, Method> = {
  otsu: (v) => otsuThreshold(v),
  'otsu-clip': (v) => otsuThreshold(clipAbove(v, 0.99)),
  'otsu-sqrt': (v) => {
    const r = new Float32Array(v.length);
    for (let i = 0; i < v.length; i++) r[i] = Math.sqrt(Math.max(v[i]!, 0));
    const t = otsuThreshold(r);
    return t * t;
  },
  'otsu-log': (v) => {
    const l = new Float32Array(v.length);
    for (let i = 0; i < v.length; i++) l[i] = Math.log1p(Math.max(0, v[i]!));
    return Math.expm1(otsuThreshold(l));
  },
};

function clipAbove(v: Float32Array, q: number): Float32Array {
  const s = Float32Array.from(v).sort();
  const c = s[Math.floor(q * (s.length - 1))]!;
  const out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = Math.min(v[i]!, c);
  return out;
}

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
