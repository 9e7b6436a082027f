/**
 * Object-level QC: what the size and border filters removed, in words a user can check ("12
 * objects larger than the 30 µm limit were discarded; the largest was 41 µm"), and a size
 * histogram with the cut-offs marked. Silently dropping real large objects with a size cut-off is
 * the classic trap; this makes it visible.
 */
import type { QcVerdict } from '../types.js';

export interface ObjectQcInput {
  /** Areas (px) of the objects kept. */
  keptAreas: ArrayLike<number>;
  /** What the filters removed (segmentNuclei's `discarded`): areas (px) of small and large objects, and the border count. */
  discarded?: { small?: ArrayLike<number>; large?: ArrayLike<number>; border?: number };
  /** Size limits used, as equivalent diameters in px (what the user set). */
  minDiameter?: number;
  maxDiameter?: number;
  /** µm per pixel: sizes are reported in µm when known. */
  pixelSizeUm?: number;
}

export interface SizeHistogram {
  /** Bin edges (equivalent diameter, in `unit`), length bins + 1. */
  edges: number[];
  kept: number[];
  discarded: number[];
  unit: 'px' | 'µm';
  cutoffs: { min?: number; max?: number };
}

export interface ObjectQcResult {
  verdicts: QcVerdict[];
  histogram: SizeHistogram;
}

/** Equivalent diameter (px) of an area (px²): the diameter of the disc of that area. */
export const diameterOfArea = (a: number): number => Math.sqrt((4 * a) / Math.PI);

/** Share of the large objects discarded above which the maximum size is questioned. */
const LARGE_WARN_FRACTION = 0.02;
/** Share of objects discarded as small above which the minimum size is questioned. */
const SMALL_WARN_FRACTION = 0.3;
/** Share of objects removed at the border above which the field is questioned. */
const BORDER_WARN_FRACTION = 0.25;

/**
 * Verdicts and size histogram of one image's (or one run's) objects after filtering.
 * Checks (stable names): `size-large`, `size-small`, `border`, `objects` (none kept).
 * Large objects discarded warn when they are 2% of all objects or more, or when the largest is
 * 1.5x the limit or more (probably real cells, not clumps); small ones warn above 30% of all
 * objects (the minimum may cut real nuclei); border removal warns above 25%.
 */
