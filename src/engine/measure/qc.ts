/**
 * Image QC verdicts from ImageQuality_* metrics (./quality.ts): absolute rules that need no plate,
 * and outlier rules relative to the other images of the same group (plate) and channel, by robust
 * z-score (median and MAD). Every verdict says what is wrong in plain words and what to do.
 * @see docs QC-PRACTICE.md; Bray et al., J Biomol Screen 17:266 (2012); Caicedo et al., Nat
 *   Methods 14:849 (2017) (data analysis strategies for image-based profiling, QC section).
 */
import type { QcVerdict } from '../types.js';
import { mad, median } from './robust.js';

/** One image (one channel of one field) to judge. */
export interface QcRow {
  id: string;
  channel: string;
  metrics: Record<string, number>;
  /** Plate (or batch) the image belongs to: outliers are judged within group x channel. Default: one group. */
  group?: string;
  /** Problems found by `probe` on the file (lossy, 8bit-export, rgb-export, clipped, empty, unreadable ...). */
  probeProblems?: { code: string; message: string; hint?: string; level?: string }[];
}

/** Cut-offs of the rules; every one can be overridden (and is recorded in the methods record). */
export interface QcThresholds {
  /** % of pixels at the true maximum (or at the image maximum) from which an image fails for saturation. Default 1 (QC-PRACTICE). */
  saturationFailPercent: number;
  /** ... and from which it gets a warning. Default 0.1. */
  saturationWarnPercent: number;
  /** Signal-to-noise below which a field is called empty. Default 6 (stained nuclei: 50+, noise split in two: ~3-4). */
  emptySignalToNoise: number;
  /** Robust z below which a field is called out of focus (EdgeSharpness). Default -2 (QC-PRACTICE). */
  blurZ: number;
  /** Robust z above which debris / uneven light are called outliers. Default 3. */
  outlierZ: number;
  /** DebrisFraction from which a warning is given regardless of the plate. Default 0.01. */
  debrisFraction: number;
  /** IlluminationUnevenness from which a warning is given regardless of the plate. Default 0.5. */
  unevenness: number;
  /** Fewest images in a group for outlier rules. Default 5. */
  minGroup: number;
}

export const DEFAULT_QC_THRESHOLDS: QcThresholds = {
  saturationFailPercent: 1,
  saturationWarnPercent: 0.1,
  emptySignalToNoise: 6,
  blurZ: -2,
  outlierZ: 3,
  debrisFraction: 0.01,
  unevenness: 0.5,
  minGroup: 5,
};

/** Stable check names used in QC_Reasons. */
export const QC_CHECKS = ['format', 'empty', 'saturation', 'blur', 'debris', 'illumination', 'sparse'] as const;

/** Fewest objects for judging illumination from the objects' brightness. */
const MIN_OBJECTS_FOR_LIGHT = 20;

const Q = (name: string): string => `ImageQuality_${name}`;

interface GroupStats {
  n: number;
  center: Record<string, number>;
  scale: Record<string, number>;
  ceiling: number;
  bitDepth: number;
}

/**
 * Smallest scale used for a robust z, per metric: a difference smaller than this (or than 10% of
 * the typical value) is never an outlier, however alike the other images are.
 */
const SCALE_FLOOR: Record<string, number> = {
  EdgeSharpness: 0,
  PowerLogLogSlope: 0.05,
  DebrisFraction: 0.002,
  IlluminationUnevenness: 0.05,
  ObjectCount: 2,
};

