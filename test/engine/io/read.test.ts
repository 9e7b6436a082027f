import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../../src/engine/errors.js';
import { readImage, readPlane } from '../../../src/engine/io/read.js';
import { encodeTiff } from '../../../src/engine/io/tiff-write.js';
import { BBBC039, DSB2018, hasSharedData } from '../../helpers/shared-data.js';

const H = 12;
const W = 10;
/** The pattern make_fixtures.py writes into plane k. */
function f(k: number, h = H, w = W): number[] {
  const out: number[] = [];
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out.push((7 * x + 13 * y + 101 * k) % 251);
  return out;
}

const dir = mkdtempSync(join(tmpdir(), 'sp-io-'));
const py = spawnSync('/usr/bin/python3', [join(import.meta.dirname, 'make_fixtures.py'), dir], { encoding: 'utf8' });
const hasPython = py.status === 0;
if (!hasPython)
  console.warn(
    `[io tests] /usr/bin/python3 with numpy, tifffile and Pillow not available: TIFF variant tests skipped (${py.stderr?.split('\n').at(-2) ?? py.error})`,
  );
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const p = (name: string) => join(dir, name);

describe.skipIf(!hasPython)('readImage: TIFF variants written by tifffile/Pillow', () => {
  it.each([
    ['u8.tif', Uint8Array, 1],
    ['u16.tif', Uint16Array, 257],
    ['u16_be.tif', Uint16Array, 257],
    ['deflate.tif', Uint16Array, 257],
    ['lzw.tif', Uint16Array, 257],
    ['lzw8.tif', Uint8Array, 1],
    ['packbits.tif', Uint16Array, 257],
    ['f32.tif', Float32Array, 0.5],
  ] as const)('%s decodes to the exact values', async (name, type, scale) => {
    const plane = await readPlane(p(name));
    expect(plane.width).toBe(W);
    expect(plane.height).toBe(H);
    expect(plane.data).toBeInstanceOf(type);
    expect(Array.from(plane.data)).toEqual(f(0).map((v) => v * scale));
  });

  it('reads a tiled TIFF whose tiles overhang the edge', async () => {
    const plane = await readPlane(p('tiled.tif'));
    expect([plane.width, plane.height]).toEqual([36, 40]);
    expect(Array.from(plane.data)).toEqual(f(0, 40, 36).map((v) => v * 257));
  });

  it('keeps signed data signed (float) and says so', async () => {
    const img = await readImage(p('i16.tif'));
    expect(Array.from(img.planes[0]!.data)).toEqual(f(0).map((v) => v - 100));
    expect(img.notes.join(' ')).toMatch(/signed/);
  });

  it('keeps uint32 values above 65535 exactly', async () => {
    const img = await readImage(p('u32.tif'));
    expect(Array.from(img.planes[0]!.data)).toEqual(f(0).map((v) => v * 70000));
  });

  it('reads an ImageJ hyperstack: axes, pixel size, z spacing, planes in C-Z-T order', async () => {
    const img = await readImage(p('ij.tif'));
    expect(img.axes).toEqual({ c: 2, z: 3, t: 2 });
    expect(img.pixelSizeUm).toBeCloseTo(0.25, 6);
    expect(img.zSpacingUm).toBeCloseTo(0.5, 6);
    img.planes.forEach((pl, k) => {
      expect(Array.from(pl.data)).toEqual(f(k).map((v) => v * 257));
    });
  });

  it('reads OME-TIFF: channel names, pixel size, and reorders Z-fastest pages to C-Z-T', async () => {
    const img = await readImage(p('ome.ome.tif'));
    expect(img.format).toBe('ome-tiff');
    expect(img.axes).toEqual({ c: 2, z: 3, t: 1 });
    expect(img.channelNames).toEqual(['DAPI', 'GFP']);
    expect(img.pixelSizeUm).toBeCloseTo(0.325, 6);
    img.planes.forEach((pl, k) => {
      expect(Array.from(pl.data)).toEqual(f(k).map((v) => v * 257));
    });
  });

  it('reads a plain multi-page TIFF as z-slices', async () => {
    const img = await readImage(p('multi3.tif'));
    expect(img.axes).toEqual({ c: 1, z: 3, t: 1 });
    expect(Array.from(img.planes[2]!.data)).toEqual(f(2).map((v) => v * 257));
  });

  it('RGB with equal channels becomes one plane, with a note', async () => {
    for (const name of ['rgb_equal.tif', 'rgba_equal.png']) {
      const img = await readImage(p(name));
      expect(img.planes).toHaveLength(1);
      expect(Array.from(img.planes[0]!.data)).toEqual(f(0));
      expect(img.notes.join(' ')).toMatch(/equal red, green and blue/);
    }
  });

  it('true colour is split into R, G, B with a warning; readPlane refuses it', async () => {
    for (const name of ['rgb_color.tif', 'rgb_color.png']) {
      const img = await readImage(p(name));
      expect(img.channelNames).toEqual(['R', 'G', 'B']);
      expect(Array.from(img.planes[2]!.data)).toEqual(f(2));
      expect(img.notes.join(' ')).toMatch(/warning: .*true-colour/);
      await expect(readPlane(p(name))).rejects.toThrow(/3 channels/);
    }
  });

  it('reads 16-bit PNG values unscaled and grayscale JPEG as one plane', async () => {
    const png = await readPlane(p('png16.png'));
    expect(png.data).toBeInstanceOf(Uint16Array);
    expect(Array.from(png.data)).toEqual(f(0).map((v) => v * 257));
    const jpg = await readImage(p('gray.jpg'));
    expect(jpg.planes).toHaveLength(1);
    expect(jpg.notes.join(' ')).toMatch(/lossy/);
    // JPEG is approximate
    expect(Math.abs(jpg.planes[0]!.data[11]! - f(0)[11]!)).toBeLessThan(12);
  });

  it('readPlane names the file and the axes of a stack', async () => {
    await expect(readPlane(p('ij.tif'))).rejects.toThrow(/ij\.tif: holds 12 planes \(2 channels, 3 z-slices, 2 time points\)/);
  });
});

