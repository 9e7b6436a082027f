/**
 * The result tables of a run, merged from per-image-set checkpoints in ImageNumber order:
 * images.csv, objects.csv, qc.csv, failures.csv (CellProfiler-style column names). Two passes
 * over the checkpoints (index and columns, then rows) keep memory flat in the number of image sets.
 * The same checkpoints always give the same bytes, whatever the worker count, the order they
 * were finished in, the shards or the interruptions.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { readAllInOrder, readInOrder } from '../io/read-ahead.js';
import { CHECKPOINT_DIR, type Checkpoint, checkpointObjects, type ObjectLines } from '../pipeline/checkpoint.js';
import { type Cell, CsvWriter, csvCell } from './csv.js';

/** Where each checkpoint is, in ImageNumber order. */
export interface CheckpointIndex {
  entries: { imageNumber: number; path: string; dir: string; name: string; status: Checkpoint['status'] }[];
  /** Image sets in the whole data set (from the checkpoints). */
  total: number;
  recipeHash: string | undefined;
  /** ImageNumbers 1..total without a checkpoint. */
  missing: number[];
}

/** A CheckpointIndex with the columns its checkpoints have (collected in the same read). */
export interface IndexedColumns extends CheckpointIndex {
  columns: Columns;
}

/** Standard metadata columns, in this order, when any image set has them. */
const META: [keyof Checkpoint['meta'] | 'id', string][] = [
  ['id', 'Metadata_ImageSet'],
  ['plate', 'Metadata_Plate'],
  ['well', 'Metadata_Well'],
  ['row', 'Metadata_Row'],
  ['column', 'Metadata_Column'],
  ['site', 'Metadata_Site'],
  ['z', 'Metadata_Z'],
  ['t', 'Metadata_T'],
  ['condition', 'Metadata_Condition'],
];

export interface IndexOptions {
  /** Only checkpoints of this recipe hash (others are ignored, not refused). */
  hash?: string;
  /** Expected checkpoint name of each ImageNumber (index 0 = ImageNumber 1); others are ignored. */
  names?: readonly string[];
}

/**
 * List the checkpoints of one or more output folders, with the table columns they have (from
 * the same read). The first folder that has an image number wins. Refuses checkpoints made with
 * different recipes (naming both hashes).
 */
export async function indexCheckpoints(dirs: string[], o: IndexOptions = {}): Promise<IndexedColumns> {
  const byNumber = new Map<number, CheckpointIndex['entries'][number]>();
  const facts = new Map<number, ColumnFacts>();
  const intern = new Map<string, string[]>();
  let hash: string | undefined;
  let total = 0;
  for (const dir of dirs) {
    const cdir = join(dir, CHECKPOINT_DIR);
    const names = (await readdir(cdir).catch(() => [] as string[])).filter((n) => n.endsWith('.json') && !n.startsWith('.')).sort();
    for await (const r of readInOrder(names.map((file) => join(cdir, file)))) {
      const path = r.path;
      let c: Checkpoint;
      try {
        c = JSON.parse(r.text ?? '') as Checkpoint;
      } catch {
        continue; // unreadable: treated as not done
      }
      if (o.hash !== undefined && c.recipeHash !== o.hash) continue;
      if (o.names && (o.names[c.imageNumber - 1] !== c.name || c.total !== o.names.length)) continue;
      if (hash === undefined) hash = c.recipeHash;
      else if (c.recipeHash !== hash)
        throw new UserError(
          `${path} was made with a different recipe (${c.recipeHash}, others ${hash})`,
          'merge only outputs of the same recipe; rerun that shard with the recipe the others used',
        );
      total = o.names ? o.names.length : Math.max(total, c.total ?? 0);
      if (!byNumber.has(c.imageNumber)) {
        byNumber.set(c.imageNumber, { imageNumber: c.imageNumber, path, dir, name: c.name, status: c.status });
        facts.set(c.imageNumber, columnFacts(c, intern));
      }
    }
  }
  const entries = [...byNumber.values()].sort((a, b) => a.imageNumber - b.imageNumber);
  const missing: number[] = [];
  for (let i = 1; i <= total; i++) if (!byNumber.has(i)) missing.push(i);
  return { entries, total, recipeHash: hash, missing, columns: gatherColumns(entries.map((e) => facts.get(e.imageNumber)!)) };
}

function metaValue(c: Checkpoint, key: keyof Checkpoint['meta'] | 'id'): Cell {
  if (key === 'id') return c.id;
  const v = c.meta[key];
  return typeof v === 'number' || typeof v === 'string' ? v : undefined;
}

