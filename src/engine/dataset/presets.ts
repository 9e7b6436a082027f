/**
 * File-name presets of high-content screening instruments: one regular expression per vendor
 * convention (docs/FILENAMES.md), turning a file name into plate / well / site / channel / z / t.
 * Pure string work, no file access: 10,000 names parse in milliseconds.
 *
 * Raw tokens are kept as the vendor wrote them (Cellomics fields and channels count from 0,
 * the others from 1); channel names are the vendor's token (`w1`, `ch2`, `d0`, `C01`).
 *
 * @see https://cellprofiler-manual.s3.amazonaws.com/CellProfiler-4.2.6/modules/fileprocessing.html (Metadata module)
 */
import { UserError } from '../errors.js';
import { customPreset } from './custom-pattern.js';
import { rowLetters } from './wells.js';

export { customPreset } from './custom-pattern.js';
export { parseWell, rowLetters, wellName } from './wells.js';

/** What one file name says about the image. */
export interface ParsedName {
  plate?: string;
  /** Row letter(s), upper case (A..P, AA..AF for 1536-well plates). */
  row?: string;
  /** Column number, 1-based. */
  column?: number;
  site?: number;
  channel?: string;
  z?: number;
  t?: number;
  /** Further named groups (custom patterns) or vendor tokens (uuid, timestamp). */
  extra?: Record<string, string>;
  /** True when the name lacks the tokens that make the preset distinctive (lowers detection confidence). */
  weak?: boolean;
}

/** A built-in naming convention. */
export interface Preset {
  id: string;
  name: string;
  /** One real-looking example name. */
  example: string;
  /** Parse one file (relative path with `/`, and its base name); undefined when it does not match. */
  parse(base: string, rel: string): ParsedName | undefined;
}

const TIFF = String.raw`\.tiff?$`;

function num(s: string | undefined): number | undefined {
  return s === undefined || s === '' ? undefined : Number(s);
}

function regexPreset(
  p: Omit<Preset, 'parse'> & {
    re: RegExp;
    on?: 'base' | 'rel';
    map: (g: Record<string, string | undefined>, rel: string) => ParsedName | undefined;
  },
): Preset {
  return {
    id: p.id,
    name: p.name,
    example: p.example,
    parse(base, rel) {
      const m = p.re.exec(p.on === 'rel' ? rel : base);
      return m ? p.map(m.groups ?? {}, rel) : undefined;
    },
  };
}

/** The folder a plate-less name belongs to (its parent folder, or the one above `Images/`). */
function folderPlate(rel: string): string | undefined {
  const parts = rel.split('/').slice(0, -1);
  let last = parts.pop();
  if (last !== undefined && /^images?$/i.test(last)) last = parts.pop();
  return last;
}

/** A well numbered 1..N row by row (scanR, CQ1): 12 columns up to well 96, else 24. */
function wellFromIndex(n: number): { row: string; column: number } {
  const w = n - 1;
  const cols = w >= 96 ? 24 : 12;
  return { row: rowLetters(String(Math.floor(w / cols) + 1)), column: (w % cols) + 1 };
}

/** ImageXpress TimePoint_N / ZStep_N folders. */
function ixFolders(rel: string): { z?: number; t?: number } {
  const t = /(?:^|\/)TimePoint_(\d+)\//i.exec(rel);
  const z = /(?:^|\/)ZStep_(\d+)\//i.exec(rel);
  return { ...(t ? { t: Number(t[1]) } : {}), ...(z ? { z: Number(z[1]) } : {}) };
}

const GUID = '[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}';

