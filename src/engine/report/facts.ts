/**
 * Facts about a finished (or partial) run, read from its output folder: how many image sets
 * were analysed, which failed and why, QC levels and exclusions, what the size and border
 * filters removed, resolved per-image parameters, dates and versions from run.json.
 * Column names are matched case-insensitively against the names the runner writes, so a
 * renamed column degrades to "not recorded" instead of a wrong number.
 */
import type { CsvTable, OutputFolder } from '../results/stats-tables.js';

/** Index of the first column whose name matches one of `names` (case-insensitive), or -1. */
export function findColumn(t: CsvTable | undefined, ...names: string[]): number {
  if (!t) return -1;
  const lower = t.columns.map((c) => c.toLowerCase());
  for (const n of names) {
    const j = lower.indexOf(n.toLowerCase());
    if (j >= 0) return j;
  }
  return -1;
}

export interface RunFacts {
  /** Rows of images.csv with results (Image_Status ok). */
  imagesAnalysed?: number;
  /** Every image set of the run (rows of images.csv, whatever their status). */
  imageSetsTotal?: number;
  /** Distinct plates and wells (plate/well pairs) in images.csv. */
  plates?: string[];
  wells?: number;
  /** Image sets excluded at QC or by the user, with the reason. */
  excluded: { id: string; reason: string }[];
  /** Image sets that failed (failures.csv). */
  failures: { id: string; stage?: string; reason: string }[];
  /** QC verdicts per worst level over image sets (qc.csv). */
  qcLevels?: { ok: number; warn: number; fail: number };
  /** Objects removed by the filters, summed over images (when images.csv records them). */
  discarded?: { small?: number; large?: number; border?: number };
  /** Total objects (Count_Nuclei summed, or objects.csv rows). */
  objects?: number;
  /** Range of per-image final thresholds (Threshold_FinalThreshold_*). */
  thresholdRange?: { min: number; max: number; column: string };
  /** Other resolved per-image parameters, as min-max ranges (e.g. estimated diameter). */
  resolved: Record<string, { min: number; max: number }>;
  /** From run.json. */
  startedAt?: string;
  finishedAt?: string;
  versions?: Record<string, string>;
  /** Previews and labels written (for "example data"). */
  hasPreviews?: boolean;
  hasLabels?: boolean;
}

function sumColumn(t: CsvTable, j: number): number {
  let s = 0;
  for (let i = 0; i < t.length; i++) {
    const v = t.num(i, j);
    if (Number.isFinite(v)) s += v;
  }
  return s;
}

function rangeOf(t: CsvTable, j: number): { min: number; max: number } | undefined {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < t.length; i++) {
    const v = t.num(i, j);
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return min <= max ? { min, max } : undefined;
}

/** Rows `i` of `t` for which `test(i)` holds. */
function rowsWhere(t: CsvTable, test: (i: number) => boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < t.length; i++) if (test(i)) out.push(i);
  return out;
}

/** The id of row i of `t` ('?' when it has none); the id column is found once, not per row. */
function idsOf(t: CsvTable): (i: number) => string {
  const j = findColumn(t, 'Metadata_ImageSet', 'ImageSetId', 'ImageSet', 'id', 'ImageNumber', 'file', 'path');
  return (i) => t.text(i, j) || '?';
}

function stringRecord(v: unknown): Record<string, string> | undefined {
  if (!v || typeof v !== 'object') return undefined;
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (typeof x === 'string' || typeof x === 'number') out[k] = String(x);
    else if (x && typeof x === 'object')
      for (const [k2, y] of Object.entries(x as Record<string, unknown>))
        if (typeof y === 'string' || typeof y === 'number') out[`${k}.${k2}`] = String(y);
  }
  return Object.keys(out).length ? out : undefined;
}

