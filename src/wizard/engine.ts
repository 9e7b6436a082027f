/**
 * The ONE adapter between the wizard and the engine: every engine call the wizard makes goes
 * through here (functions found by name in src/wizard/ports.ts). It turns engine results into
 * the wizard's facts and writes the previews the user sees under OUT/previews/.
 */
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { UserError } from '../engine/errors.js';
import { writeFileAtomic } from '../engine/io/atomic.js';
import type { ImageSet, Labels, Plane, QcLevel, QcVerdict } from '../engine/types.js';
import { compareMethods, countComparison, METHOD_LABEL, meanScore } from './compare.js';
import type { WizardEngine, WorkOptions } from './engine-api.js';
import { backgroundFor, modelOptions, segmentOptions } from './engine-options.js';
import { findPlateMap, scanFacts } from './engine-scan.js';
import type { StepContext } from './fields.js';
import { pilotStatistics } from './pilot.js';
import { type PortFinder, type Ports, portFinder, type ScanResultPort, type SegmentResultPort } from './ports.js';
import { buildRecipe } from './recipe.js';
import { isExcluded } from './reducer.js';
import { runAndRecord } from './run.js';
import { resolvedValue } from './steps.js';
import type { Catalog, PickFacts, PreviewRef, QcFacts, ScanFacts, StageFacts } from './types.js';

/** Checks whose failure analysis cannot repair (go back to the microscope). */
const UNFIXABLE = /blur|focus|saturat|clip|empty|dark|signal/i;

function worstOf(vs: QcVerdict[]): QcLevel {
  return vs.some((v) => v.level === 'fail') ? 'fail' : vs.some((v) => v.level === 'warn') ? 'warn' : 'ok';
}

function check(o: WorkOptions): void {
  if (o.signal.aborted) throw new Error('stopped');
}

/** Generate the demo plate on first use (in a cache folder); returns its folder. */
export async function ensureDemoPlate(dir: string, ports: PortFinder = portFinder()): Promise<string> {
  if (existsSync(join(dir, '.complete'))) return dir;
  const write = await ports.need('writeDemoPlate');
  await write(dir, { seed: 1 });
  await writeFileAtomic(join(dir, '.complete'), 'ok\n');
  return dir;
}

