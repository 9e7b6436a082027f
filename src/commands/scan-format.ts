/**
 * Human-readable scan output: a summary a novice understands, how the first names were read,
 * a plate grid (images per well, problems marked) and the problems with what to do.
 */
import type { ScanResult } from '../engine/dataset/types.js';

function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

/** How sure the naming detection is, in words. */
export function confidenceWords(c: number, id: string): string {
  if (id === 'custom') return `your pattern matches ${Math.round(c * 100)}% of the names`;
  if (id === 'plain') return 'no known naming convention: each file is one image';
  if (c >= 0.95) return `sure (${Math.round(c * 100)}% of the names fit)`;
  if (c >= 0.8) return `fairly sure (${Math.round(c * 100)}% of the names fit)`;
  return `unsure (${Math.round(c * 100)}% of the names fit): check the table below, or give --pattern`;
}

const list = (r: Record<string, number>) =>
  Object.entries(r)
    .map(([k, v]) => `${k} (${v})`)
    .join(', ');

function rowLabel(i: number): string {
  let s = '';
  let n = i + 1;
  while (n > 0) {
    s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

function rowIndex(letters: string): number {
  let n = 0;
  for (const ch of letters) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n - 1;
}

/** Wells to mark with `!`: incomplete channels, fewer sites, duplicates, or named in a problem's examples. */
function flaggedWells(scan: ScanResult): Set<string> {
  const out = new Set<string>();
  const key = (plate: string | undefined, well: string) => `${plate ?? ''}\u0000${well}`;
  const sites = new Map<string, number>();
  for (const s of scan.imageSets) {
    if (s.meta.well === undefined) continue;
    const k = key(s.meta.plate, s.meta.well);
    if (Object.keys(s.channels).length < scan.channels.length) out.add(k);
    sites.set(k, (sites.get(k) ?? 0) + 1);
  }
  const per = scan.summary.sitesPerWell;
  if (per !== undefined) for (const [k, n] of sites) if (n < per * scan.summary.zPlanes * scan.summary.timePoints) out.add(k);
  const byRel = new Map(scan.files.map((f) => [f.rel, f] as const));
  const byId = new Map(scan.imageSets.map((s) => [s.id, s] as const));
  for (const f of scan.files) if (f.duplicateOf && f.well) out.add(key(f.plate, f.well));
  for (const p of scan.problems) {
    if (['missing-well', 'no-pixel-size', 'mixed-size', 'mixed-bit-depth'].includes(p.code)) continue;
    for (const e of p.examples) {
      const f = byRel.get(e);
      if (f?.well) out.add(key(f.plate, f.well));
      const s = byId.get(e);
      if (s?.meta.well) out.add(key(s.meta.plate, s.meta.well));
    }
  }
  return out;
}

/** One text grid per plate: rows A.., columns 1.., image sets per well ('.' none, '!' a problem). */
export function plateGrids(scan: ScanResult): string[] {
  const flagged = flaggedWells(scan);
  const out: string[] = [];
  const plates = scan.plates.length ? scan.plates : [undefined];
  for (const plate of plates) {
    const counts = new Map<string, number>();
    let maxRow = 0;
    let maxCol = 0;
    for (const s of scan.imageSets) {
      if (s.meta.well === undefined || s.meta.plate !== plate) continue;
      counts.set(s.meta.well, (counts.get(s.meta.well) ?? 0) + 1);
      maxRow = Math.max(maxRow, rowIndex(s.meta.row ?? 'A'));
      maxCol = Math.max(maxCol, s.meta.column ?? 1);
    }
    if (counts.size === 0) continue;
    // the smallest standard plate that holds every well seen
    const [rows, cols] = maxRow < 8 && maxCol <= 12 ? [8, 12] : maxRow < 16 && maxCol <= 24 ? [16, 24] : [32, 48];
    const w = Math.max(3, ...[...counts.values()].map((c) => String(c).length + 2));
    const lines = [`Plate ${plate ?? '(no plate name)'}: image sets per well (. = no images, ! = a problem)`];
    lines.push(`    ${Array.from({ length: cols }, (_, c) => String(c + 1).padStart(w)).join('')}`);
    for (let r = 0; r < rows; r++) {
      const rl = rowLabel(r);
      let line = ` ${rl.padEnd(3)}`;
      for (let c = 1; c <= cols; c++) {
        const well = `${rl}${String(c).padStart(2, '0')}`;
        const n = counts.get(well);
        const mark = flagged.has(`${plate ?? ''}\u0000${well}`) ? '!' : '';
        line += (n === undefined ? '.' : `${n}${mark}`).padStart(w);
      }
      lines.push(line.trimEnd());
    }
    out.push(lines.join('\n'));
  }
  return out;
}

/** How a parsed file reads, e.g. "plate IXMtest, well A01, site 1, channel w1". */
function parsedWords(f: ScanResult['files'][number]): string {
  const parts: string[] = [];
  if (f.plate !== undefined) parts.push(`plate ${f.plate}`);
  if (f.well !== undefined) parts.push(`well ${f.well}`);
  if (f.site !== undefined) parts.push(`site ${f.site}`);
  if (f.channel !== undefined) parts.push(`channel ${f.channel}`);
  if (f.z !== undefined) parts.push(`z ${f.z}`);
  if (f.t !== undefined) parts.push(`t ${f.t}`);
  return parts.join(', ') || 'one image';
}

/** The whole human report. */
export function formatScan(scan: ScanResult): string {
  const s = scan.summary;
  const L: string[] = [];
  L.push(`Folder: ${scan.root}`);
  L.push(`Files: ${s.files} image file(s), ${bytes(s.bytes)}${Object.keys(s.extensions).length ? ` (${list(s.extensions)})` : ''}`);
  L.push(`Naming: ${scan.preset.name} - ${confidenceWords(scan.preset.confidence, scan.preset.id)}`);
  const layout: string[] = [];
  if (scan.plates.length)
    layout.push(`${scan.plates.length} plate(s): ${scan.plates.slice(0, 4).join(', ')}${scan.plates.length > 4 ? ' ...' : ''}`);
  if (scan.wells.length) layout.push(`${scan.wells.length} well(s)`);
  if (s.sitesPerWell !== undefined) layout.push(`${s.sitesPerWell} site(s) per well`);
  const cn = s.channelNames ?? {};
  layout.push(`channels: ${scan.channels.map((c) => (cn[c] ? `${c} (${cn[c]})` : c)).join(', ') || 'none'}`);
  if (s.zPlanes > 1) layout.push(`${s.zPlanes} z planes`);
  if (s.timePoints > 1) layout.push(`${s.timePoints} time points`);
  L.push(`Layout: ${layout.join('; ')}`);
  L.push(`Image sets: ${s.imageSets} (one field of view with all its channels)`);
  if (s.probed) {
    const px =
      s.pixelSizeUm !== undefined ? `${s.pixelSizeUm} µm per pixel` : 'pixel size not recorded (sizes in pixels unless you give it)';
    L.push(
      `Images (${s.probed} sampled): ${list(s.formats)}; ${Object.entries(s.bitDepths)
        .map(([b, n]) => `${b}-bit (${n})`)
        .join(', ')}; ${list(s.sizes)} pixels${
        Object.keys(s.significantBits).length ? `; values use up to ${Math.max(...Object.keys(s.significantBits).map(Number))} bits` : ''
      }; ${px}`,
    );
  }
  if (s.plateMapColumns) L.push(`Plate map columns joined: ${s.plateMapColumns.join(', ')}`);
  for (const n of s.notes) L.push(`Note: ${n}`);
  const shown = scan.files.filter((f) => f.matched).slice(0, 5);
  if (shown.length) {
    L.push('', 'How the names were read (first 5):');
    for (const f of shown) L.push(`  ${f.rel} -> ${parsedWords(f)}`);
  }
  const grids = plateGrids(scan);
  if (grids.length) L.push('', ...grids.slice(0, 4));
  if (grids.length > 4) L.push(`(${grids.length - 4} more plate(s): see --json)`);
  L.push('');
  if (scan.problems.length === 0) L.push('No problems found.');
  else {
    L.push(`Problems (${scan.problems.length}):`);
    for (const p of scan.problems) {
      L.push(`  ${p.level === 'fail' ? 'FAIL' : 'warn'} ${p.message}`);
      if (p.hint) L.push(`       what to do: ${p.hint}`);
      if (p.examples.length) L.push(`       e.g. ${p.examples.slice(0, 3).join(', ')}${p.count > 3 ? ' ...' : ''}`);
    }
  }
  return `${L.join('\n')}\n`;
}
