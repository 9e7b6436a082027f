/**
 * Reading microscopy images: TIFF (8/16/32-bit integer, 32/64-bit float, single and multi-page,
 * strips and tiles, uncompressed or any compression geotiff decodes: LZW, Deflate, PackBits, JPEG),
 * ImageJ hyperstacks and OME-TIFF metadata, PNG and JPEG through sharp.
 *
 * Single-sample TIFF, uncompressed or Deflate (what microscopes write), is decoded without geotiff
 * (tiff-decode.ts); geotiff and sharp are imported only when a file needs them, so reading stays
 * fast to start.
 * Assumes a little-endian host (x86, ARM).
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { UserError } from '../errors.js';
import type { DecodedImage, Plane, PlaneData } from '../types.js';
import { canonicalIndex, parseImageJ, parseOme, pixelSizeFromTags, unitToUm } from './metadata.js';
import { loadSharp } from './sharp-load.js';
import { canDecodeRaw, decodeRawPage } from './tiff-decode.js';
import { type ByteSource, bufferSource, COMPRESSION_NAMES, isTiff, parseTiff, type TiffPageInfo } from './tiff-parse.js';

const CONVERT_HINT = 'export it as a 16-bit grayscale TIFF (Fiji: File > Save As > Tiff), or as OME-TIFF with Bio-Formats';

/** Known non-TIFF microscope formats, by magic bytes or extension, for a helpful message. */
const VENDOR: Record<string, string> = {
  '.czi': 'Zeiss CZI',
  '.nd2': 'Nikon ND2',
  '.lif': 'Leica LIF',
  '.ims': 'Imaris',
  '.oib': 'Olympus OIB',
  '.oir': 'Olympus OIR',
  '.vsi': 'Olympus VSI',
  '.dv': 'DeltaVision',
  '.zvi': 'Zeiss ZVI',
};

/** Read a file's bytes, turning file-system errors into messages a user can act on. */
export async function readBytes(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (err) {
    throw fileError(path, err);
  }
}

/** `readBytes` without the event-loop round trips (batch workers: about 0.5 ms less per file). */
export function readBytesSync(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw fileError(path, err);
  }
}

function fileError(path: string, err: unknown): UserError {
  const code = (err as { code?: string }).code;
  if (code === 'ENOENT') return new UserError(`${path}: file not found`, 'check the path and the spelling');
  if (code === 'EACCES' || code === 'EPERM')
    return new UserError(`${path}: cannot be read (permission denied)`, 'ask the owner for read access');
  if (code === 'EISDIR')
    return new UserError(`${path}: is a folder, not an image`, 'give the image files, or the folder where a folder is expected');
  return new UserError(`${path}: cannot be read (${code ?? String(err)})`, 'check that the disk or network share is reachable');
}

/** Which decoder a file needs, from its first bytes. */
export function sniffFormat(head: Uint8Array): 'tiff' | 'png' | 'jpeg' | 'unknown' {
  if (isTiff(head)) return 'tiff';
  if (head.length >= 8 && head[0] === 0x89 && head[1] === 0x50 && head[2] === 0x4e && head[3] === 0x47) return 'png';
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'jpeg';
  return 'unknown';
}

/** The UserError for a file that is empty, not an image, or in a format we do not read. */
export function notAnImage(path: string, head: Uint8Array): UserError {
  if (head.length === 0) return new UserError(`${path}: file is empty (0 bytes)`, 'copy it again from the microscope export');
  const vendor =
    VENDOR[extname(path).toLowerCase()] ?? (new TextDecoder().decode(head.subarray(0, 10)) === 'ZISRAWFILE' ? 'Zeiss CZI' : undefined);
  if (vendor) return new UserError(`${path}: ${vendor} files are not read directly`, CONVERT_HINT);
  return new UserError(`${path}: not an image file (not TIFF, PNG or JPEG)`, 'remove it from the input, or export it as TIFF');
}

/**
 * Read every plane of an image file.
 *
 * - TIFF pages map to channels/z/t from OME-XML or the ImageJ header (a multi-page TIFF without
 *   either is read as z-slices, noted). Reduced-resolution pages (pyramids, thumbnails) are skipped.
 * - RGB(A) files whose colour channels are equal become one grayscale plane (noted); true colour
 *   is split into channels R, G, B with a note; alpha is dropped.
 * - Signed or 32-bit integer data becomes Uint16 when every value fits 0..65535, else Float32 (noted).
 *
 * Errors are UserErrors naming the file: missing, empty, not an image, truncated, unsupported.
 */
export async function readImage(path: string): Promise<DecodedImage> {
  const buf = await readBytes(path);
  return decodeImage(buf, path);
}

/**
 * Read a file that must hold exactly one 2D plane (one channel, one z, one t).
 * A stack or a true-colour file is a UserError that says what it holds and what to do.
 */