function groupStats(rows: QcRow[]): GroupStats {
  const center: Record<string, number> = {};
  const scale: Record<string, number> = {};
  // Images already failing for format/empty do not define what is normal.
  const ref = rows.filter((r) => !isEmpty(r, DEFAULT_QC_THRESHOLDS) && !(r.probeProblems ?? []).some((p) => p.code === 'lossy'));
  const use = ref.length >= 3 ? ref : rows;
  for (const key of Object.keys(SCALE_FLOOR)) {
    const v = use.map((r) => r.metrics[Q(key)] ?? Number.NaN);
    const c = median(v);
    center[key] = c;
    scale[key] = Math.max(1.4826 * mad(v, c), 0.1 * Math.abs(c), SCALE_FLOOR[key]!, 1e-12);
  }
  const ceiling = Math.max(...rows.map((r) => r.metrics[Q('MaxIntensity')] ?? Number.NEGATIVE_INFINITY));
  const bitDepth = median(rows.map((r) => r.metrics[Q('BitDepth')] ?? Number.NaN));
  return { n: use.length, center, scale, ceiling, bitDepth };
}

function isEmpty(r: QcRow, t: QcThresholds): boolean {
  const snr = r.metrics[Q('SignalToNoise')];
  const count = r.metrics[Q('ObjectCount')];
  return count === 0 || (snr !== undefined && snr < t.emptySignalToNoise);
}

function robustZ(r: QcRow, g: GroupStats, key: string): number {
  const v = r.metrics[Q(key)];
  if (v === undefined || !Number.isFinite(v) || !Number.isFinite(g.center[key]!)) return Number.NaN;
  return (v - g.center[key]!) / g.scale[key]!;
}

const fmt = (v: number, d = 2): string => (Number.isFinite(v) ? Number(v.toPrecision(d + 1)).toString() : String(v));

/**
 * Judge every image: absolute rules (saturation, empty field, file format from `probeProblems`)
 * and, when a group (plate x channel) has at least `minGroup` images, outlier rules by robust
 * z-score: out of focus (EdgeSharpness far below the plate, backed by PowerLogLogSlope), bright
 * debris, uneven illumination, far fewer objects than the rest. Empty fields are not judged for
 * blur (they look "sharp" to some metrics). Each image gets its warn/fail verdicts, or one `ok`
 * verdict (check 'quality') when nothing was found.
 * @returns id -> verdicts, in input order of ids
 */
