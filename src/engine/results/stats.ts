/**
 * Statistics at the unit of comparison the user declared. Objects are averaged per image,
 * images per well, wells per replicate; conditions are compared at that unit (never treating
 * objects or fields as independent replicates unless the unit says so, and then the output
 * says it). Optional per-plate normalisation to the controls; effect of each condition versus
 * control with a seeded bootstrap interval and Welch's test; Z' when positive and negative
 * controls exist; a plain statement comparing the measured effect with the expected effect and
 * tolerated error from the question.
 * @see Lazic S.E. (2010) BMC Neurosci 11:5 (pseudoreplication)
 */
import { join } from 'node:path';
import { cmp, conditionSummaries, effectsOf, type ImageRow, normalise, outlierUnits, toUnits } from './stats-effects.js';
import { mean, median, normalQuantile, unitsNeeded, zPrime } from './stats-math.js';
import { type CsvTable, type OutputFolder, readObjectColumn, readOutputFolder } from './stats-tables.js';
import { describeUnit, effectLines, toleranceStatement } from './stats-words.js';

export type StatsUnit = 'well' | 'image' | 'replicate' | 'object';
export type Normalisation = 'none' | 'percent-of-control' | 'robust-z';

export interface SummariseOptions {
  unit?: StatsUnit;
  normalisation?: Normalisation;
  /** Negative-control conditions (empty: from a Metadata_control column: yes/true/negative). */
  controls?: string[];
  /** Positive-control conditions (empty: Metadata_control = positive). */
  positiveControls?: string[];
  /** Image-level column analysed (default from the question: count -> Count_Nuclei, size -> mean area ...). */
  measure?: string;
  question?: { type?: string; expectedEffectPct?: number; toleratedErrorPct?: number };
  /** Marker channel (for the intensity measure). */
  marker?: string;
  /** Measured analysis error, % (e.g. count error against ground truth). */
  analysisErrorPct?: number;
  /** Bootstrap seed and resamples (defaults 1 and 4000). */
  seed?: number;
  reps?: number;
}

/** One unit of comparison (a well, image, replicate or object group) with its value. */
export interface UnitRow {
  id: string;
  plate: string;
  condition: string;
  /** Raw value (mean over the images / objects it holds). */
  raw: number;
  /** Value after normalisation (= raw when none). */
  value: number;
  images: number;
  /** Objects in it (when known). */
  objects?: number;
}

export interface ConditionSummary {
  condition: string;
  role: 'negative control' | 'positive control' | 'treatment';
  n: number;
  mean: number;
  sd: number;
  median: number;
  /** SD / mean (NaN when mean is 0 or n < 2). */
  cv: number;
}

export interface Effect {
  condition: string;
  control: string;
  n: number;
  nControl: number;
  /** mean(condition) - mean(control), in the analysed (normalised) units. */
  diff: number;
  diffCi: [number, number];
  /** mean(condition) / mean(control) on raw values, and its interval. */
  fold: number;
  foldCi: [number, number];
  /** (fold - 1) x 100. */
  pct: number;
  pctCi: [number, number];
  hedgesG: number;
  welch: { t: number; df: number; p: number };
  /** Permutation test (exact for few units): no normality assumption. */
  permutation: { p: number; exact: boolean; smallestP: number };
  /** Fewer than 3 units on either side. */
  tooFew: boolean;
}

export interface StatsResult {
  measure: string;
  unit: StatsUnit;
  /** What the unit means, in words ("well (mean of 2 images per well)"). */
  unitNote: string;
  normalisation: Normalisation;
  /** Batch used for normalisation. */
  batch: 'plate' | 'all';
  controls: string[];
  positiveControls: string[];
  units: UnitRow[];
  conditions: ConditionSummary[];
  effects: Effect[];
  /** Effects computed again without images flagged as failing QC but kept (keep-all policy). */
  effectsWithoutFlagged?: Effect[];
  /** Image sets excluded or flagged at QC (ids), and whether they have values. */
  qc: { excluded: string[]; flaggedKept: string[]; note: string };
  zPrime?: { value: number; positive: string; negative: string; verdict: string };
  power?: { cv: number; nPerGroup: number; detectablePct: number; neededForExpected?: number };
  /** Units far from the others of their condition (robust z > 3.5 with 4 or more units): worth a look. */
  outliers: { id: string; condition: string; z: number; value: number }[];
  warnings: string[];
  /** Plain statements, one per line (for the report, methods and the terminal). */
  lines: string[];
  tolerance: string;
  seed: number;
  reps: number;
}

function col(t: CsvTable, ...names: string[]): number {
  const lower = t.columns.map((c) => c.toLowerCase());
  for (const n of names) {
    const j = lower.indexOf(n.toLowerCase());
    if (j >= 0) return j;
  }
  return -1;
}

