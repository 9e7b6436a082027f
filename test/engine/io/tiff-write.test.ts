import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromArrayBuffer } from 'geotiff';
import { describe, expect, it } from 'vitest';
import { encodeLabelTiff, writeLabelTiffSync } from '../../../src/engine/io/labels-write.js';
import { readPlane } from '../../../src/engine/io/read.js';
import { bufferSource, parseTiff } from '../../../src/engine/io/tiff-parse.js';
import { encodeTiff, encodeTiffParts } from '../../../src/engine/io/tiff-write.js';
import { imagej, python3Tifffile } from '../../helpers/reference-tools.js';

async function decode(buf: Buffer) {
  const tiff = await fromArrayBuffer(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer);
  const n = await tiff.getImageCount();
  const pages = [];
  for (let i = 0; i < n; i++) {
    const img = await tiff.getImage(i);
    const r = (await img.readRasters()) as unknown as ArrayLike<number>[];
    pages.push({
      w: img.getWidth(),
      h: img.getHeight(),
      values: Array.from(r[0]!),
    });
  }
  return pages;
}

describe('encodeTiff', () => {
  it('round-trips a two-page uint16 stack through geotiff, value for value', async () => {
    const a = Uint16Array.from({ length: 15 }, (_, i) => i * 4000);
    const b = a.map((v) => v + 1);
    const pages = await decode(
      encodeTiff(
        [
          { width: 5, height: 3, data: a },
          { width: 5, height: 3, data: b },
        ],
        { description: 'ImageJ=1.54\nimages=2\n' },
      ),
    );
    expect(pages).toHaveLength(2);
    expect(pages[0]!.values).toEqual(Array.from(a));
    expect(pages[1]!.values).toEqual(Array.from(b));
  });

  it('writes labels above 65535 as uint32 and floats as float32', async () => {
    const labels = Int32Array.from([0, 1, 70000, 65535, 2, 0]);
    expect((await decode(encodeTiff([{ width: 3, height: 2, data: labels }])))[0]!.values).toEqual([0, 1, 70000, 65535, 2, 0]);
    const f = Float32Array.from([0.5, -1.25, 3, 1e-3]);
    const got = (await decode(encodeTiff([{ width: 2, height: 2, data: f }])))[0]!.values;
    expect(got).toEqual(Array.from(f));
  });

  it('is read by tifffile with pixel size and description (skipped without python3-tifffile)', () => {
    const py = python3Tifffile('cross-check with tifffile');
    if (!py) return;
    const dir = mkdtempSync(join(tmpdir(), 'sp-tiff-'));
    const file = join(dir, 'x.tif');
    writeFileSync(
      file,
      encodeTiff([{ width: 4, height: 2, data: Uint16Array.from([1, 2, 3, 4, 5, 6, 7, 65535]) }], {
        description: 'hello',
        pixelSizeUm: 0.5,
      }),
    );
    const out = execFileSync(py, [
      '-c',
      'import sys,tifffile;t=tifffile.TiffFile(sys.argv[1]);p=t.pages[0];x=p.tags["XResolution"].value;print(p.dtype, t.asarray().ravel().tolist(), p.description, x[0]/x[1])',
      file,
    ]).toString();
    expect(out.trim()).toBe('uint16 [1, 2, 3, 4, 5, 6, 7, 65535] hello 2.0');
  });
});

