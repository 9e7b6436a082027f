/**
 * The report's plots as vega-lite specs, rendered to inline SVG with vega and vega-lite at the
 * time the report is written (offline: no CDN, no script in the page). Specs are plain data,
 * so tests can check what is plotted without rendering.
 * @see https://vega.github.io/vega-lite/
 */
import { natCompare } from '../dataset/walk.js';
import { quantile } from '../results/stats-math.js';
import { loadVega } from './vega-load.js';

/** A vega-lite spec (kept loose: the library validates it). */
export type VlSpec = Record<string, unknown>;

const FONT = { font: 'Helvetica, Arial, sans-serif', labelFontSize: 11, titleFontSize: 12 };
const CONFIG = { config: { view: { stroke: null }, axis: FONT, legend: FONT, title: { fontSize: 14 } } };

/** One well of a plate heat map. */
export interface WellCell {
  plate: string;
  row: string;
  column: number;
  value: number | null;
  condition: string;
  /** 'ok' | 'warn' | 'fail' | 'excluded' | 'failed' (worst over the well's images). */
  flag: string;
  images: number;
}

/** Plate heat map: one rectangle per well coloured by `label`, QC flags as symbols, one panel per plate. */
export function plateHeatmapSpec(cells: WellCell[], label: string): VlSpec {
  const cols = Math.max(12, ...cells.map((c) => c.column));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...CONFIG,
    title: `${label} per well`,
    data: { values: cells },
    facet: { row: { field: 'plate', type: 'nominal', title: null } },
    spec: {
      width: Math.min(720, 30 * cols),
      height: { step: 30 },
      layer: [
        {
          mark: { type: 'rect', stroke: 'white', strokeWidth: 1 },
          encoding: {
            x: { field: 'column', type: 'ordinal', title: null, axis: { orient: 'top', labelAngle: 0 } },
            y: { field: 'row', type: 'ordinal', title: null },
            color: { field: 'value', type: 'quantitative', title: label, scale: { scheme: 'viridis' } },
          },
        },
        {
          transform: [{ filter: "datum.flag !== 'ok'" }],
          mark: { type: 'text', fontSize: 13, fontWeight: 'bold' },
          encoding: {
            x: { field: 'column', type: 'ordinal' },
            y: { field: 'row', type: 'ordinal' },
            text: { field: 'symbol' },
            color: { value: '#d62728' },
          },
        },
      ],
    },
    transform: [
      {
        calculate:
          "datum.flag === 'fail' || datum.flag === 'excluded' ? '✕' : datum.flag === 'failed' ? '!' : datum.flag === 'warn' ? '?' : ''",
        as: 'symbol',
      },
    ],
  };
}

/**
 * Plates the heat map draws at most. Every well is a rectangle of vega's scene and of the SVG: 64
 * plates of 384 wells (a 100,000-image screen) drew a 5.7 MB figure, took 90 MB of memory to
 * draw, and were 30,000 pixels tall, which nobody scrolls through.
 */
export const MAX_PLATES_DRAWN = 16;

/**
 * The wells of the plates the heat map draws: all of them up to `max` plates; else the `max`
 * plates with the most wells flagged at QC, excluded or failed (ties by name), so that what needs
 * a look is in the report, in plate order. `left`: the plates not drawn.
 */
export function platesToDraw(cells: readonly WellCell[], max = MAX_PLATES_DRAWN): { cells: WellCell[]; plates: number; left: number } {
  const flagged = new Map<string, number>();
  for (const c of cells) flagged.set(c.plate, (flagged.get(c.plate) ?? 0) + (c.flag === 'ok' ? 0 : 1));
  if (flagged.size <= max) return { cells: [...cells], plates: flagged.size, left: 0 };
  const names = [...flagged.keys()].sort();
  const chosen = new Set([...names].sort((a, b) => flagged.get(b)! - flagged.get(a)! || (a < b ? -1 : a > b ? 1 : 0)).slice(0, max));
  return { cells: cells.filter((c) => chosen.has(c.plate)), plates: flagged.size, left: flagged.size - max };
}

/** One plate of a screen: its wells' median and middle half, and how many wells were flagged. */
export interface PlateSummary {
  plate: string;
  median: number;
  q1: number;
  q3: number;
  wells: number;
  flagged: number;
}

