/**
 * Measurement of image files with their label images (`scopepilot measure`): images are grouped
 * into image sets (ImageXpress `<plate>_<well>_s<site>_w<N>` files of one site form one set, any
 * other file is a set of its own), each set is paired with a label file by name, measured with
 * measureObjects, and shaped as CellProfiler's ExportToSpreadsheet tables: objects.csv (one row per
 * object: ImageNumber, ObjectNumber, Metadata_*, measurements) and images.csv (one row per image set).
 */
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { describeError, UserError } from '../errors.js';
import { readMaskFolder } from '../io/mask-folder.js';
import { readImage, readPlane } from '../io/read.js';
import type { Labels, LongWorkOptions, Plane } from '../types.js';
import { cytoplasm, secondaryObjects } from './compartments.js';
import { measureObjects } from './objects.js';
import { metadataFromName } from './qc-files.js';
import { channelLabel, type ObjectTable } from './table.js';

export interface MeasureFilesOptions extends LongWorkOptions {
  /** Folder with one label image per image set, named like one of the set's images (stem + .tif/.tiff/.png, or _labels/_masks/_cp_masks suffixes). */
  labelsDir: string;
  objectName?: string;
  /** µm per pixel; default: from the image metadata when present. */
  pixelSizeUm?: number;
  /** Grow cells from the nuclei into this channel (propagation) and measure Cells_ and Cytoplasm_ too. */
  cellChannel?: string;
  /** Grow cells by this many pixels when there is no cell channel. */
  expandPx?: number;
  /** Intensities on CellProfiler's 0..1 scale (divided by the container maximum). */
  rescaleIntensity?: boolean;
}

export interface ImageSetFiles {
  key: string;
  files: { path: string; channel: string }[];
}

/** Group image files into image sets (see file comment). Deterministic: sets in first-file order. */
export function groupImageSets(paths: string[]): ImageSetFiles[] {
  const sets = new Map<string, ImageSetFiles>();
  for (const path of paths) {
    const name = basename(path);
    const md = metadataFromName(name);
    const key = md.Channel && md.Plate && md.Well && md.Site ? `${md.Plate}_${md.Well}_s${md.Site}` : basename(path, extname(path));
    let s = sets.get(key);
    if (!s) sets.set(key, (s = { key, files: [] }));
    s.files.push({ path, channel: md.Channel ?? '' });
  }
  return [...sets.values()];
}

const LABEL_EXT = ['.tif', '.tiff', '.png'];
const LABEL_SUFFIX = ['', '_labels', '_label', '_masks', '_mask', '_cp_masks'];

/**
 * The label file of an image set, or undefined: `<stem><suffix>.tif|.tiff|.png` in labelsDir, or a
 * folder `<stem>/` (or `<stem>/masks/`) of one mask image per object (Data Science Bowl layout).
 */
export function findLabelFile(set: ImageSetFiles, labelsDir: string): string | undefined {
  for (const f of set.files) {
    const stem = basename(f.path, extname(f.path));
    for (const dir of [join(labelsDir, stem, 'masks'), join(labelsDir, stem)]) {
      if (existsSync(dir) && statSync(dir).isDirectory()) return dir;
    }
    for (const suf of LABEL_SUFFIX) {
      for (const ext of LABEL_EXT) {
        const p = join(labelsDir, `${stem}${suf}${ext}`);
        if (existsSync(p)) return p;
      }
    }
  }
  return undefined;
}

function toLabels(p: Plane): Labels {
  const data = new Int32Array(p.data.length);
  let count = 0;
  for (let i = 0; i < data.length; i++) {
    const v = p.data[i]!;
    if (!Number.isInteger(v) || v < 0)
      throw new UserError(
        'the label image has negative or fractional values',
        'give an instance label image (0 = background, 1..n objects)',
      );
    data[i] = v;
    if (v > count) count = v;
  }
  return { width: p.width, height: p.height, data, count };
}

