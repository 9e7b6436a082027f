/**
 * Plate maps: a CSV with one row per well (Metadata_Well or Well, optional Metadata_Plate, any
 * further columns: condition, treatment, dose, replicate, control ...) joined into each image
 * set's metadata, and a template pre-filled with the wells a scan found.
 */
import { readFile } from 'node:fs/promises';
import { UserError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic.js';
import type { ImageSet } from '../types.js';
import { wellCompare } from './group.js';
import { parseWell, wellName } from './presets.js';
import type { ScanProblem } from './types.js';

export interface PlateMap {
  path: string;
  /** Columns besides well and plate, in file order. */
  columns: string[];
  /** Which column gives the condition (condition, treatment, compound ...), if any. */
  conditionColumn?: string;
  /** `plate\u0000well` (plate '' when the map has no plate column) -> column values. */
  rows: Map<string, Record<string, string>>;
  hasPlate: boolean;
}

const WELL_COLS = /^(metadata_)?well(_?name|_?id)?$/i;
const PLATE_COLS = /^(metadata_)?plate(_?name|_?id|barcode)?$/i;
const CONDITION_COLS = ['condition', 'treatment', 'compound', 'perturbation', 'drug', 'group'];

/** Split CSV text into rows of fields (quotes, doubled quotes, CRLF; delimiter `,`, `;` or tab from the header). */
export function parseCsv(text: string): string[][] {
  const t = text.replace(/^\uFEFF/, '');
  const header = t.split(/\r?\n/, 1)[0] ?? '';
  const delim = [',', ';', '\t'].map((d) => [d, header.split(d).length] as const).sort((a, b) => b[1] - a[1])[0]![0];
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < t.length; i++) {
    const c = t[i]!;
    if (quoted) {
      if (c === '"' && t[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === delim) {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && t[i + 1] === '\n') i++;
      row.push(field);
      if (row.some((f) => f.trim() !== '')) rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  row.push(field);
  if (row.some((f) => f.trim() !== '')) rows.push(row);
  return rows;
}

/**
 * Read a plate map CSV.
 * @throws UserError naming the file and line: missing file, no well column, a value that is not a
 * well name, the same well twice with different values.
 */
export async function readPlateMap(path: string): Promise<PlateMap> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new UserError(`plate map ${path} not found`, 'check the path, or write one with `scopepilot platemap template DIR`');
  }
  const rows = parseCsv(text);
  if (rows.length === 0) throw new UserError(`plate map ${path} is empty`, 'write one with `scopepilot platemap template DIR`');
  const header = rows[0]!.map((h) => h.trim());
  const wi = header.findIndex((h) => WELL_COLS.test(h));
  if (wi < 0)
    throw new UserError(
      `plate map ${path} has no well column (found columns: ${header.join(', ')})`,
      'name the column with the wells Metadata_Well (or Well), e.g. A01',
    );
  const pi = header.findIndex((h) => PLATE_COLS.test(h));
  const columns = header.filter((_, i) => i !== wi && i !== pi && header[i] !== '');
  const map = new Map<string, Record<string, string>>();
  for (let r = 1; r < rows.length; r++) {
    const cells = rows[r]!;
    const raw = (cells[wi] ?? '').trim();
    const w = parseWell(raw);
    if (!w)
      throw new UserError(
        `plate map ${path}, line ${r + 1}: "${raw}" is not a well name`,
        'write wells as a row letter and a column number, e.g. A01 or B12',
      );
    const plate = pi >= 0 ? (cells[pi] ?? '').trim() : '';
    const key = `${plate}\u0000${wellName(w.row, w.column)}`;
    const values: Record<string, string> = {};
    header.forEach((h, i) => {
      if (i !== wi && i !== pi && h !== '') values[h] = (cells[i] ?? '').trim();
    });
    const prev = map.get(key);
    if (prev && JSON.stringify(prev) !== JSON.stringify(values))
      throw new UserError(
        `plate map ${path}, line ${r + 1}: well ${wellName(w.row, w.column)}${plate ? ` of plate ${plate}` : ''} is listed twice with different values`,
        'keep one row per well',
      );
    map.set(key, values);
  }
  const conditionColumn = CONDITION_COLS.map((c) => columns.find((h) => h.toLowerCase().replace(/^metadata_/, '') === c)).find(
    (c) => c !== undefined,
  );
  return { path, columns, rows: map, hasPlate: pi >= 0, ...(conditionColumn ? { conditionColumn } : {}) };
}

/**
 * Join a plate map into image sets: `meta.condition` from the condition column, every other column in
 * `meta.extra` (a column named `condition` is not repeated there; `treatment` used as condition is). Returns new image sets and the problems (wells with images but no map row, map
 * wells without images). A map without a plate column applies to every plate.
 */
export function joinPlateMap(imageSets: ImageSet[], map: PlateMap): { imageSets: ImageSet[]; problems: ScanProblem[] } {
  const used = new Set<string>();
  const unmatched = new Set<string>();
  const out = imageSets.map((s) => {
    if (s.meta.well === undefined) return s;
    const key = `${map.hasPlate ? (s.meta.plate ?? '') : ''}\u0000${s.meta.well}`;
    const row = map.rows.get(key);
    if (!row) {
      unmatched.add(`${map.hasPlate && s.meta.plate ? `${s.meta.plate} ` : ''}${s.meta.well}`);
      return s;
    }
    used.add(key);
    const condition = map.conditionColumn ? row[map.conditionColumn] : undefined;
    // a column named "condition" lives in meta.condition only (one Metadata_condition column downstream)
    const extra: Record<string, string> = { ...(s.meta.extra ?? {}) };
    for (const [k, v] of Object.entries(row))
      if (!(condition !== undefined && k === map.conditionColumn && /^condition$/i.test(k))) extra[k] = v;
    return { ...s, meta: { ...s.meta, ...(condition ? { condition } : {}), extra } };
  });
  const problems: ScanProblem[] = [];
  if (unmatched.size)
    problems.push({
      code: 'platemap-unmatched',
      level: 'warn',
      count: unmatched.size,
      message: `${unmatched.size} well(s) with images are not in the plate map ${map.path}, so they have no condition`,
      hint: 'add a row for each of them (Metadata_Well plus your columns)',
      examples: [...unmatched].sort(wellCompare).slice(0, 5),
    });
  const missing = [...map.rows.keys()].filter((k) => !used.has(k)).map((k) => k.replace('\u0000', ' ').trim());
  if (missing.length && imageSets.length)
    problems.push({
      code: 'missing-well',
      level: 'warn',
      count: missing.length,
      message: `${missing.length} well(s) in the plate map have no images`,
      hint: 'check the export is complete, or that the plate map belongs to this plate',
      examples: missing.slice(0, 5),
    });
  return { imageSets: out, problems };
}

/**
 * Write a plate map CSV pre-filled with the wells of a scan (one row per plate and well, in plate
 * order) and empty condition, treatment, dose, replicate and control columns to fill in.
 */
export async function writePlateMapTemplate(scan: { imageSets: ImageSet[]; plates: string[] }, path: string): Promise<number> {
  const multi = scan.plates.length > 1;
  const keys = new Map<string, { plate: string; well: string }>();
  for (const s of scan.imageSets) {
    if (s.meta.well === undefined) continue;
    const plate = s.meta.plate ?? '';
    keys.set(`${plate}\u0000${s.meta.well}`, { plate, well: s.meta.well });
  }
  const rows = [...keys.values()].sort((a, b) => (a.plate < b.plate ? -1 : a.plate > b.plate ? 1 : wellCompare(a.well, b.well)));
  if (rows.length === 0)
    throw new UserError(
      'no wells were found in the file names, so there is nothing to map',
      'give --pattern so ScopePilot can read the wells',
    );
  const head = [...(multi ? ['Metadata_Plate'] : []), 'Metadata_Well', 'condition', 'treatment', 'dose', 'replicate', 'control'];
  const lines = [head.join(',')];
  for (const r of rows) lines.push([...(multi ? [r.plate] : []), r.well, '', '', '', '', ''].join(','));
  await writeFileAtomic(path, `${lines.join('\n')}\n`);
  return rows.length;
}
