import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { crc32Table, encodePalettePng } from '../../../src/engine/io/png-encode.js';

/** A palette of `n` entries: entry i is (i, 255 - i, i * 7 mod 256). */
function palette(n: number): Uint8Array {
  const p = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) p.set([i, 255 - i, (i * 7) & 255], i * 3);
  return p;
}

describe('encodePalettePng', () => {
  it('decodes (libspng, through sharp) to the palette colour of every index, at odd sizes', async () => {
    for (const [w, h] of [
      [1, 1],
      [7, 3],
      [333, 17],
    ] as const) {
      const index = new Uint8Array(w * h);
      // a ramp with jumps and wrap-arounds, so the Sub filter's differences go negative too
      for (let i = 0; i < index.length; i++) index[i] = (i * 37 + (i % w === 0 ? 200 : 0)) & 255;
      const png = encodePalettePng(w, h, index, palette(256));
      const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
      expect([info.width, info.height, info.channels]).toEqual([w, h, 3]);
      for (let i = 0; i < index.length; i++) {
        const v = index[i]!;
        expect([data[i * 3], data[i * 3 + 1], data[i * 3 + 2]]).toEqual([v, 255 - v, (v * 7) & 255]);
      }
    }
  });

  it('writes a palette image (colour type 3) with a short palette as given', async () => {
    const png = encodePalettePng(4, 2, Uint8Array.of(0, 1, 2, 1, 2, 1, 0, 0), palette(3));
    expect(png[25]).toBe(3); // IHDR colour type
    const m = await sharp(png).metadata();
    expect([m.format, m.width, m.height, m.isPalette, m.bitsPerSample]).toEqual(['png', 4, 2, true, 8]);
  });

  it('stores each chunk with its CRC-32 (the table fallback for Node < 20.15 gives the same values)', () => {
    const png = encodePalettePng(3, 2, Uint8Array.of(0, 1, 2, 2, 1, 0), palette(3));
    // the IEND chunk of every PNG is the same 12 bytes, CRC ae 42 60 82 included
    expect([...png.subarray(png.length - 12)]).toEqual([0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]);
    expect(crc32Table(new TextEncoder().encode('IEND'))).toBe(0xae426082);
    expect(crc32Table(new TextEncoder().encode('123456789'))).toBe(0xcbf43926); // the CRC-32 check value
    expect(crc32Table(new Uint8Array(0))).toBe(0);
    // every chunk: CRC over type and data as written
    for (let at = 8; at < png.length; ) {
      const len = png.readUInt32BE(at);
      expect(png.readUInt32BE(at + 8 + len)).toBe(crc32Table(png.subarray(at + 4, at + 8 + len)));
      at += 12 + len;
    }
  });

  it('refuses an index array of the wrong size and an impossible palette', () => {
    expect(() => encodePalettePng(4, 4, new Uint8Array(15), palette(2))).toThrow(/15 indices for 4 x 4/);
    expect(() => encodePalettePng(1, 1, new Uint8Array(1), new Uint8Array(4))).toThrow(/palette/);
    expect(() => encodePalettePng(1, 1, new Uint8Array(1), palette(257))).toThrow(/palette/);
  });
});
