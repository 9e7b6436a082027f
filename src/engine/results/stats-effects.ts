/**
 * The steps of the statistics between images and answers: aggregation to units, per-plate
 * normalisation, per-condition summaries and effects versus control. Pure functions.
 */

import type { ConditionSummary, Effect, Normalisation, StatsUnit, UnitRow } from './stats.js';
import { bootstrapCi, hedgesG, mad, mean, median, permutationTest, sd, welchTest } from './stats-math.js';

/** One analysed image: ids, metadata and the measured value. */
export interface ImageRow {
  number: string;
  id: string;
  plate: string;
  well: string;
  condition: string;
  replicate: string;
  control: string;
  status: string;
  worst: string;
  value: number;
}

export function byKey<T>(xs: T[], key: (x: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const x of xs) {
    const k = key(x);
    const list = m.get(k);
    if (list) list.push(x);
    else m.set(k, [x]);
  }
  return m;
}

export const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Aggregate usable images to units: image -> well (mean) -> replicate (mean of wells). */
export function toUnits(images: ImageRow[], unit: StatsUnit): UnitRow[] {
  const wellKey = (im: ImageRow) => `${im.plate}\u0000${im.well || im.id}\u0000${im.condition}`;
  if (unit === 'image')
    return images.map((im) => ({ id: im.id, plate: im.plate, condition: im.condition, raw: im.value, value: im.value, images: 1 }));
  const wells = [...byKey(images, wellKey).values()].map((ims) => {
    const f = ims[0]!;
    const v = mean(ims.map((x) => x.value));
    return {
      id: f.well ? `${f.plate ? `${f.plate}/` : ''}${f.well}` : f.id,
      plate: f.plate,
      condition: f.condition,
      replicate: f.replicate,
      raw: v,
      value: v,
      images: ims.length,
    };
  });
  if (unit !== 'replicate') return wells.map(({ replicate: _r, ...w }) => w);
  return [...byKey(wells, (w) => `${w.replicate}\u0000${w.condition}`).values()].map((ws) => {
    const f = ws[0]!;
    const v = mean(ws.map((w) => w.value));
    return {
      id: `replicate ${f.replicate || '?'}`,
      plate: f.plate,
      condition: f.condition,
      raw: v,
      value: v,
      images: ws.reduce((a, w) => a + w.images, 0),
    };
  });
}

/** Per-batch (plate) normalisation to the negative controls of that batch. Returns new rows. */
export function normalise(units: UnitRow[], how: Normalisation, neg: Set<string>, warnings: string[]): UnitRow[] {
  if (how === 'none') return units;
  const out: UnitRow[] = [];
  for (const [plate, us] of byKey(units, (u) => u.plate)) {
    const ctrl = us.filter((u) => neg.has(u.condition)).map((u) => u.raw);
    if (ctrl.length === 0) {
      warnings.push(`plate ${plate || '(none)'} has no control units, so it could not be normalised and was left out`);
      continue;
    }
    const m = median(ctrl);
    const s = mad(ctrl);
    for (const u of us) {
      let v: number;
      if (how === 'percent-of-control') v = m !== 0 ? (100 * u.raw) / m : Number.NaN;
      else v = s > 0 ? (u.raw - m) / s : Number.NaN;
      out.push({ ...u, value: v });
    }
    if (how === 'robust-z' && !(s > 0))
      warnings.push(`plate ${plate || '(none)'}: the controls do not vary (MAD 0), so robust z-scores are undefined`);
  }
  return out;
}

export function effectsOf(units: UnitRow[], neg: string[], o: { seed: number; reps: number }): Effect[] {
  const control = neg.join(' + ');
  const c = units.filter((u) => neg.includes(u.condition));
  if (c.length === 0) return [];
  const cv = c.map((u) => u.value);
  const cr = c.map((u) => u.raw);
  const out: Effect[] = [];
  const conds = [...new Set(units.map((u) => u.condition))].filter((k) => !neg.includes(k)).sort(cmp);
  for (const k of conds) {
    const t = units.filter((u) => u.condition === k);
    const tv = t.map((u) => u.value);
    const tr = t.map((u) => u.raw);
    const b = bootstrapCi(cv, tv, o);
    const br = bootstrapCi(cr, tr, o);
    const fold = mean(tr) / mean(cr);
    const w = welchTest(cv, tv);
    out.push({
      condition: k,
      control,
      n: t.length,
      nControl: c.length,
      diff: mean(tv) - mean(cv),
      diffCi: b.diff,
      fold,
      foldCi: br.ratio,
      pct: (fold - 1) * 100,
      pctCi: [(br.ratio[0] - 1) * 100, (br.ratio[1] - 1) * 100],
      hedgesG: hedgesG(cv, tv),
      welch: { t: w.t, df: w.df, p: w.p },
      permutation: permutationTest(cv, tv, { seed: o.seed }),
      tooFew: t.length < 3 || c.length < 3,
    });
  }
  return out;
}

export function conditionSummaries(units: UnitRow[], neg: string[], pos: string[]): ConditionSummary[] {
  return [...byKey(units, (u) => u.condition).entries()]
    .sort(([a], [b]) => cmp(a, b))
    .map(([condition, us]) => {
      const v = us.map((u) => u.value);
      const m = mean(v);
      return {
        condition,
        role: neg.includes(condition) ? 'negative control' : pos.includes(condition) ? 'positive control' : 'treatment',
        n: v.length,
        mean: m,
        sd: sd(v),
        median: median(v),
        cv: m !== 0 ? sd(v) / Math.abs(m) : Number.NaN,
      };
    });
}

/**
 * Units whose value is far from the others of the same condition: |x - median| / MAD > `limit`
 * (MAD scaled to the SD, computed over the condition's units), for conditions with at least 4
 * units and a MAD above 0. Sorted by condition and id.
 * @see Iglewicz B., Hoaglin D. (1993) How to Detect and Handle Outliers (modified z > 3.5).
 */
export function outlierUnits(units: UnitRow[], limit = 3.5): { id: string; condition: string; z: number; value: number }[] {
  const out: { id: string; condition: string; z: number; value: number }[] = [];
  for (const [condition, us] of [...byKey(units, (u) => u.condition).entries()].sort(([a], [b]) => cmp(a, b))) {
    if (us.length < 4) continue;
    const v = us.map((u) => u.value);
    const m = median(v);
    const s = mad(v);
    if (!(s > 0)) continue;
    for (const u of us) {
      const z = (u.value - m) / s;
      if (Math.abs(z) > limit) out.push({ id: u.id, condition, z, value: u.value });
    }
  }
  return out.sort((a, b) => cmp(a.condition, b.condition) || cmp(a.id, b.id));
}
