import { describe, expect, it } from 'vitest';
import { imageFeatures } from '../../../src/engine/dataset/features.js';
import { customPreset, detectPreset, listPresets, PRESETS, parseWell, rowLetters } from '../../../src/engine/dataset/presets.js';
import { rng } from '../../../src/engine/dataset/random.js';
import { gaussianF32 } from '../../../src/engine/ops/gaussian.js';
import type { Plane } from '../../../src/engine/types.js';

const names = (xs: string[]) => xs.map((base) => ({ base, rel: base }));

describe('naming presets', () => {
  it('every preset parses its own example', () => {
    for (const p of PRESETS) expect(p.parse(p.example, p.example), p.id).toBeDefined();
    expect(listPresets().map((p) => p.id)).toContain('plain');
  });

  it('ImageXpress: the channel is one digit glued to the GUID; missing _s/_w mean site 1, channel w1', () => {
    const ix = PRESETS.find((p) => p.id === 'imagexpress')!;
    expect(ix.parse('ABCD_A01_s1_w30A16DA9C-75e6-426c-8b41-71a5693784e3.tif', '')).toMatchObject({
      plate: 'ABCD',
      row: 'A',
      column: 1,
      site: 1,
      channel: 'w3',
    });
    expect(ix.parse('plate_P24.tif', '')).toMatchObject({ site: 1, channel: 'w1' });
    expect(ix.parse('plate_Q24_s1_w1.tif', '')).toBeUndefined();
  });

  it('wells: A1/a01/AF48/r02c03 parse; out-of-plate names do not', () => {
    expect(parseWell('a1')).toEqual({ row: 'A', column: 1 });
    expect(parseWell('AF48')).toEqual({ row: 'AF', column: 48 });
    expect(parseWell('r02c03')).toEqual({ row: 'B', column: 3 });
    expect(parseWell('ZZ9')).toBeUndefined();
    expect(parseWell('A0')).toBeUndefined();
    expect(rowLetters('27')).toBe('AA');
  });

  it('detection confidence: all names fit = 1; 9 of 10 = 0.9; names without the distinctive tokens = unsure', () => {
    const ix = Array.from({ length: 9 }, (_, i) => `P_A0${i + 1}_s1_w1.tif`);
    expect(detectPreset(names(ix)).confidence).toBe(1);
    const mixed = detectPreset(names([...ix, 'notes.tif']));
    expect(mixed.preset.id).toBe('imagexpress');
    expect(mixed.confidence).toBe(0.9);
    const weak = detectPreset(names(['exp_A01.tif', 'exp_A02.tif']));
    expect(weak.confidence).toBe(0.6);
    const none = detectPreset(names(['a.tif', 'b.png']));
    expect(none.preset.id).toBe('plain');
  });

  it('custom patterns: CellProfiler group names, other groups as metadata, clear errors', () => {
    const p = customPreset('(?P<Plate>\\w+)_(?P<WellRow>[A-P])(?P<WellColumn>\\d+)_(?P<Field>\\d+)_(?P<Stain>\\w+)\\.tif');
    expect(p.parse('pl_C7_2_dapi.tif', '')).toEqual({
      plate: 'pl',
      row: 'C',
      column: 7,
      site: 2,
      channel: 'image',
      extra: { Stain: 'dapi' },
    });
    expect(() => customPreset('([A-P])')).toThrow(/no named group/);
  });
});

describe('image features for the subset', () => {
  const size = 128;
  function field(o: { blobs: number; blur?: number; gain?: number; empty?: boolean }): Plane {
    const r = rng(5);
    const sig = new Float32Array(size * size);
    if (!o.empty)
      for (let k = 0; k < o.blobs; k++) {
        const cx = 10 + r.next() * (size - 20);
        const cy = 10 + r.next() * (size - 20);
        for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) if ((x - cx) ** 2 + (y - cy) ** 2 < 25) sig[y * size + x] = 1000;
      }
    const b = gaussianF32(sig, size, size, o.blur ?? 1);
    const data = new Uint16Array(size * size);
    for (let i = 0; i < data.length; i++) data[i] = Math.min(4095, Math.max(0, Math.round((200 + b[i]!) * (o.gain ?? 1) + 5 * r.normal())));
    return { width: size, height: size, data, bitDepth: 16 };
  }

  it('tell blurred, saturated, empty and crowded fields apart', () => {
    const normal = imageFeatures(field({ blobs: 10 }));
    const blurred = imageFeatures(field({ blobs: 10, blur: 4 }));
    const saturated = imageFeatures(field({ blobs: 10, gain: 6 }));
    const empty = imageFeatures(field({ blobs: 0, empty: true }));
    const crowded = imageFeatures(field({ blobs: 30 }));
    expect(blurred.sharpness).toBeLessThan(normal.sharpness * 0.8);
    expect(saturated.saturated).toBeGreaterThan(0);
    expect(normal.saturated).toBe(0);
    expect(empty.foreground).toBeLessThan(0.005);
    expect(crowded.objects).toBeGreaterThan(normal.objects);
    expect(crowded.foreground).toBeGreaterThan(normal.foreground);
  });
});