/** Every plate's wells summarised (plates without a value are left out), in natural order of their names (P2 before P10). */
export function plateSummaries(cells: readonly WellCell[]): PlateSummary[] {
  const by = new Map<string, { values: number[]; wells: number; flagged: number }>();
  for (const c of cells) {
    let p = by.get(c.plate);
    if (!p) by.set(c.plate, (p = { values: [], wells: 0, flagged: 0 }));
    p.wells++;
    if (c.flag !== 'ok') p.flagged++;
    if (c.value !== null && Number.isFinite(c.value)) p.values.push(c.value);
  }
  const out: PlateSummary[] = [];
  for (const [plate, p] of by)
    if (p.values.length)
      out.push({
        plate,
        median: quantile(p.values, 0.5),
        q1: quantile(p.values, 0.25),
        q3: quantile(p.values, 0.75),
        wells: p.wells,
        flagged: p.flagged,
      });
  return out.sort((a, b) => natCompare(a.plate, b.plate));
}

/**
 * Plates side by side: each plate's median well (point) and middle half of wells (line), the
 * plate's colour its share of flagged wells; for screens whose plates do not all fit in the
 * heat map, so that a plate unlike the others (a batch effect, a failed plate) still shows.
 */
export function plateSummarySpec(plates: PlateSummary[], label: string): VlSpec {
  const values = plates.map((p) => ({ ...p, flaggedPct: (100 * p.flagged) / Math.max(1, p.wells) }));
  const x = { field: 'plate', type: 'nominal', title: null, sort: null, axis: { labelAngle: -60 } };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...CONFIG,
    title: `${label}: median well per plate (line: middle half of the wells)`,
    data: { values },
    width: { step: 14 },
    height: 200,
    layer: [
      {
        mark: { type: 'rule', color: '#888' },
        encoding: { x, y: { field: 'q1', type: 'quantitative', title: label, scale: { zero: false } }, y2: { field: 'q3' } },
      },
      {
        mark: { type: 'point', filled: true, size: 40 },
        encoding: {
          x,
          y: { field: 'median', type: 'quantitative' },
          color: { field: 'flaggedPct', type: 'quantitative', title: '% wells flagged', scale: { scheme: 'orangered' } },
        },
      },
    ],
  };
}

/**
 * Units above which the per-condition plot draws a box per condition instead of a dot per unit:
 * thousands of dots in one column are one smear, and each is a mark to draw (24,666 wells: 7.3 MB
 * of SVG).
 */
export const MAX_DOTS = 2000;

/** Box plot of unit values per condition (median, quartiles, whiskers to 1.5 IQR, outliers as points). */
export function boxPlotSpec(units: { condition: string; value: number; role: string }[], label: string, unit: string): VlSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...CONFIG,
    title: `${label}: ${units.length} ${unit}s, one box per condition`,
    data: { values: units },
    width: { step: 70 },
    height: 260,
    mark: { type: 'boxplot', extent: 1.5, size: 40 },
    encoding: perCondition(label),
  };
}

/** x: the condition, y: the unit's value, colour: the condition's role (box and dot plots). */
function perCondition(label: string): VlSpec {
  return {
    x: { field: 'condition', type: 'nominal', title: null, axis: { labelAngle: -30 } },
    y: { field: 'value', type: 'quantitative', title: label, scale: { zero: false } },
    color: {
      field: 'role',
      type: 'nominal',
      title: null,
      scale: { domain: ['negative control', 'positive control', 'treatment'], range: ['#1f77b4', '#2ca02c', '#ff7f0e'] },
    },
  };
}

/** Dot plot of unit values per condition, with the condition mean as a tick. */
export function dotPlotSpec(units: { condition: string; value: number; id: string; role: string }[], label: string, unit: string): VlSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...CONFIG,
    title: `${label}: one dot per ${unit}`,
    data: { values: units },
    width: { step: 70 },
    height: 260,
    layer: [
      {
        mark: { type: 'point', filled: true, size: 60, opacity: 0.75 },
        encoding: { ...perCondition(label), xOffset: { field: 'jitter', type: 'quantitative', scale: { domain: [-1, 1] } } },
      },
      {
        mark: { type: 'tick', thickness: 2, size: 40, color: 'black' },
        encoding: {
          x: { field: 'condition', type: 'nominal' },
          y: { aggregate: 'mean', field: 'value', type: 'quantitative' },
        },
      },
    ],
  };
}

