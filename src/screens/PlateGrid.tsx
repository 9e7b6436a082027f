/** The plate as a grid of wells: a digit for the images found in each well, · for an empty well. */
import { Box, Text } from 'ink';
import type { ScanFacts } from '../wizard/types.js';

function parseWell(w: string): { row: number; col: number } | undefined {
  const m = /^([A-Za-z]{1,2})0*(\d{1,2})$/.exec(w);
  if (!m) return undefined;
  const letters = m[1]!.toUpperCase();
  const row = letters.length === 1 ? letters.charCodeAt(0) - 65 : 26 + letters.charCodeAt(1) - 65;
  return { row, col: Number(m[2]) - 1 };
}

export interface GridFit {
  /** Widest line allowed (characters); beyond it one character per well is used. */
  maxWidth?: number;
  /** Most grid lines allowed (header included); beyond it only rows with images are shown. */
  maxLines?: number;
}

/**
 * Text lines of one plate's grid (pure; also used in the text-only summary). Fits the space given:
 * one character per well when three do not fit, and only the rows that hold images (with a note
 * naming the empty ones) when the whole plate is too tall.
 */
export function plateGridLines(scan: ScanFacts, plate: string, fit: GridFit = {}): string[] {
  const wells = scan.wells.filter((w) => w.plate === plate);
  const cells = new Map<string, number>();
  let rows = 8;
  let cols = 12;
  let firstRow = Number.POSITIVE_INFINITY;
  let lastRow = -1;
  for (const w of wells) {
    const p = parseWell(w.well);
    if (!p) continue;
    cells.set(`${p.row},${p.col}`, (cells.get(`${p.row},${p.col}`) ?? 0) + w.count);
    if (p.row >= rows) rows = p.row < 16 ? 16 : 32;
    if (p.col >= cols) cols = p.col < 24 ? 24 : 48;
    firstRow = Math.min(firstRow, p.row);
    lastRow = Math.max(lastRow, p.row);
  }
  const compact = cols > 24 || 3 + 3 * cols > (fit.maxWidth ?? Number.POSITIVE_INFINITY);
  const head = `   ${Array.from({ length: cols }, (_, c) => (compact ? String((c + 1) % 10) : String(c + 1).padStart(2))).join(compact ? '' : ' ')}`;
  const lines = [head];
  let r0 = 0;
  let r1 = rows - 1;
  const cropped = rows + 1 > (fit.maxLines ?? Number.POSITIVE_INFINITY) && lastRow >= 0;
  if (cropped) {
    r0 = firstRow;
    r1 = lastRow;
  }
  const rowName = (r: number) => String.fromCharCode(65 + r);
  for (let r = r0; r <= r1; r++) {
    let line = `${rowName(r)}  `;
    for (let c = 0; c < cols; c++) {
      const n = cells.get(`${r},${c}`) ?? 0;
      const ch = n === 0 ? '·' : n > 9 ? '+' : String(n);
      line += compact ? ch : ` ${ch} `.slice(0, c === cols - 1 ? 2 : 3);
    }
    lines.push(line.trimEnd());
  }
  if (cropped && (r0 > 0 || r1 < rows - 1)) {
    const empty = [r0 > 0 ? `${rowName(0)}–${rowName(r0 - 1)}` : '', r1 < rows - 1 ? `${rowName(r1 + 1)}–${rowName(rows - 1)}` : '']
      .filter(Boolean)
      .join(', ');
    lines.push(`(rows ${empty}: no images)`);
  }
  return lines;
}

export function PlateGrid({ scan, plate, fit }: { scan: ScanFacts; plate: string; fit?: GridFit }) {
  return (
    <Box flexDirection="column" flexShrink={0}>
      <Text>Plate {plate} (images per well)</Text>
      {plateGridLines(scan, plate, fit).map((l) => (
        <Text key={l}>{l}</Text>
      ))}
    </Box>
  );
}
