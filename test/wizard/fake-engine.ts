import type { WizardEngine } from '../../src/wizard/engine-api.js';
import type { RunFacts } from '../../src/wizard/types.js';
import { CATALOG, FACTS } from './fixtures.js';

/** A fake engine returning the fixture facts; records calls. `gate` holds a fact's load until released. */
export function fakeEngine() {
  const calls: string[] = [];
  const recipes: string[] = [];
  const gates = new Map<string, () => void>();
  const hold = new Set<string>();
  const wait = async (name: string, signal: AbortSignal) => {
    calls.push(name);
    if (!hold.has(name)) return;
    await new Promise<void>((resolve, reject) => {
      gates.set(name, resolve);
      signal.addEventListener('abort', () => reject(new Error('aborted')));
    });
  };
  const run: RunFacts = {
    mode: 'run-now',
    lines: ['results in /tmp/out'],
    outputs: ['/tmp/out/recipe.json'],
    methodsPreview: '# Methods\nNuclei were found ...',
    missing: [],
    failed: 0,
  };
  const engine: WizardEngine = {
    catalog: async () => CATALOG,
    scan: async (_c, o) => (await wait('scan', o.signal), FACTS.scan.value),
    subset: async (_c, o) => (await wait('subset', o.signal), FACTS.subset.value),
    qc: async (_c, o) => (await wait('qc', o.signal), FACTS.qc.value),
    preprocess: async (_c, o) => (await wait('preprocess', o.signal), FACTS.preprocess.value),
    objects: async (_c, o) => (await wait('objects', o.signal), FACTS.objects.value),
    statistics: async (_c, o) => (await wait('statistics', o.signal), FACTS.statistics.value),
    run: async (_c, o) => (await wait('run', o.signal), run),
    writeRecipe: async (ctx) => {
      if (!ctx.facts.scan) return undefined;
      recipes.push(ctx.session.step);
      return '/tmp/out/recipe.json';
    },
  };
  return { engine, calls, recipes, hold, release: (name: string) => gates.get(name)?.() };
}