/** Built-in presets, most specific first (ties in detection go to the earlier one). */
export const PRESETS: Preset[] = [
  regexPreset({
    id: 'imagexpress',
    name: 'Molecular Devices ImageXpress (MetaXpress)',
    example: 'IXMtest_A01_s1_w1051DAA7C-7042-435F-99F0-1E847D9B42CB.tif',
    re: new RegExp(`^(?<plate>.+?)_(?<row>[A-Pa-p])(?<col>\\d{2})(?:_s(?<site>\\d+))?(?:_w(?<channel>\\d))?(?<uuid>${GUID})?${TIFF}`),
    map: (g, rel) => ({
      ...(g.site === undefined && g.channel === undefined && g.uuid === undefined ? { weak: true } : {}),
      plate: g.plate!,
      row: g.row!.toUpperCase(),
      column: Number(g.col),
      site: num(g.site) ?? 1,
      channel: g.channel !== undefined ? `w${g.channel}` : 'w1',
      ...ixFolders(rel),
      ...(g.uuid ? { extra: { uuid: g.uuid } } : {}),
    }),
  }),
  regexPreset({
    id: 'opera',
    name: 'Revvity Opera Phenix / Operetta CLS (Harmony)',
    example: 'r01c01f01p01-ch1sk1fk1fl1.tiff',
    re: /^r(?<row>\d{2})c(?<col>\d{2})f(?<site>\d{2,3})p(?<z>\d{2,4})-ch(?<channel>\d{1,2})sk(?<t>\d+)fk\d+fl\d+\.tiff?$/,
    map: (g, rel) => {
      const plate = folderPlate(rel);
      return {
        ...(plate ? { plate } : {}),
        row: rowLetters(g.row!),
        column: Number(g.col),
        site: Number(g.site),
        z: Number(g.z),
        t: Number(g.t),
        channel: `ch${Number(g.channel)}`,
      };
    },
  }),
  regexPreset({
    id: 'cellvoyager',
    name: 'Yokogawa CellVoyager CV7000 / CV8000',
    example: 'AssayPlate_Greiner_#655090_C02_T0001F001L01A01Z01C01.tif',
    re: /^(?<plate>.+)_(?<row>[A-Pa-p])(?<col>\d{2})_T(?<t>\d{4})F(?<site>\d{3})L(?<timeline>\d{2})A(?<action>\d{2})Z(?<z>\d{2})C(?<channel>\d{2})\.tiff?$/,
    map: (g) => ({
      plate: g.plate!,
      row: g.row!.toUpperCase(),
      column: Number(g.col),
      site: Number(g.site),
      z: Number(g.z),
      t: Number(g.t),
      channel: `C${g.channel}`,
      extra: { timeline: g.timeline!, action: g.action! },
    }),
  }),
  regexPreset({
    id: 'cellomics',
    name: 'Thermo Cellomics ArrayScan / CellInsight CX5 / CX7',
    example: 'AS_09125_050116030001_D03f00d0.tif',
    re: /^(?<plate>.+)_(?<row>[A-Pa-p])(?<col>\d{1,2})f(?<site>\d{1,3})d(?<channel>\d)[^.]*\.(?:C01|c01|DIB|dib|tiff?|TIFF?|png)$/,
    map: (g) => ({
      plate: g.plate!,
      row: g.row!.toUpperCase(),
      column: Number(g.col),
      site: Number(g.site),
      channel: `d${g.channel}`,
    }),
  }),
  regexPreset({
    id: 'incucyte',
    name: 'Sartorius Incucyte',
    example: 'MySample1_A1_1_2021y08m06d_11h39m.tif',
    re: /^(?<plate>.+?)_(?<row>[A-Pa-p])(?<col>\d{1,2})_(?<site>\d+)(?:_(?<year>\d{4})y(?<month>\d{2})m(?<day>\d{2})d_(?<hour>\d{2})h(?<minute>\d{2})m)?\.tiff?$/,
    map: (g, rel) => {
      const folder = rel.split('/').slice(0, -1).pop();
      const ts = g.year ? `${g.year}-${g.month}-${g.day}T${g.hour}:${g.minute}` : undefined;
      return {
        ...(ts ? {} : { weak: true }),
        plate: g.plate!,
        row: g.row!.toUpperCase(),
        column: Number(g.col),
        site: Number(g.site),
        channel: folder ?? 'image',
        ...(ts ? { extra: { timestamp: ts } } : {}),
      };
    },
  }),
  regexPreset({
    id: 'incell',
    name: 'Cytiva IN Cell Analyzer',
    example: 'A_01_f2_c1_xUV_mDAPI_z3_t2.tif',
    re: /^(?:(?<row>[A-P])_(?<col>\d+)_f(?<site>\d+)_c(?<ch>\d+)_x(?<wavelength>[^_]+)_m(?<filter>[^_]+)_z(?<z>\d+)_t(?<t>\d+)|(?<row2>[A-P]) - (?<col2>\d+)\(fld (?<site2>\d+)(?: wv (?<wv2>[^)]*?))?(?: z (?<z2>\d+))?(?: time (?<t2>\d+))?(?: - \d+ms)?\))\.tiff?$/,
    map: (g, rel) => {
      const plate = folderPlate(rel);
      const ch = g.ch !== undefined ? `c${g.ch}` : (g.wv2 ?? 'image');
      return {
        ...(plate ? { plate } : {}),
        row: (g.row ?? g.row2)!,
        column: Number(g.col ?? g.col2),
        site: Number(g.site ?? g.site2),
        channel: ch,
        ...(num(g.z ?? g.z2) !== undefined ? { z: num(g.z ?? g.z2)! } : {}),
        ...(num(g.t ?? g.t2) !== undefined ? { t: num(g.t ?? g.t2)! } : {}),
      };
    },
  }),
  regexPreset({
    id: 'scanr',
    name: 'Olympus / Evident scanR',
    example: 'plate1--W00001--P00001--Z00000--T00000--DAPI.tif',
    re: /^(?<plate>.*?)--W(?<well>\d{5})--P(?<site>\d{5})--Z(?<z>\d{5})--T(?<t>\d{5})--(?<channel>[^.]+)\.tiff?$/,
    map: (g, rel) => {
      const plate = g.plate || folderPlate(rel);
      return {
        ...(plate ? { plate } : {}),
        ...wellFromIndex(Number(g.well)),
        site: Number(g.site),
        z: Number(g.z),
        t: Number(g.t),
        channel: g.channel!,
        extra: { scanrWell: g.well! },
      };
    },
  }),
  regexPreset({
    id: 'cq1',
    name: 'Yokogawa CQ1 / CellVoyager CV1000',
    example: 'W0001F0001T0001Z001C1.tif',
    re: /^W(?<well>\d{4})F(?<site>\d{4})T(?<t>\d{4})Z(?<z>\d{3})C(?<channel>\d)\.tiff?$/,
    map: (g, rel) => {
      const plate = folderPlate(rel);
      return {
        ...(plate ? { plate } : {}),
        ...wellFromIndex(Number(g.well)),
        site: Number(g.site),
        z: Number(g.z),
        t: Number(g.t),
        channel: `C${g.channel}`,
        extra: { wellIndex: g.well! },
      };
    },
  }),
  regexPreset({
    id: 'nikon',
    name: 'Nikon NIS-Elements JOBS / ND export',
    example: '20230303_200618_678__WellP24_ChannelDAPI_Seq0360xy9c5.tif',
    re: /Well(?<row>[A-Pa-p])(?<col>\d{1,2})_.*?Seq(?<seq>\d+)(?:t(?<t>\d+))?(?:xy(?<site>\d+))?(?:z(?<z>\d+))?(?:c(?<channel>\d+))?\.(?:tiff?|nd2)$/,
    map: (g, rel) => {
      const plate = folderPlate(rel);
      return {
        ...(plate ? { plate } : {}),
        row: g.row!.toUpperCase(),
        column: Number(g.col),
        site: num(g.site) ?? 1,
        channel: g.channel !== undefined ? `c${g.channel}` : 'image',
        ...(num(g.z) !== undefined ? { z: num(g.z)! } : {}),
        ...(num(g.t) !== undefined ? { t: num(g.t)! } : {}),
      };
    },
  }),
  regexPreset({
    id: 'channel-suffix',
    name: 'Name plus channel suffix (Zeiss ZEN, Fiji or Olympus exports: name_c1.tif, name_ch2.tif)',
    example: 'control_field3_c1.tif',
    re: /^(?<stem>.+?)[_-](?<channel>(?:c|ch|w|channel)\d{1,2}|dapi|hoechst|gfp|rfp|cy5|fitc|tritc|dna)\.(?:tiff?|png|jpe?g)$/i,
    map: (g, rel) => {
      const dir = rel.split('/').slice(0, -1).join('/');
      return { channel: g.channel!.toLowerCase(), extra: { stem: dir ? `${dir}/${g.stem}` : g.stem! } };
    },
  }),
];