describe('readPlane: bad files give one clear UserError naming the file', () => {
  const u16 = encodeTiff([{ width: 64, height: 32, data: new Uint16Array(64 * 32).fill(500) }]);

  it('reads our own encoder output', async () => {
    writeFileSync(p('own.tif'), u16);
    const plane = await readPlane(p('own.tif'));
    expect(plane.data[100]).toBe(500);
  });

  it.each([
    ['empty.tif', Buffer.alloc(0), /empty \(0 bytes\)/],
    ['truncated.tif', u16.subarray(0, 1000), /truncated or damaged/],
    ['notes.tif', Buffer.from('this is a text file, not an image\n'), /not an image file/],
    ['scan.czi', Buffer.from('ZISRAWFILE and more'), /Zeiss CZI files are not read directly/],
    [
      'stack.tif',
      encodeTiff([u16Page(1), u16Page(2)], { description: 'ImageJ=1.54f\nimages=2\nslices=2\n' }),
      /holds 2 planes \(2 z-slices\)/,
    ],
  ])('%s', async (name, bytes, msg) => {
    writeFileSync(p(name), bytes);
    const err = await readPlane(p(name)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toContain(name);
    expect((err as UserError).message).toMatch(msg);
    expect((err as UserError).hint).toBeTruthy();
  });

  it('a truncated PNG and a missing file', async () => {
    const png = readFileSync(join(import.meta.dirname, '../../../node_modules/sharp/package.json')); // any non-image bytes
    writeFileSync(p('half.png'), Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), png.subarray(0, 50)]));
    await expect(readPlane(p('half.png'))).rejects.toThrow(/half\.png: the PNG file cannot be decoded/);
    await expect(readPlane(p('missing.tif'))).rejects.toThrow(/missing\.tif: file not found/);
  });
});

function u16Page(v: number) {
  return { width: 8, height: 8, data: new Uint16Array(64).fill(v) };
}

describe.skipIf(!hasSharedData)('real data', () => {
  let bbbc = '';
  let dsb = '';
  beforeAll(async () => {
    const { readdirSync } = await import('node:fs');
    bbbc = join(BBBC039, 'images', readdirSync(join(BBBC039, 'images')).sort()[0]!);
    dsb = join(DSB2018, 'images', readdirSync(join(DSB2018, 'images')).sort()[0]!);
  });
  it('BBBC039 (MetaMorph TIFF, 12-bit in 16) and DSB2018 (RGBA PNG, equal channels)', async () => {
    const a = await readPlane(bbbc);
    expect([a.width, a.height, a.bitDepth]).toEqual([696, 520, 16]);
    expect(Math.max(...a.data.subarray(0, 5000))).toBeLessThanOrEqual(4095);
    const b = await readImage(dsb);
    expect(b.planes).toHaveLength(1);
    expect(b.planes[0]!.data).toBeInstanceOf(Uint8Array);
  });
});
