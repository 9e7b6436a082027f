import { describe, expect, it } from 'vitest';
import { scoreSegmentation } from '../../../src/engine/results/score.js';
import type { Labels } from '../../../src/engine/types.js';

/** Labels from rows of digits (one character per pixel). */
function grid(rows: string[]): Labels {
  const h = rows.length;
  const w = rows[0]!.length;
  const data = new Int32Array(w * h);
  let count = 0;
  rows.forEach((r, y) => {
    for (let x = 0; x < w; x++) {
      const v = Number(r[x]);
      data[y * w + x] = v;
      if (v > count) count = v;
    }
  });
  return { width: w, height: h, data, count };
}

describe('scoreSegmentation', () => {
  it('scores a perfect prediction as 1 whatever the ids', () => {
    const truth = grid(['1100', '1100', '0022', '0022']);
    const pred = grid(['2200', '2200', '0011', '0011']);
    const s = scoreSegmentation(pred, truth);
    expect(s).toMatchObject({ tp: 2, fp: 0, fn: 0, f1: 1, apDsb: 1, countError: 0, splits: 0, merges: 0 });
    expect(s.meanIoU).toBe(1);
  });

  it('counts a merge of two true objects as one false positive and two misses', () => {
    // one predicted object covers both true objects: IoU 4/8 = 0.5 with each, but only one match is allowed
    const truth = grid(['1122', '1122']);
    const pred = grid(['1111', '1111']);
    const s = scoreSegmentation(pred, truth);
    expect(s.tp).toBe(1);
    expect(s.fp).toBe(0);
    expect(s.fn).toBe(1);
    expect(s.merges).toBe(1);
    expect(s.f1).toBeCloseTo(2 / 3, 10);
  });

  it('counts a split true object and an extra object', () => {
    const truth = grid(['111100', '111100', '000000']);
    const pred = grid(['112200', '112200', '000033']);
    const s = scoreSegmentation(pred, truth);
    // IoU of each half with the truth is 0.5: one half matches at the 0.5 cut, nothing at 0.55+
    expect(s.tp).toBe(1);
    expect(s.fp).toBe(2);
    expect(s.fn).toBe(0);
    expect(s.splits).toBe(1);
    expect(s.countError).toBe(2);
    // AP: 1/3 at IoU 0.5, 0 at the nine stricter cuts
    expect(s.apDsb).toBeCloseTo(1 / 30, 10);
  });

  it('handles empty images and refuses different sizes', () => {
    const empty = grid(['000', '000']);
    expect(scoreSegmentation(empty, empty)).toMatchObject({ tp: 0, fp: 0, fn: 0, f1: 1, countError: 0 });
    expect(scoreSegmentation(grid(['100', '000']), empty)).toMatchObject({ fp: 1, f1: 0 });
    expect(() => scoreSegmentation(grid(['10']), empty)).toThrow(/differ in size/);
  });
});
