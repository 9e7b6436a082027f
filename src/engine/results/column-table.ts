/**
 * Result tables (images.csv, qc.csv, failures.csv) read back for statistics, the report and the
 * methods record, held column by column:
 * - a measurement column whose cells are all numbers or empty is a Float64Array (empty: NaN);
 *   its text is the number's shortest form, which is what the runner writes;
 * - an identifier or metadata column (ImageNumber, Metadata_*, FileName_*, ...) is held as
 *   numbers only when every cell is one in its shortest form (so "01" or "1.0" stay as written);
 * - any other column is text, each cell a code into the column's distinct values (a plate, well,
 *   condition or status is one string however many rows repeat it).
 * Why not an array of strings per row: a 100,000-set images.csv (29 columns, 35 MB) took about
 * 200 MB of heap that way (a string of 24-40 bytes and a pointer per cell), and the end of a large
 * run, which reads it, set the run's peak memory. Held like this it is about 25 MB.
 */

/** Columns whose text is their meaning (names, ids, wells, sites): numbers only if written as such. */
const EXACT = /^(ImageNumber|ObjectNumber|Metadata_.*|FileName_.*|PathName_.*|Image_Status|QC_.*|Stage|Reason|Files)$/i;

/** A table read back from CSV: header names, `length` rows, cells by row and column index. */
export interface CsvTable {
  readonly columns: readonly string[];
  /** Number of rows (the header not counted). */
  readonly length: number;
  /** Cell text ('' when empty, or `column` < 0 or past the last column; see above for numbers). */
  text(row: number, column: number): string;
  /** Cell as a number: NaN when empty or not a number. */
  num(row: number, column: number): number;
}

interface TextColumn {
  values: string[];
  codes: Uint32Array;
}

type Column = Float64Array | TextColumn | undefined;

class ColumnTable implements CsvTable {
  constructor(
    readonly columns: readonly string[],
    readonly length: number,
    private readonly cols: readonly Column[],
  ) {}

  text(row: number, column: number): string {
    const c = column >= 0 ? this.cols[column] : undefined;
    if (c === undefined || row < 0 || row >= this.length) return '';
    if (c instanceof Float64Array) {
      const v = c[row]!;
      return Number.isNaN(v) ? '' : String(v);
    }
    return c.values[c.codes[row]!]!;
  }

  num(row: number, column: number): number {
    const c = column >= 0 ? this.cols[column] : undefined;
    if (c === undefined || row < 0 || row >= this.length) return Number.NaN;
    if (c instanceof Float64Array) return c[row]!;
    const s = c.values[c.codes[row]!]!;
    return s === '' ? Number.NaN : Number(s);
  }
}

/**
 * Collects one column's cells: numbers while every cell is one (with `exact`, one in its shortest
 * form), then text.
 */
class ColumnBuilder {
  private numbers: Float64Array | undefined = new Float64Array(256);
  private codes: Uint32Array | undefined;
  private values: string[] = [];
  private index = new Map<string, number>();
  private n = 0;

  constructor(private readonly exact: boolean) {}

  add(cell: string): void {
    if (this.numbers) {
      const v = cell === '' ? Number.NaN : Number(cell);
      // String(v) costs more than the rest of a cell's parse: only where the text matters
      if (cell === '' || (!Number.isNaN(v) && (!this.exact || shortInteger(cell) || String(v) === cell))) {
        this.addNumber(v);
        return;
      }
      this.toText();
    }
    if (this.n === this.codes!.length) {
      const grown = new Uint32Array(this.n * 4);
      grown.set(this.codes!);
      this.codes = grown;
    }
    let code = this.index.get(cell);
    if (code === undefined) {
      code = this.values.length;
      const own = ownCopy(cell);
      this.values.push(own);
      this.index.set(own, code);
    }
    this.codes![this.n++] = code;
  }

  private addNumber(v: number): void {
    if (this.n === this.numbers!.length) {
      const grown = new Float64Array(this.n * 4);
      grown.set(this.numbers!);
      this.numbers = grown;
    }
    this.numbers![this.n++] = v;
  }