/** Gather what the output folder says about the run. Never throws on missing files. */
export function runFacts(f: OutputFolder, extra: { hasPreviews?: boolean; hasLabels?: boolean } = {}): RunFacts {
  const facts: RunFacts = { excluded: [], failures: [], resolved: {}, ...extra };
  const img = f.images;
  if (img) {
    const status = findColumn(img, 'Image_Status', 'Status');
    facts.imageSetsTotal = img.length;
    const pc = findColumn(img, 'Metadata_Plate');
    const wc = findColumn(img, 'Metadata_Well');
    if (pc >= 0 || wc >= 0) {
      const plates = new Set<string>();
      const wells = new Set<string>();
      for (let i = 0; i < img.length; i++) {
        plates.add(img.text(i, pc));
        if (wc >= 0) wells.add(`${img.text(i, pc)}/${img.text(i, wc)}`);
      }
      if (pc >= 0) facts.plates = [...plates].filter(Boolean).sort();
      if (wc >= 0) facts.wells = wells.size;
    }
    facts.imagesAnalysed = status >= 0 ? rowsWhere(img, (i) => img.text(i, status) === 'ok').length : img.length;
    const cnt = img.columns.findIndex((c) => /^Count_Nuclei$/i.test(c));
    const anyCount = cnt >= 0 ? cnt : img.columns.findIndex((c) => /^Count_/.test(c));
    if (anyCount >= 0) facts.objects = sumColumn(img, anyCount);
    const thr = img.columns.findIndex((c) => /^Threshold_FinalThreshold/i.test(c));
    if (thr >= 0) {
      const r = rangeOf(img, thr);
      if (r) facts.thresholdRange = { ...r, column: img.columns[thr]! };
    }
    const discarded: NonNullable<RunFacts['discarded']> = {};
    for (const [key, re] of [
      ['small', /discard.*small|small.*discard|removed.*small/i],
      ['large', /discard.*large|large.*discard|removed.*large/i],
      ['border', /discard.*border|border.*discard|removed.*border/i],
    ] as const) {
      const j = img.columns.findIndex((c) => re.test(c));
      if (j >= 0) discarded[key] = sumColumn(img, j);
    }
    if (Object.keys(discarded).length) facts.discarded = discarded;
    for (let j = 0; j < img.columns.length; j++) {
      const c = img.columns[j]!;
      if (/^(Segment|Param)_|EstimatedDiameter|Diameter_|_Diameter$|SmoothingSigma/i.test(c)) {
        const r = rangeOf(img, j);
        if (r) facts.resolved[c] = r;
      }
    }
    const st = findColumn(img, 'Status', 'QC_Status');
    if (st >= 0) {
      const id = idsOf(img);
      const why = findColumn(img, 'Reason', 'QC_Reason');
      for (const i of rowsWhere(img, (i) => /excluded/i.test(img.text(i, st))))
        facts.excluded.push({ id: id(i), reason: img.text(i, why) });
    }
  }
  if (facts.objects === undefined && f.objects) facts.objects = f.objects.total;
  if (img && !f.qc) {
    const st = findColumn(img, 'Image_Status', 'Status');
    const id = idsOf(img);
    for (const i of rowsWhere(img, (i) => img.text(i, st) === 'excluded')) facts.excluded.push({ id: id(i), reason: '' });
  }
  const qc = f.qc;
  if (qc) {
    const lv = findColumn(qc, 'QC_Worst', 'Worst', 'QC_Level', 'Level', 'qc');
    const ex = findColumn(qc, 'QC_Excluded', 'Excluded', 'Status');
    const why = findColumn(qc, 'QC_Reason', 'Reason', 'QC_Message', 'Message', 'Messages');
    if (lv >= 0) {
      const levels = { ok: 0, warn: 0, fail: 0 };
      for (let i = 0; i < qc.length; i++) {
        const l = qc.text(i, lv).toLowerCase();
        if (l === 'ok' || l === 'warn' || l === 'fail') levels[l]++;
      }
      facts.qcLevels = levels;
    }
    if (ex >= 0) {
      const id = idsOf(qc);
      for (let i = 0; i < qc.length; i++) {
        const v = qc.text(i, ex).toLowerCase();
        if (v === 'true' || v === '1' || v === 'yes' || v === 'excluded') facts.excluded.push({ id: id(i), reason: qc.text(i, why) });
      }
    }
  }
  const fl = f.failures;
  if (fl) {
    const why = findColumn(fl, 'Reason', 'Error', 'Message');
    const stage = findColumn(fl, 'Stage');
    const id = idsOf(fl);
    for (let i = 0; i < fl.length; i++) {
      const item: RunFacts['failures'][number] = { id: id(i), reason: fl.text(i, why) };
      if (stage >= 0) item.stage = fl.text(i, stage);
      facts.failures.push(item);
    }
  }
  const run = f.run;
  if (run) {
    for (const k of ['startedAt', 'finishedAt'] as const) if (typeof run[k] === 'string') facts[k] = run[k] as string;
    if (!facts.finishedAt && typeof run.endedAt === 'string') facts.finishedAt = run.endedAt;
    // run.json: a versions object, or (runner of session 3) scopepilot / node at the top level
    const v = stringRecord(run.versions ?? run.environment ?? run.software) ?? {};
    for (const k of ['scopepilot', 'node', 'platform', 'libvips']) if (typeof run[k] === 'string' && !v[k]) v[k] = run[k] as string;
    if (Object.keys(v).length) facts.versions = v;
  }
  return facts;
}
