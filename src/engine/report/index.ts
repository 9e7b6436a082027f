/**
 * The report of a run: statistics at the declared unit (summary.csv, statistics.json) and
 * report.html (plate heat map with QC flags, dot plots per condition at the unit of comparison,
 * effects with intervals against the expected effect, object-size histogram with the size
 * limits, QC summary with thumbnails, failures, the methods paragraph and checklist).
 * `writeReport(outDir)` is called by the wizard after a run and by `scopepilot report OUT`.
 */
import { join, resolve } from 'node:path';
import { describeError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic.js';
import { collectOldGarbage } from '../jit.js';
import { parseRecipe, type Recipe } from '../pipeline/recipe.js';
import { type StatsResult, summarise } from '../results/stats.js';
import { median } from '../results/stats-math.js';
import { type CsvTable, formatCsv, type OutputFolder, readJsonFile, readObjectColumn, readOutputFolder } from '../results/stats-tables.js';
import {
  boxPlotSpec,
  dotPlotSpec,
  effectSpec,
  histogram,
  MAX_DOTS,
  plateHeatmapSpec,
  plateSummaries,
  plateSummarySpec,
  platesToDraw,
  scopeSvgIds,
  sizeHistogramSpec,
  type WellCell,
} from './charts.js';
import { findColumn } from './facts.js';
import { type ReportPage, renderReportHtml, type Thumb } from './html.js';
import type { MethodsRecord } from './methods-record.js';
import { statsOptionsFromRecipe } from './stats-options.js';
import { inThread, type SvgRenderer } from './svg-renderer.js';
import { thumbnails } from './thumbs.js';
import { wellCells } from './wells.js';

export { type MethodsContext, type MethodsRecord, renderMethodsMarkdown, writeMethods } from './methods.js';
export { statsOptionsFromRecipe } from './stats-options.js';
export { wellCells } from './wells.js';

export interface ReportResult {
  /** Files written (absolute or as given). */
  written: string[];
  stats?: StatsResult;
  /** What could not be shown, in words. */
  notes: string[];
}

function sizeCutoffs(recipe: Recipe | undefined, images: CsvTable | undefined): { area: number; label: string }[] {
  const n = recipe?.stages.objects.nuclei;
  if (n?.sizeFilter === 'off') return [];
  const area = (d: number) => Math.PI * (d / 2) ** 2;
  const out: { area: number; label: string }[] = [];
  if (n?.minDiameter !== undefined) out.push({ area: area(n.minDiameter), label: `min (${n.minDiameter} px across)` });
  else if (images) {
    const j = images.columns.findIndex((c) => /^Nuclei_Diameter$/i.test(c));
    const ds: number[] = [];
    for (let i = 0; j >= 0 && i < images.length; i++) {
      const x = images.num(i, j);
      if (Number.isFinite(x) && x > 0) ds.push(x);
    }
    if (ds.length) {
      const d = median(ds);
      out.push({ area: area(0.4 * d), label: `min ≈ ${(area(0.4 * d)).toFixed(0)} px² (0.4 × median diameter ${d.toFixed(1)} px)` });
    }
  }
  if (n?.maxDiameter !== undefined) out.push({ area: area(n.maxDiameter), label: `max (${n.maxDiameter} px across)` });
  return out;
}

function label(measure: string): string {
  return measure
    .replace(/^Mean_Nuclei_/, 'mean nucleus ')
    .replace(/^Count_/, 'count of ')
    .replace(/_/g, ' ');
}

async function figures(
  f: OutputFolder,
  stats: StatsResult | undefined,
  recipe: Recipe | undefined,
  notes: string[],
  svg: SvgRenderer,
): Promise<ReportPage['figures']> {
  // every figure is handed to the renderer at once (a worker thread draws them while this one
  // goes on), then collected in order
  const drawn: Promise<ReportPage['figures'][number] | string>[] = [];
  const add = (id: string, title: string, spec: Record<string, unknown>, caption?: string) => {
    drawn.push(
      svg.render(spec).then(
        (s) => ({ id, title, svg: scopeSvgIds(s, `fig-${id}`), ...(caption ? { caption } : {}) }),
        (err: unknown) => `${title}: could not be drawn (${describeError(err)})`,
      ),
    );
  };
  if (stats?.effects.length)
    add(
      'effects',
      'Effect versus control',
      effectSpec(
        stats.effects
          .map((e) => ({ condition: e.condition, pct: e.pct, lo: e.pctCi[0], hi: e.pctCi[1] }))
          .filter((e) => Number.isFinite(e.pct)),
        recipe?.question.expectedEffectPct,
      ),
      `Percent change of ${stats.measure} versus ${stats.effects[0]!.control}, seeded bootstrap 95% interval (${stats.reps} resamples, seed ${stats.seed}), at the ${stats.unit} level.`,
    );
  if (stats?.units.length && stats.unit !== 'object') {
    const role = new Map(stats.conditions.map((c) => [c.condition, c.role]));
    const axis = label(stats.measure) + (stats.normalisation !== 'none' ? ` (${stats.normalisation})` : '');
    if (stats.units.length > MAX_DOTS) {
      const units = stats.units.map((u) => ({ condition: u.condition, value: u.value, role: role.get(u.condition) ?? 'treatment' }));
      add('conditions', `Per condition (${stats.units.length} ${stats.unit}s)`, boxPlotSpec(units, axis, stats.unit), stats.unitNote);
    } else {
      const seen = new Map<string, number>();
      const pts = stats.units.map((u) => {
        const k = seen.get(u.condition) ?? 0;
        seen.set(u.condition, k + 1);
        // deterministic spread of dots: a fixed sequence in [-0.8, 0.8]
        const jitter = (((k * 0.618034) % 1) - 0.5) * 1.6;
        return { condition: u.condition, value: u.value, id: u.id, role: role.get(u.condition) ?? 'treatment', jitter };
      });
      add('conditions', `Per condition (one dot per ${stats.unit})`, dotPlotSpec(pts, axis, stats.unit), stats.unitNote);
    }
  }
  if (f.images && stats) {
    const cells = wellCells(f.images, f.qc, stats.measure);
    const drawn = platesToDraw(cells);
    if (drawn.left)
      add(
        'plates',
        'Plates',
        plateSummarySpec(plateSummaries(cells), label(stats.measure)),
        `All ${drawn.plates} plates, in order. A plate far from the others, or with many flagged wells, is worth a look: in the plate map below when it is drawn there, else in results.duckdb (well_summary) or images.csv.`,
      );
    if (drawn.cells.length)
      add(
        'plate',
        'Plate map',
        plateHeatmapSpec(drawn.cells, label(stats.measure)),
        'Mean over the analysed images of each well. ✕ = QC fail or excluded, ? = doubtful, ! = failed to analyse.' +
          (drawn.left
            ? ` ${drawn.plates - drawn.left} of the ${drawn.plates} plates are drawn: those with the most wells flagged at QC or failed; every well of the others is in images.csv and results.duckdb (well_summary).`
            : ''),
      );
  }
  const areas = (await readObjectColumn(join(f.dir, 'objects.csv'), 'AreaShape_Area', { images: false }))?.values;
  if (areas?.length) {
    const cut = sizeCutoffs(recipe, f.images);
    add(
      'sizes',
      'Object sizes',
      sizeHistogramSpec(histogram(areas, 40), cut, 'px²'),
      'Objects outside the size limits were not counted, so the result does not show whether a condition produces such objects.',
    );
  } else notes.push('object-size histogram: objects.csv has no AreaShape_Area column (or is missing)');
  const figs: ReportPage['figures'] = [];
  for (const d of await Promise.all(drawn)) {
    if (typeof d === 'string') notes.push(d);
    else figs.push(d);
  }
  return figs;
}

/** Image sets of the units flagged as statistical outliers (well ids are "plate/well" or "well"). */
function outlierImages(images: CsvTable, stats: StatsResult): Map<string, string> {
  const out = new Map<string, string>();
  const id = findColumn(images, 'Metadata_ImageSet');
  const plate = findColumn(images, 'Metadata_Plate');
  const well = findColumn(images, 'Metadata_Well');
  const status = findColumn(images, 'Image_Status');
  // unit id -> why; then one pass over the images (not one per outlier: a screen has hundreds)
  const why = new Map<string, string>();
  for (const o of stats.outliers)
    if (!why.has(o.id)) why.set(o.id, `outlier among the ${stats.unit}s of ${o.condition} (robust z ${o.z.toFixed(1)})`);
  if (why.size === 0) return out;
  for (let i = 0; i < images.length; i++) {
    if (status >= 0 && images.text(i, status) !== 'ok') continue;
    const unit =
      stats.unit === 'image'
        ? images.text(i, id)
        : images.text(i, plate)
          ? `${images.text(i, plate)}/${images.text(i, well)}`
          : images.text(i, well);
    const w = why.get(unit);
    if (w !== undefined && !out.has(images.text(i, id))) out.set(images.text(i, id), w);
  }
  return out;
}

function qcRows(f: OutputFolder): { rows: ReportPage['qc']['rows']; flagged: Map<string, string> } {
  const rows: ReportPage['qc']['rows'] = [];
  const flagged = new Map<string, string>();
  const qc = f.qc;
  if (!qc) return { rows, flagged };
  const c = {
    id: findColumn(qc, 'Metadata_ImageSet', 'ImageNumber'),
    well: findColumn(qc, 'Metadata_Well'),
    cond: findColumn(qc, 'Metadata_Condition'),
    worst: findColumn(qc, 'QC_Worst'),
    checks: findColumn(qc, 'QC_Checks'),
    ex: findColumn(qc, 'QC_Excluded'),
    reason: findColumn(qc, 'QC_Reason'),
  };
  for (let i = 0; i < qc.length; i++) {
    const worst = qc.text(i, c.worst).toLowerCase();
    const excluded = /^(true|1|yes)$/i.test(qc.text(i, c.ex));
    if (worst === 'ok' && !excluded) continue;
    const id = qc.text(i, c.id);
    rows.push({
      id,
      well: qc.text(i, c.well),
      condition: qc.text(i, c.cond),
      worst,
      checks: qc.text(i, c.checks),
      reason: qc.text(i, c.reason),
    });
    flagged.set(id, qc.text(i, c.reason) || qc.text(i, c.checks) || worst);
  }
  return { rows, flagged };
}

/**
 * Write summary.csv, statistics.json and report.html into `outDir` from the run's outputs
 * (images.csv, qc.csv, failures.csv, objects.csv, recipe.json, run.json, methods.json,
 * previews/). What cannot be computed is noted in the page and returned, never thrown, unless
 * images.csv is missing (nothing to report). `o.folder`: the folder already read (readOutputFolder);
 * `o.svg`: where the figures are drawn (default this thread; svg-renderer.ts).
 */
export async function writeReport(
  outDir: string,
  o: { seed?: number; folder?: OutputFolder; svg?: SvgRenderer } = {},
): Promise<ReportResult> {
  const f = o.folder ?? (await readOutputFolder(outDir));
  const notes: string[] = [];
  const written: string[] = [];
  let recipe: Recipe | undefined;
  if (f.recipe !== undefined) {
    try {
      recipe = parseRecipe(f.recipe);
    } catch (err) {
      notes.push(`recipe.json could not be read (${describeError(err)}); statistics use their defaults`);
    }
  }
  let stats: StatsResult | undefined;
  if (f.images?.length) {
    try {
      const opts = { ...statsOptionsFromRecipe(recipe), ...(o.seed !== undefined ? { seed: o.seed } : {}) };
      // a ground-truth check written by `scopepilot validate --out OUT/validation.json`
      const ce = (f.validation?.mean as { countErrorPct?: unknown } | undefined)?.countErrorPct;
      if (typeof ce === 'number' && Number.isFinite(ce)) opts.analysisErrorPct = ce;
      stats = await summarise(f, opts);
    } catch (err) {
      notes.push(`statistics: ${describeError(err)}`);
    }
  } else notes.push('images.csv is missing or empty: no statistics (run the recipe first)');
  if (stats) {
    const p = join(outDir, 'summary.csv');
    await writeFileAtomic(
      p,
      stats.normalisation === 'none'
        ? formatCsv(
            ['Unit', 'Id', 'Metadata_Plate', 'Metadata_Condition', 'Images', stats.measure],
            stats.units.map((u) => [stats!.unit, u.id, u.plate, u.condition, u.images, u.raw]),
          )
        : formatCsv(
            [
              'Unit',
              'Id',
              'Metadata_Plate',
              'Metadata_Condition',
              'Images',
              stats.measure,
              `${stats.measure}_${stats.normalisation === 'robust-z' ? 'RobustZ' : 'PercentOfControl'}`,
            ],
            stats.units.map((u) => [stats!.unit, u.id, u.plate, u.condition, u.images, u.raw, u.value]),
          ),
    );
    const s = join(outDir, 'statistics.json');
    await writeFileAtomic(s, `${JSON.stringify(stats, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`);
    written.push(p, s);
  }
  collectOldGarbage(); // the statistics' working copies (jit.ts)
  // the figures are drawn while the thumbnails are made
  const drawing = figures(f, stats, recipe, notes, o.svg ?? inThread);
  drawing.catch(() => undefined); // its error (if any) is thrown below, where it is awaited
  const { rows, flagged } = qcRows(f);
  if (stats && f.images) for (const [id, why] of outlierImages(f.images, stats)) if (!flagged.has(id)) flagged.set(id, why);
  const root = typeof f.run?.input === 'string' ? f.run.input : recipe?.input.root;
  const thumbs = await thumbnails({
    outDir,
    ...(f.images ? { images: f.images } : {}),
    ...(root ? { inputRoot: resolve(outDir, root) } : {}),
    ...(recipe ? { channel: recipe.input.channels.dna } : {}),
    flagged,
  }).catch(() => [] as Thumb[]);
  collectOldGarbage(); // the thumbnails' decoded images (jit.ts)
  const figs = await drawing;
  const fails: ReportPage['failures'] = [];
  if (f.failures) {
    const t = f.failures;
    const c = { id: findColumn(t, 'Metadata_ImageSet', 'ImageNumber'), stage: findColumn(t, 'Stage'), reason: findColumn(t, 'Reason') };
    for (let i = 0; i < t.length; i++) fails.push({ id: t.text(i, c.id), stage: t.text(i, c.stage), reason: t.text(i, c.reason) });
  }
  const methods = (await readJsonFile(join(outDir, 'methods.json')).catch(() => undefined)) as MethodsRecord | undefined;
  const run = f.run ?? {};
  const status = f.images ? findColumn(f.images, 'Image_Status') : -1;
  const count = (s: string) => {
    if (!f.images || status < 0) return undefined;
    let k = 0;
    for (let i = 0; i < f.images.length; i++) if (f.images.text(i, status) === s) k++;
    return k;
  };
  const levels = (() => {
    if (!f.qc) return undefined;
    const w = findColumn(f.qc, 'QC_Worst');
    if (w < 0) return undefined;
    const l = { ok: 0, warn: 0, fail: 0 };
    for (let i = 0; i < f.qc.length; i++) {
      const v = f.qc.text(i, w).toLowerCase();
      if (v === 'ok' || v === 'warn' || v === 'fail') l[v]++;
    }
    return l;
  })();
  const page: ReportPage = {
    title: `ScopePilot report${recipe?.question.text ? `: ${recipe.question.text}` : ''}`,
    facts: [
      recipe
        ? `Question: ${recipe.question.type}${recipe.question.expectedEffectPct !== undefined ? `; expected effect ${recipe.question.expectedEffectPct}%` : ''}${recipe.question.toleratedErrorPct !== undefined ? `, tolerated error ${recipe.question.toleratedErrorPct}%` : ''}`
        : '',
      f.images
        ? `Image sets: ${count('ok') ?? f.images.length} analysed${count('excluded') !== undefined ? `, ${count('excluded')} excluded at QC` : ''}${count('failed') !== undefined ? `, ${count('failed')} failed` : ''}`
        : '',
      typeof run.startedAt === 'string' ? `Run: ${run.startedAt}${typeof run.finishedAt === 'string' ? ` to ${run.finishedAt}` : ''}` : '',
    ].filter(Boolean),
    ...(stats?.tolerance ? { answer: stats.tolerance } : {}),
    warnings: [...(stats?.warnings ?? []), ...notes],
    statistics: stats?.lines ?? [],
    figures: figs,
    qc: { ...(levels ? { levels } : {}), rows },
    thumbs,
    failures: fails,
    ...(methods?.paragraph ? { methods: { paragraph: methods.paragraph, checklist: methods.checklist ?? [] } } : {}),
    footer: `Written by ScopePilot ${typeof run.scopepilot === 'string' ? run.scopepilot : (methods?.software.versions.scopepilot ?? '')} from the files in this folder; plots rendered with vega-lite. Open METHODS.md for the full methods record.`,
  };
  const html = join(outDir, 'report.html');
  await writeFileAtomic(html, renderReportHtml(page));
  written.push(html);
  return { written, ...(stats ? { stats } : {}), notes };
}