/** The image-level column for a question (count, size, intensity), or the first Count_ column. */
export function defaultMeasure(columns: readonly string[], question?: string, marker?: string): string | undefined {
  const has = (c: string) => columns.includes(c);
  if (question === 'size' && has('Mean_Nuclei_AreaShape_Area')) return 'Mean_Nuclei_AreaShape_Area';
  if (question === 'intensity' || question === 'coloc') {
    const m = marker ? `Mean_Nuclei_Intensity_MeanIntensity_${marker.replace(/[^A-Za-z0-9_]/g, '_')}` : undefined;
    if (m && has(m)) return m;
    const any = columns.find((c) => /^Mean_Nuclei_Intensity_MeanIntensity_/.test(c));
    if (any) return any;
  }
  if (has('Count_Nuclei')) return 'Count_Nuclei';
  return columns.find((c) => /^Count_/.test(c) && !/Discarded/i.test(c)) ?? columns.find((c) => /^Mean_/.test(c));
}

function imageRows(f: OutputFolder, measure: string): ImageRow[] {
  const t = f.images!;
  const j = t.columns.indexOf(measure);
  const c = {
    number: col(t, 'ImageNumber'),
    id: col(t, 'Metadata_ImageSet', 'ImageSetId'),
    plate: col(t, 'Metadata_Plate'),
    well: col(t, 'Metadata_Well'),
    condition: col(t, 'Metadata_Condition'),
    replicate: col(t, 'Metadata_Replicate', 'Metadata_BiologicalReplicate'),
    control: col(t, 'Metadata_Control', 'Metadata_ControlType'),
    status: col(t, 'Image_Status'),
  };
  const worst = new Map<string, string>();
  if (f.qc) {
    const n = col(f.qc, 'ImageNumber');
    const w = col(f.qc, 'QC_Worst');
    if (n >= 0 && w >= 0) for (let i = 0; i < f.qc.length; i++) worst.set(f.qc.text(i, n), f.qc.text(i, w).toLowerCase());
  }
  const rows: ImageRow[] = [];
  for (let i = 0; i < t.length; i++) {
    const number = t.text(i, c.number) || String(i + 1);
    rows.push({
      number,
      id: t.text(i, c.id) || number,
      plate: t.text(i, c.plate),
      well: t.text(i, c.well),
      condition: t.text(i, c.condition) || 'all',
      replicate: t.text(i, c.replicate),
      control: t.text(i, c.control).toLowerCase(),
      status: t.text(i, c.status) || 'ok',
      worst: worst.get(number) ?? '',
      value: t.num(i, j),
    });
  }
  return rows;
}

const NEG = /^(yes|true|1|y|neg|negative|control|negative control|ctrl)$/;
const POS = /^(pos|positive|positive control)$/;

function roles(images: ImageRow[], o: SummariseOptions): { neg: string[]; pos: string[] } {
  const neg = new Set(o.controls ?? []);
  const pos = new Set(o.positiveControls ?? []);
  if (neg.size === 0) for (const im of images) if (NEG.test(im.control)) neg.add(im.condition);
  if (pos.size === 0) for (const im of images) if (POS.test(im.control)) pos.add(im.condition);
  for (const p of pos) neg.delete(p);
  return { neg: [...neg].sort(), pos: [...pos].sort() };
}

/**
 * Summarise a run's results at the unit of comparison. `input` is an output folder path or an
 * already-read folder. Uses images with Image_Status ok and a finite value; images excluded at
 * QC were not measured by the runner and are listed, not used. Deterministic (seeded bootstrap).
 */
