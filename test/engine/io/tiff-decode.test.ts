import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { fromArrayBuffer } from 'geotiff';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../../src/engine/errors.js';
import { readPlane } from '../../../src/engine/io/read.js';
import { canDecodeRaw, decodeRawPage } from '../../../src/engine/io/tiff-decode.js';
import { bufferSource, parseTiff } from '../../../src/engine/io/tiff-parse.js';
import { python3Tifffile } from '../../helpers/reference-tools.js';

interface Spec {
  le: boolean;
  width: number;
  height: number;
  bits: 8 | 16 | 32;
  predictor: 1 | 2;
  /** Tiles of [width, length]; else strips of `rowsPerStrip` rows. */
  tile?: [number, number];
  rowsPerStrip?: number;
}

/**
 * A Deflate TIFF built independently of the encoder under test: chunks (strips or tiles, edge
 * tiles padded with zeros), predictor 2 applied per chunk row, samples in the file's byte order.
 */
function buildTiff(s: Spec, values: number[]): Buffer {
  const bpp = s.bits / 8;
  const [cw, ch] = s.tile ?? [s.width, s.rowsPerStrip ?? s.height];
  const across = s.tile ? Math.ceil(s.width / cw) : 1;
  const down = Math.ceil(s.height / ch);
  const chunks: Buffer[] = [];
  const mod = 2 ** s.bits;
  for (let ty = 0; ty < down; ty++) {
    for (let tx = 0; tx < across; tx++) {
      const rows = s.tile ? ch : Math.min(ch, s.height - ty * ch);
      const raw = Buffer.alloc(rows * cw * bpp);
      const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
      for (let r = 0; r < rows; r++) {
        let prev = 0;
        for (let c = 0; c < cw; c++) {
          const x = tx * cw + c;
          const y = ty * ch + r;
          const v = x < s.width && y < s.height ? values[y * s.width + x]! : 0;
          const stored = s.predictor === 2 ? (((v - prev) % mod) + mod) % mod : v;
          prev = v;
          const at = (r * cw + c) * bpp;
          if (bpp === 1) dv.setUint8(at, stored);
          else if (bpp === 2) dv.setUint16(at, stored, s.le);
          else dv.setUint32(at, stored, s.le);
        }
      }
      chunks.push(deflateSync(raw));
    }
  }
  const tags: [number, number, number[]][] = [
    [256, 4, [s.width]],
    [257, 4, [s.height]],
    [258, 3, [s.bits]],
    [259, 3, [8]],
    [262, 3, [1]],
    [277, 3, [1]],
    [317, 3, [s.predictor]],
    [339, 3, [1]],
  ];
  let at = 8;
  const offsets = chunks.map((c) => {
    const o = at;
    at += c.length;
    return o;
  });
  const counts = chunks.map((c) => c.length);
  if (s.tile) tags.push([322, 4, [cw]], [323, 4, [ch]], [324, 4, offsets], [325, 4, counts]);
  else tags.push([273, 4, offsets], [278, 4, [ch]], [279, 4, counts]);
  tags.sort((a, b) => a[0] - b[0]);
  const ifdAt = at + (at % 2);
  const extraAt = ifdAt + 2 + tags.length * 12 + 4;
  const extras: number[] = [];
  const head = Buffer.alloc(extraAt);
  const dv = new DataView(head.buffer);
  head.write(s.le ? 'II' : 'MM', 0, 'latin1');
  dv.setUint16(2, 42, s.le);
  dv.setUint32(4, ifdAt, s.le);
  dv.setUint16(ifdAt, tags.length, s.le);
  tags.forEach(([tag, type, vals], k) => {
    const e = ifdAt + 2 + k * 12;
    dv.setUint16(e, tag, s.le);
    dv.setUint16(e + 2, type, s.le);
    dv.setUint32(e + 4, vals.length, s.le);
    if (vals.length === 1) {
      if (type === 3) dv.setUint16(e + 8, vals[0]!, s.le);
      else dv.setUint32(e + 8, vals[0]!, s.le);
    } else {
      dv.setUint32(e + 8, extraAt + extras.length * 4, s.le);
      extras.push(...vals);
    }
  });
  const tail = Buffer.alloc(extras.length * 4);
  for (let j = 0; j < extras.length; j++) {
    if (s.le) tail.writeUInt32LE(extras[j]!, j * 4);
    else tail.writeUInt32BE(extras[j]!, j * 4);
  }
  const file = Buffer.concat([head, tail]);
  Buffer.concat(chunks).copy(file, 8);
  return file;
}

function ours(file: Buffer, bits: number): number[] {
  const info = parseTiff(bufferSource(file), 'x.tif');
  const p = info.pages[0]!;
  expect(canDecodeRaw(p)).toBe(true);
  const ab = decodeRawPage(bufferSource(file), p, info.littleEndian, 'x.tif');
  return Array.from(bits === 8 ? new Uint8Array(ab) : bits === 16 ? new Uint16Array(ab) : new Uint32Array(ab));
}

