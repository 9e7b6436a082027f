/**
 * `probe(file)`: the facts about an image file a user should know before analysing it (format,
 * size, bit depth, channels, pixel size) and its problems (lossy compression, 8-bit or RGB
 * exports, clipped values, no pixel size), reading headers and at most the first plane. Never
 * throws for a bad file: an unreadable file is a problem in the result.
 */
import { stat } from 'node:fs/promises';
import { describeError } from '../errors.js';
import type { Plane } from '../types.js';
import { type ImageJInfo, parseImageJ, parseOme, pixelSizeFromTags } from './metadata.js';
import { decodeImage, notAnImage, readBytes, sniffFormat } from './read.js';
import { loadSharp } from './sharp-load.js';
import { canDecodeRaw, decodeRawPage } from './tiff-decode.js';
import { COMPRESSION_NAMES, fileSource, parseTiff } from './tiff-parse.js';

export type ProbeProblemCode = 'lossy' | '8bit-export' | 'rgb-export' | 'clipped' | 'no-pixel-size' | 'unreadable' | 'empty';

export interface ProbeProblem {
  code: ProbeProblemCode;
  /** 'fail': the file cannot be analysed; 'warn': results may be affected. */
  level: 'warn' | 'fail';
  message: string;
  hint?: string;
}

export interface ProbeResult {
  path: string;
  format: 'tiff' | 'ome-tiff' | 'png' | 'jpeg' | 'unknown';
  fileSize: number;
  width: number;
  height: number;
  /** Bits per sample of the container (8, 16, 32). */
  bitDepth: number;
  /** Bits the values actually use (e.g. 12 when a 16-bit file holds values <= 4095), when the first plane was read. */
  significantBits?: number;
  samplesPerPixel: number;
  pages: number;
  sampleFormat: 'uint' | 'int' | 'float';
  compression?: string;
  pixelSizeUm?: number;
  channelNames?: string[];
  axes?: { c: number; z: number; t: number };
  imagej?: ImageJInfo;
  /** Range and saturation of the first plane, when it was read. */
  values?: { min: number; max: number; percentMaximal: number };
  problems: ProbeProblem[];
}

/** Files larger than this are probed from headers only (no pixel statistics). */
const PIXEL_READ_LIMIT = 64 * 1024 * 1024;

/**
 * Probe an image file: headers, plus the first plane's value statistics when the file is small
 * enough (<= 64 MB) or a TIFF page tiff-decode.ts reads (uncompressed or Deflate: only page 1's
 * bytes are read).
 */