/** The wizard's engine for output folder `out`; `ports` replaces engine functions (tests). */
export function createEngine(o: { out: string; ports?: Partial<Ports> }): WizardEngine {
  const ports = portFinder(o.ports);
  const port = ports.need;
  const findPort = ports.find;
  let scanned: { key: string; result: ScanResultPort } | undefined;
  const planes = new Map<string, Plane>();
  /** The model's objects per pilot image and model inputs (changing a classical setting or the method does not rerun it). */
  const modelRuns = new Map<string, SegmentResultPort>();

  async function scanResult(ctx: StepContext, onProgress?: WorkOptions['onProgress']): Promise<ScanResultPort> {
    const preset = ctx.session.values.data?.preset;
    const typedMap = ctx.session.values.data?.plateMap;
    const key = JSON.stringify([ctx.session.input, preset ?? null, typedMap ?? null]);
    if (scanned?.key === key) return scanned.result;
    const scanFolder = await port('scanFolder');
    const tplPreset = ctx.session.template?.preset;
    const p = preset !== undefined ? String(preset) : tplPreset;
    const plateMap = typedMap !== undefined ? String(typedMap) : findPlateMap(ctx.session.input);
    const result = await scanFolder(ctx.session.input, {
      ...(p ? { preset: p } : {}),
      ...(plateMap ? { plateMap } : {}),
      ...(onProgress ? { onProgress } : {}),
    });
    scanned = { key, result };
    return result;
  }

  function imageSet(scan: ScanResultPort, id: string): ImageSet {
    const s = scan.imageSets.find((x) => x.id === id);
    if (!s) throw new Error(`image set ${id} is not in the scan`);
    return s;
  }

  async function dnaPlane(ctx: StepContext, scan: ScanResultPort, id: string): Promise<Plane> {
    const set = imageSet(scan, id);
    const ch = String(resolvedValue(ctx, 'data', 'dna'));
    const src = set.channels[ch] ?? Object.values(set.channels)[0];
    if (src === undefined) throw new Error(`image set ${id} has no channels`);
    if (typeof src !== 'string') return src;
    const hit = planes.get(src);
    if (hit) return hit;
    const plane = await (await port('readPlane'))(src);
    if (planes.size > 64) planes.clear();
    planes.set(src, plane);
    return plane;
  }

  async function png(rel: string, plane: Plane, labels?: Parameters<Ports['renderPreview']>[1]): Promise<string> {
    const render = await port('renderPreview');
    const path = join(o.out, 'previews', rel);
    await writeFileAtomic(path, await render(plane, { width: 256, ...(labels ?? {}) }));
    return path;
  }

  /** The subset images still in play (not dropped, not excluded at QC). */
  function kept(ctx: StepContext): PickFacts[] {
    const picks = (ctx.facts.subset?.value ?? []).filter((p) => !ctx.session.dropped.includes(p.id));
    const qc = ctx.facts.qc?.value;
    if (!qc) return picks;
    const policy = resolvedValue(ctx, 'qc', 'policy');
    return picks.filter((p) => {
      const row = qc.find((r) => r.id === p.id);
      return !row || !isExcluded(ctx.session, row, policy);
    });
  }

  /** Label images the user has for an image set (OUT never; INPUT/labels/<same name>), as Labels. */
  async function truthFor(scan: ScanResultPort, id: string): Promise<Labels | undefined> {
    const set = imageSet(scan, id);
    const names = Object.values(set.channels)
      .filter((c): c is string => typeof c === 'string')
      .map((c) => basename(c).replace(/\.[^.]+$/, ''));
    const dir = join(scan.root, 'labels');
    if (!existsSync(dir)) return undefined;
    for (const stem of [id, ...names]) {
      for (const ext of ['.tif', '.tiff', '.png']) {
        const path = join(dir, stem + ext);
        if (!existsSync(path)) continue;
        const pl = await (await port('readPlane'))(path);
        const data = Int32Array.from(pl.data);
        let count = 0;
        for (let i = 0; i < data.length; i++) if (data[i]! > count) count = data[i]!;
        return { width: pl.width, height: pl.height, data, count };
      }
    }
    return undefined;
  }

  const engine: WizardEngine = {
    async catalog(): Promise<Catalog> {
      const t = await findPort('THRESHOLDS');
      const presets = await findPort('listPresets');
      return {
        thresholds: t
          ? Object.values(t).map((x) => ({
              id: x.id,
              name: x.name,
              description: x.description,
              ...(x.citation ? { citation: x.citation } : {}),
            }))
          : [],
        presets: presets ? presets() : [],
      };
    },

    async scan(ctx, w): Promise<ScanFacts> {
      const scan = await scanResult(ctx, w.onProgress);
      check(w);
      const first = scan.imageSets[0] && Object.values(scan.imageSets[0].channels).find((c) => typeof c === 'string');
      const probe = await findPort('probe');
      return scanFacts(scan, probe && typeof first === 'string' ? await probe(first) : undefined);
    },

    async subset(ctx, w): Promise<PickFacts[]> {
      const scan = await scanResult(ctx);
      const pick = await port('pickSubset');
      const n = Number(resolvedValue(ctx, 'subset', 'size'));
      const picks = await pick(scan, { n, seed: 1, onProgress: w.onProgress });
      return picks.map((p) => {
        const m = imageSet(scan, p.imageSetId).meta;
        return {
          id: p.imageSetId,
          reason: p.reason,
          ...(m.well ? { well: m.well } : {}),
          ...(m.condition ? { condition: m.condition } : {}),
        };
      });
    },

    async qc(ctx, w): Promise<QcFacts[]> {
      const scan = await scanResult(ctx);
      const measure = await port('measureImageQuality');
      const judge = await port('judgeQuality');
      const picks = (ctx.facts.subset?.value ?? []).filter((p) => !ctx.session.dropped.includes(p.id));
      const rows: { id: string; channel: string; metrics: Record<string, number> }[] = [];
      const previews = new Map<string, PreviewRef>();
      const ch = String(resolvedValue(ctx, 'data', 'dna'));
      for (const [i, p] of picks.entries()) {
        check(w);
        w.onProgress({ done: i, total: picks.length, label: `Checking ${p.id}` });
        const plane = await dnaPlane(ctx, scan, p.id);
        rows.push({ id: p.id, channel: ch, metrics: measure(plane, { trueMax: 2 ** plane.bitDepth - 1 }) });
        previews.set(p.id, { id: p.id, png: await png(`qc/${p.id}.png`, plane), caption: p.id, stats: {} });
      }
      const verdicts = judge(rows);
      return picks.map((p) => {
        const v = verdicts.get(p.id) ?? [];
        const worst = worstOf(v);
        return {
          id: p.id,
          ...(p.well ? { well: p.well } : {}),
          ...(p.condition ? { condition: p.condition } : {}),
          verdicts: v,
          worst,
          unfixable: v.some((x) => x.level === 'fail' && UNFIXABLE.test(x.check)),
          ...(previews.get(p.id) ? { preview: previews.get(p.id)! } : {}),
        };
      });
    },

    async preprocess(ctx, w): Promise<StageFacts> {
      const scan = await scanResult(ctx);
      const bg = String(resolvedValue(ctx, 'preprocess', 'background'));
      const sm = resolvedValue(ctx, 'preprocess', 'smoothing');
      const list = kept(ctx);
      const previews: PreviewRef[] = [];
      for (const [i, p] of list.entries()) {
        check(w);
        w.onProgress({ done: i, total: list.length, label: `Previewing ${p.id}` });
        let plane = await dnaPlane(ctx, scan, p.id);
        const before = await png(`preprocess/${p.id}-before.png`, plane);
        const bgo = backgroundFor(ctx);
        if (bgo) plane = (await port('subtractBackground'))(plane, bgo);
        if (typeof sm === 'number' && sm > 0) plane = (await port('gaussian'))(plane, sm);
        const after = await png(`preprocess/${p.id}-after.png`, plane);
        previews.push({
          id: p.id,
          png: before,
          overlayPng: after,
          caption: 'before',
          ...(p.condition ? { condition: p.condition } : {}),
          stats: {},
        });
      }
      const summary = [
        bg === 'none'
          ? 'No lighting correction.'
          : `Lighting evened out with ${bg === 'tophat' ? 'a top-hat filter' : 'a rolling ball'} (radius 50 px).`,
        sm === 'auto' ? 'Smoothing: scaled to the nucleus size when nuclei are found.' : `Smoothing: ${String(sm)} px.`,
      ];
      return { previews, summary, recommend: {} };
    },

    async objects(ctx, w): Promise<StageFacts> {
      const scan = await scanResult(ctx);
      const segment = await port('segmentNuclei');
      const list = kept(ctx);
      const previews: PreviewRef[] = [];
      const perImage: NonNullable<StageFacts['perImage']> = [];
      const method = resolvedValue(ctx, 'objects', 'method') === 'model' ? 'model' : 'classical';
      const classicalOpts = segmentOptions(ctx);
      const bgo = backgroundFor(ctx);
      const model = await findPort('segmentModel');
      let modelError: string | undefined;
      const modelKey = JSON.stringify([scanned?.key, resolvedValue(ctx, 'data', 'dna'), bgo ?? null, modelOptions(ctx)]);
      const used = new Set<string>();
      /** The model's objects (background subtracted first, as the runner does); undefined when it cannot run. */
      const runModel = async (id: string, plane: Plane) => {
        if (!model || modelError) return undefined;
        const k = `${modelKey}|${id}`;
        used.add(k);
        const hit = modelRuns.get(k);
        if (hit) return hit;
        try {
          const r = await model(plane, modelOptions(ctx));
          modelRuns.set(k, r);
          return r;
        } catch (err) {
          modelError = (err as Error).message;
          return undefined;
        }
      };
      const truths = new Map<string, Labels>();
      for (const p of list) {
        const t = await truthFor(scan, p.id);
        if (t) truths.set(p.id, t);
      }
      // label images decide between the methods; without any, both outlines are shown side by side for the user to choose
      const sideBySide = model !== undefined && truths.size === 0;
      const totals = { classical: 0, model: 0, images: 0 };
      const diam: number[] = [];
      let small = 0;
      let large = 0;
      let border = 0;
      const scores: Record<'classical' | 'model', { f1: number; countError: number }[]> = { classical: [], model: [] };
      for (const [i, p] of list.entries()) {
        check(w);
        w.onProgress({ done: i, total: list.length, label: `Finding nuclei in ${p.id}` });
        const raw = await dnaPlane(ctx, scan, p.id);
        // objects are found after the background correction, as the runner does (previews show the raw image)
        const plane = bgo ? (await port('subtractBackground'))(raw, bgo) : raw;
        const truth = truths.get(p.id);
        // both methods run with label images (scored) or with none at all (shown side by side); else the chosen one
        const both = truth !== undefined || sideBySide;
        const c = method === 'classical' || both ? segment(plane, classicalOpts) : undefined;
        const m = method === 'model' || both ? await runModel(p.id, plane) : undefined;
        if (method === 'model' && !m)
          throw new UserError(
            `the deep-learning model could not run: ${modelError ?? 'segmentModel is not in this build'}`,
            'choose the classical method',
          );
        const r = (method === 'model' ? m : c)!;
        const est = Number(r.params.estimatedDiameter ?? r.params.diameter);
        if (Number.isFinite(est)) diam.push(est);
        small += r.discarded.small.length;
        large += r.discarded.large.length;
        border += r.discarded.border;
        if (truth) {
          const score = await port('scoreSegmentation');
          const err = (x: Labels) => (truth.count > 0 ? Math.abs(x.count - truth.count) / truth.count : 0);
          if (c) scores.classical.push({ f1: score(c.labels, truth).f1, countError: err(c.labels) });
          if (m) scores.model.push({ f1: score(m.labels, truth).f1, countError: err(m.labels) });
        }
        // without label images, each method's outlines for the user to compare (the chosen one's is the overlay)
        const methods: PreviewRef['methods'] =
          sideBySide && c && m
            ? [
                { method: 'classical', png: await png(`objects/${p.id}-classical.png`, raw, { labels: c.labels }), count: c.labels.count },
                { method: 'model', png: await png(`objects/${p.id}-model.png`, raw, { labels: m.labels }), count: m.labels.count },
              ]
            : undefined;
        if (c && m && methods) {
          totals.classical += c.labels.count;
          totals.model += m.labels.count;
          totals.images++;
        }
        const overlay =
          methods?.find((x) => x.method === method)?.png ?? (await png(`objects/${p.id}-outlines.png`, raw, { labels: r.labels }));
        const image = await png(`objects/${p.id}.png`, raw);
        previews.push({
          id: p.id,
          png: image,
          overlayPng: overlay,
          caption: 'image',
          ...(p.condition ? { condition: p.condition } : {}),
          ...(p.well ? { well: p.well } : {}),
          stats: { nuclei: r.labels.count, 'dropped small': r.discarded.small.length, 'dropped large': r.discarded.large.length },
          ...(methods ? { methods } : {}),
        });
        perImage.push({ id: p.id, ...(p.condition ? { condition: p.condition } : {}), values: { count: r.labels.count } });
      }
      for (const k of modelRuns.keys()) if (!used.has(k)) modelRuns.delete(k);
      const counts = perImage.map((x) => x.values.count ?? 0);
      const med = diam.length ? [...diam].sort((a, b) => a - b)[Math.floor(diam.length / 2)]! : undefined;
      const tol = Number(resolvedValue(ctx, 'question', 'tolerance'));
      const cmp = compareMethods(meanScore(scores.classical), meanScore(scores.model), tol, modelError);
      const summary = [
        // the comparison with the user's labels first: it decides the method
        ...cmp.lines,
        ...(sideBySide && modelError ? [`The deep-learning model could not run: ${modelError}`] : []),
        ...(totals.images > 0 && !modelError ? [countComparison(totals.classical, totals.model, totals.images)] : []),
        counts.length
          ? `${Math.min(...counts)}-${Math.max(...counts)} nuclei per image on ${counts.length} images (${METHOD_LABEL[method]}).`
          : 'No images left to preview.',
        `Size filter dropped ${small} small and ${large} large objects; ${border} touching the edge.`,
        ...(small + large > 0 ? ['Objects outside the size limits are not counted (listed in the methods record).'] : []),
      ];
      const recommend: StageFacts['recommend'] = {};
      if (med !== undefined) recommend.diameter = { value: 'auto', why: `about ${Math.round(med)} px` };
      if (cmp.recommend && scores.model.length > 0) recommend.method = cmp.recommend;
      const validation = meanScore(scores[method === 'model' ? 'model' : 'classical']);
      return { previews, summary, perImage, recommend, ...(validation ? { validation } : {}) };
    },

    async statistics(ctx): Promise<StageFacts> {
      return pilotStatistics(ctx);
    },

    async run(ctx, w) {
      const scan = await scanResult(ctx);
      return runAndRecord(ctx, scan, o.out, w, ports);
    },

    async writeRecipe(ctx) {
      if (!ctx.facts.scan) return undefined;
      const scan = await scanResult(ctx);
      const recipe = await buildRecipe(ctx, scan, ports);
      const path = join(o.out, 'recipe.json');
      await writeFileAtomic(path, `${JSON.stringify(recipe, null, 2)}\n`);
      return path;
    },
  };
  return engine;
}
