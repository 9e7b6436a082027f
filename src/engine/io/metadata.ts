/**
 * Image metadata from TIFF descriptions: ImageJ hyperstack headers, OME-XML, and the resolution
 * tags. Pure string parsing; no pixels.
 *
 * @see ImageJ TiffEncoder/FileSaver description format (ij.io.TiffDecoder.saveImageDescription)
 * @see OME Data Model and File Formats, OME-XML schema 2016-06 (Pixels, Channel, DimensionOrder)
 */
import type { TiffPageInfo } from './tiff-parse.js';

/** The ImageJ hyperstack header (`ImageJ=...` ImageDescription). */
export interface ImageJInfo {
  version: string;
  images: number;
  channels: number;
  slices: number;
  frames: number;
  hyperstack: boolean;
  unit?: string;
  spacing?: number;
  finterval?: number;
  min?: number;
  max?: number;
  mode?: string;
}

/** What an OME-XML header says about the first image (series). */
export interface OmeInfo {
  dimensionOrder: string;
  sizeX: number;
  sizeY: number;
  sizeZ: number;
  sizeC: number;
  sizeT: number;
  type?: string;
  pixelSizeUm?: number;
  zSpacingUm?: number;
  channelNames: string[];
  /** Number of <Image> elements (series) in the file. */
  images: number;
}

const UNIT_UM: Record<string, number> = {
  micron: 1,
  microns: 1,
  um: 1,
  µm: 1,
  μm: 1,
  '\\u00B5m': 1,
  nm: 1e-3,
  nanometer: 1e-3,
  mm: 1e3,
  millimeter: 1e3,
  cm: 1e4,
  m: 1e6,
  Å: 1e-4,
  angstrom: 1e-4,
};

/** Micrometres per one `unit` (micron, µm, nm, mm ...), or undefined for pixels/unknown. */
export function unitToUm(unit: string | undefined): number | undefined {
  if (!unit) return undefined;
  return UNIT_UM[unit.trim()] ?? UNIT_UM[unit.trim().toLowerCase()];
}

/** Parse an ImageJ description; undefined when it is not one. */
export function parseImageJ(desc: string | undefined): ImageJInfo | undefined {
  if (!desc?.startsWith('ImageJ=')) return undefined;
  const kv = new Map<string, string>();
  for (const line of desc.split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) kv.set(line.slice(0, i).trim(), line.slice(i + 1).trim());
  }
  const int = (k: string) => {
    const v = Number.parseInt(kv.get(k) ?? '', 10);
    return Number.isFinite(v) && v > 0 ? v : 1;
  };
  const flt = (k: string) => {
    const v = Number.parseFloat(kv.get(k) ?? '');
    return Number.isFinite(v) ? v : undefined;
  };
  const info: ImageJInfo = {
    version: kv.get('ImageJ') ?? '',
    images: int('images'),
    channels: int('channels'),
    slices: int('slices'),
    frames: int('frames'),
    hyperstack: kv.get('hyperstack') === 'true',
  };
  const unit = kv.get('unit');
  if (unit) info.unit = unit;
  for (const k of ['spacing', 'finterval', 'min', 'max'] as const) {
    const v = flt(k);
    if (v !== undefined) info[k] = v;
  }
  const mode = kv.get('mode');
  if (mode) info.mode = mode;
  // `images=` without channels/slices/frames: a plain stack, read as slices (ImageJ's default)
  if (!kv.has('channels') && !kv.has('slices') && !kv.has('frames') && info.images > 1) info.slices = info.images;
  return info;
}

function attr(tag: string, name: string): string | undefined {
  const m = new RegExp(`\\s${name}\\s*=\\s*"([^"]*)"`).exec(tag);
  return m ? unescapeXml(m[1]!) : undefined;
}

