import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromArrayBuffer } from 'geotiff';
import { describe, expect, it } from 'vitest';
import { encodeLabelTiff, writeLabelTiffSync } from '../../../src/engine/io/labels-write.js';
import { encodeTiff, encodeTiffParts } from '../../../src/engine/io/tiff-write.js';

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
    const py = '/usr/bin/python3';
    let ok = existsSync(py);
    if (ok) {
      try {
        execFileSync(py, ['-c', 'import tifffile']);
      } catch {
        ok = false;
      }
    }
    if (!ok) {
      console.warn('python3-tifffile not installed: cross-check with tifffile skipped');
      return;
    }
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
