import { describe, expect, it } from 'vitest';
import { convexHull, feretDiameters, RowHullPoints } from '../../../src/engine/measure/hull.js';

/** Andrew's monotone chain with a comparator sort on [x, y] pairs, written apart from convexHull. */
function hullByComparator(pts: number[]): number[] {
  const n = pts.length >> 1;
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => pts[2 * a]! - pts[2 * b]! || pts[2 * a + 1]! - pts[2 * b + 1]!);
  if (n <= 2) return idx.flatMap((i) => [pts[2 * i]!, pts[2 * i + 1]!]);
  const h: [number, number][] = [];
  const cross = (o: [number, number], a: [number, number], b: [number, number]) =>
    (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const push = (i: number, floor: number) => {
    const p: [number, number] = [pts[2 * i]!, pts[2 * i + 1]!];
    while (h.length >= floor + 2 && cross(h[h.length - 2]!, h[h.length - 1]!, p) <= 0) h.pop();
    h.push(p);
  };
  for (const i of idx) push(i, 0);
  const lower = h.length;
  for (let k = n - 2; k >= 0; k--) push(idx[k]!, lower - 1);
  h.pop();
  return h.filter((p, k) => k === 0 || p[0] !== h[k - 1]![0] || p[1] !== h[k - 1]![1]).flat();
}

describe('convexHull', () => {
  it('gives the hull the comparator sort gives: half-integer points, negative ones, duplicates, and other coordinates', () => {
    let s = 11;
    const r = () => {
      s = (s * 48271) % 2147483647;
      return s / 2147483647;
    };
    for (let t = 0; t < 200; t++) {
      const n = 1 + Math.floor(r() * 60);
      const half = t % 4 !== 3;
      const pts: number[] = [];
      for (let i = 0; i < n; i++) {
        const x = half ? Math.round(r() * 40) / 2 - 0.5 : r() * 20 - 3;
        const y = half ? Math.round(r() * 40) / 2 - 0.5 : r() * 20;
        pts.push(x, y);
        if (r() < 0.1) pts.push(x, y); // a duplicate
      }
      expect(convexHull(pts), `case ${t}`).toEqual(hullByComparator(pts));
    }
  });

  it('of a square of pixel centres: 4 corners, Feret diameters of the square', () => {
    const pts: number[] = [];
    for (let y = 0; y < 5; y++) for (let x = 0; x < 5; x++) pts.push(x, y);
    const hull = convexHull(pts);
    expect(hull.length).toBe(8);
    const f = feretDiameters(hull);
    expect(f.max).toBeCloseTo(Math.SQRT2 * 4, 12);
    expect(f.min).toBe(4);
  });
});

describe('RowHullPoints.reset', () => {
  it('leaves nothing of the last object: the same rows give the points of a fresh instance', () => {
    const rows: [number, number, number][] = [
      [3, 4, 9],
      [4, 2, 10],
      [5, 3, 8],
      [7, 5, 5],
    ];
    const fresh = new RowHullPoints();
    for (const [y, l, r] of rows) fresh.addRow(y, l, r);
    fresh.finish();
    const reused = new RowHullPoints();
    reused.addRow(0, 0, 30);
    reused.addRow(1, 2, 28);
    reused.finish();
    reused.reset();
    for (const [y, l, r] of rows) reused.addRow(y, l, r);
    reused.finish();
    expect(reused.centres).toEqual(fresh.centres);
    expect(reused.edges).toEqual(fresh.edges);
  });
});
