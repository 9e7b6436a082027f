/**
 * Relations between two label images of the same field (CellProfiler's RelateObjects): which
 * object of one set each object of the other overlaps most.
 */
import { UserError } from '../errors.js';
import type { Labels } from '../types.js';

/** For each object of `a`, the label of `b` it overlaps most (ties: lowest label; 0 = none). */
export function overlapParents(a: Labels, b: Labels, maxA: number): Int32Array {
  if (a.width !== b.width || a.height !== b.height) {
    throw new UserError(
      `label images differ in size (${a.width}x${a.height} vs ${b.width}x${b.height})`,
      'measure objects of the same field',
    );
  }
  const pairs = new Map<number, number>();
  const n = a.data.length;
  const stride = 2 ** 26;
  for (let i = 0; i < n; i++) {
    const la = a.data[i]!;
    const lb = b.data[i]!;
    if (la > 0 && lb > 0) {
      const key = la * stride + lb;
      pairs.set(key, (pairs.get(key) ?? 0) + 1);
    }
  }
  const best = new Int32Array(maxA + 1);
  const bestN = new Float64Array(maxA + 1);
  for (const [key, count] of pairs) {
    const la = Math.floor(key / stride);
    const lb = key - la * stride;
    if (la > maxA) continue;
    if (count > bestN[la]! || (count === bestN[la]! && lb < best[la]!)) {
      best[la] = lb;
      bestN[la] = count;
    }
  }
  return best;
}
