/**
 * The result tables of a run, merged from per-image-set checkpoints in ImageNumber order:
 * images.csv, objects.csv, qc.csv, failures.csv (CellProfiler-style column names). Two passes
 * over the checkpoints (index and columns, then rows) keep memory flat in the number of image sets.
 * The same checkpoints always give the same bytes, whatever the worker count, the order they
 * were finished in, the shards or the interruptions.
 */
import { join } from 'node:path';
import { readAllInOrder } from '../io/read-ahead.js';
import { collectOldGarbage } from '../jit.js';
import { type Checkpoint, checkpointObjects, type ObjectLines } from '../pipeline/checkpoint.js';
import { type Columns, type IndexedColumns, metaValue } from './checkpoint-index.js';
import { type Cell, CsvWriter, csvCell } from './csv.js';

export {
  type CheckpointIndex,
  type IndexedColumns,
  type IndexOptions,
  indexCheckpoints,
} from './checkpoint-index.js';

/**
 * objects.csv lines of one image set from its checkpoint's object lines: ImageNumber,
 * ObjectNumber, the metadata cells (`metaText`, each with its leading comma), then the values in
 * the table's column order. Lines whose columns are the table's (nearly always) are copied, not
 * re-formatted; otherwise each value is moved to its column (values are numbers or empty: no
 * quoting to undo).
 */
function objectRows(imageNumber: number, metaText: string, o: ObjectLines, columns: readonly string[]): string {
  const same = o.columns.length === columns.length && o.columns.every((k, i) => k === columns[i]);
  const at = same ? undefined : new Map(o.columns.map((k, i) => [k, i]));
  const pos = at ? columns.map((k) => at.get(k) ?? -1) : [];
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

/**
 * ImageNumber -> the population judgement of that image set (all channels), for the image sets
 * with a finding only: the others (nearly all) have none, and an entry each was a few hundred
 * bytes per image set of the merge's memory.
 */
function datasetChecks(rows: Columns['qcRows'], judge: JudgeFn): Map<number, DatasetVerdicts> {
  const judged = judge(
    rows.map((r) => ({
      id: `${r.imageNumber}\u0000${r.channel}`,
      channel: r.channel,
      metrics: r.metrics,
      ...(r.group ? { group: r.group } : {}),
    })),
  );
  const out = new Map<number, DatasetVerdicts & { list: string[] }>();
  for (const r of rows) {
    for (const v of judged.get(`${r.imageNumber}\u0000${r.channel}`) ?? []) {
      if (v.level === 'ok') continue;
      let e = out.get(r.imageNumber);
      if (!e) out.set(r.imageNumber, (e = { text: '', list: [], fail: [], warn: [] }));
      const s = `${v.check}:${v.level}`;
      if (e.list.includes(s)) continue;
      e.list.push(s);
      const words = `${v.check} (${r.channel}): ${v.message ?? v.level}`;
      if (v.level === 'fail') e.fail.push(words);
      else e.warn.push(words);
    }
  }
  for (const e of out.values()) e.text = e.list.join(';');
  return out;
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
      collectOldGarbage(); // each checkpoint's text and rows are garbage now (jit.ts)
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
