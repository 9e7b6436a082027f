/**
 * The fast decoder for the TIFF pages microscopes and ScopePilot itself write: one sample per
 * pixel, 8/16/32 bits, strips or tiles, uncompressed or Deflate-compressed (with or without the
 * horizontal predictor). Everything else (LZW, JPEG, PackBits, several samples per pixel, the
 * floating-point predictor) goes through geotiff (read.ts).
 *
 * Deflate is decoded here, with node:zlib, and not left to geotiff: geotiff inflates in JavaScript
 * (pako) and copies through its own raster arrays. A 696 x 520 label image as ScopePilot writes it
 * (labels-write.ts) took 10.5-12 ms through geotiff and 1.6-2.6 ms here (0.5-1.3 ms uncompressed).
 * geotiff also gets big-endian files with the predictor wrong (tiff-decode.test.ts).
 */
import { inflateSync } from 'node:zlib';
import { type ByteSource, type TiffPageInfo, truncated } from './tiff-parse.js';

const isDeflate = (compression: number) => compression === 8 || compression === 32946;

/**
 * True when `decodeRawPage` can decode the page: one sample of 8, 16 or 32 bits, uncompressed,
 * or Deflate without a predictor or with the horizontal one (predictor 2).
 */
export function canDecodeRaw(p: TiffPageInfo): boolean {
  const deflate = isDeflate(p.compression);
  return (
    (p.compression === 1 || (deflate && (p.predictor === 1 || p.predictor === 2))) &&
    p.samplesPerPixel === 1 &&
    (p.bitsPerSample === 8 || p.bitsPerSample === 16 || p.bitsPerSample === 32) &&
    p.offsets.length > 0 &&
    p.offsets.length === p.byteCounts.length
  );
}

/**
 * Decode a page `canDecodeRaw` accepts into little-endian native bytes (an ArrayBuffer of
 * width*height*bytes). Throws UserError when the data runs past the end of the file or does not
 * inflate.
 */
export function decodeRawPage(src: ByteSource, p: TiffPageInfo, littleEndian: boolean, path: string): ArrayBuffer {
  const bpp = p.bitsPerSample / 8;
  const rowBytes = p.width * bpp;
  const out = new Uint8Array(p.width * p.height * bpp);
  const deflate = isDeflate(p.compression);
  /** Strip or tile `k`'s bytes, at least `len` of them (inflated when compressed). */
  const chunk = (k: number, len: number): Uint8Array => {
    const off = p.offsets[k] ?? 0;
    const stored = deflate ? (p.byteCounts[k] ?? 0) : len;
    if (off + stored > src.size) throw truncated(path, `image data ends at byte ${off + stored} but the file has ${src.size} bytes`);
    if (!deflate) return src.read(off, len);
    let bytes: Uint8Array;
    try {
      bytes = inflateSync(src.read(off, stored));
    } catch (err) {
      throw truncated(path, `${p.tileWidth ? 'tile' : 'strip'} ${k + 1} does not inflate: ${(err as Error).message}`);
    }
    if (bytes.length < len) throw truncated(path, `${p.tileWidth ? 'tile' : 'strip'} ${k + 1} holds ${bytes.length} of ${len} bytes`);
    return bytes;
  };
  if (p.tileWidth && p.tileLength) {
    const tw = p.tileWidth;
    const tl = p.tileLength;
    const across = Math.ceil(p.width / tw);
    const down = Math.ceil(p.height / tl);
    const tileRow = tw * bpp;
    for (let ty = 0; ty < down; ty++) {
      for (let tx = 0; tx < across; tx++) {
        const tile = chunk(ty * across + tx, tileRow * tl);
        const cols = Math.min(tw, p.width - tx * tw) * bpp;
        const rows = Math.min(tl, p.height - ty * tl);
        for (let r = 0; r < rows; r++) {
          out.set(tile.subarray(r * tileRow, r * tileRow + cols), (ty * tl + r) * rowBytes + tx * tileRow);
        }
      }
    }
  } else {
    const rps = p.rowsPerStrip;
    let row = 0;
    for (let k = 0; k < p.offsets.length && row < p.height; k++) {
      const rows = Math.min(rps, p.height - row);
      const len = rows * rowBytes;
      out.set(chunk(k, len).subarray(0, len), row * rowBytes);
      row += rows;
    }
    if (row < p.height) throw truncated(path, `strips cover ${row} of ${p.height} rows`);
  }
  if (!littleEndian && bpp > 1) swapBytes(out, bpp);
  if (deflate && p.predictor === 2) undoHorizontalDifferences(out.buffer, p.width, p.height, bpp, p.tileWidth || p.width);
  return out.buffer;
}

/**
 * TIFF predictor 2: each sample was stored as its difference from the one to its left, modulo
 * 2^bits, restarting at the left edge of every strip row or tile row (`segment` columns). Sums
 * them back in place (typed-array stores wrap modulo 2^bits).
 */
function undoHorizontalDifferences(buf: ArrayBuffer, width: number, height: number, bpp: number, segment: number): void {
  if (bpp === 1) sumRuns(new Uint8Array(buf), width, height, segment);
  else if (bpp === 2) sumRuns(new Uint16Array(buf), width, height, segment);
  else sumRuns(new Uint32Array(buf), width, height, segment);
}

function sumRuns(a: Uint8Array | Uint16Array | Uint32Array, width: number, height: number, segment: number): void {
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x0 = 0; x0 < width; x0 += segment) {
      const end = row + Math.min(width, x0 + segment);
      for (let i = row + x0 + 1; i < end; i++) a[i] = a[i]! + a[i - 1]!;
    }
  }
}

function swapBytes(b: Uint8Array, size: number): void {
  for (let i = 0; i + size <= b.length; i += size) {
    for (let a = i, z = i + size - 1; a < z; a++, z--) {
      const t = b[a]!;
      b[a] = b[z]!;
      b[z] = t;
    }
  }
}