export async function readPlane(path: string): Promise<Plane> {
  const buf = await readBytes(path);
  const img = await decodeImage(buf, path, { expectPlane: true });
  return img.planes[0]!;
}

/** Decode bytes already in memory (`path` is only used in messages). */
export async function decodeImage(buf: Uint8Array, path: string, opts: { expectPlane?: boolean } = {}): Promise<DecodedImage> {
  const fmt = sniffFormat(buf.subarray(0, 16));
  if (fmt === 'tiff') return decodeTiff(bufferSource(buf), buf, path, opts.expectPlane === true);
  if (fmt === 'png' || fmt === 'jpeg') {
    const img = await decodeWithSharp(buf, path, fmt);
    if (opts.expectPlane) assertOnePlane(path, img.axes);
    return img;
  }
  throw notAnImage(path, buf.subarray(0, 16));
}

function assertOnePlane(path: string, axes: { c: number; z: number; t: number }): void {
  const n = axes.c * axes.z * axes.t;
  if (n === 1) return;
  const what = [axes.c > 1 ? `${axes.c} channels` : '', axes.z > 1 ? `${axes.z} z-slices` : '', axes.t > 1 ? `${axes.t} time points` : '']
    .filter(Boolean)
    .join(', ');
  throw new UserError(
    `${path}: holds ${n} planes (${what}) where one 2D image is expected`,
    'save one plane per file (Fiji: Image > Stacks > Stack to Images, or Image > Color > Split Channels), or make a max projection',
  );
}

interface Layout {
  axes: { c: number; z: number; t: number };
  /** Canonical position of page-plane k (pages in file order, bands within a page). */
  order?: (k: number) => number;
  channelNames?: string[];
  pixelSizeUm?: number;
  zSpacingUm?: number;
  notes: string[];
  pagesUsed: number;
  format: 'tiff' | 'ome-tiff';
}

function tiffLayout(pages: TiffPageInfo[], bands: number): Layout {
  const first = pages[0]!;
  const notes: string[] = [];
  const ome = parseOme(first.description);
  const ij = ome ? undefined : parseImageJ(first.description);
  if (ome) {
    const c = ome.sizeC;
    const perPage = Math.max(bands, 1);
    const pagesUsed = Math.min(pages.length, Math.ceil((c * ome.sizeZ * ome.sizeT) / perPage));
    if (ome.images > 1) notes.push(`the file holds ${ome.images} series; only the first was read`);
    if (pagesUsed * perPage < c * ome.sizeZ * ome.sizeT)
      notes.push(`OME-XML describes ${c * ome.sizeZ * ome.sizeT} planes but the file has ${pages.length * perPage}`);
    const size = { c, z: ome.sizeZ, t: ome.sizeT };
    const lay: Layout = {
      axes: size,
      notes,
      pagesUsed,
      format: 'ome-tiff',
      ...(ome.channelNames.length === c ? { channelNames: ome.channelNames } : {}),
      ...(perPage === 1 ? { order: (k: number) => canonicalIndex(k, ome.dimensionOrder, size) } : {}),
    };
    if (ome.pixelSizeUm !== undefined) lay.pixelSizeUm = ome.pixelSizeUm;
    if (ome.zSpacingUm !== undefined) lay.zSpacingUm = ome.zSpacingUm;
    return lay;
  }
  const px = pixelSizeFromTags(first, ij);
  if (ij) {
    const c = bands > 1 ? bands : ij.channels;
    const n = ij.channels * ij.slices * ij.frames;
    const pagesUsed = Math.min(pages.length, bands > 1 ? ij.slices * ij.frames : n);
    if (pages.length < (bands > 1 ? ij.slices * ij.frames : n))
      notes.push(`the ImageJ header describes ${n} planes but the file has ${pages.length}`);
    const lay: Layout = { axes: { c, z: ij.slices, t: ij.frames }, notes, pagesUsed, format: 'tiff' };
    if (px !== undefined) lay.pixelSizeUm = px;
    const zf = unitToUm(ij.unit);
    if (ij.spacing !== undefined && zf !== undefined) lay.zSpacingUm = ij.spacing * zf;
    return lay;
  }
  if (pages.length > 1) notes.push(`${pages.length} pages without ImageJ or OME metadata were read as z-slices`);
  const lay: Layout = { axes: { c: Math.max(1, bands), z: pages.length, t: 1 }, notes, pagesUsed: pages.length, format: 'tiff' };
  if (px !== undefined) lay.pixelSizeUm = px;
  return lay;
}

/** Colour bands of a page (samples minus alpha/extra samples for RGB). */
function colourBands(p: TiffPageInfo): number {
  if (p.samplesPerPixel === 1) return 1;
  if (p.photometric === 2) return 3;
  return p.samplesPerPixel;
}

