/**
 * The per-object table measureObjects returns, and CSV output shaped like CellProfiler's
 * ExportToSpreadsheet (one header row, one row per object, NaN written as empty).
 */

/**
 * Measurements of one set of objects, row-major: `rows[k][j]` is column `columns[j]` of the k-th
 * object. Rows are in increasing label order; column `ObjectNumber` holds the label value.
 */
export interface ObjectTable {
  /** Nuclei, Cells, Cytoplasm ... */
  objectName: string;
  columns: string[];
  rows: number[][];
}

/** A channel name as it appears in a column name: letters, digits and _ only (CellProfiler). */
export function channelLabel(name: string): string {
  const s = name.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '');
  return s.length > 0 ? s : 'Channel';
}

/** One column of a table by name (undefined when absent). */
export function tableColumn(table: ObjectTable, name: string): number[] | undefined {
  const j = table.columns.indexOf(name);
  if (j < 0) return undefined;
  return table.rows.map((r) => r[j]!);
}

/** Format one CSV cell: numbers at full precision (NaN/Infinity empty), strings quoted when needed. */
export function csvCell(v: number | string | undefined): string {
  if (v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** CSV text (with trailing newline) of a header and rows. */
export function toCsv(columns: string[], rows: (number | string | undefined)[][]): string {
  const lines = [columns.map(csvCell).join(',')];
  for (const r of rows) lines.push(r.map(csvCell).join(','));
  return `${lines.join('\n')}\n`;
}