export interface MeasuredSet {
  key: string;
  files: { path: string; channel: string }[];
  labelsPath?: string;
  table?: ObjectTable;
  error?: string;
  pixelSizeUm?: number;
}

/** Measure every image set; a set that fails (no label file, unreadable, size mismatch) gets `error` and the others go on. */
export async function measureFiles(paths: string[], o: MeasureFilesOptions): Promise<MeasuredSet[]> {
  const sets = groupImageSets(paths);
  const out: MeasuredSet[] = [];
  for (const [i, set] of sets.entries()) {
    o.signal?.throwIfAborted();
    o.onProgress?.({ done: i, total: sets.length, label: set.key });
    const res: MeasuredSet = { key: set.key, files: set.files };
    out.push(res);
    try {
      const labelsPath = findLabelFile(set, o.labelsDir);
      if (!labelsPath) {
        throw new UserError(
          `${set.key}: no label image in ${o.labelsDir} named like ${basename(set.files[0]!.path)}`,
          'label files pair with images by name (same name, .tif/.png; _labels/_masks suffixes are accepted)',
        );
      }
      res.labelsPath = labelsPath;
      const labels = statSync(labelsPath).isDirectory() ? await readMaskFolder(labelsPath) : toLabels(await readPlane(labelsPath));
      const channels: Record<string, Plane> = {};
      let pixelSizeUm = o.pixelSizeUm;
      for (const f of set.files) {
        const img = await readImage(f.path);
        pixelSizeUm ??= img.pixelSizeUm;
        const nc = img.axes.c;
        for (let c = 0; c < nc; c++) {
          const name = channelLabel(nc === 1 ? f.channel || img.channelNames?.[0] || 'DNA' : (img.channelNames?.[c] ?? `C${c + 1}`));
          channels[name] = img.planes[c]!;
          if (nc === 1) f.channel = name;
        }
      }
      if (pixelSizeUm !== undefined) res.pixelSizeUm = pixelSizeUm;
      const objectName = o.objectName ?? 'Nuclei';
      const mo = { objectName, rescaleIntensity: o.rescaleIntensity === true, ...(pixelSizeUm !== undefined ? { pixelSizeUm } : {}) };
      let table = measureObjects(labels, channels, mo);
      if (o.cellChannel !== undefined || o.expandPx !== undefined) {
        const cellPlane = o.cellChannel !== undefined ? channels[channelLabel(o.cellChannel)] : undefined;
        if (o.cellChannel !== undefined && !cellPlane) {
          throw new UserError(
            `${set.key}: no channel "${o.cellChannel}" (channels: ${Object.keys(channels).join(', ')})`,
            'give --cell-channel one of those names',
          );
        }
        const cells = secondaryObjects(labels, cellPlane, cellPlane ? {} : { method: 'distance', distance: o.expandPx ?? 10 });
        const cyto = cytoplasm(cells, labels);
        const parent = { name: objectName, labels };
        table = joinTables(table, measureObjects(cells, channels, { ...mo, objectName: 'Cells', parent }), 'Cells');
        // cytoplasm never overlaps its nucleus: its parent is the cell (and nucleus) of the same number
        table = joinTables(table, measureObjects(cyto, channels, { ...mo, objectName: 'Cytoplasm' }), 'Cytoplasm');
      }
      res.table = table;
    } catch (err) {
      res.error = describeError(err);
    }
  }
  o.onProgress?.({ done: sets.length, total: sets.length });
  return out;
}

