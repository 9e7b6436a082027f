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

/** Text lines of one plate's grid (pure; also used in the text-only summary). */
export function plateGridLines(scan: ScanFacts, plate: string): string[] {
  const wells = scan.wells.filter((w) => w.plate === plate);
  const cells = new Map<string, number>();
  let rows = 8;
  let cols = 12;
  for (const w of wells) {
    const p = parseWell(w.well);
    if (!p) continue;
    cells.set(`${p.row},${p.col}`, (cells.get(`${p.row},${p.col}`) ?? 0) + w.count);
    if (p.row >= rows) rows = p.row < 16 ? 16 : 32;
    if (p.col >= cols) cols = p.col < 24 ? 24 : 48;
  }
  const compact = cols > 24;
  const head = `   ${Array.from({ length: cols }, (_, c) => (compact ? String((c + 1) % 10) : String(c + 1).padStart(2))).join(compact ? '' : ' ')}`;
  const lines = [head];
  for (let r = 0; r < rows; r++) {
    let line = `${String.fromCharCode(65 + r)}  `;
    for (let c = 0; c < cols; c++) {
      const n = cells.get(`${r},${c}`) ?? 0;
      const ch = n === 0 ? '·' : n > 9 ? '+' : String(n);
      line += compact ? ch : ` ${ch} `.slice(0, c === cols - 1 ? 2 : 3);
    }
    lines.push(line.trimEnd());
  }
  return lines;
}

export function PlateGrid({ scan, plate }: { scan: ScanFacts; plate: string }) {
  return (
    <Box flexDirection="column">
      <Text>Plate {plate} (images per well)</Text>
      {plateGridLines(scan, plate).map((l) => (
        <Text key={l}>{l}</Text>
      ))}
    </Box>
  );
}
