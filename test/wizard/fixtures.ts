import { contextOf, initialState, newSession, reduce } from '../../src/wizard/reducer.js';
import { stepSpec } from '../../src/wizard/steps.js';
import type { Catalog, Facts, Loaded, WizardAction, WizardState } from '../../src/wizard/types.js';

export const CATALOG: Catalog = {
  thresholds: [
    { id: 'otsu', name: 'Otsu', description: 'two-class variance', citation: 'Otsu 1979' },
    { id: 'li', name: 'Li', description: 'minimum cross entropy', citation: 'Li & Tam 1998' },
    { id: 'triangle', name: 'Triangle', description: 'for skewed histograms', citation: 'Zack 1977' },
  ],
  presets: [
    { id: 'scopepilot-demo', name: 'ScopePilot demo plate' },
    { id: 'incell', name: 'GE InCell' },
  ],
};

export const FACTS: Required<Omit<Facts, 'run'>> = {
  scan: {
    key: '',
    value: {
      root: '/data/plate',
      presetId: 'scopepilot-demo',
      presetName: 'ScopePilot demo plate',
      confidence: 0.95,
      presets: CATALOG.presets,
      channels: ['DAPI', 'GFP'],
      imageSetCount: 24,
      plates: ['P1'],
      wells: [
        { plate: 'P1', well: 'A01', count: 2, condition: 'DMSO', control: true },
        { plate: 'P1', well: 'A02', count: 2, condition: 'drug' },
      ],
      conditions: ['DMSO', 'drug'],
      problems: [],
    },
  },
  subset: {
    key: '',
    value: [
      { id: 'P1_A01_s1', reason: 'typical', well: 'A01', condition: 'DMSO' },
      { id: 'P1_A02_s1', reason: 'brightest', well: 'A02', condition: 'drug' },
    ],
  },
  qc: {
    key: '',
    value: [
      { id: 'P1_A01_s1', condition: 'DMSO', verdicts: [{ check: 'blur', level: 'ok', message: 'sharp' }], worst: 'ok', unfixable: false },
      { id: 'P1_A02_s1', verdicts: [{ check: 'blur', level: 'fail', message: 'out of focus' }], worst: 'fail', unfixable: true },
    ],
  },
  preprocess: { key: '', value: { previews: [], summary: ['even'], recommend: {} } },
  objects: { key: '', value: { previews: [], summary: ['52 nuclei'], recommend: { diameter: { value: 18, why: 'about 18 px' } } } },
  statistics: { key: '', value: { previews: [], summary: [], recommend: {} } },
};

export function start(): WizardState {
  return initialState(newSession({ id: 's1', input: '/data/plate', out: '/tmp/out', demo: false, now: '2026-01-01T00:00:00Z' }), CATALOG);
}

/** Play actions; when a step needs facts, deliver the fixture facts keyed to the current inputs (what the store does). */
export function play(state: WizardState, ...actions: (WizardAction | WizardAction['type'])[]): WizardState {
  for (const a of actions) {
    state = reduce(state, typeof a === 'string' ? ({ type: a } as WizardAction) : a);
    state = feed(state);
  }
  return state;
}

export function feed(state: WizardState): WizardState {
  const spec = stepSpec(state.session.step);
  if (state.phase !== 'step' || !spec.loads || !spec.inputs) return state;
  const key = spec.inputs(contextOf(state));
  if (state.facts[spec.loads]?.key === key) return state;
  if (spec.loads === 'run') {
    const value = { mode: 'run-now' as const, lines: [], outputs: [], methodsPreview: '# Methods', missing: [], failed: 0 };
    return reduce(state, { type: 'loaded', fact: 'run', value: { key, value } });
  }
  const f = FACTS[spec.loads] as Loaded<never>;
  return reduce(state, { type: 'loaded', fact: spec.loads, value: { key, value: f.value } } as WizardAction);
}