async function geotiffValues(file: Buffer): Promise<number[]> {
  const t = await fromArrayBuffer(file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength) as ArrayBuffer);
  const r = (await (await t.getImage(0)).readRasters()) as unknown as ArrayLike<number>[];
  return Array.from(r[0]!);
}

describe('decodeRawPage: Deflate pages', () => {
  const width = 37;
  const height = 23;
  it('decodes strips and tiles, both byte orders, 8/16/32 bits, with and without predictor 2, as geotiff does', async () => {
    let cases = 0;
    for (const bits of [8, 16, 32] as const) {
      // values that wrap when differenced: large jumps up and down
      const top = 2 ** bits - 1;
      const values = Array.from({ length: width * height }, (_, i) => (i * 2654435761) % (top + 1));
      for (const le of [true, false])
        for (const predictor of [1, 2] as const)
          for (const layout of [{ rowsPerStrip: 5 }, { rowsPerStrip: height }, { tile: [16, 16] as [number, number] }]) {
            const spec: Spec = { le, width, height, bits, predictor, ...layout };
            const file = buildTiff(spec, values);
            const what = JSON.stringify(spec);
            expect(ours(file, bits), what).toEqual(values);
            // geotiff (2.1) sums the differences before it swaps the bytes of a big-endian file,
            // which gives other values; tifffile agrees with this decoder (the test below)
            if (le || predictor === 1 || bits === 8) expect(await geotiffValues(file), what).toEqual(values);
            else expect(await geotiffValues(file), what).not.toEqual(values);
            cases++;
          }
    }
    expect(cases).toBe(36);
  });

  it('says a damaged strip does not inflate, and a strip past the end of the file is truncated', () => {
    const values = Array.from({ length: width * height }, (_, i) => i % 200);
    const file = buildTiff({ le: true, width, height, bits: 16, predictor: 2, rowsPerStrip: 8 }, values);
    const info = parseTiff(bufferSource(file), 'x.tif');
    const p = info.pages[0]!;
    const bad = Buffer.from(file);
    bad.fill(0x55, p.offsets[1]!, p.offsets[1]! + 6);
    expect(() => decodeRawPage(bufferSource(bad), p, true, 'bad.tif')).toThrow(UserError);
    expect(() => decodeRawPage(bufferSource(bad), p, true, 'bad.tif')).toThrow(/bad\.tif: .*strip 2 does not inflate/);
    const cut = file.subarray(0, p.offsets[2]! + 3);
    expect(() => decodeRawPage(bufferSource(cut), p, true, 'cut.tif')).toThrow(
      /cut\.tif: the TIFF file is truncated .*image data ends at byte/,
    );
  });

  it('leaves the floating-point predictor and LZW to geotiff', () => {
    const file = buildTiff({ le: true, width: 4, height: 2, bits: 16, predictor: 2 }, [1, 2, 3, 4, 5, 6, 7, 8]);
    const p = parseTiff(bufferSource(file), 'x.tif').pages[0]!;
    expect(canDecodeRaw({ ...p, predictor: 3 })).toBe(false);
    expect(canDecodeRaw({ ...p, compression: 5 })).toBe(false);
    expect(canDecodeRaw({ ...p, compression: 32946 })).toBe(true);
  });

  it('reads what tifffile writes with zlib and the predictor, in both byte orders, strips and tiles (skipped without python3-tifffile)', async () => {
    const py = python3Tifffile('cross-check with tifffile');
    if (!py) return;
    const dir = mkdtempSync(join(tmpdir(), 'sp-deflate-'));
    const script = [
      'import sys, numpy as np, tifffile',
      'out = sys.argv[1]',
      'a = (np.arange(37 * 23, dtype=np.uint64) * 2654435761 % 65536).reshape(23, 37)',
      "for bo in '<>':",
      "  for dt in ('u1', 'u2', 'u4'):",
      "    for lay in ('s', 't'):",
      "      kw = dict(tile=(16, 16)) if lay == 't' else dict(rowsperstrip=5)",
      "      name = dt + lay + ('b' if bo == '>' else 'l')",
      "      tifffile.imwrite(f'{out}/{name}.tif', a.astype(bo + dt), byteorder=bo, compression='zlib', predictor=True, **kw)",
    ].join('\n');
    execFileSync(py, ['-c', script, dir]);
    const full = Array.from({ length: 37 * 23 }, (_, i) => Number((BigInt(i) * 2654435761n) % 65536n));
    let files = 0;
    for (const [dt, mod] of [
      ['u1', 256],
      ['u2', 65536],
      ['u4', 2 ** 32],
    ] as const)
      for (const lay of ['s', 't'])
        for (const bo of ['l', 'b']) {
          const plane = await readPlane(join(dir, `${dt}${lay}${bo}.tif`));
          expect(Array.from(plane.data), `${dt}${lay}${bo}`).toEqual(full.map((v) => v % mod));
          files++;
        }
    expect(files).toBe(12);
  });
});
