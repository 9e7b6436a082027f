/**
 * CSV writing for result tables: RFC 4180 quoting, numbers in JavaScript's shortest round-trip
 * form (so the same value always gives the same bytes), NaN / Infinity / missing as an empty
 * cell, '\n' line ends, UTF-8 without BOM. A CsvWriter streams to a temporary name and renames
 * on close, so a half-written table never appears under its final name.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { tempPathFor } from '../io/atomic.js';

export type Cell = number | string | boolean | null | undefined;

const BLOCK = 256 * 1024;

/** One CSV cell. */
export function csvCell(v: Cell): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  if (typeof v === 'boolean') return v ? '1' : '0';
  return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** One CSV line including the line end. */
export function csvLine(cells: readonly Cell[]): string {
  let s = '';
  for (let i = 0; i < cells.length; i++) s += (i ? ',' : '') + csvCell(cells[i]);
  return `${s}\n`;
}

/**
 * Streams rows to `path` (via a temporary file); `close()` renames it into place. Rows go into
 * one reused 256 kB buffer (no growing strings), so memory stays flat however long the table.
 */
export class CsvWriter {
  private stream: WriteStream | undefined;
  private readonly tmp: string;
  private block = Buffer.allocUnsafe(BLOCK);
  private used = 0;
  private failed: Error | undefined;
  rows = 0;
  /** Columns (by index) that received a non-empty string: text, not numbers. */
  readonly textColumns = new Set<number>();

  private constructor(
    readonly path: string,
    readonly columns: readonly string[],
  ) {
    this.tmp = tempPathFor(path);
  }

  static async open(path: string, columns: readonly string[]): Promise<CsvWriter> {
    await mkdir(dirname(path), { recursive: true });
    const w = new CsvWriter(path, columns);
    w.stream = createWriteStream(w.tmp);
    w.stream.on('error', (err) => {
      w.failed = err;
    });
    await w.append(csvLine(columns));
    return w;
  }

  /** Add one row (cells in column order); writes to disk in blocks, waiting for the disk. */
  async write(cells: readonly Cell[]): Promise<void> {
    for (let i = 0; i < cells.length; i++) if (typeof cells[i] === 'string' && cells[i] !== '') this.textColumns.add(i);
    await this.append(csvLine(cells));
    this.rows++;
  }

  /**
   * Add `rows` rows already formatted as CSV lines (each ending in '\n'); `textCells` are the
   * columns among them that hold text (for the typed exports).
   */
  async writeLines(lines: string, rows: number, textCells: readonly number[] = []): Promise<void> {
    for (const i of textCells) this.textColumns.add(i);
    await this.append(lines);
    this.rows += rows;
  }

  private async append(line: string): Promise<void> {
    const bytes = Buffer.byteLength(line);
    if (this.used + bytes > this.block.length) await this.flush();
    if (bytes > this.block.length) {
      await this.send(Buffer.from(line));
      return;
    }
    this.used += this.block.write(line, this.used);
  }

  private async flush(): Promise<void> {
    if (this.used === 0) return;
    const full = this.block.subarray(0, this.used);
    this.used = 0;
    // the stream owns the block until it is written: reuse it only after 'drain' said so
    if (!(await this.send(full))) this.block = Buffer.allocUnsafe(BLOCK);
  }

  /** Write a chunk; true when it was waited for (fully written), false when still queued. */
  private async send(chunk: Buffer): Promise<boolean> {
    if (this.failed) throw this.failed;
    const s = this.stream!;
    const queued = s.write(chunk);
    if (!queued)
      await new Promise<void>((res, rej) => {
        const done = (err?: Error) => {
          s.off('drain', done);
          s.off('error', done);
          if (err) rej(err);
          else res();
        };
        s.on('drain', done);
        s.on('error', done);
      });
    if (this.failed) throw this.failed;
    return !queued;
  }

  /** Finish: write what is buffered, close, rename into place. */
  async close(): Promise<void> {
    await this.flush();
    const s = this.stream!;
    await new Promise<void>((res, rej) => {
      s.end((err?: Error | null) => (err ? rej(err) : res()));
    });
    if (this.failed) throw this.failed;
    await rename(this.tmp, this.path);
  }

  /** Give up: remove the temporary file. */
  async abort(): Promise<void> {
    this.stream?.destroy();
    await rm(this.tmp, { force: true });
  }
}

/**
 * Parse CSV text (RFC 4180) into rows of strings. For reading result tables back.
 * A cell is cut out of the text in runs (slice) rather than built a character at a time: V8 keeps
 * `cell += ch` as a chain of one-character pieces until the string is flattened, so a 2,000-image
 * images.csv and qc.csv (1.3 MB) took 26 MB of heap, and the report, which reads them at the
 * end of a run, set the run's peak memory.
 */
export function parseCsv(text: string, keep?: (column: string) => boolean): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  // with `keep`: which columns' cells are kept (from the header, the first row that is not empty);
  // the others are '' without being cut out of the text
  let drop: boolean[] | undefined;
  let cell = ''; // the current cell before `from` (more than one run only when it has quotes)
  let from = 0; // where the current run of plain characters starts
  let quoted = false;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (quoted) {
      if (c === 34) {
        cell += text.slice(from, i);
        if (text.charCodeAt(i + 1) === 34) {
          cell += '"';
          i++;
        } else quoted = false;
        from = i + 1;
      }
    } else if (c === 34) {
      cell += text.slice(from, i);
      quoted = true;
      from = i + 1;
    } else if (c === 44) {
      row.push(drop?.[row.length] ? '' : cell + text.slice(from, i));
      cell = '';
      from = i + 1;
    } else if (c === 10 || c === 13) {
      row.push(drop?.[row.length] ? '' : cell + text.slice(from, i));
      if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
      rows.push(row);
      if (keep && !drop && !(row.length === 1 && row[0] === '')) drop = row.map((name) => !keep(name));
      row = [];
      cell = '';
      from = i + 1;
    }
  }
  const last = drop?.[row.length] ? '' : cell + text.slice(from, n);
  if (last !== '' || row.length) {
    row.push(last);
    rows.push(row);
  }
  return rows;
}
