/**
 * Thumbnails for the report's QC section: up to 8 fields flagged (by QC, or as statistical outliers) and 4 that passed,
 * as 240 px wide PNG data URIs. Rendered from the source image (images.csv FileName_<channel>
 * under the run's input folder), with the object outlines from labels/ when there are any; when
 * the source is not there (a results folder copied elsewhere), shrunk from the preview the run
 * wrote in previews/, if any. Sets with neither are skipped.
 * The source first, although the previews are smaller to read: shrinking a PNG needs sharp, whose
 * loading took 40-50 ms and 20 MB at the end of every run, and the sources are where the run
 * just read every image from.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { loadSharp } from '../io/sharp-load.js';
import type { CsvTable } from '../results/stats-tables.js';
import type { Labels } from '../types.js';
import { findColumn } from './facts.js';
import type { Thumb } from './html.js';

/** File-safe name of an image set id, as the runner names its previews and labels. */
function safe(id: string): string {
  return id.replace(/[^A-Za-z0-9._-]/g, '_');
}

async function listPngs(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string, depth: number): Promise<void> => {
    const entries = await readdir(d, { withFileTypes: true }).catch(() => []);
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (e.isDirectory() && depth < 3) await walk(join(d, e.name), depth + 1);
      else if (e.isFile() && e.name.toLowerCase().endsWith('.png') && !e.name.startsWith('.')) out.push(join(d, e.name));
    }
  };
  await walk(dir, 0);
  return out;
}

export interface ThumbSources {
  outDir: string;
  images?: CsvTable;
  /** Input folder of the run (run.json input, or recipe input.root). */
  inputRoot?: string;
  /** Channel to show (the DNA channel). */
  channel?: string;
  /** Flagged image set id -> why. */
  flagged: Map<string, string>;
  /** Passing thumbnails (default 4) and flagged ones (default 8). */
  per?: number;
  perFlagged?: number;
}

/** Pick and render the thumbnails (deterministic order: flagged first, then by image set id). */
export async function thumbnails(s: ThumbSources): Promise<Thumb[]> {
  const per = s.per ?? 4;
  const previews = new Map<string, string>();
  for (const f of await listPngs(join(s.outDir, 'previews'))) {
    const base = f.slice(f.lastIndexOf('/') + 1, -4);
    if (!previews.has(base)) previews.set(base, f);
  }
  const img = s.images;
  const idCol = img ? findColumn(img, 'Metadata_ImageSet') : -1;
  const status = img ? findColumn(img, 'Image_Status') : -1;
  const cond = img ? findColumn(img, 'Metadata_Condition') : -1;
  const fileCol = img && s.channel ? findColumn(img, `FileName_${s.channel.replace(/[^A-Za-z0-9_]/g, '_')}`) : -1;
  const anyFile = img ? img.columns.findIndex((c) => c.startsWith('FileName_')) : -1;
  const rows = new Map<string, number>();
  if (img && idCol >= 0) for (let i = 0; i < img.length; i++) rows.set(img.text(i, idCol), i);

  // candidates: every flagged id; passing ones spread over conditions (first ok image of each condition, then the rest)
  const flaggedIds = [...s.flagged.keys()].sort();
  const passing: string[] = [];
  if (img && idCol >= 0) {
    const seen = new Set<string>();
    const ok: number[] = [];
    for (let i = 0; i < img.length; i++) if ((status < 0 || img.text(i, status) === 'ok') && !s.flagged.has(img.text(i, idCol))) ok.push(i);
    for (const i of ok) {
      if (seen.has(img.text(i, cond))) continue;
      seen.add(img.text(i, cond));
      passing.push(img.text(i, idCol));
    }
    // a set, not passing.includes: that was quadratic (2,000 image sets: 40 ms)
    const chosen = new Set(passing);
    for (const i of ok) if (!chosen.has(img.text(i, idCol))) passing.push(img.text(i, idCol));
  } else for (const base of previews.keys()) if (![...s.flagged.keys()].some((k) => safe(k) === base)) passing.push(base);

  const render = async (id: string): Promise<Buffer | undefined> => {
    const r = rows.get(id);
    const rel = img && r !== undefined ? img.text(r, fileCol >= 0 ? fileCol : anyFile) : '';
    const src = rel && (isAbsolute(rel) ? rel : s.inputRoot && resolve(s.inputRoot, rel));
    if (!src || !existsSync(src)) {
      const pre = previews.get(safe(id));
      if (!pre) return undefined;
      return (await loadSharp())(await readFile(pre))
        .resize({ width: 240, withoutEnlargement: true })
        .png()
        .toBuffer();
    }
    const [{ readPlane }, { renderPreview }] = await Promise.all([import('../io/read.js'), import('../io/preview.js')]);
    const plane = await readPlane(src);
    const labelPath = join(s.outDir, 'labels', `${safe(id)}.tif`);
    let labels: Labels | undefined;
    if (existsSync(labelPath)) {
      const { labelsFromPlane } = await import('../results/stats-validate.js');
      const l = labelsFromPlane(await readPlane(labelPath));
      if (l.width === plane.width && l.height === plane.height) labels = l;
    }
    return renderPreview(plane, { width: Math.min(240, plane.width), ...(labels ? { labels } : {}) });
  };

  const out: Thumb[] = [];
  for (const [ids, flagged] of [
    [flaggedIds, true],
    [passing, false],
  ] as const) {
    let n = 0;
    const limit = flagged ? (s.perFlagged ?? 8) : per;
    for (const id of ids) {
      if (n >= limit) break;
      try {
        const png = await render(id);
        if (!png) continue;
        const r = rows.get(id);
        const why = s.flagged.get(id);
        out.push({
          id,
          caption: `${id}${img && r !== undefined && img.text(r, cond) ? ` (${img.text(r, cond)})` : ''}${why ? `: ${why}` : ''}`,
          src: `data:image/png;base64,${png.toString('base64')}`,
          flagged,
        });
        n++;
      } catch {
        // unreadable source: no thumbnail for it
      }
    }
  }
  return out;
}
