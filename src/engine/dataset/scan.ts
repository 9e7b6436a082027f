/**
 * `scanFolder(dir)`: what a folder of microscopy images holds, before any pixel is analysed.
 * Names first (pure parsing, fast for 100,000 files, no pixels held), then header probes of a
 * sample of image sets spread over the folder (format, bit depth, size, pixel size, export
 * problems). The naming convention is detected (with a confidence) unless given.
 */
import { join, resolve } from 'node:path';
import { UserError } from '../errors.js';
import type { OnProgress } from '../types.js';
import { groupImageSets } from './group.js';
import { joinPlateMap, readPlateMap } from './platemap.js';
import { detectPreset, type Preset, resolvePreset, wellName } from './presets.js';
import { probeSample } from './probe-sample.js';
import type { FileRecord, ScanProblem, ScanResult, ScanSummary } from './types.js';
import { readVendorMeta } from './vendor-meta.js';
import { walkFolder } from './walk.js';

export type { FileRecord, ScanProblem, ScanResult, ScanSummary, SubsetPick } from './types.js';

export interface ScanOptions {
  /** A preset id (`imagexpress`, `opera`, ...) or a regular expression with named groups. */
  pattern?: string;
  /** Same as `pattern` (the wizard's name for a preset id). `pattern` wins when both are given. */
  preset?: string;
  /** Plate map CSV joined into the image sets' metadata. */
  plateMap?: string;
  /** Image sets whose files are probed (headers + first plane); default 24; 0 = none; Infinity = all. */
  probeSets?: number;
  onProgress?: OnProgress;
  signal?: AbortSignal;
}

/** How many names the preset detection looks at (spread evenly over the folder). */
const DETECT_SAMPLE = 2000;

function evenSample<T>(xs: T[], n: number): T[] {
  if (xs.length <= n) return xs;
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(xs[Math.floor((i * xs.length) / n)]!);
  return out;
}

/**
 * Scan a folder (recursively): every image file with plate / well / site / channel / z / t from
 * its name, grouped into image sets, with the problems a user must know about.
 * Ground-truth folders (labels/, masks/) and vendor thumbnails are skipped and counted.
 * Never writes anything. A folder without images gives a 'no-images' problem, not an error.
 * @throws UserError when the folder does not exist, the pattern is invalid or the plate map is unreadable.
 */