export async function summarise(input: string | OutputFolder, o: SummariseOptions = {}): Promise<StatsResult> {
  const f = typeof input === 'string' ? await readOutputFolder(input) : input;
  const warnings: string[] = [];
  let unit: StatsUnit = o.unit ?? 'well';
  const how: Normalisation = o.normalisation ?? 'none';
  const seed = o.seed ?? 1;
  const reps = o.reps ?? 4000;
  if (!f.images || f.images.length === 0)
    throw new Error('images.csv is missing or empty: run the recipe first (scopepilot run recipe.json)');
  const measure = o.measure ?? defaultMeasure(f.images.columns, o.question?.type, o.marker);
  if (!measure || !f.images.columns.includes(measure))
    throw new Error(`images.csv has no column ${measure ?? 'to analyse'} (columns: ${f.images.columns.join(', ')})`);
  const all = imageRows(f, measure);
  const excluded = all.filter((im) => im.status === 'excluded').map((im) => im.id);
  const usable = all.filter((im) => im.status === 'ok' && Number.isFinite(im.value));
  const flagged = usable.filter((im) => im.worst === 'fail').map((im) => im.id);
  const { neg, pos } = roles(all, o);
  const hasWells = usable.some((im) => im.well);
  if ((unit === 'well' || unit === 'replicate') && !hasWells) {
    warnings.push(`there is no well column, so the unit is the image instead of the ${unit}`);
    unit = 'image';
  }
  if (unit === 'replicate' && !usable.some((im) => im.replicate)) {
    warnings.push('there is no replicate column in the plate map, so the unit is the well instead of the replicate');
    unit = 'well';
  }
  let units: UnitRow[];
  if (unit === 'object') {
    const col = measure.replace(/^Mean_Nuclei_/, '');
    const objs = col !== measure ? await readObjectColumn(join(f.dir, 'objects.csv'), col) : undefined;
    if (!objs) {
      warnings.push(`${measure} is not a per-object measurement, so the unit is the image instead of the object`);
      unit = 'image';
      units = toUnits(usable, unit);
    } else {
      const byNumber = new Map(usable.map((im) => [im.number, im]));
      units = [];
      for (let i = 0; i < objs.values.length; i++) {
        const im = byNumber.get(objs.image[i]!);
        if (im)
          units.push({
            id: `${im.id}#${i}`,
            plate: im.plate,
            condition: im.condition,
            raw: objs.values[i]!,
            value: objs.values[i]!,
            images: 1,
          });
      }
      warnings.push(
        'objects are treated as independent replicates, as requested: confidence intervals and p-values are far too optimistic (pseudoreplication)',
      );
    }
  } else units = toUnits(usable, unit);
  units = normalise(units, how, new Set(neg), warnings);
  units.sort((a, b) => cmp(a.condition, b.condition) || cmp(a.plate, b.plate) || cmp(a.id, b.id));

  if (neg.length === 0)
    warnings.push('no control condition is known (plate map control column or statistics.controls), so no effects were computed');
  const conditions = conditionSummaries(units, neg, pos);
  for (const c of conditions)
    if (c.n < 3)
      warnings.push(
        `${c.condition} has only ${c.n} ${describeUnit(unit, c.n)}: too few independent units for a trustworthy interval or test (3 or more per condition)`,
      );
  const outliers = unit === 'object' ? [] : outlierUnits(units);
  for (const o of outliers)
    warnings.push(
      `${o.id} (${o.condition}) lies far from the other ${unit}s of its condition (robust z ${o.z.toFixed(1)}): look at its images; QC may have missed a problem (blur, debris)`,
    );
  if (unit === 'image' && hasWells && usable.length > new Set(usable.map((im) => `${im.plate}/${im.well}`)).size)
    warnings.push(
      'several images per well are treated as independent: fields of one well share the treatment and the handling, so the true uncertainty is larger',
    );
  const effects = effectsOf(units, neg, { seed, reps });
  let effectsWithoutFlagged: Effect[] | undefined;
  if (flagged.length && unit !== 'object') {
    const kept = usable.filter((im) => im.worst !== 'fail');
    effectsWithoutFlagged = effectsOf(normalise(toUnits(kept, unit), how, new Set(neg), []), neg, { seed, reps });
  }
  const qcNote = excluded.length
    ? `${excluded.length} image set(s) excluded at QC were not measured (QC runs before object finding), so the effect with them cannot be computed; run with qc policy keep-all to compare.`
    : flagged.length
      ? `${flagged.length} image set(s) failing QC were kept (policy keep-all); effects are shown with and without them.`
      : 'No image set was excluded at QC.';

  let zp: StatsResult['zPrime'];
  if (pos.length && neg.length) {
    const pv = units.filter((u) => pos.includes(u.condition)).map((u) => u.value);
    const nv = units.filter((u) => neg.includes(u.condition)).map((u) => u.value);
    const z = zPrime(pv, nv);
    if (Number.isFinite(z) || z === Number.NEGATIVE_INFINITY)
      zp = {
        value: z,
        positive: pos.join(' + '),
        negative: neg.join(' + '),
        verdict:
          z >= 0.5 ? 'excellent assay window' : z > 0 ? 'marginal assay window' : 'the controls overlap: the assay cannot separate them',
      };
    else warnings.push("Z' needs at least 2 units of each control");
  }

  let power: StatsResult['power'];
  const cvs = conditions.filter((c) => c.role !== 'positive control' && Number.isFinite(c.cv)).map((c) => c.cv);
  if (cvs.length) {
    const cv = mean(cvs);
    // the design's replicate count: the median number of units over controls and treatments
    const nPer = Math.floor(median(conditions.filter((c) => c.role !== 'positive control').map((c) => c.n)));
    const z = normalQuantile(0.975) + normalQuantile(0.8);
    power = { cv, nPerGroup: nPer, detectablePct: 100 * z * cv * Math.sqrt(2 / Math.max(1, nPer)) };
    const e = o.question?.expectedEffectPct;
    if (e) power.neededForExpected = unitsNeeded(cv, e / 100);
  }

  const result: StatsResult = {
    measure,
    unit,
    unitNote: describeUnit(unit, 2, usable.length, units.length),
    normalisation: how,
    batch: usable.some((im) => im.plate) ? 'plate' : 'all',
    controls: neg,
    positiveControls: pos,
    units,
    conditions,
    effects,
    outliers,
    ...(effectsWithoutFlagged ? { effectsWithoutFlagged } : {}),
    qc: { excluded, flaggedKept: flagged, note: qcNote },
    ...(zp ? { zPrime: zp } : {}),
    ...(power ? { power } : {}),
    warnings,
    lines: [],
    tolerance: '',
    seed,
    reps,
  };
  result.tolerance = toleranceStatement(result, o.question ?? {}, o.analysisErrorPct);
  result.lines = effectLines(result);
  return result;
}
