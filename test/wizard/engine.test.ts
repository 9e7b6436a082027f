/**
 * The real adapter (src/wizard/engine.ts) with engine functions given by the test: what it turns
 * engine results into, the previews it writes, and what Done writes when parts of the engine
 * (recipe module, runner, methods record) are missing.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { defaultRecipe } from '../../src/engine/pipeline/default.js';
import { parseRecipe } from '../../src/engine/pipeline/recipe.js';
import type { ImageSet, Labels, Plane } from '../../src/engine/types.js';
import { createEngine } from '../../src/wizard/engine.js';
import type { WorkOptions } from '../../src/wizard/engine-api.js';
import type { StepContext } from '../../src/wizard/fields.js';
import type { Ports } from '../../src/wizard/ports.js';
import { initialState, newSession } from '../../src/wizard/reducer.js';
import { WizardStore } from '../../src/wizard/store.js';

function plane(v: number): Plane {
  const data = new Uint16Array(32 * 32).fill(100);
  for (let y = 8; y < 16; y++) for (let x = 8; x < 16; x++) data[y * 32 + x] = v;
  return { width: 32, height: 32, data, bitDepth: 16 };
}

const sets: ImageSet[] = ['A01', 'A02', 'B01', 'B02'].flatMap((well, i) =>
  [1, 2].map((site) => ({
    id: `P1_${well}_s${site}`,
    channels: { DAPI: plane(1000 + 100 * i), GFP: plane(500) },
    meta: { plate: 'P1', well, site, condition: i < 2 ? 'DMSO' : 'drug', files: [] },
  })),
);

const fakePorts = (): Partial<Ports> => ({
  scanFolder: async (dir) => ({
    root: dir,
    preset: { id: 'demo', name: 'Demo plate', confidence: 0.9 },
    imageSets: sets,
    channels: ['DAPI', 'GFP'],
    plates: ['P1'],
    wells: ['A01', 'A02', 'B01', 'B02'],
    problems: [{ code: '8bit-export', message: 'two files are 8-bit' }],
  }),
  pickSubset: async (_scan, o) =>
    sets.slice(0, o.n ?? 4).map((s, i) => ({ imageSetId: s.id, reason: i === 0 ? 'typical' : 'spread over wells' })),
  THRESHOLDS: { otsu: { id: 'otsu', name: 'Otsu', description: 'two classes' } },
  listPresets: undefined,
  probe: undefined,
  renderPreview: async () =>
    sharp({ create: { width: 4, height: 4, channels: 3, background: '#333' } })
      .png()
      .toBuffer(),
  measureImageQuality: (p) => ({ ImageQuality_MaxIntensity: Math.max(...p.data) }),
  judgeQuality: (rows) =>
    new Map(rows.map((r) => [r.id, r.id === 'P1_A01_s2' ? [{ check: 'blur', level: 'fail', message: 'out of focus' }] : []])),
  subtractBackground: undefined,
  gaussian: undefined,
  segmentNuclei: (p) => {
    const labels: Labels = {
      width: p.width,
      height: p.height,
      data: new Int32Array(p.width * p.height),
      count: p.data[8 * 32 + 8]! > 1150 ? 3 : 2,
    };
    return { labels, params: { estimatedDiameter: 8 }, threshold: 500, discarded: { small: [3], large: [], border: 1 }, qc: [] };
  },
  // the deep-learning model finds one object too many everywhere
  segmentModel: async (p) => ({
    labels: { width: p.width, height: p.height, data: new Int32Array(p.width * p.height), count: p.data[8 * 32 + 8]! > 1150 ? 4 : 3 },
    params: { diameter: 8 },
    threshold: Number.NaN,
    discarded: { small: [], large: [], border: 0 },
    qc: [],
  }),
  defaultRecipe: undefined,
  parseRecipe: undefined,
  runRecipe: undefined,
  writeSlurmScript: undefined,
  writeMethods: undefined,
  writeReport: undefined,
  scoreSegmentation: (pred, truth) => ({
    tp: 2,
    fp: 0,
    fn: 0,
    f1: pred.count === truth.count ? 1 : 0.8,
    countError: pred.count - truth.count,
  }),
});

describe('wizard engine adapter', () => {
  it('Enter to done with the recipe, runner and methods modules missing: writes a draft recipe, a METHODS.md from the decisions, previews, and says what is missing', async () => {
    const out = await mkdtemp(join(tmpdir(), 'sp-adapter-'));
    const input = await mkdtemp(join(tmpdir(), 'sp-adapter-in-'));
    // the user has a label image for one subset image (2 objects: the wizard found 2 there)
    const lab = Buffer.alloc(32 * 32);
    lab.fill(1, 0, 100);
    lab.fill(2, 500, 600);
    await mkdir(join(input, 'labels'));
    await sharp(lab, { raw: { width: 32, height: 32, channels: 1 } })
      .png()
      .toFile(join(input, 'labels', 'P1_A02_s1.png'));
    const engine = createEngine({ out, ports: fakePorts() });
    const catalog = await engine.catalog();
    expect(catalog.thresholds.map((t) => t.id)).toEqual(['otsu']);
    const store = new WizardStore(engine, initialState(newSession({ id: 'x', input, out, demo: false, now: 'T0' }), catalog), {
      save: async () => undefined,
    });
    store.start();
    const seen: Record<string, unknown> = {};
    for (let i = 0; i < 60 && store.state.phase !== 'finished'; i++) {
      await new Promise<void>((resolve) => {
        const ready = () => store.state.phase === 'step' || store.state.phase === 'error';
        if (ready()) return resolve();
        const off = store.subscribe(() => {
          if (!ready()) return;
          off();
          resolve();
        });
      });
      if (store.state.phase === 'error') throw new Error(store.state.error);
      seen[store.state.session.step] = store.state.facts;
      store.dispatch({ type: 'accept' });
    }
    const end = await store.closed;
    await store.flush();
    expect(end.phase).toBe('finished');
    const f = end.facts;
    expect(f.scan?.value.wells).toHaveLength(4);
    expect(f.scan?.value.wells.find((w) => w.well === 'A01')).toMatchObject({ count: 2, condition: 'DMSO', control: true });
    expect(f.scan?.value.problems[0]?.consequence).toMatch(/re-export as 16-bit TIFF/);
    expect(f.qc?.value.find((r) => r.id === 'P1_A01_s2')).toMatchObject({ worst: 'fail', unfixable: true });
    // the failing image is excluded from the object previews
    expect(f.objects?.value.previews.map((p) => p.id)).not.toContain('P1_A01_s2');
    expect(f.objects?.value.summary.join(' ')).toMatch(/dropped 7 small/);
    // classical and the model are both scored against the label image; the one within tolerance is suggested
    expect(f.objects?.value.summary[0]).toBe('Labels: classical F1 1.00, count error 0.0% ok; model F1 0.80, 50.0% over');
    expect(f.objects?.value.recommend.method).toMatchObject({ value: 'classical', why: expect.stringMatching(/only the classical/) });
    for (const line of f.objects?.value.summary.slice(0, 1) ?? []) expect(line.length).toBeLessThan(80);
    expect(f.statistics?.value.summary.join('\n')).toMatch(/drug: 4 images, mean 3\.0/);
    expect(f.statistics?.value.summary.join('\n')).toMatch(/\+\d+% vs DMSO/);
    expect(existsSync(join(out, 'previews', 'objects', 'P1_A01_s1-outlines.png'))).toBe(true);
    // with label images the scores decide: one outline (the chosen method's) beside the image
    expect(f.objects?.value.previews.every((p) => p.methods === undefined)).toBe(true);
    const recipe = JSON.parse(readFileSync(join(out, 'recipe.json'), 'utf8'));
    expect(recipe.draft).toBe(true);
    expect(recipe.excluded).toEqual({ P1_A01_s2: 'out of focus' });
    const methods = readFileSync(join(out, 'METHODS.md'), 'utf8');
    expect(methods).toMatch(/Brightness cut-off: \*\*otsu\*\* \(recommended/);
    expect(methods).toMatch(/judged without seeing which condition/);
    expect(f.run?.value.missing.join('\n')).toMatch(/runRecipe/);
    expect(f.run?.value.missing.join('\n')).toMatch(/writeMethods/);
  });
});

describe('the objects step without label images', () => {
  const work: WorkOptions = { signal: new AbortController().signal, onProgress: () => undefined };

  /** The objects facts for `values` (the scan and subset computed first), with `ports` over the fakes. */
  async function setup(ports: Partial<Ports> = {}) {
    const out = await mkdtemp(join(tmpdir(), 'sp-side-'));
    const input = await mkdtemp(join(tmpdir(), 'sp-side-in-')); // no labels/ folder
    const engine = createEngine({ out, ports: { ...fakePorts(), ...ports } });
    const session = newSession({ id: 'y', input, out, demo: false, now: 'T0' });
    const ctx: StepContext = { session, facts: {}, catalog: await engine.catalog() };
    ctx.facts.scan = { key: 's', value: await engine.scan(ctx, work) };
    ctx.facts.subset = { key: 'p', value: await engine.subset(ctx, work) };
    const objects = (objectValues: Record<string, string>) =>
      engine.objects({ ...ctx, session: { ...session, values: { objects: objectValues } } }, work);
    return { out, objects };
  }

  it('runs the model beside classical on the pilot images: both outlines per image with their counts, and the totals compared', async () => {
    let modelRuns = 0;
    const model = fakePorts().segmentModel!;
    const { out, objects } = await setup({
      segmentModel: async (p, o) => {
        modelRuns++;
        return model(p, o);
      },
    });
    const f = await objects({});
    const n = f.previews.length;
    expect(n).toBeGreaterThan(1);
    expect(modelRuns).toBe(n);
    for (const p of f.previews) {
      const [c, m] = p.methods ?? [];
      expect(c).toMatchObject({ method: 'classical', png: join(out, 'previews', 'objects', `${p.id}-classical.png`) });
      expect(m).toMatchObject({ method: 'model', png: join(out, 'previews', 'objects', `${p.id}-model.png`) });
      // the fake model finds one object more than classical on every image
      expect(m!.count).toBe(c!.count + 1);
      expect(existsSync(c!.png) && existsSync(m!.png)).toBe(true);
      // classical is chosen: its outlines are the overlay and its count is the image's
      expect(p.overlayPng).toBe(c!.png);
      expect(p.stats.nuclei).toBe(c!.count);
    }
    const classical = f.previews.reduce((a, p) => a + p.methods![0]!.count, 0);
    const pct = Math.round((100 * n) / classical);
    expect(f.summary[0]).toBe(`Compare the outlines: classical ${classical} nuclei, model ${classical + n} (+${pct}%) on ${n} images`);
    // no label images: nothing is recommended over the default, and nothing validated
    expect(f.recommend.method).toBeUndefined();
    expect(f.validation).toBeUndefined();

    // choosing the model, or changing a classical setting, shows the same pair without running the model again
    const asModel = await objects({ method: 'model' });
    expect(asModel.previews[0]?.overlayPng).toBe(asModel.previews[0]?.methods?.[1]?.png);
    expect(asModel.previews[0]?.stats.nuclei).toBe(asModel.previews[0]?.methods?.[1]?.count);
    expect(asModel.summary[1]).toMatch(/\(deep-learning model\)\.$/);
    await objects({ threshold: 'li' });
    expect(modelRuns).toBe(n);
  });

  it('without a model in this build, or when it cannot run: classical alone, and why', async () => {
    const none = await (await setup({ segmentModel: undefined })).objects({});
    expect(none.previews.every((p) => p.methods === undefined)).toBe(true);
    expect(none.summary.join('\n')).not.toMatch(/Compare the outlines|could not run/);
    const failing = await (
      await setup({
        segmentModel: async () => {
          throw new Error('onnxruntime-node is not installed');
        },
      })
    ).objects({});
    expect(failing.previews.every((p) => p.methods === undefined && p.overlayPng?.endsWith('-outlines.png'))).toBe(true);
    expect(failing.summary[0]).toBe('The deep-learning model could not run: onnxruntime-node is not installed');
  });
});

