import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { judgeQuality, qcReasons, worstLevel } from '../../../src/engine/measure/qc.js';
import { inferCeiling, measureImageQuality } from '../../../src/engine/measure/quality.js';
import { powerLogLogSlope } from '../../../src/engine/measure/spectrum.js';
import type { Plane } from '../../../src/engine/types.js';

const golden = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../golden/measure/quality.json'), 'utf8')) as {
  cases: (Record<string, number> & { pixels_u16le_base64: string })[];
};
const planeOf = (c: (typeof golden.cases)[number]): Plane => {
  const b = Buffer.from(c.pixels_u16le_base64, 'base64');
  const data = new Uint16Array(c.width! * c.height!);
  for (let i = 0; i < data.length; i++) data[i] = b.readUInt16LE(2 * i);
  return { width: c.width!, height: c.height!, data, bitDepth: 16 };
};

describe('measureImageQuality vs CellProfiler formulas (numpy, test/golden/measure/quality.json)', () => {
  for (const c of golden.cases) {
    it(`${c.width}x${c.height}, blur sigma ${c.sigma}`, () => {
      const p = planeOf(c);
      const m = measureImageQuality(p);
      const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(1e-12, Math.abs(b));
      expect(Math.abs(m.ImageQuality_PowerLogLogSlope! - c.PowerLogLogSlope!)).toBeLessThan(1e-9);
      expect(rel(m.ImageQuality_FocusScore!, c.FocusScore!)).toBeLessThan(1e-9);
      expect(rel(m.ImageQuality_LocalFocusScore!, c.LocalFocusScore!)).toBeLessThan(1e-6);
      expect(Math.abs(m.ImageQuality_Correlation! - c.Correlation!)).toBeLessThan(1e-9);
      expect(rel(m.ImageQuality_PercentMaximal!, c.PercentMaximal!)).toBeLessThan(1e-12);
      expect(rel(m.ImageQuality_PercentMinimal!, c.PercentMinimal!)).toBeLessThan(1e-12);
      expect(m.ImageQuality_MADIntensity).toBe(c.MADIntensity);
      expect(m.ImageQuality_MedianIntensity).toBe(c.MedianIntensity);
      expect(rel(m.ImageQuality_StdIntensity!, c.StdIntensity!)).toBeLessThan(1e-9);
    });
  }

  it('blur lowers the slope and the edge sharpness of the same scene', () => {
    const sharp = measureImageQuality(planeOf(golden.cases[0]!));
    const blurred = measureImageQuality(planeOf(golden.cases[1]!));
    expect(blurred.ImageQuality_PowerLogLogSlope!).toBeLessThan(sharp.ImageQuality_PowerLogLogSlope!);
    expect(blurred.ImageQuality_EdgeSharpness!).toBeLessThan(0.6 * sharp.ImageQuality_EdgeSharpness!);
  });
});

describe('measureImageQuality edge cases', () => {
  it('a constant image gives zeros, no NaN in the blur metrics, and objectCount as given', () => {
    const p: Plane = { width: 40, height: 30, data: new Uint16Array(1200).fill(500), bitDepth: 16 };
    const m = measureImageQuality(p, { objectCount: 0 });
    expect(m.ImageQuality_FocusScore).toBe(0);
    expect(m.ImageQuality_PowerLogLogSlope).toBe(0);
    expect(m.ImageQuality_PercentMaximal).toBe(100);
    expect(m.ImageQuality_ObjectCount).toBe(0);
    expect(powerLogLogSlope(p.data, 40, 30)).toBe(0);
  });

  it('PercentSaturated uses the true maximum (12-bit camera in a 16-bit file)', () => {
    const data = new Uint16Array(10000);
    for (let i = 0; i < data.length; i++) data[i] = 100 + (i % 97);
    for (let i = 0; i < 150; i++) data[i * 7] = 4095;
    const p: Plane = { width: 100, height: 100, data, bitDepth: 16 };
    expect(measureImageQuality(p, { trueMax: 4095 }).ImageQuality_PercentSaturated).toBeCloseTo(1.5, 10);
    // not given: inferred from the data (values stop at 4095: a 12-bit camera)
    expect(measureImageQuality(p).ImageQuality_PercentSaturated).toBeCloseTo(1.5, 10);
    expect(measureImageQuality(p, { trueMax: 65535 }).ImageQuality_PercentSaturated).toBe(0);
    expect(inferCeiling(4095, 16)).toBe(4095);
    expect(inferCeiling(5000, 16)).toBe(16383);
    expect(inferCeiling(200, 8)).toBe(255);
  });

  it('8-bit and float planes give the same scale-free metrics as the 16-bit original', () => {
    const p16 = planeOf(golden.cases[0]!);
    const f32: Plane = { ...p16, data: Float32Array.from(p16.data), bitDepth: 32 };
    const u8: Plane = { ...p16, data: Uint8Array.from(p16.data, (v) => Math.round(v / 16)), bitDepth: 8 };
    const a = measureImageQuality(p16);
    const b = measureImageQuality(f32);
    const c = measureImageQuality(u8);
    for (const k of [
      'ImageQuality_PowerLogLogSlope',
      'ImageQuality_EdgeSharpness',
      'ImageQuality_MedianIntensity',
      'ImageQuality_MADIntensity',
    ])
      expect(b[k], k).toBeCloseTo(a[k]!, 9);
    expect(c.ImageQuality_EdgeSharpness!).toBeGreaterThan(0.8 * a.ImageQuality_EdgeSharpness!);
    expect(c.ImageQuality_ObjectCount).toBe(a.ImageQuality_ObjectCount);
    expect(Object.values(c).every((v) => !Number.isNaN(v))).toBe(true);
  });

  it('does not modify the plane', () => {
    const p = planeOf(golden.cases[2]!);
    const before = p.data.slice();
    measureImageQuality(p);
    expect(p.data).toEqual(before);
  });
});