export async function probe(path: string): Promise<ProbeResult> {
  const res: ProbeResult = {
    path,
    format: 'unknown',
    fileSize: 0,
    width: 0,
    height: 0,
    bitDepth: 0,
    samplesPerPixel: 0,
    pages: 0,
    sampleFormat: 'uint',
    problems: [],
  };
  try {
    res.fileSize = (await stat(path)).size;
    if (res.fileSize === 0) {
      res.problems.push({
        code: 'empty',
        level: 'fail',
        message: 'the file is empty (0 bytes)',
        hint: 'copy it again from the microscope export',
      });
      return res;
    }
    const src = fileSource(path);
    let plane: Plane | undefined;
    let rgbEqual: boolean | undefined;
    try {
      const head = src.read(0, 16);
      const fmt = sniffFormat(head);
      if (fmt === 'unknown') throw notAnImage(path, head);
      if (fmt === 'tiff') {
        const info = parseTiff(src, path, { fullPages: 1 });
        const p = info.pages[0]!;
        const ome = parseOme(p.description);
        const ij = ome ? undefined : parseImageJ(p.description);
        res.format = ome ? 'ome-tiff' : 'tiff';
        res.width = p.width;
        res.height = p.height;
        res.bitDepth = p.bitsPerSample;
        res.samplesPerPixel = p.samplesPerPixel;
        res.pages = info.pageCount;
        res.sampleFormat = p.sampleFormat === 3 ? 'float' : p.sampleFormat === 2 ? 'int' : 'uint';
        res.compression = COMPRESSION_NAMES[p.compression] ?? `code ${p.compression}`;
        if (ij) res.imagej = ij;
        const px = ome?.pixelSizeUm ?? pixelSizeFromTags(p, ij);
        if (px !== undefined) res.pixelSizeUm = px;
        if (ome) {
          res.axes = { c: ome.sizeC, z: ome.sizeZ, t: ome.sizeT };
          if (ome.channelNames.length) res.channelNames = ome.channelNames;
        } else if (ij) res.axes = { c: ij.channels, z: ij.slices, t: ij.frames };
        else res.axes = { c: p.samplesPerPixel === 1 ? 1 : 3, z: info.pageCount, t: 1 };
        if ([6, 7, 34712, 50001].includes(p.compression))
          res.problems.push({
            code: 'lossy',
            level: 'warn',
            message: `lossy ${res.compression} compression: intensities are approximate`,
            hint: 'use the original microscope files or a lossless export (uncompressed, LZW or Deflate TIFF)',
          });
        if (canDecodeRaw(p)) {
          const ab = decodeRawPage(src, p, info.littleEndian, path);
          plane = { width: p.width, height: p.height, data: rawView(ab, p.bitsPerSample, p.sampleFormat), bitDepth: p.bitsPerSample };
        } else if (res.fileSize <= PIXEL_READ_LIMIT) {
          const img = await decodeImage(await readBytes(path), path);
          plane = img.planes[0];
          if (p.samplesPerPixel >= 3) rgbEqual = img.axes.c === 1;
        }
      } else {
        res.format = fmt;
        await probeWithSharp(path, res);
        if (fmt === 'jpeg')
          res.problems.push({
            code: 'lossy',
            level: 'warn',
            message: 'JPEG is lossy: intensities are approximate and block artefacts can look like texture',
            hint: 'use the original microscope files or a TIFF/PNG export',
          });
        if (res.fileSize <= PIXEL_READ_LIMIT) {
          const img = await decodeImage(await readBytes(path), path);
          plane = img.planes[0];
          if (res.samplesPerPixel >= 3) rgbEqual = img.axes.c === 1;
        }
      }
    } finally {
      src.close();
    }
    addProblems(res, plane, rgbEqual);
  } catch (err) {
    res.problems.push({ code: 'unreadable', level: 'fail', message: describeError(err) });
  }
  return res;
}

function rawView(ab: ArrayBuffer, bits: number, fmt: number): Plane['data'] {
  if (bits === 8) return new Uint8Array(ab);
  if (bits === 16 && fmt !== 2) return new Uint16Array(ab);
  if (fmt === 3) return new Float32Array(ab);
  return Float32Array.from(bits === 16 ? new Int16Array(ab) : fmt === 2 ? new Int32Array(ab) : new Uint32Array(ab));
}

async function probeWithSharp(path: string, res: ProbeResult): Promise<void> {
  const sharp = await loadSharp();
  const m = await sharp(path).metadata();
  res.width = m.width ?? 0;
  res.height = m.height ?? 0;
  res.bitDepth = m.depth === 'ushort' ? 16 : 8;
  res.samplesPerPixel = m.channels ?? 1;
  res.pages = m.pages ?? 1;
  res.compression = res.format === 'png' ? 'deflate' : 'jpeg';
  const colour = m.hasAlpha ? (m.channels ?? 1) - 1 : (m.channels ?? 1);
  res.axes = { c: colour, z: 1, t: 1 };
  if (m.density && m.density > 0) {
    const um = 25400 / m.density;
    // 72/96/300 dpi defaults give sizes far outside 0.01..100 µm and are ignored
    if (um >= 0.01 && um <= 100) res.pixelSizeUm = um;
  }
}