/** Columns seen in the checkpoints, in first-seen order. */
interface Columns {
  meta: [string, string][];
  extra: string[];
  image: string[];
  objects: string[];
  /** qc.csv metric columns: name = <metric>_<channel>. */
  qc: { name: string; ch: string; key: string }[];
  channels: string[];
  /** QC metrics of every image set that was read (for the data-set-wide judgement). */
  qcRows: { imageNumber: number; channel: string; metrics: Record<string, number>; group?: string }[];
}

function add(list: string[], seen: Set<string>, name: string) {
  if (!seen.has(name)) {
    seen.add(name);
    list.push(name);
  }
}

/**
 * What one checkpoint contributes to the columns. The name lists are interned: nearly every
 * checkpoint of a run has the same ones, so keeping them per image set costs a pointer each.
 */
interface ColumnFacts {
  imageNumber: number;
  /** Bit k set: META[k] has a value. */
  meta: number;
  extra: string[];
  image: string[];
  objects: string[];
  /** Per channel, the QC metric names. */
  qc: [string, string[]][];
  channels: string[];
  qcMetrics: Checkpoint['qc']['metrics'];
  plate?: string;
}

function columnFacts(c: Checkpoint, intern: Map<string, string[]>): ColumnFacts {
  const shared = (names: string[]): string[] => {
    const key = names.join('\n');
    const had = intern.get(key);
    if (had) return had;
    intern.set(key, names);
    return names;
  };
  let meta = 0;
  META.forEach(([k], bit) => {
    if (metaValue(c, k) !== undefined) meta |= 1 << bit;
  });
  return {
    imageNumber: c.imageNumber,
    meta,
    extra: shared(Object.keys(c.meta.extra ?? {})),
    image: shared(Object.keys(c.image)),
    objects: shared(c.objectsCsv?.columns ?? (c.objects?.columns ?? []).filter((k) => k !== 'ObjectNumber')),
    qc: Object.entries(c.qc.metrics).map(([ch, m]) => [ch, shared(Object.keys(m))]),
    channels: shared(Object.keys(c.files)),
    qcMetrics: c.qc.metrics,
    ...(c.meta.plate ? { plate: c.meta.plate } : {}),
  };
}

/** The columns of the tables: every name any image set has, in first-seen (ImageNumber) order. */
function gatherColumns(all: ColumnFacts[]): Columns {
  let metaSeen = 0;
  const extraSeen = new Set<string>();
  const sets = { image: new Set<string>(), objects: new Set<string>(), qc: new Set<string>(), channels: new Set<string>() };
  const cols: Columns = { meta: [], extra: [], image: [], objects: [], qc: [], channels: [], qcRows: [] };
  for (const f of all) {
    metaSeen |= f.meta;
    for (const k of f.extra) extraSeen.add(k);
    for (const k of f.image) add(cols.image, sets.image, k);
    for (const k of f.objects) add(cols.objects, sets.objects, k);
    for (const [ch, keys] of f.qc)
      for (const key of keys) {
        const name = `${key}_${ch.replace(/[^A-Za-z0-9_]/g, '_')}`;
        if (!sets.qc.has(name)) {
          sets.qc.add(name);
          cols.qc.push({ name, ch, key });
        }
      }
    for (const ch of f.channels) add(cols.channels, sets.channels, ch);
    for (const [channel, metrics] of Object.entries(f.qcMetrics))
      cols.qcRows.push({ imageNumber: f.imageNumber, channel, metrics, ...(f.plate ? { group: f.plate } : {}) });
  }
  cols.meta = META.filter((_m, bit) => (metaSeen & (1 << bit)) !== 0) as [string, string][];
  cols.extra = [...extraSeen].sort();
  return cols;
}

/**
 * objects.csv lines of one image set from its checkpoint's object lines: ImageNumber,
 * ObjectNumber, the metadata cells (`metaText`, each with its leading comma), then the values in
 * the table's column order. Lines whose columns are the table's (nearly always) are copied, not
 * re-formatted; otherwise each value is moved to its column (values are numbers or empty: no
 * quoting to undo).
 */
function objectRows(imageNumber: number, metaText: string, o: ObjectLines, columns: readonly string[]): string {
  const same = o.columns.length === columns.length && o.columns.every((k, i) => k === columns[i]);
  const at = new Map(o.columns.map((k, i) => [k, i]));
  const pos = same ? [] : columns.map((k) => at.get(k) ?? -1);
  const text = o.text;
  let out = '';
  for (let start = 0; start < text.length; ) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const comma = text.indexOf(',', start);
    const cut = comma >= 0 && comma < end ? comma : end;
    let values: string;
    if (same) values = text.slice(cut, end);
    else {
      const cells = cut < end ? text.slice(cut + 1, end).split(',') : [];
      values = '';
      for (const p of pos) values += `,${p >= 0 ? (cells[p] ?? '') : ''}`;
    }
    out += `${imageNumber},${text.slice(start, cut)}${metaText}${values}\n`;
    start = end + 1;
  }
  return out;
}

