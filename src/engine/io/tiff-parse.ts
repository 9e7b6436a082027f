/**
 * A small TIFF structure reader: header, the chain of IFDs and the tags ScopePilot needs, from a
 * buffer or from an open file (so `probe` reads a few hundred bytes, not the pixels). The fast
 * decoder for the common pages is tiff-decode.ts; everything else goes through geotiff (see read.ts).
 *
 * @see TIFF 6.0 specification (Adobe, 1992); BigTIFF (Aware Systems, 2008).
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { UserError } from '../errors.js';

/** Random access to bytes: a whole buffer or an open file. */
export interface ByteSource {
  size: number;
  read(offset: number, length: number): Uint8Array;
}

/** A ByteSource over bytes already in memory (no copies). */
export function bufferSource(buf: Uint8Array): ByteSource {
  return { size: buf.length, read: (offset, length) => buf.subarray(offset, Math.min(buf.length, offset + length)) };
}

/** A ByteSource reading an open file on demand; call `close()` when done. */
export function fileSource(path: string): ByteSource & { close(): void } {
  const fd = openSync(path, 'r');
  const size = fstatSync(fd).size;
  return {
    size,
    read(offset, length) {
      const n = Math.max(0, Math.min(length, size - offset));
      const out = new Uint8Array(n);
      if (n > 0) readSync(fd, out, 0, n, offset);
      return out;
    },
    close: () => closeSync(fd),
  };
}

/** The tags of one page (IFD) that ScopePilot uses. */
export interface TiffPageInfo {
  width: number;
  height: number;
  bitsPerSample: number;
  samplesPerPixel: number;
  /** 1 uint, 2 int, 3 float (TIFF SampleFormat). */
  sampleFormat: number;
  /** TIFF Compression code (1 none, 5 LZW, 8/32946 Deflate, 32773 PackBits, 7 JPEG ...). */
  compression: number;
  photometric: number;
  planarConfig: number;
  predictor: number;
  /** Strip or tile offsets and byte counts. */
  offsets: number[];
  byteCounts: number[];
  rowsPerStrip: number;
  tileWidth?: number;
  tileLength?: number;
  description?: string;
  software?: string;
  xResolution?: number;
  yResolution?: number;
  /** 1 none, 2 inch, 3 centimetre. */
  resolutionUnit: number;
  newSubfileType: number;
}

export interface TiffInfo {
  littleEndian: boolean;
  bigTiff: boolean;
  /** Pages parsed in full (up to `fullPages`). */
  pages: TiffPageInfo[];
  /** Number of pages in the file (counted along the IFD chain). */
  pageCount: number;
}

const WANTED = new Set([254, 256, 257, 258, 259, 262, 270, 273, 277, 278, 279, 282, 283, 284, 296, 305, 317, 322, 323, 324, 325, 339]);
const TYPE_SIZE: Record<number, number> = {
  1: 1,
  2: 1,
  3: 2,
  4: 4,
  5: 8,
  6: 1,
  7: 1,
  8: 2,
  9: 4,
  10: 8,
  11: 4,
  12: 8,
  13: 4,
  16: 8,
  17: 8,
  18: 8,
};

/** Names of TIFF compression codes, for messages and probe results. */
export const COMPRESSION_NAMES: Record<number, string> = {
  1: 'none',
  2: 'ccitt-rle',
  5: 'lzw',
  6: 'jpeg-old',
  7: 'jpeg',
  8: 'deflate',
  32946: 'deflate',
  32773: 'packbits',
  34712: 'jpeg2000',
  50000: 'zstd',
  50001: 'webp',
  34887: 'lerc',
};

/** True when the bytes start with a TIFF header ("II*\0", "MM\0*" or BigTIFF). */
export function isTiff(head: Uint8Array): boolean {
  if (head.length < 4) return false;
  const ii = head[0] === 0x49 && head[1] === 0x49 && (head[2] === 42 || head[2] === 43) && head[3] === 0;
  const mm = head[0] === 0x4d && head[1] === 0x4d && head[2] === 0 && (head[3] === 42 || head[3] === 43);
  return ii || mm;
}

export function truncated(path: string, what: string): UserError {
  return new UserError(
    `${path}: the TIFF file is truncated or damaged (${what})`,
    'copy the file again from the microscope or export it again',
  );
}

/**
 * Parse the TIFF header and IFD chain. Pages after `fullPages` are only counted (a cheap walk of
 * the chain). Throws UserError for a damaged file; loops in the chain end the walk.
 */