async function decodeTiff(src: ByteSource, buf: Uint8Array, path: string, expectPlane: boolean): Promise<DecodedImage> {
  const info = parseTiff(src, path);
  const fullRes = info.pages.map((p, i) => ({ p, i })).filter(({ p }) => (p.newSubfileType & 1) === 0);
  const pages = fullRes.map(({ p }) => p);
  if (pages.length === 0) throw new UserError(`${path}: the TIFF holds only thumbnail pages`, CONVERT_HINT);
  const first = pages[0]!;
  if (first.width === 0 || first.height === 0)
    throw new UserError(`${path}: the image has no pixels (0 wide or 0 high)`, 'export it again');
  const bands = colourBands(first);
  const lay = tiffLayout(pages, bands);
  const notes = [...lay.notes];
  if (fullRes.length < info.pages.length) notes.push(`${info.pages.length - fullRes.length} reduced-resolution pages were skipped`);
  if (expectPlane && bands === 1) assertOnePlane(path, lay.axes);

  const planes: Plane[] = new Array(lay.pagesUsed * bands);
  let geo: { getImage(i: number): Promise<GeoImage> } | undefined;
  let converted = false;
  for (let k = 0; k < lay.pagesUsed; k++) {
    const p = pages[k]!;
    if (p.width !== first.width || p.height !== first.height)
      throw new UserError(
        `${path}: page ${k + 1} is ${p.width}x${p.height}, page 1 is ${first.width}x${first.height}`,
        'save the pages as separate files',
      );
    let bandData: ArrayLike<number>[];
    if (canDecodeRaw(p)) {
      bandData = [typedView(decodeRawPage(src, p, info.littleEndian, path), p.bitsPerSample, p.sampleFormat)];
    } else {
      geo ??= await openGeoTiff(buf, path);
      bandData = await readWithGeoTiff(geo, fullRes[k]!.i, p, path);
    }
    for (let b = 0; b < bands; b++) {
      const r = toPlaneData(bandData[b]!, p.bitsPerSample, p.sampleFormat);
      converted ||= r.converted;
      const q = k * bands + b;
      const pos = lay.order && bands === 1 ? lay.order(q) : q;
      planes[pos] = { width: p.width, height: p.height, data: r.data, bitDepth: r.bitDepth };
    }
  }
  if (converted)
    notes.push(`${first.sampleFormat === 2 ? 'signed' : '32-bit'} integer data was converted (Uint16 if it fits, else 32-bit float)`);
  const img: DecodedImage = { planes: planes.filter(Boolean), axes: { ...lay.axes }, notes, format: lay.format };
  if (lay.channelNames) img.channelNames = lay.channelNames;
  if (lay.pixelSizeUm !== undefined) img.pixelSizeUm = lay.pixelSizeUm;
  if (lay.zSpacingUm !== undefined) img.zSpacingUm = lay.zSpacingUm;
  if (img.planes.length !== lay.axes.c * lay.axes.z * lay.axes.t) {
    img.axes = { c: bands, z: img.planes.length / bands, t: 1 };
    notes.push('the planes did not match the metadata; read in file order as z-slices');
  }
  if (bands > 1) mergeOrSplitColour(img, path);
  if (expectPlane) assertOnePlane(path, img.axes);
  return img;
}

interface GeoImage {
  readRasters(o: { interleave: false }): Promise<ArrayLike<number>[]>;
}

async function openGeoTiff(buf: Uint8Array, path: string): Promise<{ getImage(i: number): Promise<GeoImage> }> {
  const { fromArrayBuffer } = await import('geotiff');
  const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
  try {
    return (await fromArrayBuffer(ab)) as unknown as { getImage(i: number): Promise<GeoImage> };
  } catch (err) {
    throw new UserError(`${path}: the TIFF cannot be decoded (${(err as Error).message})`, CONVERT_HINT);
  }
}

async function readWithGeoTiff(geo: { getImage(i: number): Promise<GeoImage> }, index: number, p: TiffPageInfo, path: string) {
  const comp = COMPRESSION_NAMES[p.compression] ?? `code ${p.compression}`;
  try {
    const img = await geo.getImage(index);
    return Array.from(await img.readRasters({ interleave: false }));
  } catch (err) {
    const msg = (err as Error).message ?? String(err);
    if (/offset|bounds|length|range|end of/i.test(msg))
      throw new UserError(
        `${path}: the TIFF file is truncated or damaged (${msg})`,
        'copy the file again from the microscope or export it again',
      );
    throw new UserError(`${path}: cannot decode this TIFF (compression ${comp}, ${p.bitsPerSample}-bit): ${msg}`, CONVERT_HINT);
  }
}