/** A QC judge over many images (measure/qc.ts judgeQuality). */
export type JudgeFn = (
  rows: { id: string; channel: string; metrics: Record<string, number>; group?: string }[],
) => Map<string, { check: string; level: string; message?: string }[]>;

export interface TableOptions {
  /**
   * Judge every image against the whole data set (robust z-scores per plate and channel); the
   * result is the qc.csv column QC_DatasetChecks.
   */
  judgeQuality?: JudgeFn;
  /**
   * What the data-set judgement does to an image set that passed its own checks (the recipe's
   * qc.policy): exclude-fail (default) excludes it when a check fails against the others (a
   * blurred field among sharp ones), exclude-warn also on doubtful ones, keep-all only flags.
   */
  policy?: 'exclude-fail' | 'exclude-warn' | 'keep-all';
  /** Image set ids the user kept whatever the checks say. */
  keep?: ReadonlySet<string>;
}

interface DatasetVerdicts {
  /** "check:level;..." for qc.csv. */
  text: string;
  fail: string[];
  warn: string[];
}

/** ImageNumber -> the population judgement of that image set (all channels). */
function datasetChecks(rows: Columns['qcRows'], judge: JudgeFn): Map<number, DatasetVerdicts> {
  const judged = judge(
    rows.map((r) => ({
      id: `${r.imageNumber}\u0000${r.channel}`,
      channel: r.channel,
      metrics: r.metrics,
      ...(r.group ? { group: r.group } : {}),
    })),
  );
  const out = new Map<number, { list: string[]; fail: string[]; warn: string[] }>();
  for (const r of rows) {
    const e = out.get(r.imageNumber) ?? { list: [], fail: [], warn: [] };
    for (const v of judged.get(`${r.imageNumber}\u0000${r.channel}`) ?? []) {
      const s = `${v.check}:${v.level}`;
      if (v.level === 'ok' || e.list.includes(s)) continue;
      e.list.push(s);
      const words = `${v.check} (${r.channel}): ${v.message ?? v.level}`;
      if (v.level === 'fail') e.fail.push(words);
      else e.warn.push(words);
    }
    out.set(r.imageNumber, e);
  }
  return new Map([...out].map(([k, v]) => [k, { text: v.list.join(';'), fail: v.fail, warn: v.warn }]));
}

/** The reason to exclude an image set that passed alone but not against the data set, if any. */
function datasetExclusion(v: DatasetVerdicts | undefined, o: TableOptions): string | undefined {
  const policy = o.policy ?? 'exclude-fail';
  if (!v || policy === 'keep-all') return undefined;
  const bad = policy === 'exclude-warn' ? [...v.fail, ...v.warn] : v.fail;
  return bad.length ? `against the data set: ${bad.join('; ')}` : undefined;
}

export interface TableCounts {
  images: number;
  objects: number;
  qc: number;
  failures: number;
  ok: number;
  excluded: number;
  failed: number;
  /** Column names of objects.csv (for typed exports). */
  objectColumns: string[];
  imageColumns: string[];
  qcColumns: string[];
  failureColumns: string[];
  /** Columns that hold text (any non-empty string written), per table. */
  textColumns: Record<'images' | 'objects' | 'qc' | 'failures', string[]>;
}

/**
 * Write images.csv, objects.csv (when `objectsCsv`), qc.csv and failures.csv into `out` from
 * the indexed checkpoints. objects.csv is always written when Parquet is wanted (it is the
 * Parquet source) and removed by the caller if not wanted.
 */