describe('the run step', () => {
  it("runs the recipe now and shows the run's notes (e.g. fewer workers for the memory) with its result", async () => {
    const out = await mkdtemp(join(tmpdir(), 'sp-runstep-'));
    const input = await mkdtemp(join(tmpdir(), 'sp-runstep-in-'));
    const asked: Record<string, unknown>[] = [];
    const engine = createEngine({
      out,
      ports: {
        ...fakePorts(),
        defaultRecipe: (scan, o) => defaultRecipe(scan as never, o) as unknown as Record<string, unknown>,
        parseRecipe: (json) => parseRecipe(json) as unknown as Record<string, unknown>,
        runRecipe: async (_recipe, o) => {
          asked.push(o);
          return { done: 8, failed: 0, notes: ['1 worker instead of 2 (one per core): each worker needs about 262 MB'] };
        },
      },
    });
    const work: WorkOptions = { signal: new AbortController().signal, onProgress: () => undefined };
    const session = newSession({ id: 'r', input, out, demo: false, now: 'T0' });
    const ctx: StepContext = { session: { ...session, values: { run: { mode: 'run-now' } } }, facts: {}, catalog: await engine.catalog() };
    ctx.facts.scan = { key: 's', value: await engine.scan(ctx, work) };
    const run = await engine.run(ctx, work);
    expect(run.lines).toContain('results: 8 image sets analysed');
    expect(run.lines).toContain('note: 1 worker instead of 2 (one per core): each worker needs about 262 MB');
    // the runner picks the number of workers (one per core, fewer when the memory holds fewer)
    expect(asked[0]).not.toHaveProperty('workers');
  });
});