export async function scanFolder(dir: string, o: ScanOptions = {}): Promise<ScanResult> {
  const t0 = performance.now();
  const root = resolve(dir);
  const walked = await walkFolder(root, {
    ...(o.onProgress ? { onProgress: o.onProgress } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
  });
  const names = walked.images;
  const spec = o.pattern ?? o.preset;
  let preset: Preset;
  let confidence: number;
  let candidates: { id: string; score: number }[] = [];
  if (spec && spec !== 'auto') {
    preset = resolvePreset(spec);
    const sample = evenSample(names, DETECT_SAMPLE);
    const ok = sample.filter((n) => preset.parse(n.base, n.rel)).length;
    confidence = sample.length ? Math.round((ok / sample.length) * 100) / 100 : 0;
  } else {
    const d = detectPreset(evenSample(names, DETECT_SAMPLE));
    preset = d.preset;
    confidence = d.confidence;
    candidates = d.candidates;
  }

  const files: FileRecord[] = [];
  const unmatched: string[] = [];
  const zeroByte: string[] = [];
  const timestamps = new Set<string>();
  // one string per plate, well and channel name, however many files repeat it (100,000 files:
  // 300,000 strings less)
  const shared = new Map<string, string>();
  const one = (s: string) => {
    const had = shared.get(s);
    if (had !== undefined) return had;
    shared.set(s, s);
    return s;
  };
  for (const n of names) {
    const p = preset.parse(n.base, n.rel);
    const rec: FileRecord = { path: join(root, n.rel), rel: n.rel, size: n.size, matched: p !== undefined };
    if (n.size === 0) zeroByte.push(n.rel);
    if (p) {
      if (p.plate !== undefined) rec.plate = one(p.plate);
      if (p.row !== undefined && p.column !== undefined) {
        rec.row = one(p.row);
        rec.column = p.column;
        rec.well = one(wellName(p.row, p.column));
      }
      if (p.site !== undefined) rec.site = p.site;
      if (p.channel !== undefined) rec.channel = one(p.channel);
      if (p.z !== undefined) rec.z = p.z;
      if (p.t !== undefined) rec.t = p.t;
      if (p.extra) rec.extra = p.extra;
      if (p.extra?.timestamp) timestamps.add(p.extra.timestamp);
    } else unmatched.push(n.rel);
    files.push(rec);
  }
  if (timestamps.size) {
    // Incucyte: the time axis is the acquisition time; number time points 1.. in time order
    const order = new Map([...timestamps].sort().map((ts, i) => [ts, i + 1] as const));
    for (const f of files) if (f.extra?.timestamp) f.t = order.get(f.extra.timestamp)!;
  }
  const renamed = platesFromFolders(files);

  const g = groupImageSets(files);
  for (const [i, a] of g.assignments) Object.assign(files[i]!, a);
  const problems: ScanProblem[] = [];
  if (names.length === 0)
    problems.push({
      code: 'no-images',
      level: 'fail',
      count: 0,
      message: `no image files (.tif, .tiff, .png, .jpg) in ${root}${walked.truthFiles ? ` outside ${walked.truthFolders.join(', ')}` : ''}`,
      hint: 'choose the folder that holds the microscope export',
      examples: [],
    });
  if (unmatched.length)
    problems.push({
      code: 'unmatched',
      level: 'warn',
      count: unmatched.length,
      message: `${unmatched.length} of ${names.length} image file(s) do not follow the ${preset.name} naming, so they are left out`,
      hint: 'give the naming with --pattern (a preset id or a regular expression with named groups), or move those files elsewhere',
      examples: unmatched.slice(0, 5),
    });
  if (zeroByte.length)
    problems.push({
      code: 'empty-file',
      level: 'fail',
      count: zeroByte.length,
      message: `${zeroByte.length} file(s) are empty (0 bytes)`,
      hint: 'copy them again from the microscope export',
      examples: zeroByte.slice(0, 5),
    });
  if (walked.emptyFolders.length)
    problems.push({
      code: 'empty-folder',
      level: 'warn',
      count: walked.emptyFolders.length,
      message: `${walked.emptyFolders.length} folder(s) hold no files`,
      hint: 'fine if nothing was meant to be there; otherwise the export or copy stopped early',
      examples: walked.emptyFolders.slice(0, 5),
    });
  problems.push(...g.problems);

  let imageSets = g.imageSets;
  let plateMapColumns: string[] | undefined;
  if (o.plateMap) {
    const map = await readPlateMap(resolve(o.plateMap));
    const j = joinPlateMap(imageSets, map);
    imageSets = j.imageSets;
    problems.push(...j.problems);
    plateMapColumns = map.columns;
  }

  const probed = await probeSample(imageSets, {
    sets: o.probeSets ?? 24,
    skip: new Set(zeroByte.map((r) => join(root, r))),
    root,
    ...(o.onProgress ? { onProgress: o.onProgress } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
  });
  const notes: string[] = [];
  const vendor = await readVendorMeta(root, walked.metadataFiles);
  let pixelSizeUm = probed.pixelSizeUm;
  if (pixelSizeUm === undefined && vendor.pixelSizeUm !== undefined) {
    pixelSizeUm = vendor.pixelSizeUm;
    notes.push(`pixel size ${pixelSizeUm} µm from ${vendor.sources.join(', ')}`);
    probed.problems = probed.problems.filter((p) => p.code !== 'no-pixel-size');
  }
  const channelNames = Object.fromEntries(Object.entries(vendor.channelNames).filter(([k]) => g.channels.includes(k)));
  if (Object.keys(channelNames).length)
    notes.push(
      `channel names from ${vendor.sources.join(', ')}: ${Object.entries(channelNames)
        .map(([k, v]) => `${k} = ${v}`)
        .join(', ')}`,
    );
  problems.push(...probed.problems);
  if (pixelSizeUm !== undefined) {
    const px = pixelSizeUm;
    imageSets = imageSets.map((s) => ({ ...s, meta: { ...s.meta, pixelSizeUm: px } }));
  }

  const extensions: Record<string, number> = {};
  let bytes = 0;
  for (const n of names) {
    const ext = n.base.slice(n.base.lastIndexOf('.')).toLowerCase();
    extensions[ext] = (extensions[ext] ?? 0) + 1;
    if (n.size > 0) bytes += n.size;
  }
  const vendorOnly = names.filter((n) => /\.(c01|dib)$/i.test(n.base)).length;
  if (vendorOnly)
    problems.push({
      code: 'unreadable-format',
      level: 'fail',
      count: vendorOnly,
      message: `${vendorOnly} file(s) are in the Cellomics .C01/.DIB format, which ScopePilot cannot read`,
      hint: 'export the images as TIFF (HCS Studio / HCS Navigator: export images as 16-bit TIFF)',
      examples: names
        .filter((n) => /\.(c01|dib)$/i.test(n.base))
        .slice(0, 5)
        .map((n) => n.rel),
    });
  if (walked.truthFiles)
    notes.push(`${walked.truthFiles} file(s) in ${walked.truthFolders.join(', ')} were taken as ground truth / masks, not as images`);
  if (renamed.length)
    notes.push(
      `the same plate name is used in several folders (${renamed.slice(0, 3).join(', ')}): each folder was taken as its own plate, named after the folder`,
    );
  if (walked.thumbnails) notes.push(`${walked.thumbnails} thumbnail(s) (_thumb) were skipped`);
  if (preset.id === 'scanr')
    notes.push('scanR numbers wells 1..N row by row; wells were converted assuming a 96-well plate (384 above well 96)');
  if (preset.id === 'incucyte' && g.channels.length === 1 && g.channels[0] === 'image')
    notes.push('Incucyte names carry no channel: each export folder is taken as one channel');
  const summary: ScanSummary = {
    files: names.length,
    bytes,
    imageSets: imageSets.length,
    extensions,
    formats: probed.formats,
    bitDepths: probed.bitDepths,
    significantBits: probed.significantBits,
    sizes: probed.sizes,
    ...(pixelSizeUm !== undefined ? { pixelSizeUm } : {}),
    ...(Object.keys(channelNames).length ? { channelNames } : {}),
    probed: probed.count,
    ...(g.sitesPerWell !== undefined ? { sitesPerWell: g.sitesPerWell } : {}),
    zPlanes: g.zPlanes,
    timePoints: g.timePoints,
    skipped: {
      truthFiles: walked.truthFiles,
      truthFolders: walked.truthFolders,
      thumbnails: walked.thumbnails,
      otherFiles: walked.otherFiles,
    },
    candidates,
    ...(plateMapColumns ? { plateMapColumns } : {}),
    ms: Math.round(performance.now() - t0),
    notes,
  };
  return {
    root,
    preset: { id: preset.id, name: preset.name, confidence },
    files,
    imageSets,
    channels: g.channels,
    plates: g.plates,
    wells: g.wells,
    problems,
    summary,
  };
}

/** A file's folder without ImageXpress TimePoint_N / ZStep_N levels. */
function plateDir(rel: string): string {
  return rel
    .split('/')
    .slice(0, -1)
    .filter((p) => !/^(TimePoint|ZStep)_\d+$/i.test(p))
    .join('/');
}

/**
 * Several plates exported under one experiment name (ImageXpress: `<date>/<plate id>/TimePoint_1/
 * <experiment>_A01_s1_w1.tif`) would collide as duplicates. When the same plate name, well, site,
 * channel, z and t occur in two folders, every file of that plate name takes its folder as plate
 * (the folder's name, or its full relative path when names repeat); the name token is kept as
 * `extra.experiment`. Mutates the given records (fresh ones built by scanFolder). Returns the
 * plate names that were split.
 */
function platesFromFolders(files: FileRecord[]): string[] {
  const dirsByKey = new Map<string, Set<string>>();
  for (const f of files) {
    if (f.plate === undefined || f.well === undefined) continue;
    const k = `${f.plate}\u0000${f.well}\u0000${f.site}\u0000${f.channel}\u0000${f.z}\u0000${f.t}`;
    let d = dirsByKey.get(k);
    if (!d) dirsByKey.set(k, (d = new Set()));
    d.add(plateDir(f.rel));
  }
  const split = new Set<string>();
  for (const [k, d] of dirsByKey) if (d.size > 1) split.add(k.slice(0, k.indexOf('\u0000')));
  if (!split.size) return [];
  const dirs = new Map<string, Set<string>>();
  for (const f of files)
    if (f.plate !== undefined && split.has(f.plate)) {
      const dir = plateDir(f.rel);
      const base = dir.split('/').pop() || dir;
      let s = dirs.get(base);
      if (!s) dirs.set(base, (s = new Set()));
      s.add(dir);
    }
  for (const f of files) {
    if (f.plate === undefined || !split.has(f.plate)) continue;
    const dir = plateDir(f.rel);
    const base = dir.split('/').pop() || dir;
    f.extra = { ...(f.extra ?? {}), experiment: f.plate };
    f.plate = (dirs.get(base)?.size ?? 0) > 1 ? dir : base;
  }
  return [...split];
}

/** Throw a UserError when a scan found nothing to analyse (for commands that need images). */
export function requireImages(scan: ScanResult): void {
  if (scan.imageSets.length === 0) {
    const p = scan.problems.find((x) => x.code === 'no-images' || x.code === 'unmatched');
    throw new UserError(p?.message ?? `no image sets in ${scan.root}`, p?.hint ?? 'choose the folder that holds the microscope export');
  }
}