/** Effects (% change vs control) with 95% intervals, and the expected effect as dashed lines. */
export function effectSpec(effects: { condition: string; pct: number; lo: number; hi: number }[], expectedPct?: number): VlSpec {
  const layers: VlSpec[] = [
    {
      mark: { type: 'rule', strokeWidth: 2 },
      encoding: {
        y: { field: 'condition', type: 'nominal', title: null },
        x: { field: 'lo', type: 'quantitative', title: '% change versus control (95% CI)' },
        x2: { field: 'hi' },
      },
    },
    {
      mark: { type: 'point', filled: true, size: 80, color: 'black' },
      encoding: { y: { field: 'condition', type: 'nominal' }, x: { field: 'pct', type: 'quantitative' } },
    },
    { data: { values: [{ x: 0 }] }, mark: { type: 'rule', color: '#888' }, encoding: { x: { field: 'x', type: 'quantitative' } } },
  ];
  if (expectedPct !== undefined)
    layers.push({
      data: { values: [{ x: expectedPct }, { x: -expectedPct }] },
      mark: { type: 'rule', strokeDash: [4, 4], color: '#d62728' },
      encoding: { x: { field: 'x', type: 'quantitative' } },
    });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...CONFIG,
    title: expectedPct !== undefined ? `Effect versus control (dashed: expected ±${expectedPct}%)` : 'Effect versus control',
    data: { values: effects },
    width: 480,
    height: { step: 32 },
    layer: layers,
  };
}

/** Histogram of object areas with the size cutoffs as red rules. `bins` are precomputed (deterministic). */
export function sizeHistogramSpec(
  bins: { start: number; end: number; count: number }[],
  cutoffs: { area: number; label: string }[],
  unit: string,
): VlSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...CONFIG,
    title: 'Object sizes (objects kept); red: size limits',
    width: 480,
    height: 200,
    layer: [
      {
        data: { values: bins },
        mark: { type: 'bar', color: '#4c78a8' },
        encoding: {
          x: { field: 'start', type: 'quantitative', title: `Area (${unit})`, bin: { binned: true } },
          x2: { field: 'end' },
          y: { field: 'count', type: 'quantitative', title: 'objects' },
        },
      },
      {
        data: { values: cutoffs },
        mark: { type: 'rule', color: '#d62728', strokeWidth: 2 },
        encoding: { x: { field: 'area', type: 'quantitative' } },
      },
      {
        data: { values: cutoffs },
        mark: { type: 'text', color: '#d62728', align: 'left', dx: 3, dy: -4, baseline: 'top' },
        encoding: { x: { field: 'area', type: 'quantitative' }, y: { value: 0 }, text: { field: 'label' } },
      },
    ],
  };
}

/** Equal-width histogram of `values` into `n` bins over [min, max] (empty -> []). */
export function histogram(values: ArrayLike<number>, n = 40): { start: number; end: number; count: number }[] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!(lo <= hi)) return [];
  if (hi === lo) return [{ start: lo - 0.5, end: hi + 0.5, count: values.length }];
  const w = (hi - lo) / n;
  const counts = new Array<number>(n).fill(0);
  for (let i = 0; i < values.length; i++) counts[Math.min(n - 1, Math.floor((values[i]! - lo) / w))]!++;
  return counts.map((count, k) => ({ start: lo + k * w, end: lo + (k + 1) * w, count }));
}

/**
 * Render a vega-lite spec to an SVG string (vega's headless SVG renderer; no canvas, no
 * network). Throws when the spec is invalid.
 */
export async function renderSvg(spec: VlSpec): Promise<string> {
  const { vega, vl } = await loadVega();
  const compiled = vl.compile(spec as unknown as Parameters<typeof vl.compile>[0]).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', logLevel: vega.Error });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/**
 * Give the ids inside one SVG (vega's gradients and clip paths, numbered by a process-wide
 * counter) a per-figure prefix and numbers in order of appearance, so that several figures in
 * one page never clash and the same figure always has the same bytes.
 */
export function scopeSvgIds(svg: string, prefix: string): string {
  const ids: string[] = [];
  for (const m of svg.matchAll(/\sid="([^"]+)"/g)) if (!ids.includes(m[1]!)) ids.push(m[1]!);
  let out = svg;
  ids.forEach((id, k) => {
    const to = `${prefix}-${k}`;
    const esc = id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    out = out.replace(new RegExp(`(\\sid=")${esc}(")|(#)${esc}(?=[)"])`, 'g'), (_m, a, b, h) => (h ? `#${to}` : `${a}${to}${b}`));
  });
  return out;
}