function unescapeXml(s: string): string {
  return s
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** Parse OME-XML (from an ImageDescription); undefined when it is not OME. */
export function parseOme(desc: string | undefined): OmeInfo | undefined {
  if (!desc || !/<OME[\s>]/.test(desc)) return undefined;
  const pix = /<(?:\w+:)?Pixels\s[^>]*>/.exec(desc);
  if (!pix) return undefined;
  const tag = pix[0];
  const n = (k: string) => {
    const v = Number.parseInt(attr(tag, k) ?? '', 10);
    return Number.isFinite(v) && v > 0 ? v : 1;
  };
  const info: OmeInfo = {
    dimensionOrder: attr(tag, 'DimensionOrder') ?? 'XYCZT',
    sizeX: n('SizeX'),
    sizeY: n('SizeY'),
    sizeZ: n('SizeZ'),
    sizeC: n('SizeC'),
    sizeT: n('SizeT'),
    channelNames: [],
    images: (desc.match(/<(?:\w+:)?Image[\s>]/g) ?? []).length || 1,
  };
  const type = attr(tag, 'Type');
  if (type) info.type = type;
  const px = Number.parseFloat(attr(tag, 'PhysicalSizeX') ?? '');
  const pxUnit = unitToUm(attr(tag, 'PhysicalSizeXUnit') ?? 'µm');
  if (Number.isFinite(px) && px > 0 && pxUnit !== undefined) info.pixelSizeUm = px * pxUnit;
  const pz = Number.parseFloat(attr(tag, 'PhysicalSizeZ') ?? '');
  const pzUnit = unitToUm(attr(tag, 'PhysicalSizeZUnit') ?? 'µm');
  if (Number.isFinite(pz) && pz > 0 && pzUnit !== undefined) info.zSpacingUm = pz * pzUnit;
  // channels of the first <Pixels> only
  const start = pix.index + tag.length;
  const pixEnd = desc.slice(start).search(/<\/(?:\w+:)?Pixels>/);
  const body = desc.slice(start, pixEnd >= 0 ? start + pixEnd : desc.length);
  for (const m of body.matchAll(/<(?:\w+:)?Channel\s[^>]*>/g)) {
    const name = attr(m[0], 'Name');
    info.channelNames.push(name ?? `C${info.channelNames.length + 1}`);
  }
  return info;
}

/**
 * Index of a page in canonical order (channel fastest, then z, then t) from its index in a file
 * written with OME `DimensionOrder` (e.g. XYZCT: z fastest).
 */
export function canonicalIndex(page: number, order: string, size: { c: number; z: number; t: number }): number {
  const dims = order.replace(/^XY/, '').split('') as ('C' | 'Z' | 'T')[];
  const pos: Record<'C' | 'Z' | 'T', number> = { C: 0, Z: 0, T: 0 };
  const len: Record<'C' | 'Z' | 'T', number> = { C: size.c, Z: size.z, T: size.t };
  let rest = page;
  for (const d of dims) {
    const l = len[d] ?? 1;
    pos[d] = rest % l;
    rest = Math.floor(rest / l);
  }
  return (pos.T * size.z + pos.Z) * size.c + pos.C;
}

/**
 * Pixel size in µm from the resolution tags, when they look like a real calibration: ImageJ's
 * `unit=` with XResolution in pixels per unit, or ResolutionUnit centimetre/inch giving a size
 * between 0.01 and 100 µm (72 dpi defaults give 353 µm and are ignored).
 */
export function pixelSizeFromTags(p: TiffPageInfo, ij: ImageJInfo | undefined): number | undefined {
  const xr = p.xResolution;
  if (!xr || xr <= 0) return undefined;
  if (ij?.unit) {
    const f = unitToUm(ij.unit);
    return f === undefined ? undefined : f / xr;
  }
  let um: number | undefined;
  if (p.resolutionUnit === 3) um = 1e4 / xr;
  else if (p.resolutionUnit === 2) um = 25400 / xr;
  if (um === undefined || um < 0.01 || um > 100) return undefined;
  return um;
}