  /** The cells so far become text: each number's shortest form (its cell's text, in an `exact` column). */
  private toText(): void {
    const nums = this.numbers!;
    this.numbers = undefined;
    this.codes = new Uint32Array(Math.max(256, nums.length));
    const n = this.n;
    this.n = 0;
    for (let i = 0; i < n; i++) this.add(Number.isNaN(nums[i]!) ? '' : String(nums[i]));
  }

  /** The finished column, cut to `rows` cells. */
  build(rows: number): Float64Array | TextColumn {
    if (this.numbers) return this.numbers.slice(0, rows);
    return { values: this.values, codes: this.codes!.slice(0, rows) };
  }
}

/** Whether `s` is an integer as JavaScript writes it, of at most 15 digits ("0", "-12"; not "012"). */
function shortInteger(s: string): boolean {
  const neg = s.charCodeAt(0) === 45 ? 1 : 0;
  const n = s.length - neg;
  if (n < 1 || n > 15) return false;
  const first = s.charCodeAt(neg);
  if (first === 48) return n === 1 && neg === 0;
  for (let k = neg; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/**
 * `s` as a string of its own. A slice of 13 or more characters is a view into the string it was
 * cut from (V8's sliced string): kept in a table, one cell would keep the whole file's text alive.
 * Prepending a character makes a two-part string; slicing that copies it flat first, so the
 * result refers to a copy of `s` only.
 */
function ownCopy(s: string): string {
  return s.length < 13 ? s : ` ${s}`.slice(1);
}

/** A quoted cell's text without its quotes ("" inside quotes is one "), as RFC 4180 reads it. */
function unquote(s: string): string {
  let out = '';
  let from = 0;
  let quoted = false;
  for (let k = 0; k < s.length; k++) {
    if (s.charCodeAt(k) !== 34) continue;
    out += s.slice(from, k);
    if (quoted && s.charCodeAt(k + 1) === 34) {
      out += '"';
      k++;
    } else quoted = !quoted;
    from = k + 1;
  }
  return out + s.slice(from);
}

/**
 * Parses CSV text given in pieces (RFC 4180: quoted cells, doubled quotes, line breaks inside
 * quotes, CRLF, a BOM) into a column table, so that a large file is read a piece at a time and
 * never held whole. The first record that is not empty is the header; empty lines are skipped;
 * short rows read as '' in their missing cells. With `keep`, the columns it rejects are not held
 * (their cells read as '', and are not cut out of the text).
 */
export class CsvTableReader {
  /** The start of a record that the last piece ended inside of. */
  private carry = '';
  private first = true;
  // the cells of the current record, as ranges of the text (reused from record to record)
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  private readonly quotes: boolean[] = [];
  private header: string[] | undefined;
  private builders: (ColumnBuilder | undefined)[] = [];
  private rows = 0;
  /** Cells of the record cutRecord cut. */
  private cells = 0;

  constructor(private readonly keep?: (column: string) => boolean) {}

  /** The next piece of the text. */
  push(piece: string): void {
    this.scan(this.carry + piece, false);
  }

  /** The table, after the last piece. */
  end(): CsvTable {
    this.scan(this.carry, true);
    const rows = this.rows;
    return new ColumnTable(
      this.header ?? [],
      rows,
      this.builders.map((b) => b?.build(rows)),
    );
  }

  /** Take the records of `text`; unless `last`, one it ends inside of waits for the next piece. */
  private scan(text: string, last: boolean): void {
    const { starts, ends, quotes } = this;
    const n = text.length;
    let i = this.first && text.charCodeAt(0) === 0xfeff ? 1 : 0;
    if (n > 0) this.first = false;
    this.carry = '';
    // A record without quotes or a lone '\r' (nearly every one) is cut at its commas with indexOf,
    // not a character at a time: a table is read once per process, mostly before V8 has compiled
    // this loop, and a character loop took 25 ms for 2,000 rows of images.csv against 15 ms.
    // the next quote, '\r' and '\n' at or after i, each searched again only once i has passed it
    // (a file with '\r' line ends only, or quotes in few rows, is not searched to its end per row)
    let quote = -1;
    let cr = -1;
    let nl = -1;
    while (i < n) {
      const record = i;
      if (quote < i) quote = indexOrEnd(text, '"', i);
      if (cr < i) cr = indexOrEnd(text, '\r', i);
      if (nl < i) nl = indexOrEnd(text, '\n', i);
      let cells = 0;
      if (quote >= nl && (cr >= nl || cr === nl - 1)) {
        if (nl === n && !last) {
          this.carry = text.slice(record); // the piece ends inside this record
          return;
        }
        const end = cr === nl - 1 ? cr : nl;
        for (let a = i; ; ) {
          let comma = text.indexOf(',', a);
          if (comma < 0 || comma > end) comma = end;
          starts[cells] = a;
          ends[cells] = comma;
          quotes[cells] = false;
          cells++;
          if (comma === end) break;
          a = comma + 1;
        }
        i = nl + 1;
      } else {
        i = this.cutRecord(text, i);
        cells = this.cells;
        if (i >= n && !last) {
          // the piece ends inside this record (a '\r' ending a piece ends its record; a '\n'
          // starting the next piece is then an empty line)
          this.carry = text.slice(record);
          return;
        }
        if (i < n) i += text.charCodeAt(i) === 13 && text.charCodeAt(i + 1) === 10 ? 2 : 1;
      }
      if (cells === 1 && starts[0] === ends[0]) continue; // an empty line
      this.take(text, cells);
    }
  }

  /**
   * Cut the record at `i` into cells a character at a time (quotes, line breaks in quotes, a
   * lone '\r'); returns where it ends (its line break, or the end of the text). `cells`: how many.
   */
  private cutRecord(text: string, i: number): number {
    const { starts, ends, quotes } = this;
    const n = text.length;
    let cells = 0;
    for (;;) {
      const a = i;
      let quoted = false;
      let inside = false;
      for (; i < n; i++) {
        const c = text.charCodeAt(i);
        if (inside) {
          if (c === 34) inside = false; // a doubled quote closes and reopens: the same
        } else if (c === 34) {
          inside = true;
          quoted = true;
        } else if (c === 44 || c === 10 || c === 13) break;
      }
      starts[cells] = a;
      ends[cells] = i;
      quotes[cells] = quoted;
      cells++;
      if (i < n && text.charCodeAt(i) === 44) {
        i++;
        continue;
      }
      this.cells = cells;
      return i;
    }
  }

  /** One record's cells: the header, or a row into the columns. */
  private take(text: string, cells: number): void {
    const { starts, ends, quotes } = this;
    if (!this.header) {
      const header: string[] = [];
      for (let k = 0; k < cells; k++) header.push(ownCopy(cellText(text, starts[k]!, ends[k]!, quotes[k]!)));
      this.header = header;
      this.builders = header.map((name) => (this.keep && !this.keep(name) ? undefined : new ColumnBuilder(EXACT.test(name))));
      return;
    }
    const builders = this.builders;
    for (let k = 0; k < builders.length; k++) builders[k]?.add(k < cells ? cellText(text, starts[k]!, ends[k]!, quotes[k]!) : '');
    this.rows++;
  }
}

/** The text of a cell from `a` to `b` of `text` (without its quotes, when `quoted`). */
function cellText(text: string, a: number, b: number, quoted: boolean): string {
  return a === b ? '' : quoted ? unquote(text.slice(a, b)) : text.slice(a, b);
}

/** Where `ch` is next in `text` from `from`, or the text's length. */
function indexOrEnd(text: string, ch: string, from: number): number {
  const k = text.indexOf(ch, from);
  return k < 0 ? text.length : k;
}

/** Parse CSV text; see CsvTableReader. */
export function parseCsv(text: string, keep?: (column: string) => boolean): CsvTable {
  const reader = new CsvTableReader(keep);
  reader.push(text);
  return reader.end();
}

/** Every row as an array of cell texts (for small tables and tests). */
export function tableRows(t: CsvTable): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < t.length; i++) out.push(t.columns.map((_, j) => t.text(i, j)));
  return out;
}