export function parseTiff(src: ByteSource, path: string, opts: { fullPages?: number; maxPages?: number } = {}): TiffInfo {
  const fullPages = opts.fullPages ?? Number.POSITIVE_INFINITY;
  const maxPages = opts.maxPages ?? 1_000_000;
  const head = src.read(0, 16);
  if (!isTiff(head)) throw new UserError(`${path}: not a TIFF file`, 'check that the file is an image export (TIFF, PNG or JPEG)');
  const le = head[0] === 0x49;
  const hv = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const big = hv.getUint16(2, le) === 43;
  if (big && head.length < 16) throw truncated(path, 'header');
  const u64 = (dv: DataView, p: number) => Number(dv.getBigUint64(p, le));
  let ifd = big ? u64(hv, 8) : hv.getUint32(4, le);
  const pages: TiffPageInfo[] = [];
  const seen = new Set<number>();
  let count = 0;
  const entrySize = big ? 20 : 12;
  const countSize = big ? 8 : 2;
  const ptrSize = big ? 8 : 4;
  while (ifd !== 0 && count < maxPages) {
    if (seen.has(ifd)) break;
    seen.add(ifd);
    if (ifd + countSize > src.size) {
      if (count === 0) throw truncated(path, `the first directory at byte ${ifd} is past the end (${src.size} bytes)`);
      break; // a damaged chain after good pages: keep what we have
    }
    const cb = src.read(ifd, countSize);
    const cdv = new DataView(cb.buffer, cb.byteOffset, cb.byteLength);
    const n = big ? u64(cdv, 0) : cdv.getUint16(0, le);
    const blockLen = n * entrySize + ptrSize;
    if (ifd + countSize + blockLen > src.size) {
      if (count === 0) throw truncated(path, 'the first directory is cut off');
      break;
    }
    if (count < fullPages) {
      const block = src.read(ifd + countSize, blockLen);
      const dv = new DataView(block.buffer, block.byteOffset, block.byteLength);
      pages.push(readIfd(src, dv, n, le, big, path));
      ifd = big ? u64(dv, n * entrySize) : dv.getUint32(n * entrySize, le);
    } else {
      const nb = src.read(ifd + countSize + n * entrySize, ptrSize);
      const ndv = new DataView(nb.buffer, nb.byteOffset, nb.byteLength);
      ifd = big ? u64(ndv, 0) : ndv.getUint32(0, le);
    }
    count++;
  }
  if (count === 0) throw truncated(path, 'no image directory');
  return { littleEndian: le, bigTiff: big, pages, pageCount: count };
}

function readIfd(src: ByteSource, dv: DataView, n: number, le: boolean, big: boolean, path: string): TiffPageInfo {
  const tags = new Map<number, number[] | string>();
  const entrySize = big ? 20 : 12;
  for (let i = 0; i < n; i++) {
    const p = i * entrySize;
    const tag = dv.getUint16(p, le);
    if (!WANTED.has(tag)) continue;
    const type = dv.getUint16(p + 2, le);
    const cnt = big ? Number(dv.getBigUint64(p + 4, le)) : dv.getUint32(p + 4, le);
    const size = TYPE_SIZE[type];
    if (size === undefined) continue;
    const bytes = size * cnt;
    const inline = bytes <= (big ? 8 : 4);
    let vdv: DataView;
    if (inline) vdv = new DataView(dv.buffer, dv.byteOffset + p + (big ? 12 : 8), bytes);
    else {
      const off = big ? Number(dv.getBigUint64(p + 12, le)) : dv.getUint32(p + 8, le);
      if (off + bytes > src.size) throw truncated(path, `tag ${tag} points past the end of the file`);
      const b = src.read(off, bytes);
      vdv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    }
    if (type === 2) {
      let s = new TextDecoder('utf-8').decode(new Uint8Array(vdv.buffer, vdv.byteOffset, bytes));
      const z = s.indexOf('\0');
      if (z >= 0) s = s.slice(0, z);
      tags.set(tag, s);
      continue;
    }
    const vals: number[] = new Array(cnt);
    for (let k = 0; k < cnt; k++) vals[k] = readValue(vdv, type, k * size, le);
    tags.set(tag, vals);
  }
  const num = (t: number, d: number): number => {
    const v = tags.get(t);
    return Array.isArray(v) && v.length > 0 ? v[0]! : d;
  };
  const arr = (t: number): number[] => {
    const v = tags.get(t);
    return Array.isArray(v) ? v : [];
  };
  const str = (t: number): string | undefined => {
    const v = tags.get(t);
    return typeof v === 'string' ? v : undefined;
  };
  const width = num(256, 0);
  const height = num(257, 0);
  const tiled = tags.has(322);
  const info: TiffPageInfo = {
    width,
    height,
    bitsPerSample: num(258, 1),
    samplesPerPixel: num(277, 1),
    sampleFormat: num(339, 1),
    compression: num(259, 1),
    photometric: num(262, 1),
    planarConfig: num(284, 1),
    predictor: num(317, 1),
    offsets: tiled ? arr(324) : arr(273),
    byteCounts: tiled ? arr(325) : arr(279),
    rowsPerStrip: Math.min(num(278, height), height || 1),
    resolutionUnit: num(296, 2),
    newSubfileType: num(254, 0),
  };
  if (tiled) {
    info.tileWidth = num(322, 0);
    info.tileLength = num(323, 0);
  }
  const d = str(270);
  if (d !== undefined) info.description = d;
  const s = str(305);
  if (s !== undefined) info.software = s;
  if (tags.has(282)) info.xResolution = num(282, 0);
  if (tags.has(283)) info.yResolution = num(283, 0);
  return info;
}

function readValue(dv: DataView, type: number, p: number, le: boolean): number {
  switch (type) {
    case 1:
    case 7:
      return dv.getUint8(p);
    case 6:
      return dv.getInt8(p);
    case 3:
      return dv.getUint16(p, le);
    case 8:
      return dv.getInt16(p, le);
    case 4:
    case 13:
      return dv.getUint32(p, le);
    case 9:
      return dv.getInt32(p, le);
    case 5: {
      const den = dv.getUint32(p + 4, le);
      return den === 0 ? 0 : dv.getUint32(p, le) / den;
    }
    case 10: {
      const den = dv.getInt32(p + 4, le);
      return den === 0 ? 0 : dv.getInt32(p, le) / den;
    }
    case 11:
      return dv.getFloat32(p, le);
    case 12:
      return dv.getFloat64(p, le);
    default:
      return Number(type === 17 ? dv.getBigInt64(p, le) : dv.getBigUint64(p, le));
  }
}
