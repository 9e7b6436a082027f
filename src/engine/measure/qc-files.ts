/**
 * QC of image files: probe each file, measure every plane with measureImageQuality, judge the
 * whole set with judgeQuality, and shape the qc.csv table. Used by `scopepilot qc`.
 * A file that cannot be read becomes a failure row; the others go on.
 */
import { basename, dirname } from 'node:path';
import { describeError } from '../errors.js';
import { probe } from '../io/probe.js';
import { readImage } from '../io/read.js';
import type { LongWorkOptions, QcVerdict } from '../types.js';
import { judgeQuality, type QcRow, type QcThresholds, qcReasons, worstLevel } from './qc.js';
import { measureImageQuality } from './quality.js';
import { channelLabel } from './table.js';

export interface QcFileResult {
  path: string;
  /** Channel name per plane (from the file, or C1, C2 ...). */
  channels: string[];
  /** ImageQuality_* metrics per channel. */
  metrics: Record<string, Record<string, number>>;
  verdicts: QcVerdict[];
  level: 'ok' | 'warn' | 'fail';
  reasons: string;
  /** Set when the file could not be read at all. */
  error?: string;
}

/** Plate / well / site (and ImageXpress wavelength as Channel w1, w2 ...) from common file names (ImageXpress `Plate_B03_s2_w1...`, `r02c03f01`), when present. */
export function metadataFromName(name: string): Record<string, string> {
  const md: Record<string, string> = {};
  const ixm = /^(.*?)_([A-P]\d{2})_s(\d+)/i.exec(name);
  if (ixm) {
    md.Plate = ixm[1]!;
    md.Well = ixm[2]!.toUpperCase();
    md.Site = ixm[3]!;
    const w = /_s\d+_w(\d)/i.exec(name);
    if (w) md.Channel = `w${w[1]}`;
    return md;
  }
  const op = /r(\d{2})c(\d{2})f(\d{2})/i.exec(name);
  if (op) {
    md.Well = `${String.fromCharCode(64 + Number(op[1]))}${op[2]}`;
    md.Site = String(Number(op[3]));
  }
  return md;
}

/**
 * Probe, read, measure and judge every file (sequentially; memory holds one image at a time).
 * @param o.trueMax camera maximum for saturation (default 2^bits - 1 of the values, e.g. 4095 for 12-bit data)
 */
export async function qcFiles(
  paths: string[],
  o: LongWorkOptions & { trueMax?: number; thresholds?: Partial<QcThresholds> } = {},
): Promise<QcFileResult[]> {
  const results: QcFileResult[] = [];
  const rows: QcRow[] = [];
  for (const [i, path] of paths.entries()) {
    o.signal?.throwIfAborted();
    o.onProgress?.({ done: i, total: paths.length, label: basename(path) });
    const res: QcFileResult = { path, channels: [], metrics: {}, verdicts: [], level: 'ok', reasons: '' };
    results.push(res);
    try {
      const pr = await probe(path);
      const img = await readImage(path);
      const nc = img.axes.c;
      // single-channel files of a multi-channel set: the channel is in the name (ImageXpress _w1, _w2)
      const md = metadataFromName(basename(path));
      const wave = md.Channel;
      // outliers are judged within plate x channel (the folder when the name has no plate)
      const plate = md.Plate;
      for (let c = 0; c < nc; c++) {
        // z/t stacks: the first plane of each channel.
        const plane = img.planes[c]!;
        const name = channelLabel(img.channelNames?.[c] ?? (nc === 1 ? (wave ?? 'DNA') : `C${c + 1}`));
        const bits = pr.significantBits !== undefined && plane.bitDepth === 16 ? Math.max(pr.significantBits, 12) : plane.bitDepth;
        const trueMax = o.trueMax ?? (plane.data instanceof Float32Array ? undefined : 2 ** bits - 1);
        const metrics = measureImageQuality(plane, trueMax !== undefined ? { trueMax } : {});
        res.channels.push(name);
        res.metrics[name] = metrics;
        rows.push({ id: path, channel: name, metrics, group: plate ?? dirname(path), probeProblems: c === 0 ? pr.problems : [] });
      }
    } catch (err) {
      res.error = describeError(err);
      res.verdicts = [
        {
          check: 'format',
          level: 'fail',
          message: `cannot read the file: ${res.error}`,
          action: 'check the file; the others were analysed',
        },
      ];
    }
  }
  o.onProgress?.({ done: paths.length, total: paths.length });
  const verdicts = judgeQuality(rows, o.thresholds);
  for (const r of results) {
    if (!r.error) r.verdicts = verdicts.get(r.path) ?? [];
    r.level = worstLevel(r.verdicts);
    r.reasons = qcReasons(r.verdicts);
  }
  return results;
}

/** qc.csv: Metadata_ columns, FileName, PathName, every ImageQuality_ metric (per channel), QC_Level, QC_Reasons. */
export function qcTable(results: QcFileResult[]): { columns: string[]; rows: (string | number | undefined)[][] } {
  const mdKeys = new Set<string>();
  const metricCols = new Set<string>();
  const mds = results.map((r) => metadataFromName(basename(r.path)));
  for (const md of mds) for (const k of Object.keys(md)) mdKeys.add(k);
  for (const r of results) {
    for (const ch of r.channels) for (const k of Object.keys(r.metrics[ch]!)) metricCols.add(`${k}_${ch}`);
  }
  const md = [...mdKeys];
  const mc = [...metricCols];
  const columns = ['ImageNumber', ...md.map((k) => `Metadata_${k}`), 'FileName', 'PathName', ...mc, 'QC_Level', 'QC_Reasons'];
  const rows = results.map((r, i) => {
    const vals = new Map<string, number>();
    for (const ch of r.channels) for (const [k, v] of Object.entries(r.metrics[ch]!)) vals.set(`${k}_${ch}`, v);
    return [i + 1, ...md.map((k) => mds[i]![k]), basename(r.path), dirname(r.path), ...mc.map((c) => vals.get(c)), r.level, r.reasons];
  });
  return { columns, rows };
}
