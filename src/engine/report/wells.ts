/**
 * The wells of a run for the plate map: images.csv and qc.csv folded into one cell per well
 * (plate, row, column, mean value, condition, worst QC flag).
 */
import type { CsvTable } from '../results/stats-tables.js';
import type { WellCell } from './charts.js';
import { findColumn } from './facts.js';

function rowCol(well: string, row: string, col: string): { row: string; column: number } | undefined {
  const m = /^([A-Za-z]{1,2})0*(\d{1,3})$/.exec(well);
  if (m) return { row: m[1]!.toUpperCase(), column: Number(m[2]) };
  if (row && col && Number.isFinite(Number(col))) return { row, column: Number(col) };
  return undefined;
}

const FLAG_RANK: Record<string, number> = { ok: 0, warn: 1, fail: 2, excluded: 3, failed: 4 };

/** Per-well cells for the heat map: mean of `measure` over ok images; worst flag over images. */
export function wellCells(images: CsvTable, qc: CsvTable | undefined, measure: string): WellCell[] {
  const c = {
    n: findColumn(images, 'ImageNumber'),
    plate: findColumn(images, 'Metadata_Plate'),
    well: findColumn(images, 'Metadata_Well'),
    row: findColumn(images, 'Metadata_Row'),
    col: findColumn(images, 'Metadata_Column'),
    cond: findColumn(images, 'Metadata_Condition'),
    status: findColumn(images, 'Image_Status'),
    v: images.columns.indexOf(measure),
  };
  if (c.well < 0) return [];
  const worst = new Map<string, string>();
  if (qc) {
    const n = findColumn(qc, 'ImageNumber');
    const w = findColumn(qc, 'QC_Worst');
    for (let i = 0; i < qc.length; i++) worst.set(qc.text(i, n), qc.text(i, w).toLowerCase());
  }
  const wells = new Map<string, { cell: WellCell; sum: number; k: number }>();
  for (let i = 0; i < images.length; i++) {
    const rc = rowCol(images.text(i, c.well), images.text(i, c.row), images.text(i, c.col));
    if (!rc) continue;
    const plate = images.text(i, c.plate) || 'plate';
    const key = `${plate}\u0000${rc.row}\u0000${rc.column}`;
    let w = wells.get(key);
    if (!w) {
      w = { cell: { plate, ...rc, value: null, condition: images.text(i, c.cond), flag: 'ok', images: 0 }, sum: 0, k: 0 };
      wells.set(key, w);
    }
    w.cell.images++;
    const status = images.text(i, c.status) || 'ok';
    const flag = status !== 'ok' ? status : worst.get(images.text(i, c.n)) || 'ok';
    if ((FLAG_RANK[flag] ?? 0) > (FLAG_RANK[w.cell.flag] ?? 0)) w.cell.flag = flag;
    const v = images.num(i, c.v);
    if (status === 'ok' && Number.isFinite(v)) {
      w.sum += v;
      w.k++;
    }
  }
  return [...wells.values()]
    .map((w) => ({ ...w.cell, value: w.k ? w.sum / w.k : null }))
    .sort((a, b) => (a.plate < b.plate ? -1 : a.plate > b.plate ? 1 : a.row < b.row ? -1 : a.row > b.row ? 1 : a.column - b.column));
}
