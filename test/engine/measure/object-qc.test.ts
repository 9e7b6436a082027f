import { describe, expect, it } from 'vitest';
import { diameterOfArea, objectQc, sizeHistogramText } from '../../../src/engine/measure/object-qc.js';

const areaOf = (d: number) => (Math.PI * d * d) / 4;

describe('objectQc', () => {
  it('says how many large objects a size limit dropped and how large the largest was, in µm', () => {
    const kept = Array.from({ length: 100 }, (_, i) => areaOf(20 + (i % 10)));
    const large = Array.from({ length: 12 }, (_, i) => areaOf(48 + i * 2)); // px; 0.65 µm/px
    const r = objectQc({ keptAreas: kept, discarded: { large }, maxDiameter: 46, pixelSizeUm: 0.65 });
    const v = r.verdicts.find((x) => x.check === 'size-large')!;
    expect(v.level).toBe('warn');
    expect(v.message).toMatch(/^12 objects larger than the 30 µm limit were discarded \(11%\); the largest was 46 µm$/);
    expect(v.action).toMatch(/raise the maximum size/);
  });

  it('a few small specks removed is fine; a third of all objects is a warning', () => {
    const kept = Array.from({ length: 50 }, () => areaOf(20));
    expect(objectQc({ keptAreas: kept, discarded: { small: [3, 4, 5] }, minDiameter: 5 }).verdicts[0]!.level).toBe('ok');
    const many = objectQc({ keptAreas: kept, discarded: { small: Array.from({ length: 40 }, () => areaOf(4)) }, minDiameter: 5 });
    expect(many.verdicts[0]!.level).toBe('warn');
    expect(many.verdicts[0]!.message).toMatch(/40 objects smaller than the 5 px limit were discarded \(44%/);
  });

  it('border removals and an empty result', () => {
    const r = objectQc({ keptAreas: [100, 120, 130], discarded: { border: 2 } });
    expect(r.verdicts.map((x) => [x.check, x.level])).toEqual([['border', 'warn']]);
    const none = objectQc({ keptAreas: [], discarded: { small: [2, 3] } });
    expect(none.verdicts[0]!.check).toBe('objects');
    expect(none.verdicts[0]!.level).toBe('fail');
  });

  it('histogram bins kept and discarded objects and marks the cut-offs', () => {
    const r = objectQc({ keptAreas: [areaOf(10), areaOf(12)], discarded: { large: [areaOf(40)] }, minDiameter: 3, maxDiameter: 30 });
    expect(r.histogram.kept.reduce((a, b) => a + b)).toBe(2);
    expect(r.histogram.discarded.reduce((a, b) => a + b)).toBe(1);
    const text = sizeHistogramText(r.histogram).join('\n');
    expect(text).toMatch(/<- max/);
    expect(text).toMatch(/<- min/);
    expect(text).toMatch(/x/);
    expect(diameterOfArea(Math.PI)).toBeCloseTo(2, 12);
  });
});
