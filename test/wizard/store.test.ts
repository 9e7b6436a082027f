import { describe, expect, it } from 'vitest';
import { initialState, newSession } from '../../src/wizard/reducer.js';
import { WizardStore } from '../../src/wizard/store.js';
import type { Session, WizardState } from '../../src/wizard/types.js';
import { fakeEngine } from './fake-engine.js';
import { CATALOG } from './fixtures.js';

function until(store: WizardStore, pred: (s: WizardState) => boolean): Promise<WizardState> {
  if (pred(store.state)) return Promise.resolve(store.state);
  return new Promise((resolve) => {
    const off = store.subscribe((s) => {
      if (pred(s)) {
        off();
        resolve(s);
      }
    });
  });
}
const ready = (store: WizardStore) => until(store, (s) => s.phase === 'step' && !s.ui.message?.startsWith('Still'));

function make(session?: Session) {
  const fake = fakeEngine();
  const saved: Session[] = [];
  const s0 = session ?? newSession({ id: 't', input: '/data', out: '/tmp/out', demo: false, now: 'T0' });
  const store = new WizardStore(fake.engine, initialState(s0, CATALOG), { save: async (s) => saved.push(s) });
  return { store, fake, saved };
}

async function enterUntil(store: WizardStore, step: string) {
  while (store.state.session.step !== step) {
    await until(store, (s) => s.phase === 'step');
    store.dispatch({ type: 'accept' });
  }
  await until(store, (s) => s.phase === 'step');
}

describe('wizard store', () => {
  it('Enter until done: loads each step’s facts in order, saves after every step, writes recipe.json on every accept', async () => {
    const { store, fake, saved } = make();
    store.start();
    await enterUntil(store, 'done');
    store.dispatch({ type: 'accept' });
    const end = await store.closed;
    expect(end.phase).toBe('finished');
    expect(fake.calls).toEqual(['scan', 'subset', 'qc', 'preprocess', 'objects', 'statistics', 'run']);
    expect(saved.length).toBeGreaterThanOrEqual(9);
    expect(saved.at(-1)?.status.run).toBe('accepted');
    // recipe.json from the data step on (before that there is no scan to build it from)
    expect(fake.recipes).toEqual(['subset', 'qc', 'preprocess', 'objects', 'measurements', 'statistics', 'run', 'done']);
  });

  it('quit at the objects step saves; a new store resumed from the saved session reloads only what it needs and finishes', async () => {
    const a = make();
    a.store.start();
    await enterUntil(a.store, 'objects');
    a.store.dispatch({ type: 'quit' });
    const q = await a.store.closed;
    expect(q.phase).toBe('quit');
    const last = a.saved.at(-1)!;
    expect(last.step).toBe('objects');

    const b = make(JSON.parse(JSON.stringify(last)));
    b.store.start();
    await ready(b.store);
    expect(b.store.state.session.step).toBe('objects');
    expect(b.fake.calls).toEqual(['scan', 'subset', 'qc', 'preprocess', 'objects']);
    await enterUntil(b.store, 'done');
    b.store.dispatch({ type: 'accept' });
    expect((await b.store.closed).phase).toBe('finished');
  });

  it('Esc while the engine works aborts it; adjusting re-runs only the stale step', async () => {
    const { store, fake } = make();
    fake.hold.add('scan');
    store.start();
    store.dispatch({ type: 'accept' });
    await until(store, (s) => s.phase === 'loading');
    store.dispatch({ type: 'back' });
    expect(store.state.phase).toBe('step');
    expect(store.state.session.step).toBe('question');
    fake.hold.clear();
    await enterUntil(store, 'objects');
    const before = fake.calls.length;
    store.dispatch({ type: 'cycle', delta: 1 }); // threshold otsu -> li
    await until(store, (s) => s.phase === 'step');
    expect(fake.calls.slice(before)).toEqual(['objects']);
  });
});