describe('judgeQuality', () => {
  const base = (id: string, over: Record<string, number> = {}) => ({
    id,
    channel: 'DNA',
    metrics: {
      ImageQuality_EdgeSharpness: 0.25,
      ImageQuality_PowerLogLogSlope: -1,
      ImageQuality_DebrisFraction: 0,
      ImageQuality_IlluminationUnevenness: 0.1,
      ImageQuality_ObjectCount: 90,
      ImageQuality_SignalToNoise: 60,
      ImageQuality_PercentMaximal: 0.0003,
      ImageQuality_PercentSaturated: 0,
      ImageQuality_MaxIntensity: 3000,
      ImageQuality_MinIntensity: 100,
      ImageQuality_BitDepth: 16,
      ...over,
    },
  });

  it('with one image: absolute rules only, and says so', () => {
    const v = judgeQuality([base('a')]).get('a')!;
    expect(worstLevel(v)).toBe('ok');
    expect(v[0]!.message).toMatch(/too few images/);
    const s = judgeQuality([base('b', { ImageQuality_PercentSaturated: 2.5, ImageQuality_PercentMaximal: 2.5 })]).get('b')!;
    expect(qcReasons(s)).toBe('saturation');
    expect(s[0]!.level).toBe('fail');
    expect(s[0]!.action).toMatch(/exposure/);
  });

  it('a blurred field among sharp ones is flagged blur; an empty one is called empty, not sharp', () => {
    const rows = [0.24, 0.25, 0.26, 0.25, 0.255, 0.245].map((e, i) => base(`n${i}`, { ImageQuality_EdgeSharpness: e }));
    rows.push(base('blurred', { ImageQuality_EdgeSharpness: 0.12, ImageQuality_PowerLogLogSlope: -1.9 }));
    rows.push(base('empty', { ImageQuality_EdgeSharpness: 0.7, ImageQuality_SignalToNoise: 4, ImageQuality_ObjectCount: 3 }));
    const v = judgeQuality(rows);
    expect(qcReasons(v.get('blurred')!)).toBe('blur');
    expect(v.get('blurred')![0]!.message).toMatch(/out of focus compared with the rest of the plate/);
    expect(qcReasons(v.get('empty')!)).toBe('empty');
    for (let i = 0; i < 6; i++) expect(worstLevel(v.get(`n${i}`)!)).toBe('ok');
  });

  it('judges outliers within each group (plate) separately', () => {
    const rows = [
      ...[0.24, 0.25, 0.26, 0.25, 0.255].map((e, i) => ({ ...base(`p1-${i}`, { ImageQuality_EdgeSharpness: e }), group: 'P1' })),
      ...[0.12, 0.125, 0.13, 0.12, 0.122].map((e, i) => ({ ...base(`p2-${i}`, { ImageQuality_EdgeSharpness: e }), group: 'P2' })),
    ];
    const v = judgeQuality(rows);
    expect([...v.values()].every((x) => worstLevel(x) === 'ok')).toBe(true);
  });

  it('format problems from probe become format verdicts; lossy fails', () => {
    const v = judgeQuality([
      { ...base('j'), probeProblems: [{ code: 'lossy', message: 'JPEG is lossy' }] },
      { ...base('k', { ImageQuality_BitDepth: 8 }) },
      base('l'),
    ]);
    expect(qcReasons(v.get('j')!)).toBe('format');
    expect(worstLevel(v.get('j')!)).toBe('fail');
    expect(qcReasons(v.get('k')!)).toBe('format');
    expect(v.get('k')![0]!.message).toMatch(/8-bit image among 16-bit/);
  });
});