export async function writeResultTables(out: string, index: IndexedColumns, o: TableOptions = {}): Promise<TableCounts> {
  const cols = { ...index.columns };
  const dataset = o.judgeQuality ? datasetChecks(cols.qcRows, o.judgeQuality) : undefined;
  cols.qcRows = index.columns.qcRows = []; // not needed any more: free them before the rows are written
  // plate-map columns that repeat a standard one (condition -> Metadata_Condition) are left out;
  // names are unique ignoring case (DuckDB, spreadsheets)
  const taken = new Set(cols.meta.map(([, n]) => n.toLowerCase()));
  const extra: string[] = [];
  const extraCols: string[] = [];
  for (const k of cols.extra) {
    const name = `Metadata_${k.replace(/[^A-Za-z0-9_]/g, '_')}`;
    if (taken.has(name.toLowerCase())) continue;
    taken.add(name.toLowerCase());
    extra.push(k);
    extraCols.push(name);
  }
  cols.extra = extra;
  const metaCols = [...cols.meta.map(([, n]) => n), ...extraCols];
  const imageColumns = [
    'ImageNumber',
    ...metaCols,
    'Image_Status',
    ...cols.image,
    ...cols.channels.map((ch) => `FileName_${ch.replace(/[^A-Za-z0-9_]/g, '_')}`),
  ];
  const objectColumns = ['ImageNumber', 'ObjectNumber', ...metaCols, ...cols.objects];
  const qcColumns = [
    'ImageNumber',
    ...metaCols,
    ...cols.qc.map((q) => q.name),
    'QC_Worst',
    'QC_Checks',
    'QC_Excluded',
    'QC_Reason',
    ...(dataset ? ['QC_DatasetChecks'] : []),
  ];
  const failColumns = ['ImageNumber', 'Metadata_ImageSet', 'Stage', 'Reason', 'Files'];
  const writers = {
    images: await CsvWriter.open(join(out, 'images.csv'), imageColumns),
    objects: await CsvWriter.open(join(out, 'objects.csv'), objectColumns),
    qc: await CsvWriter.open(join(out, 'qc.csv'), qcColumns),
    failures: await CsvWriter.open(join(out, 'failures.csv'), failColumns),
  };
  const counts = { ok: 0, excluded: 0, failed: 0 };
  try {
    for await (const text of readAllInOrder(index.entries.map((e) => e.path))) {
      const c = JSON.parse(text) as Checkpoint;
      // an image set that passed its own checks may still fail against the others (the policy decides)
      const againstSet = c.status === 'ok' && !o.keep?.has(c.id) ? datasetExclusion(dataset?.get(c.imageNumber), o) : undefined;
      if (againstSet) {
        c.status = 'excluded';
        c.reason = againstSet;
        delete c.objects;
        delete c.objectsCsv;
      }
      counts[c.status]++;
      const meta: Cell[] = [
        ...cols.meta.map(([k]) => metaValue(c, k as keyof Checkpoint['meta'])),
        ...cols.extra.map((k) => c.meta.extra?.[k]),
      ];
      await writers.images.write([
        c.imageNumber,
        ...meta,
        c.status,
        ...cols.image.map((k) => c.image[k] ?? null),
        ...cols.channels.map((ch) => c.files[ch]),
      ]);
      const objects = checkpointObjects(c);
      if (objects?.count) {
        const metaText = meta.map((m) => `,${csvCell(m)}`).join('');
        const textCells = meta.flatMap((m, i) => (typeof m === 'string' && m !== '' ? [2 + i] : []));
        await writers.objects.writeLines(objectRows(c.imageNumber, metaText, objects, cols.objects), objects.count, textCells);
      }
      await writers.qc.write([
        c.imageNumber,
        ...meta,
        ...cols.qc.map((q) => c.qc.metrics[q.ch]?.[q.key] ?? null),
        c.qc.worst,
        c.qc.verdicts
          .filter((v) => v.level !== 'ok')
          .map((v) => `${v.check}:${v.level}`)
          .join(';'),
        c.status === 'excluded',
        c.status === 'excluded' ? (c.reason ?? '') : '',
        ...(dataset ? [dataset.get(c.imageNumber)?.text ?? ''] : []),
      ]);
      if (c.status === 'failed')
        await writers.failures.write([c.imageNumber, c.id, c.stage ?? '', c.reason ?? '', Object.values(c.files).join(';')]);
    }
    for (const w of Object.values(writers)) await w.close();
  } catch (err) {
    for (const w of Object.values(writers)) await w.abort();
    throw err;
  }
  return {
    images: writers.images.rows,
    objects: writers.objects.rows,
    qc: writers.qc.rows,
    failures: writers.failures.rows,
    ...counts,
    objectColumns,
    imageColumns,
    qcColumns,
    failureColumns: failColumns,
    textColumns: {
      images: [...writers.images.textColumns].map((i) => imageColumns[i]!),
      objects: [...writers.objects.textColumns].map((i) => objectColumns[i]!),
      qc: [...writers.qc.textColumns].map((i) => qcColumns[i]!),
      failures: [...writers.failures.textColumns].map((i) => failColumns[i]!),
    },
  };
}