function addProblems(res: ProbeResult, plane: Plane | undefined, rgbEqual: boolean | undefined): void {
  const colour = res.format === 'tiff' || res.format === 'ome-tiff' ? res.samplesPerPixel >= 3 : (res.axes?.c ?? 1) >= 3;
  if (colour) {
    res.problems.push(
      rgbEqual
        ? {
            code: 'rgb-export',
            level: 'warn',
            message: 'a grayscale image saved as RGB colour (red = green = blue); it is read as one channel',
            hint: 'fine for finding objects; for intensities use the original 16-bit files',
          }
        : {
            code: 'rgb-export',
            level: 'warn',
            message: 'an RGB colour image: if this is a fluorescence image exported as colour, the raw intensities are lost',
            hint: 'use the original microscope files (one grayscale channel per file or an OME-TIFF)',
          },
    );
  }
  if (plane) {
    const d = plane.data;
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < d.length; i++) {
      const v = d[i]!;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    let atMax = 0;
    for (let i = 0; i < d.length; i++) if (d[i] === max) atMax++;
    const percentMaximal = (100 * atMax) / Math.max(1, d.length);
    res.values = { min, max, percentMaximal };
    if (!(d instanceof Float32Array)) res.significantBits = Math.max(1, Math.ceil(Math.log2(max + 1)));
    if (max === min) {
      res.problems.push({
        code: 'empty',
        level: 'fail',
        message: `every pixel has the same value (${min}): the image is blank`,
        hint: 'check the acquisition',
      });
    } else if (percentMaximal >= 1) {
      res.problems.push({
        code: 'clipped',
        level: 'warn',
        message: `${percentMaximal.toFixed(1)}% of pixels sit at the maximum value ${max}: bright objects are clipped (saturated)`,
        hint: 'intensity measurements of bright objects are underestimated; lower the exposure next time',
      });
    }
  }
  if (res.bitDepth === 8) {
    const evidence = eightBitEvidence(res, plane);
    res.problems.push({
      code: '8bit-export',
      level: 'warn',
      message: `8-bit image${evidence ? ` (${evidence})` : ''}: probably exported from the camera's 12-16 bits, so intensities were rescaled`,
      hint: 'compare intensities only if every image was exported the same way; better, use the original files',
    });
  }
  if (res.pixelSizeUm === undefined) {
    res.problems.push({
      code: 'no-pixel-size',
      level: 'warn',
      message: 'the file does not record the pixel size: areas and lengths will be in pixels',
      hint: 'give the pixel size in µm (from the microscope and objective) in the wizard or the recipe',
    });
  }
}

/** Why an 8-bit file looks like a rescaled export (empty histogram bins between used ones, PNG/JPEG, ImageJ display range). */
function eightBitEvidence(res: ProbeResult, plane: Plane | undefined): string {
  const why: string[] = [];
  if (res.format === 'png' || res.format === 'jpeg') why.push(`saved as ${res.format.toUpperCase()}`);
  if (res.imagej?.min !== undefined) why.push('ImageJ display range recorded');
  if (plane && plane.data instanceof Uint8Array) {
    const hist = new Uint32Array(256);
    for (let i = 0; i < plane.data.length; i++) hist[plane.data[i]!]!++;
    let lo = 0;
    while (lo < 255 && hist[lo] === 0) lo++;
    let hi = 255;
    while (hi > 0 && hist[hi] === 0) hi--;
    let gaps = 0;
    for (let v = lo; v <= hi; v++) if (hist[v] === 0) gaps++;
    if (hi > lo && gaps > 0.2 * (hi - lo + 1)) why.push(`${gaps} empty grey levels between ${lo} and ${hi}, a sign of stretching`);
  }
  return why.join('; ');
}

/**
 * Width and height of an image file from its header alone (TIFF: the first IFD; PNG and JPEG:
 * sharp's metadata), without reading pixels; undefined when the file cannot be read as an image.
 */
export async function imageDimensions(path: string): Promise<{ width: number; height: number } | undefined> {
  let src: ReturnType<typeof fileSource> | undefined;
  try {
    src = fileSource(path);
    const fmt = sniffFormat(src.read(0, 16));
    if (fmt === 'tiff') {
      const p = parseTiff(src, path, { fullPages: 1, maxPages: 1 }).pages[0];
      return p ? { width: p.width, height: p.height } : undefined;
    }
    if (fmt === 'unknown') return undefined;
    const m = await (await loadSharp())(path).metadata();
    return m.width && m.height ? { width: m.width, height: m.height } : undefined;
  } catch {
    return undefined;
  } finally {
    src?.close();
  }
}