export function judgeQuality(rows: QcRow[], thresholds: Partial<QcThresholds> = {}): Map<string, QcVerdict[]> {
  // called per image set: Object.assign, not `{ ...a, ...b }` (a hidden class per call in Node 20's V8)
  const t: QcThresholds = Object.assign({}, DEFAULT_QC_THRESHOLDS, thresholds);
  const groups = new Map<string, QcRow[]>();
  for (const r of rows) {
    const key = `${r.group ?? ''}\u0000${r.channel}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(r);
  }
  const stats = new Map<string, GroupStats>();
  for (const [key, g] of groups) stats.set(key, groupStats(g));

  const out = new Map<string, QcVerdict[]>();
  for (const r of rows) {
    const g = stats.get(`${r.group ?? ''}\u0000${r.channel}`)!;
    const v = out.get(r.id) ?? [];
    const ch = r.channel ? ` (${r.channel})` : '';
    const m = (k: string): number => r.metrics[Q(k)] ?? Number.NaN;
    const add = (x: QcVerdict): void => {
      v.push({ ...x, message: `${x.message}${ch}` });
    };

    // format: what probe found in the file
    for (const p of r.probeProblems ?? []) {
      if (p.code === 'lossy' || p.code === 'unreadable') {
        add({
          check: 'format',
          level: 'fail',
          message: p.message,
          action: p.hint ?? 'use the original (lossless TIFF) files from the microscope; JPEG compression changes intensities',
        });
      } else if (p.code === '8bit-export' || p.code === 'rgb-export') {
        add({ check: 'format', level: 'warn', message: p.message, action: p.hint ?? 'use the original files from the microscope' });
      } else if (p.code === 'empty') {
        add({ check: 'empty', level: 'fail', message: p.message, action: p.hint ?? 'exclude this image; check the acquisition' });
      }
    }
    if (
      !(r.probeProblems ?? []).some((p) => p.code === '8bit-export' || p.code === 'rgb-export') &&
      m('BitDepth') === 8 &&
      g.bitDepth > 8
    ) {
      add({
        check: 'format',
        level: 'warn',
        message: `8-bit image among ${g.bitDepth}-bit images: probably an export with rescaled intensities`,
        value: 8,
        action: 'use the original files; intensities of exported images cannot be compared with the others',
      });
    }

    // empty
    const empty = isEmpty(r, t);
    if (empty && !v.some((x) => x.check === 'empty')) {
      const count = m('ObjectCount');
      add({
        check: 'empty',
        level: 'fail',
        message:
          count === 0
            ? 'no objects were found in this field'
            : `nothing stands out from the background (signal-to-noise ${fmt(m('SignalToNoise'))}, under ${t.emptySignalToNoise}): the field looks empty`,
        value: m('SignalToNoise'),
        threshold: t.emptySignalToNoise,
        action: 'exclude it; if many fields are empty, check the well (no cells, stain missing, wrong focus plane)',
      });
    }

    // saturation
    const sat = m('PercentSaturated');
    const atMax = m('MaxIntensity') > m('MinIntensity') ? m('PercentMaximal') : 0;
    const atCeiling = m('MaxIntensity') >= g.ceiling;
    // Pixels piled up at the image maximum count only when that maximum is the highest value of the
    // group (the camera's ceiling when the true maximum is unknown): a dim image's own maximum is not clipping.
    const pct = Math.max(Number.isFinite(sat) ? sat : 0, atCeiling ? atMax : 0);
    if (pct >= t.saturationWarnPercent) {
      const fail = pct >= t.saturationFailPercent;
      add({
        check: 'saturation',
        level: fail ? 'fail' : 'warn',
        message: `${fmt(pct)}% of pixels sit at the maximum value ${m('MaxIntensity')}: bright objects are clipped (saturated)`,
        value: pct,
        threshold: fail ? t.saturationFailPercent : t.saturationWarnPercent,
        action: fail
          ? 'exclude it from intensity measurements, or re-image with a shorter exposure'
          : 'intensities of the brightest objects are underestimated; lower the exposure next time',
      });
    }
    const relative = g.n >= t.minGroup;
    if (!empty) judgeContent(r, relative ? g : undefined, t, add);
    foldDebrisSaturation(v, r.metrics);
    if (v.length === 0) {
      v.push({
        check: 'quality',
        level: 'ok',
        message: relative
          ? `no problems found${ch}: in focus, not saturated, objects present, even light, compared with ${g.n - 1} other images`
          : `no problems found by the absolute checks${ch} (too few images, ${g.n}, to compare focus and light with the rest)`,
      });
    }
    out.set(r.id, v);
  }
  return out;
}

/** Blur, debris, illumination, sparse: absolute parts always, outlier parts when `g` (a large enough group) is given. */
function judgeContent(r: QcRow, g: GroupStats | undefined, t: QcThresholds, add: (x: QcVerdict) => void): void {
  const m = (k: string): number => r.metrics[Q(k)] ?? Number.NaN;
  const z = (key: string): number => (g ? robustZ(r, g, key) : Number.NaN);
  const center = (key: string): number => g?.center[key] ?? Number.NaN;
  const zEdge = z('EdgeSharpness');
  const zSlope = z('PowerLogLogSlope');
  if (zEdge < t.blurZ || (zSlope < 1.5 * t.blurZ && zEdge < t.blurZ / 2)) {
    const fail = zEdge < 2 * t.blurZ;
    add({
      check: 'blur',
      level: fail ? 'fail' : 'warn',
      message: `out of focus compared with the rest of the plate: object edges are ${fmt((1 - m('EdgeSharpness') / center('EdgeSharpness')) * 100, 1)}% softer than usual (z = ${fmt(zEdge)}; power-spectrum slope ${fmt(m('PowerLogLogSlope'))}, plate median ${fmt(center('PowerLogLogSlope'))})`,
      value: zEdge,
      threshold: t.blurZ,
      action: 'exclude it, or re-image the well; blur makes nuclei look bigger and dimmer and merges neighbours',
    });
  }
  const debris = m('DebrisFraction');
  const zDebris = z('DebrisFraction');
  if (debris >= t.debrisFraction || (zDebris > t.outlierZ && debris >= t.debrisFraction / 2)) {
    add({
      check: 'debris',
      level: debris >= 5 * t.debrisFraction ? 'fail' : 'warn',
      message: `bright debris: ${fmt(debris * 100)}% of the stained area is far brighter than the nuclei${g ? ` (plate median ${fmt(center('DebrisFraction') * 100)}%)` : ''}: dust, precipitate, or condensed dying/dividing cells`,
      value: debris,
      threshold: t.debrisFraction,
      action: 'look at the thumbnail: exclude the field, or remove very bright small objects with a maximum-intensity filter',
    });
  }
  const unev = m('IlluminationUnevenness');
  const zUnev = z('IlluminationUnevenness');
  // With few objects the strips hold too few to compare the light they get.
  const enoughObjects = !(m('ObjectCount') < MIN_OBJECTS_FOR_LIGHT);
  if (enoughObjects && (unev >= t.unevenness || (zUnev > t.outlierZ && unev >= t.unevenness / 2))) {
    add({
      check: 'illumination',
      level: 'warn',
      message: `uneven illumination: one side of the field is ${fmt(unev * 100)}% dimmer than the other${g ? ` (plate median ${fmt(center('IlluminationUnevenness') * 100)}%)` : ''}`,
      value: unev,
      threshold: t.unevenness,
      action: 'turn on illumination correction in the preprocessing step, or exclude the field if intensities matter',
    });
  }
  const zCount = z('ObjectCount');
  // blur merges and hides objects: then "fewer objects" is not a separate finding
  const blurred = zEdge < t.blurZ || (zSlope < 1.5 * t.blurZ && zEdge < t.blurZ / 2);
  if (!blurred && zCount < -t.outlierZ && m('ObjectCount') < 0.25 * center('ObjectCount')) {
    add({
      check: 'sparse',
      level: 'warn',
      message: `far fewer objects than the other fields (${m('ObjectCount')} vs a median of ${center('ObjectCount')})`,
      value: m('ObjectCount'),
      action: 'check the thumbnail: a sparse well may be a real effect (toxicity) or a plating/focus problem',
    });
  }
}

/**
 * Saturation and debris explain each other. When every saturated pixel could be a debris pixel
 * (saturated % <= debris % of the image), the saturation is the debris': keep debris and mention
 * it. Otherwise the objects themselves are overexposed: keep saturation, drop debris.
 */
function foldDebrisSaturation(v: QcVerdict[], metrics: Record<string, number>): void {
  const s = v.findIndex((x) => x.check === 'saturation');
  const d = v.findIndex((x) => x.check === 'debris');
  if (s < 0 || d < 0) return;
  const debrisPercent = 100 * (metrics[Q('DebrisFraction')] ?? 0) * (metrics[Q('ForegroundFraction')] ?? 0);
  const satPercent = v[s]!.value ?? 0;
  if (satPercent <= debrisPercent) {
    v[d] = { ...v[d]!, message: `${v[d]!.message}; the debris is saturated (${fmt(satPercent)}% of pixels at the maximum)` };
    v.splice(s, 1);
  } else {
    v.splice(d, 1);
  }
}

/** Worst level of a list of verdicts ('ok' for none). */
export function worstLevel(verdicts: QcVerdict[]): 'ok' | 'warn' | 'fail' {
  if (verdicts.some((x) => x.level === 'fail')) return 'fail';
  if (verdicts.some((x) => x.level === 'warn')) return 'warn';
  return 'ok';
}

/** The failed/warned check names, unique, in QC_CHECKS order, joined with ';' (qc.csv QC_Reasons). */
export function qcReasons(verdicts: QcVerdict[]): string {
  const seen = new Set(verdicts.filter((x) => x.level !== 'ok').map((x) => x.check));
  const known = QC_CHECKS.filter((c) => seen.has(c));
  const other = [...seen].filter((c) => !(QC_CHECKS as readonly string[]).includes(c)).sort();
  return [...known, ...other].join(';');
}