/** Images with no plate metadata: one image set per file (folder names become conditions when there are several). */
export const PLAIN: Preset = {
  id: 'plain',
  name: 'Plain image names (one image per field; folders as conditions)',
  example: 'image001.tif',
  parse: () => ({ channel: 'image' }),
};

/** Every built-in preset (id and name), for menus. */
export function listPresets(): { id: string; name: string; example: string }[] {
  return [...PRESETS, PLAIN].map((p) => ({ id: p.id, name: p.name, example: p.example }));
}

/** The preset with this id, or a custom preset when `spec` looks like a regular expression. */
export function resolvePreset(spec: string): Preset {
  const hit = [...PRESETS, PLAIN].find((p) => p.id === spec.toLowerCase());
  if (hit) return hit;
  if (/[()[\]\\^$*+?]/.test(spec)) return customPreset(spec);
  throw new UserError(
    `unknown naming preset "${spec}"`,
    `choose one of: ${[...PRESETS, PLAIN].map((p) => p.id).join(', ')}, or give a regular expression with named groups`,
  );
}

/** How well a preset explains a sample of names: matched fraction, lowered when the matches lack the preset's distinctive tokens. */
export function scorePreset(p: Preset, names: { base: string; rel: string }[]): { score: number; matched: number } {
  if (names.length === 0) return { score: 0, matched: 0 };
  let matched = 0;
  let distinct = 0;
  for (const n of names) {
    const r = p.parse(n.base, n.rel);
    if (!r) continue;
    matched++;
    if (!r.weak) distinct++;
  }
  const frac = matched / names.length;
  const distinctFrac = matched ? distinct / matched : 0;
  return { score: frac * (0.6 + 0.4 * distinctFrac), matched };
}

/**
 * Choose the preset that explains most names. Confidence 0..1: the share of names it parses,
 * lowered when the names lack its distinctive tokens. Below 0.5 the plain preset is used.
 */
export function detectPreset(names: { base: string; rel: string }[]): {
  preset: Preset;
  confidence: number;
  candidates: { id: string; score: number }[];
} {
  const candidates = PRESETS.map((p) => ({ p, ...scorePreset(p, names) }));
  let best = candidates[0]!;
  for (const c of candidates) if (c.score > best.score + 1e-9) best = c;
  const list = candidates.map((c) => ({ id: c.p.id, score: Math.round(c.score * 1000) / 1000 })).sort((a, b) => b.score - a.score);
  if (best.score < 0.5) return { preset: PLAIN, confidence: names.length ? Math.round((1 - best.score) * 100) / 100 : 0, candidates: list };
  return { preset: best.p, confidence: Math.round(best.score * 100) / 100, candidates: list };
}
