/** Loading test/golden/*.json and comparing arrays with messages that say where they differ. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Plane } from '../../../src/engine/types.js';

export const GOLDEN_DIR = resolve(import.meta.dirname, '../../golden');

export interface GoldenImage {
  width: number;
  height: number;
  dtype: 'uint8' | 'uint16' | 'float32';
  bitDepth: number;
  data: number[];
}

export function loadGolden<T>(name: string): T {
  return JSON.parse(readFileSync(resolve(GOLDEN_DIR, name), 'utf8')) as T;
}

export function toPlane(g: GoldenImage): Plane {
  const data = g.dtype === 'uint8' ? Uint8Array.from(g.data) : g.dtype === 'uint16' ? Uint16Array.from(g.data) : Float32Array.from(g.data);
  return { width: g.width, height: g.height, data, bitDepth: g.bitDepth };
}

/**
 * null when `actual` matches `expected` within `tol` (absolute), else a message naming the first
 * differing pixel (x, y), both values and how many pixels differ.
 */
export function diffArrays(actual: ArrayLike<number>, expected: ArrayLike<number>, width: number, tol = 0): string | null {
  if (actual.length !== expected.length) return `length ${actual.length} != expected ${expected.length}`;
  let first = -1;
  let count = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (!(Math.abs(a - e) <= tol)) {
      if (first < 0) first = i;
      count++;
    }
  }
  if (count === 0) return null;
  const x = first % width;
  const y = Math.floor(first / width);
  return `${count} of ${expected.length} pixels differ; first at (x=${x}, y=${y}): got ${actual[first]}, expected ${expected[first]}`;
}
