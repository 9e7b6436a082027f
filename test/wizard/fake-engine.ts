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
    scan: (_c, o) => wait('scan', o.signal).then(() => FACTS.scan.value),
    subset: (_c, o) => wait('subset', o.signal).then(() => FACTS.subset.value),
    qc: (_c, o) => wait('qc', o.signal).then(() => FACTS.qc.value),
    preprocess: (_c, o) => wait('preprocess', o.signal).then(() => FACTS.preprocess.value),
    objects: (_c, o) => wait('objects', o.signal).then(() => FACTS.objects.value),
    statistics: (_c, o) => wait('statistics', o.signal).then(() => FACTS.statistics.value),
    run: (_c, o) => wait('run', o.signal).then(() => run),
    writeRecipe: async (ctx) => {
      if (!ctx.facts.scan) return undefined;
      recipes.push(ctx.session.step);
      return '/tmp/out/recipe.json';
    },
  };
  return { engine, calls, recipes, hold, release: (name: string) => gates.get(name)?.() };
}