export function objectQc(input: ObjectQcInput): ObjectQcResult {
  const px = input.pixelSizeUm;
  const unit: 'px' | 'µm' = px !== undefined && px > 0 ? 'µm' : 'px';
  const scale = unit === 'µm' ? px! : 1;
  const toD = (a: number) => diameterOfArea(a) * scale;
  const fmt = (d: number) => `${d >= 10 ? Math.round(d) : Number(d.toPrecision(2))} ${unit}`;
  const kept = Array.from(input.keptAreas, toD);
  const small = Array.from(input.discarded?.small ?? [], toD);
  const large = Array.from(input.discarded?.large ?? [], toD);
  const border = input.discarded?.border ?? 0;
  const total = kept.length + small.length + large.length + border;
  const minD = input.minDiameter !== undefined ? input.minDiameter * scale : undefined;
  const maxD = input.maxDiameter !== undefined ? input.maxDiameter * scale : undefined;
  const v: QcVerdict[] = [];
  const pct = (n: number) => `${Math.round((100 * n) / Math.max(1, total))}%`;

  if (kept.length === 0) {
    v.push({
      check: 'objects',
      level: 'fail',
      message: total > 0 ? `all ${total} objects found were removed by the filters` : 'no objects were found',
      value: 0,
      action: total > 0 ? 'widen the size limits or keep border objects' : 'check the image and the threshold',
    });
  }
  if (large.length > 0) {
    const largest = Math.max(...large);
    const warn = large.length >= LARGE_WARN_FRACTION * total || (maxD !== undefined && largest >= 1.5 * maxD);
    v.push({
      check: 'size-large',
      level: warn ? 'warn' : 'ok',
      message: `${large.length} object${large.length === 1 ? '' : 's'} larger than the ${maxD !== undefined ? `${fmt(maxD)} ` : ''}limit ${large.length === 1 ? 'was' : 'were'} discarded (${pct(large.length)}); the largest was ${fmt(largest)}`,
      value: large.length,
      ...(maxD !== undefined ? { threshold: maxD } : {}),
      action: warn
        ? 'look at them: if they are real (large or dividing cells), raise the maximum size; if they are clumps, improve the splitting'
        : 'nothing to do unless these were real cells',
    });
  }
  if (small.length > 0) {
    const warn = small.length >= SMALL_WARN_FRACTION * total;
    v.push({
      check: 'size-small',
      level: warn ? 'warn' : 'ok',
      message: `${small.length} object${small.length === 1 ? '' : 's'} smaller than the ${minD !== undefined ? `${fmt(minD)} ` : ''}limit ${small.length === 1 ? 'was' : 'were'} discarded (${pct(small.length)}; debris and noise usually)`,
      value: small.length,
      ...(minD !== undefined ? { threshold: minD } : {}),
      action: warn ? 'many objects sit under the minimum: check that it does not cut small real nuclei (lower it if so)' : 'nothing to do',
    });
  }
  if (border > 0) {
    const warn = border >= BORDER_WARN_FRACTION * total;
    v.push({
      check: 'border',
      level: warn ? 'warn' : 'ok',
      message: `${border} object${border === 1 ? '' : 's'} touching the image border ${border === 1 ? 'was' : 'were'} removed (${pct(border)}): they are cut off, so their size and intensity would be wrong`,
      value: border,
      action: warn
        ? 'many objects touch the border: the objects are large for the field; image at lower magnification or keep them for counting only'
        : 'nothing to do',
    });
  }
  return { verdicts: v, histogram: sizeHistogram(kept, [...small, ...large], unit, minD, maxD) };
}

/** Histogram of diameters in 20 equal bins from 0 to the largest object (or the max cut-off). */
function sizeHistogram(kept: number[], discarded: number[], unit: 'px' | 'µm', min?: number, max?: number): SizeHistogram {
  const all = [...kept, ...discarded];
  const top = Math.max(1e-9, ...all, max ?? 0) * 1.0001;
  const bins = 20;
  const edges = Array.from({ length: bins + 1 }, (_, i) => (top * i) / bins);
  const k = new Array<number>(bins).fill(0);
  const d = new Array<number>(bins).fill(0);
  for (const x of kept) k[Math.min(bins - 1, Math.floor((x / top) * bins))]!++;
  for (const x of discarded) d[Math.min(bins - 1, Math.floor((x / top) * bins))]!++;
  return { edges, kept: k, discarded: d, unit, cutoffs: { ...(min !== undefined ? { min } : {}), ...(max !== undefined ? { max } : {}) } };
}

/**
 * The histogram as text lines for a terminal or a report: one line per bin with bars of `#`
 * (kept) and `x` (discarded) and the cut-offs marked `<- min` / `<- max`.
 */
export function sizeHistogramText(h: SizeHistogram, width = 40): string[] {
  const most = Math.max(1, ...h.kept.map((c, i) => c + h.discarded[i]!));
  const lines: string[] = [];
  for (let i = 0; i < h.kept.length; i++) {
    const a = h.edges[i]!;
    const b = h.edges[i + 1]!;
    const nk = Math.round((h.kept[i]! / most) * width);
    const nd = Math.round((h.discarded[i]! / most) * width);
    let mark = '';
    if (h.cutoffs.min !== undefined && h.cutoffs.min >= a && h.cutoffs.min < b) mark += ' <- min';
    if (h.cutoffs.max !== undefined && h.cutoffs.max >= a && h.cutoffs.max < b) mark += ' <- max';
    lines.push(`${a.toFixed(1).padStart(6)}-${b.toFixed(1).padEnd(6)} ${h.unit} |${'#'.repeat(nk)}${'x'.repeat(nd)}${mark}`);
  }
  return lines;
}
