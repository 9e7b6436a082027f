import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { writeLabelTiff } from '../../../src/engine/io/labels-write.js';
import { renderPreview } from '../../../src/engine/io/preview.js';
import { probe } from '../../../src/engine/io/probe.js';
import { readImage } from '../../../src/engine/io/read.js';
import { encodeTiff } from '../../../src/engine/io/tiff-write.js';
import type { Labels, Plane } from '../../../src/engine/types.js';
import { BBBC039, DSB2018, hasSharedData } from '../../helpers/shared-data.js';

const dir = mkdtempSync(join(tmpdir(), 'sp-probe-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const p = (name: string) => join(dir, name);
const py = spawnSync('/usr/bin/python3', [join(import.meta.dirname, 'make_fixtures.py'), dir], { encoding: 'utf8' });
const hasPython = py.status === 0;
if (!hasPython) console.warn('[io tests] /usr/bin/python3 with tifffile/Pillow not available: probe tests on TIFF variants skipped');
const codes = (r: { problems: { code: string }[] }) => r.problems.map((q) => q.code).sort();

describe('probe', () => {
  it('a zero-byte file is "empty" and a text file "unreadable", without throwing', async () => {
    writeFileSync(p('zero.tif'), Buffer.alloc(0));
    writeFileSync(p('text.tif'), 'hello');
    expect(codes(await probe(p('zero.tif')))).toEqual(['empty']);
    const t = await probe(p('text.tif'));
    expect(codes(t)).toEqual(['unreadable']);
    expect(t.problems[0]!.message).toMatch(/text\.tif: not an image/);
  });

  it('a calibrated 16-bit TIFF: facts, pixel size, significant bits, no problems', async () => {
    const data = new Uint16Array(40 * 30);
    for (let i = 0; i < data.length; i++) data[i] = 100 + i;
    data[0] = 4000;
    writeFileSync(
      p('cal.tif'),
      encodeTiff([{ width: 40, height: 30, data }], { description: 'ImageJ=1.54f\nunit=micron\n', pixelSizeUm: 0.65 }),
    );
    const r = await probe(p('cal.tif'));
    expect(r).toMatchObject({ format: 'tiff', width: 40, height: 30, bitDepth: 16, pages: 1, sampleFormat: 'uint', compression: 'none' });
    expect(r.pixelSizeUm).toBeCloseTo(0.65, 5);
    expect(r.significantBits).toBe(12);
    expect(r.problems).toEqual([]);
  });

  it('a blank image is "empty"', async () => {
    writeFileSync(p('blank.tif'), encodeTiff([{ width: 8, height: 8, data: new Uint16Array(64).fill(7) }]));
    expect(codes(await probe(p('blank.tif')))).toContain('empty');
  });

  it.skipIf(!hasPython)('flags lossy JPEG, 8-bit and RGB exports, clipping, missing pixel size', async () => {
    expect(codes(await probe(p('gray.jpg')))).toEqual(['8bit-export', 'lossy', 'no-pixel-size']);
    expect(codes(await probe(p('rgb_color.png')))).toEqual(['8bit-export', 'no-pixel-size', 'rgb-export']);
    const eq = await probe(p('rgb_equal.tif'));
    expect(eq.problems.find((q) => q.code === 'rgb-export')!.message).toMatch(/grayscale image saved as RGB/);
    const clipped = await probe(p('clipped.tif'));
    expect(codes(clipped)).toEqual(['clipped', 'no-pixel-size']);
    expect(clipped.problems[0]!.message).toMatch(/5\.0% of pixels sit at the maximum value 4095/);
    const ij = await probe(p('ij.tif'));
    expect(ij.pages).toBe(12);
    expect(ij.axes).toEqual({ c: 2, z: 3, t: 2 });
    expect(ij.pixelSizeUm).toBeCloseTo(0.25, 6);
    const ome = await probe(p('ome.ome.tif'));
    expect(ome).toMatchObject({ format: 'ome-tiff', channelNames: ['DAPI', 'GFP'], axes: { c: 2, z: 3, t: 1 } });
    expect((await probe(p('lzw.tif'))).compression).toBe('lzw');
  });
});

function labelsOf(width: number, height: number, data: Int32Array): Labels {
  let count = 0;
  for (const v of data) count = Math.max(count, v);
  return { width, height, data, count };
}

describe('writeLabelTiff', () => {
  it('writes uint16 labels that read back identical, with the pixel size', async () => {
    const data = new Int32Array(20 * 10);
    data.fill(3, 0, 50);
    data.fill(65535, 150, 160);
    await writeLabelTiff(p('out/labels16.tif'), labelsOf(20, 10, data), { pixelSizeUm: 0.5 });
    const img = await readImage(p('out/labels16.tif'));
    expect(img.planes[0]!.data).toBeInstanceOf(Uint16Array);
    expect(Array.from(img.planes[0]!.data)).toEqual(Array.from(data));
    expect(img.pixelSizeUm).toBeCloseTo(0.5, 5);
  });

  it('switches to uint32 above 65,535 objects', async () => {
    const data = new Int32Array(16);
    data[3] = 70000;
    data[4] = 1;
    await writeLabelTiff(p('labels32.tif'), labelsOf(4, 4, data));
    const bytes = readFileSync(p('labels32.tif'));
    const img = await readImage(p('labels32.tif'));
    expect(Array.from(img.planes[0]!.data)).toEqual(Array.from(data));
    expect(bytes.length).toBeGreaterThan(16 * 4);
    if (hasPython) {
      const r = spawnSync(
        '/usr/bin/python3',
        ['-c', `import tifffile; a = tifffile.imread(${JSON.stringify(p('labels32.tif'))}); print(a.dtype, a.max())`],
        {
          encoding: 'utf8',
        },
      );
      expect(r.stdout.trim()).toBe('uint32 70000');
    }
  });
});

describe('renderPreview', () => {
  const w = 40;
  const h = 20;
  const plane: Plane = { width: w, height: h, data: new Uint16Array(w * h).fill(1000), bitDepth: 16 };
  const lab = new Int32Array(w * h);
  for (let y = 5; y < 15; y++)
    for (let x = 5; x < 15; x++) {
      (plane.data as Uint16Array)[y * w + x] = 3000;
      lab[y * w + x] = 1;
    }

  it('auto-contrast: background black, object white, outline in the given colour', async () => {
    const png = await renderPreview(plane, { labels: labelsOf(w, h, lab), outlineColor: '#ff0000' });
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height, info.channels]).toEqual([w, h, 3]);
    const px = (x: number, y: number) => Array.from(data.subarray((y * w + x) * 3, (y * w + x) * 3 + 3));
    expect(px(1, 1)).toEqual([0, 0, 0]);
    expect(px(10, 10)).toEqual([255, 255, 255]);
    expect(px(5, 10)).toEqual([255, 0, 0]);
  });

  it('scales to the requested width keeping the aspect ratio', async () => {
    const png = await renderPreview(plane, { width: 20 });
    const m = await sharp(png).metadata();
    expect([m.width, m.height, m.format]).toEqual([20, 10, 'png']);
  });

  it('enlarging (a tiny image) gives grey pixels from black to white and outlines in the outline colour only', async () => {
    const png = await renderPreview(plane, { width: 160, labels: labelsOf(w, h, lab) });
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height, info.channels]).toEqual([160, 80, 3]);
    const greys = new Set<number>();
    let outline = 0;
    for (let i = 0; i < 160 * 80; i++) {
      const [r, g, b] = [data[i * 3]!, data[i * 3 + 1]!, data[i * 3 + 2]!];
      if (r === 255 && g === 212 && b === 0) outline++;
      else {
        expect(r === g && g === b).toBe(true);
        greys.add(r);
      }
    }
    expect(outline).toBeGreaterThan(0);
    expect(Math.min(...greys)).toBe(0);
    expect(Math.max(...greys)).toBe(255);
    // without labels no pixel takes the outline colour (interpolation overshoot stays grey)
    const plain = await sharp(await renderPreview(plane, { width: 160 }))
      .raw()
      .toBuffer();
    let coloured = 0;
    for (let i = 0; i < plain.length; i += 3) if (plain[i] !== plain[i + 1] || plain[i + 1] !== plain[i + 2]) coloured++;
    expect(coloured).toBe(0);
  });

  it('shrinking averages the pixels each output pixel covers (1-px stripes become grey, not black or white)', async () => {
    const stripes: Plane = { width: 40, height: 20, data: new Uint16Array(800), bitDepth: 16 };
    for (let i = 0; i < 800; i++) (stripes.data as Uint16Array)[i] = i % 2 === 0 ? 1000 : 3000;
    const { data, info } = await sharp(await renderPreview(stripes, { width: 20 }))
      .raw()
      .toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([20, 10]);
    expect(new Set(data)).toEqual(new Set([128]));
  });
});

describe.skipIf(!hasSharedData)('probe on real data', () => {
  it('BBBC039: 16-bit TIFF with 12-bit values, only the pixel size missing; DSB2018: 8-bit grayscale saved as RGBA PNG', async () => {
    const { readdirSync } = await import('node:fs');
    const tif = join(BBBC039, 'images', readdirSync(join(BBBC039, 'images')).sort()[0]!);
    const a = await probe(tif);
    expect(a).toMatchObject({ format: 'tiff', width: 696, height: 520, bitDepth: 16, significantBits: 12, pages: 1 });
    expect(codes(a)).toEqual(['no-pixel-size']);
    const png = join(DSB2018, 'images', readdirSync(join(DSB2018, 'images')).sort()[0]!);
    const b = await probe(png);
    expect(b).toMatchObject({ format: 'png', bitDepth: 8, samplesPerPixel: 4 });
    expect(codes(b)).toEqual(['8bit-export', 'no-pixel-size', 'rgb-export']);
  });
});