describe('label TIFFs written in pieces', () => {
  it('writeLabelTiffSync writes the bytes encodeLabelTiff gives (uint16 and uint32), through geotiff value for value', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sp-labels-'));
    for (const top of [300, 70000]) {
      const data = Int32Array.from({ length: 37 * 23 }, (_, i) => (i * 7919) % (top + 1));
      const labels = { width: 37, height: 23, data, count: top };
      const path = join(dir, 'sub', `l${top}.tif`);
      writeLabelTiffSync(path, labels, { pixelSizeUm: 0.65 });
      const bytes = readFileSync(path);
      expect(bytes.equals(encodeLabelTiff(labels, { pixelSizeUm: 0.65 }))).toBe(true);
      const [page] = await decode(bytes);
      expect(page!.values).toEqual(Array.from(data));
      expect(data[1]).toBe(7919 % (top + 1)); // the labels are not changed
    }
  });

  it('finds the largest label wherever it is (every position of 1..9 pixels): max in the description, uint32 above 65535', async () => {
    for (let n = 1; n <= 9; n++) {
      for (let at = 0; at < n; at++) {
        for (const top of [2, 65535, 65536]) {
          const data = Int32Array.from({ length: n }, (_, i) => (i === at ? top : 1));
          const bytes = encodeLabelTiff({ width: n, height: 1, data, count: top });
          const where = `${n} pixels, ${top} at ${at}`;
          expect(bytes.toString('latin1'), where).toContain(`\nmax=${top}.0\n`);
          // BitsPerSample (tag 258) in the IFD, whose offset the header gives
          const ifd = bytes.readUInt32LE(4);
          const entries = bytes.readUInt16LE(ifd);
          let bits = 0;
          for (let k = 0; k < entries; k++)
            if (bytes.readUInt16LE(ifd + 2 + k * 12) === 258) bits = bytes.readUInt16LE(ifd + 2 + k * 12 + 8);
          expect(bits, where).toBe(top > 65535 ? 32 : 16);
          if (at === n - 1) expect((await decode(bytes))[0]!.values, where).toEqual(Array.from(data));
        }
      }
    }
    // no objects: max 0, uint16
    expect(encodeLabelTiff({ width: 3, height: 3, data: new Int32Array(9), count: 0 }).toString('latin1')).toContain('\nmax=0.0\n');
  });

  it('encodeTiffParts joined is encodeTiff, for several pages, a description and a pixel size', () => {
    const pages = [0, 1, 2].map((k) => ({ width: 5, height: 3, data: Float32Array.from({ length: 15 }, (_, i) => i * k + 0.5) }));
    const opts = { description: 'ImageJ=1.54f\nimages=3\n', pixelSizeUm: 0.3, software: 'ScopePilot' };
    expect(Buffer.concat(encodeTiffParts(pages, opts)).equals(encodeTiff(pages, opts))).toBe(true);
  });
});

describe('label TIFFs are Deflate-compressed', () => {
  // 700 x 400: several strips (256 KB each uncompressed); values vary along rows and columns
  const width = 700;
  const height = 400;
  const data16 = Int32Array.from({ length: width * height }, (_, i) => (((i / width) | 0) * 7 + ((i % width) >> 4)) % 3000);
  const data32 = Int32Array.from(data16, (v) => v * 30);
  const sum = (a: Int32Array) => a.reduce((s, v) => s + v, 0);

  it('in strips of whole rows, compression 8, read back value for value by geotiff and by readPlane; a tenth the size or less', async () => {
    for (const data of [data16, data32]) {
      const bytes = encodeLabelTiff({ width, height, data, count: 0 }, { pixelSizeUm: 0.5 });
      const info = parseTiff(bufferSource(bytes), 'l.tif');
      const p = info.pages[0]!;
      expect(p.compression).toBe(8);
      expect(p.offsets.length).toBe(Math.ceil(height / Math.floor((256 * 1024) / ((width * p.bitsPerSample) / 8))));
      expect(bytes.length).toBeLessThan((width * height * p.bitsPerSample) / 8 / 10);
      expect((await decode(bytes))[0]!.values).toEqual(Array.from(data));
      const dir = mkdtempSync(join(tmpdir(), 'sp-labels-'));
      writeFileSync(join(dir, 'l.tif'), bytes);
      const plane = await readPlane(join(dir, 'l.tif'));
      expect(Array.from(plane.data)).toEqual(Array.from(data));
    }
  });

  it('opens in ImageJ with its values and pixel size (skipped without ImageJ, xvfb-run and java)', () => {
    const jar = imagej('label TIFF cross-check with ImageJ');
    if (!jar) return;
    const dir = mkdtempSync(join(tmpdir(), 'sp-labels-ij-'));
    writeLabelTiffSync(join(dir, 'l16.tif'), { width, height, data: data16, count: 0 }, { pixelSizeUm: 0.5 });
    writeLabelTiffSync(join(dir, 'l32.tif'), { width, height, data: data32, count: 0 });
    const macro = join(dir, 'check.ijm');
    writeFileSync(
      macro,
      [
        'files = split(getArgument(), ",");',
        'for (i = 0; i < files.length; i++) { open(files[i]); getRawStatistics(n, mean); getPixelSize(unit, pw, ph);',
        '  print(getTitle() + " " + getWidth() + "x" + getHeight() + " " + bitDepth() + " sum=" + d2s(n * mean, 0) + " p=" + getPixel(456, 123) + "," + getPixel(699, 399) + " " + unit + " " + pw); close(); }',
      ].join('\n'),
    );
    const out = execFileSync('xvfb-run', ['-a', 'java', '-jar', jar, '-batch', macro, `${join(dir, 'l16.tif')},${join(dir, 'l32.tif')}`], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    const at = (a: Int32Array) => `${a[123 * width + 456]},${a[399 * width + 699]}`;
    expect(out).toContain(`l16.tif ${width}x${height} 16 sum=${sum(data16)} p=${at(data16)} microns 0.5`);
    expect(out).toContain(`l32.tif ${width}x${height} 32 sum=${sum(data32)} p=${at(data32)} pixels 1`);
  }, 90_000);
});
