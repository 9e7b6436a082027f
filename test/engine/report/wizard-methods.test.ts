/**
 * The wizard's last stage with the real recipe and methods modules (engine functions for the
 * pixels are fakes, as in test/wizard/engine.test.ts): METHODS.md carries the wizard's decisions
 * with their reasons, the blinding record, the subset and the QC exclusion.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultRecipe } from '../../../src/engine/pipeline/default.js';
import { parseRecipe } from '../../../src/engine/pipeline/recipe.js';
import { writeReport } from '../../../src/engine/report/index.js';
import { writeMethods } from '../../../src/engine/report/methods.js';
import type { ImageSet, Labels, Plane } from '../../../src/engine/types.js';
import { createEngine } from '../../../src/wizard/engine.js';
import type { Ports } from '../../../src/wizard/ports.js';
import { initialState, newSession } from '../../../src/wizard/reducer.js';
import { WizardStore } from '../../../src/wizard/store.js';

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
const ports = (): Partial<Ports> => ({
  scanFolder: async (dir) => ({
    root: dir,
    preset: { id: 'demo', name: 'Demo plate', confidence: 0.9 },
    imageSets: sets,
    channels: ['DAPI', 'GFP'],
    plates: ['P1'],
    wells: ['A01', 'A02', 'B01', 'B02'],
    problems: [],
  }),
  pickSubset: async (_scan, o) => sets.slice(0, o.n ?? 4).map((s) => ({ imageSetId: s.id, reason: 'spread over wells' })),
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
    const labels: Labels = { width: p.width, height: p.height, data: new Int32Array(p.width * p.height), count: 2 };
    return { labels, params: { estimatedDiameter: 8 }, threshold: 500, discarded: { small: [], large: [], border: 0 }, qc: [] };
  },
  defaultRecipe: defaultRecipe as unknown as Ports['defaultRecipe'],
  parseRecipe: parseRecipe as unknown as Ports['parseRecipe'],
  runRecipe: undefined,
  writeSlurmScript: undefined,
  writeMethods: writeMethods as unknown as Ports['writeMethods'],
  writeReport: writeReport as unknown as Ports['writeReport'],
  scoreSegmentation: undefined,
});

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('wizard -> writeMethods', () => {
  it('Enter to done: METHODS.md has the decisions with reasons, blinding, subset and the QC exclusion', async () => {
    const out = await mkdtemp(join(tmpdir(), 'sp-wiz-methods-'));
    const input = await mkdtemp(join(tmpdir(), 'sp-wiz-in-'));
    dirs.push(out, input);
    const engine = createEngine({ out, ports: ports() });
    const catalog = await engine.catalog();
    const store = new WizardStore(engine, initialState(newSession({ id: 'x', input, out, demo: false, now: 'T0' }), catalog), {
      save: async () => undefined,
    });
    store.start();
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
      store.dispatch({ type: 'accept' });
    }
    const end = await store.closed;
    await store.flush();
    expect(end.phase).toBe('finished');
    expect(end.facts.run?.value.missing.join('\n')).not.toMatch(/writeMethods/);
    const md = readFileSync(join(out, 'METHODS.md'), 'utf8');
    const json = JSON.parse(readFileSync(join(out, 'methods.json'), 'utf8'));
    expect(md).toMatch(/^# Methods/);
    // wizard decisions: recommended, with the recommendation's reason
    const thr = json.parameters.find((p: { path: string }) => p.path === 'stages.objects.nuclei.threshold');
    expect(thr.source).toBe('recommended');
    expect(thr.why).toBeTruthy();
    expect(json.checklist.find((c: { id: string }) => c.id === 'blinding').status).toBe('done');
    expect(md).toContain('judged without showing which condition each image belongs to');
    expect(md).toMatch(/- P1_A01_s2: out of focus/);
    expect(json.data.imageSets).toBe(8);
    expect(json.context.session.revealedAt).toEqual([]);
    expect(json.subset.ids.length).toBeGreaterThan(0);
  }, 60_000);
});
