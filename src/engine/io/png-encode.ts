/**
 * A palette PNG encoder for previews: 8-bit indices (one byte per pixel) and a colour table,
 * deflated with node:zlib. By hand rather than with sharp: sharp encodes a palette image only
 * after quantising it with libimagequant, so a grey image with coloured outlines had to go in as
 * RGB, three bytes per pixel to filter and compress. The runner's previews (512 px BBBC039) took
 * 11-15 ms in sharp at level 3; this takes 3-5 ms and the files are about 45% smaller (the grey
 * values compress as one byte, not three). The output is a standard PNG (IHDR, PLTE, IDAT, IEND)
 * that any decoder reads.
 */
import { constants, deflateSync } from 'node:zlib';

const SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

let crcTable: Uint32Array | undefined;

/** CRC-32 (PNG's, the same as zlib's). zlib.crc32 only exists from Node 20.15, hence by hand. */
function crc32(bytes: Uint8Array, crc = 0xffffffff): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  const t = crcTable;
  let c = crc;
  for (let i = 0; i < bytes.length; i++) c = t[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return c;
}

/** One chunk: length, type, data, CRC of type and data. */
function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  out.set(data, 8);
  out.writeUInt32BE((crc32(out.subarray(4, 8 + data.length)) ^ 0xffffffff) >>> 0, 8 + data.length);
  return out;
}

/**
 * Encode `index` (width x height, row by row, one palette index per pixel) with `palette`
 * (3 bytes r, g, b per entry, at most 256 entries) as a PNG. Every row uses the Sub filter
 * (difference to the pixel on the left), which suits palettes that run from dark to light as a
 * grey ramp does: 7-10% smaller files than no filter on 512 px BBBC039 previews. zlib compresses
 * with runs only (Z_RLE): on those noisy previews 6-8% smaller than its level 1 and up to 1.5x
 * as fast; unlike Huffman coding alone it still shrinks flat backgrounds (a black 512 x 383
 * preview: 1 KB against 25 KB).
 */
export function encodePalettePng(width: number, height: number, index: Uint8Array, palette: Uint8Array): Buffer {
  if (index.length !== width * height) throw new RangeError(`encodePalettePng: ${index.length} indices for ${width} x ${height}`);
  if (palette.length % 3 !== 0 || palette.length === 0 || palette.length > 768) {
    throw new RangeError('encodePalettePng: the palette needs 1 to 256 entries of 3 bytes');
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 3; // colour type: palette
  // compression, filter method and interlace stay 0
  const stride = width + 1;
  const raw = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const o = y * stride;
    const r = y * width;
    raw[o] = 1; // filter: Sub
    raw[o + 1] = index[r]!;
    for (let x = 1; x < width; x++) raw[o + 1 + x] = (index[r + x]! - index[r + x - 1]!) & 0xff;
  }
  return Buffer.concat([
    SIGNATURE,
    chunk('IHDR', ihdr),
    chunk('PLTE', palette),
    chunk('IDAT', deflateSync(raw, { level: 1, strategy: constants.Z_RLE })),
    chunk('IEND', new Uint8Array(0)),
  ]);
}