function typedView(ab: ArrayBuffer, bits: number, fmt: number): ArrayLike<number> {
  if (bits === 8) return fmt === 2 ? new Int8Array(ab) : new Uint8Array(ab);
  if (bits === 16) return fmt === 2 ? new Int16Array(ab) : new Uint16Array(ab);
  if (fmt === 3) return new Float32Array(ab);
  return fmt === 2 ? new Int32Array(ab) : new Uint32Array(ab);
}

/** Typed array of a decoded band -> PlaneData, converting types a Plane does not hold. */
function toPlaneData(a: ArrayLike<number>, bits: number, fmt: number): { data: PlaneData; bitDepth: number; converted: boolean } {
  if (a instanceof Uint8Array) return { data: a, bitDepth: 8, converted: false };
  if (a instanceof Uint16Array) return { data: a, bitDepth: 16, converted: false };
  if (a instanceof Float32Array) return { data: a, bitDepth: 32, converted: false };
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let integral = true;
  for (let i = 0; i < a.length; i++) {
    const v = a[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
    if (integral && v !== Math.floor(v)) integral = false;
  }
  if (integral && min >= 0 && max <= 255 && bits === 8) return { data: Uint8Array.from(a), bitDepth: 8, converted: true };
  if (integral && min >= 0 && max <= 65535 && fmt !== 3) return { data: Uint16Array.from(a), bitDepth: 16, converted: true };
  return { data: Float32Array.from(a), bitDepth: 32, converted: true };
}

function sameData(a: PlaneData, b: PlaneData): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** RGB planes: equal channels -> one grayscale channel (noted); else keep R, G, B (noted). */
function mergeOrSplitColour(img: DecodedImage, path: string): void {
  const c = img.axes.c;
  if (c !== 3) return;
  let equal = true;
  for (let k = 0; k < img.planes.length && equal; k += 3) {
    equal = sameData(img.planes[k]!.data, img.planes[k + 1]!.data) && sameData(img.planes[k]!.data, img.planes[k + 2]!.data);
  }
  if (equal) {
    img.planes = img.planes.filter((_, k) => k % 3 === 0);
    img.axes = { ...img.axes, c: 1 };
    img.notes.push('RGB image with equal red, green and blue: read as one grayscale plane');
  } else {
    img.channelNames = ['R', 'G', 'B'];
    img.notes.push(
      `warning: ${path} is a true-colour RGB image; it was split into channels R, G, B. Colour exports of fluorescence images lose the raw intensities: use the original microscope files if you can`,
    );
  }
}

async function decodeWithSharp(buf: Uint8Array, path: string, fmt: 'png' | 'jpeg'): Promise<DecodedImage> {
  const sharp = await loadSharp();
  let data: Buffer;
  let info: { width: number; height: number; channels: number };
  let meta: { depth?: string | undefined; hasAlpha?: boolean | undefined; channels?: number | undefined };
  try {
    meta = await sharp(buf).metadata();
    const wide = meta.depth === 'ushort';
    // keep grayscale as one channel and 16-bit values as they are (sharp's default output is 8-bit sRGB)
    const space = (meta.channels ?? 3) <= 2 ? (wide ? 'grey16' : 'b-w') : wide ? 'rgb16' : 'srgb';
    const r = await sharp(buf)
      .toColourspace(space)
      .raw({ depth: wide ? 'ushort' : 'uchar' })
      .toBuffer({ resolveWithObject: true });
    data = r.data;
    info = r.info;
  } catch (err) {
    const msg = (err as Error).message.split('\n')[0];
    throw new UserError(
      `${path}: the ${fmt.toUpperCase()} file cannot be decoded, it is probably truncated or damaged (${msg})`,
      'copy it again or export it again',
    );
  }
  const { width, height, channels } = info;
  const n = width * height;
  const sixteen = data.length === n * channels * 2;
  const src: Uint8Array | Uint16Array = sixteen
    ? new Uint16Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.length))
    : new Uint8Array(data.buffer, data.byteOffset, data.length);
  const alpha = meta.hasAlpha === true || channels === 2 || channels === 4;
  const colour = alpha ? channels - 1 : channels;
  const planes: Plane[] = [];
  for (let c = 0; c < colour; c++) {
    const out = sixteen ? new Uint16Array(n) : new Uint8Array(n);
    for (let i = 0, j = c; i < n; i++, j += channels) out[i] = src[j]!;
    planes.push({ width, height, data: out, bitDepth: sixteen ? 16 : 8 });
  }
  const img: DecodedImage = { planes, axes: { c: colour, z: 1, t: 1 }, notes: [], format: fmt };
  if (fmt === 'jpeg') img.notes.push('JPEG is lossy: intensities are approximate');
  mergeOrSplitColour(img, path);
  return img;
}
