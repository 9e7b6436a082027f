/**
 * Reading a run's output folder for statistics, the report and the methods record: the small
 * tables (images.csv, qc.csv, failures.csv) are parsed whole, into columns (column-table.ts);
 * objects.csv is streamed and aggregated per image so that millions of objects never sit in
 * memory as rows.
 * Missing files are `undefined`, never an error: a folder from an older or partial run still
 * gives whatever can be said about it.
 */
import { createReadStream } from 'node:fs';
import { access, open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { StringDecoder } from 'node:string_decoder';
import { collectOldGarbage } from '../jit.js';
import { type CsvTable, CsvTableReader } from './column-table.js';
import { parseCsv as parseRecords } from './csv.js';

export { type CsvTable, parseCsv, tableRows } from './column-table.js';

/** Split one CSV line (no newline inside quotes) into cells. */
export function splitCsvLine(line: string): string[] {
  if (!line.includes('"')) return line.split(',');
  return parseRecords(line)[0] ?? [''];
}

/** Quote a cell when needed (comma, quote, newline, leading/trailing space). */
export function csvCell(v: string | number | boolean | undefined | null): string {
  if (v === undefined || v === null) return '';
  const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : String(v);
  return /[",\n\r]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A CSV document from a header and rows (LF line ends, trailing newline). */
export function formatCsv(columns: string[], rows: (string | number | boolean | undefined | null)[][]): string {
  return `${[columns.map(csvCell).join(','), ...rows.map((r) => r.map(csvCell).join(','))].join('\n')}\n`;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** Bytes of a table read at a time. */
const PIECE_BYTES = 1 << 20;

/** Parse a CSV file, or undefined when it does not exist. */
export async function readCsvFile(path: string, keep?: (column: string) => boolean): Promise<CsvTable | undefined> {
  if (!(await exists(path))) return undefined;
  // a piece at a time into one buffer: a 100,000-set images.csv is 35 MB of text, more than its
  // table (not a read stream, which allocates a new buffer for every piece)
  const reader = new CsvTableReader(keep);
  const file = await open(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(Math.min(PIECE_BYTES, Math.max(1, (await file.stat()).size)));
    const utf8 = new StringDecoder('utf8'); // a character cut by the end of a piece waits for the next
    for (;;) {
      const { bytesRead } = await file.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      reader.push(utf8.write(bytesRead === buf.length ? buf : buf.subarray(0, bytesRead)));
    }
    reader.push(utf8.end());
  } finally {
    await file.close();
  }
  return reader.end();
}

/** Parse a JSON file, or undefined when it does not exist. Invalid JSON throws. */
export async function readJsonFile(path: string): Promise<unknown> {
  if (!(await exists(path))) return undefined;
  return JSON.parse(await readFile(path, 'utf8')) as unknown;
}

/** Per-image aggregates of objects.csv: object count and the mean of each numeric column. */
export interface ObjectAggregates {
  /** Columns aggregated (numeric measurement columns, not ids or metadata). */
  columns: string[];
  /** ImageNumber -> { n, means (same order as columns) }. */
  perImage: Map<string, { n: number; means: number[] }>;
  /** Every object's AreaShape_Area (px), in file order, when that column exists. */
  areas?: Float64Array;
  /** Total objects read. */
  total: number;
}

const ID_COLUMN = /^(ImageNumber|ObjectNumber|Metadata_.*|Parent_.*|Children_.*|ImageSetId|ImageSet|Object)$/;

/**
 * Stream objects.csv (one object per line, CellProfiler names) and aggregate per ImageNumber:
 * the number of objects and the mean of every numeric measurement column. Empty and non-numeric
 * cells are skipped (a mean over the objects that have a value). Also returns every
 * AreaShape_Area for the size histogram. Memory: O(images x columns + objects) for areas only.
 */
export async function aggregateObjects(path: string): Promise<ObjectAggregates | undefined> {
  if (!(await exists(path))) return undefined;
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Number.POSITIVE_INFINITY });
  let header: string[] | undefined;
  let cols: number[] = [];
  let imageCol = -1;
  let areaCol = -1;
  const perImage = new Map<string, { n: number; sums: Float64Array; counts: Float64Array }>();
  let areas = new Float64Array(1024);
  let total = 0;
  for await (const raw of lines) {
    const line = header === undefined && raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
    if (line === '') continue;
    const cells = splitCsvLine(line);
    if (header === undefined) {
      header = cells;
      imageCol = header.indexOf('ImageNumber');
      areaCol = header.indexOf('AreaShape_Area');
      cols = header.map((c, j) => (ID_COLUMN.test(c) ? -1 : j)).filter((j) => j >= 0);
      continue;
    }
    const key = imageCol >= 0 ? (cells[imageCol] ?? '') : '1';
    let agg = perImage.get(key);
    if (!agg) {
      agg = { n: 0, sums: new Float64Array(cols.length), counts: new Float64Array(cols.length) };
      perImage.set(key, agg);
    }
    agg.n++;
    for (let k = 0; k < cols.length; k++) {
      const s = cells[cols[k]!];
      if (s === undefined || s === '') continue;
      const v = Number(s);
      if (!Number.isFinite(v)) continue;
      agg.sums[k]! += v;
      agg.counts[k]!++;
    }
    if (areaCol >= 0) {
      const a = Number(cells[areaCol]);
      if (Number.isFinite(a)) {
        if (total >= areas.length) {
          const grown = new Float64Array(areas.length * 2);
          grown.set(areas);
          areas = grown;
        }
        areas[total] = a;
      }
    }
    total++;
  }
  const names = cols.map((j) => header![j]!);
  // Columns with no numeric value anywhere (text) are dropped.
  const keep = names.map((_, k) => [...perImage.values()].some((a) => a.counts[k]! > 0));
  const out = new Map<string, { n: number; means: number[] }>();
  for (const [img, a] of perImage) {
    const means: number[] = [];
    for (let k = 0; k < names.length; k++) if (keep[k]) means.push(a.counts[k]! > 0 ? a.sums[k]! / a.counts[k]! : Number.NaN);
    out.set(img, { n: a.n, means });
  }
  return {
    columns: names.filter((_, k) => keep[k]),
    perImage: out,
    areas: areaCol >= 0 ? areas.slice(0, total) : undefined,
    total,
  };
}

/** Everything of a run's output folder that statistics, report and methods read. */
export interface OutputFolder {
  dir: string;
  recipe?: unknown;
  run?: Record<string, unknown>;
  images?: CsvTable;
  /** qc.csv with its ImageQuality_* cells empty (readOutputFolder): read the metrics from the file. */
  qc?: CsvTable;
  failures?: CsvTable;
  objects?: ObjectAggregates;
  validation?: Record<string, unknown>;
}

/**
 * Read whatever of the standard outputs exist in `dir` (see ARCHITECTURE.md "Outputs of a run").
 * objects.csv is aggregated per image only with `objects: true` (it can be large). `run` stands
 * in for run.json (the runner writes its record before run.json, during the export).
 */
export async function readOutputFolder(dir: string, o: { objects?: boolean; run?: Record<string, unknown> } = {}): Promise<OutputFolder> {
  const [recipe, run, images, qc, failures, validation] = await Promise.all([
    readJsonFile(join(dir, 'recipe.json')),
    o.run ?? readJsonFile(join(dir, 'run.json')),
    readCsvFile(join(dir, 'images.csv')),
    // qc.csv without its ImageQuality_* metrics, which the report and statistics never read (about
    // 20 columns of numbers: 16 MB for 100,000 image sets)
    readCsvFile(join(dir, 'qc.csv'), (column) => !column.startsWith('ImageQuality_')),
    readCsvFile(join(dir, 'failures.csv')),
    readJsonFile(join(dir, 'validation.json')),
  ]);
  const objects = o.objects === true ? await aggregateObjects(join(dir, 'objects.csv')) : undefined;
  // the files' bytes and the cells' texts are garbage now (jit.ts)
  collectOldGarbage();
  return {
    dir,
    recipe,
    run: run as Record<string, unknown> | undefined,
    images,
    qc,
    failures,
    objects,
    validation: validation as Record<string, unknown> | undefined,
  };
}

/** Cell `n` (0-based) of a CSV line without quotes ('' when the line is shorter). */
function nthCell(line: string, n: number): string {
  let start = 0;
  for (let k = 0; k < n; k++) {
    const c = line.indexOf(',', start);
    if (c < 0) return '';
    start = c + 1;
  }
  const end = line.indexOf(',', start);
  return line.slice(start, end < 0 ? line.length : end);
}

/**
 * One measurement column of objects.csv, streamed: the ImageNumber and value of every object
 * that has a finite value (for statistics at the object level). Undefined when the file or the
 * column does not exist. With `images: false`, `image` stays empty: the report's size histogram
 * needs the values only, and an ImageNumber string per object was 26 MB of heap for 837,000
 * objects (`scopepilot report` of 100,000 tile sets: 6.8-7.2 instead of 7.3-8.1 s; its peak
 * memory, which comes later, the same).
 */
export async function readObjectColumn(
  path: string,
  column: string,
  o: { images?: boolean } = {},
): Promise<{ image: string[]; values: Float64Array } | undefined> {
  if (!(await exists(path))) return undefined;
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Number.POSITIVE_INFINITY });
  const ids = o.images !== false;
  let j = -2;
  let im = -1;
  const image: string[] = [];
  let values = new Float64Array(1024);
  let n = 0;
  const room = () => {
    if (n < values.length) return;
    const grown = new Float64Array(values.length * 2);
    grown.set(values);
    values = grown;
  };
  for await (const raw of lines) {
    if (raw === '') continue;
    if (j !== -2) {
      // fast path: cells j and im by scanning commas (lines without quotes)
      if (!raw.includes('"')) {
        const cj = nthCell(raw, j);
        const v = Number(cj);
        if (cj === '' || !Number.isFinite(v)) continue;
        room();
        values[n++] = v;
        if (ids) image.push(im >= 0 ? nthCell(raw, im) : '1');
        continue;
      }
    }
    const cells = splitCsvLine(j === -2 && raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw);
    if (j === -2) {
      j = cells.indexOf(column);
      im = cells.indexOf('ImageNumber');
      if (j < 0) {
        lines.close();
        return undefined;
      }
      continue;
    }
    const v = Number(cells[j]);
    if (cells[j] === '' || !Number.isFinite(v)) continue;
    room();
    values[n++] = v;
    if (ids) image.push(im >= 0 ? (cells[im] ?? '') : '1');
  }
  return { image, values: values.slice(0, n) };
}