/** Add `other`'s columns (prefixed `<prefix>_`) to `base`, joined on ObjectNumber (NaN where absent). */
export function joinTables(base: ObjectTable, other: ObjectTable, prefix: string): ObjectTable {
  const idB = base.columns.indexOf('ObjectNumber');
  const idO = other.columns.indexOf('ObjectNumber');
  const byId = new Map<number, number[]>();
  for (const r of other.rows) byId.set(r[idO]!, r);
  const keep = other.columns.map((c, j) => (c === 'ObjectNumber' || c === 'Number_Object_Number' ? -1 : j)).filter((j) => j >= 0);
  return {
    objectName: base.objectName,
    columns: [...base.columns, ...keep.map((j) => `${prefix}_${other.columns[j]}`)],
    rows: base.rows.map((r) => {
      const o = byId.get(r[idB]!);
      return [...r, ...keep.map((j) => (o ? o[j]! : Number.NaN))];
    }),
  };
}

type Cell = number | string | undefined;

/** objects.csv and images.csv tables (CellProfiler layout, joined by ImageNumber). */
export function measureTables(sets: MeasuredSet[]): {
  objects: { columns: string[]; rows: Cell[][] };
  images: { columns: string[]; rows: Cell[][] };
} {
  const ok = sets.filter((s) => s.table);
  const mdKeys = [...new Set(ok.flatMap((s) => Object.keys(metadataFromName(basename(s.files[0]!.path))).filter((k) => k !== 'Channel')))];
  const objCols = [...new Set(ok.flatMap((s) => s.table!.columns.filter((c) => c !== 'ObjectNumber')))];
  const objects = {
    columns: ['ImageNumber', 'ObjectNumber', ...mdKeys.map((k) => `Metadata_${k}`), ...objCols],
    rows: [] as Cell[][],
  };
  const channels = [...new Set(ok.flatMap((s) => s.files.map((f) => f.channel)))];
  const meanCols = objCols.filter(
    (c) =>
      !/^(Number_|Parent_|Location_|AreaShape_Center_|AreaShape_BoundingBox(Minimum|Maximum)_|(Cells|Cytoplasm)_(Number_|Parent_|Location_|AreaShape_Center_|AreaShape_BoundingBox(Minimum|Maximum)_))/.test(
        c,
      ),
  );
  const objectName = ok[0]?.table?.objectName ?? 'Nuclei';
  const images = {
    columns: [
      'ImageNumber',
      ...mdKeys.map((k) => `Metadata_${k}`),
      ...channels.flatMap((c) => [`FileName_${c}`, `PathName_${c}`]),
      `FileName_${objectName}`,
      `Count_${objectName}`,
      ...(ok.some((s) => s.pixelSizeUm !== undefined) ? ['Metadata_PixelSizeUm'] : []),
      ...meanCols.map((c) => `Mean_${objectName}_${c}`),
    ],
    rows: [] as Cell[][],
  };
  const hasPx = images.columns.includes('Metadata_PixelSizeUm');
  ok.forEach((s, i) => {
    const n = i + 1;
    const md = metadataFromName(basename(s.files[0]!.path));
    const t = s.table!;
    const idx = new Map(t.columns.map((c, j) => [c, j]));
    for (const r of t.rows) {
      objects.rows.push([
        n,
        r[idx.get('ObjectNumber')!],
        ...mdKeys.map((k) => md[k]),
        ...objCols.map((c) => (idx.has(c) ? r[idx.get(c)!] : undefined)),
      ]);
    }
    const means = meanCols.map((c) => {
      const j = idx.get(c);
      if (j === undefined) return undefined;
      let sum = 0;
      let k = 0;
      for (const r of t.rows) {
        const v = r[j]!;
        if (Number.isFinite(v)) {
          sum += v;
          k++;
        }
      }
      return k ? sum / k : undefined;
    });
    const file = (c: string) => s.files.find((f) => f.channel === c);
    images.rows.push([
      n,
      ...mdKeys.map((k) => md[k]),
      ...channels.flatMap((c) => {
        const f = file(c);
        return f ? [basename(f.path), dirname(f.path)] : [undefined, undefined];
      }),
      s.labelsPath ? basename(s.labelsPath) : undefined,
      t.rows.length,
      ...(hasPx ? [s.pixelSizeUm] : []),
      ...means,
    ]);
  });
  return { objects, images };
}
