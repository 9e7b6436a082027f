import { describe, expect, it } from 'vitest';
import { currentFields, factsFresh, initialState, isExcluded, reduce } from '../../src/wizard/reducer.js';
import { dependents, WIZARD_STEPS } from '../../src/wizard/steps.js';
import { STEP_IDS, type WizardState } from '../../src/wizard/types.js';
import { CATALOG, FACTS, feed, play, start } from './fixtures.js';

const acceptN = (s: WizardState, n: number) => play(s, ...Array<'accept'>(n).fill('accept'));

describe('wizard reducer', () => {
  it('the table has one row per step, in data-flow order, with help and a title', () => {
    expect(WIZARD_STEPS.map((s) => s.id)).toEqual([...STEP_IDS]);
    for (const s of WIZARD_STEPS) {
      expect(s.title.length).toBeGreaterThan(3);
      expect(s.help.length).toBeGreaterThan(10);
      for (const n of s.needs) expect(STEP_IDS.indexOf(n)).toBeLessThan(STEP_IDS.indexOf(s.id));
    }
  });

  it('Enter alone walks every step, accepting every recommendation, and finishes', () => {
    let s = feed(start());
    for (const id of STEP_IDS.slice(0, -1)) {
      expect(s.session.step).toBe(id);
      s = play(s, 'accept');
    }
    expect(s.session.step).toBe('done');
    expect(STEP_IDS.slice(0, -1).every((id) => s.session.status[id] === 'accepted')).toBe(true);
    s = play(s, 'accept');
    expect(s.phase).toBe('finished');
    const d = s.session.decisions;
    expect(d.find((x) => x.field === 'question')).toMatchObject({ value: 'count', changed: false });
    expect(d.find((x) => x.field === 'threshold')).toMatchObject({ value: 'otsu', recommended: 'otsu', changed: false });
    expect(d.find((x) => x.field === 'threshold')?.why).toMatch(/Otsu/);
    expect(d.find((x) => x.field === 'dna')).toMatchObject({ value: 'DAPI' });
    expect(d.filter((x) => x.field === 'blinding').map((x) => x.value)).toEqual(['blind', 'blind']);
    // the failing image was excluded by the default policy, and that is recorded with the reason
    expect(d.find((x) => x.field === 'image:P1_A02_s1')).toMatchObject({ value: 'excluded', changed: false });
    expect(d.find((x) => x.field === 'image:P1_A02_s1')?.why).toMatch(/out of focus/);
  });

  it('a resumed session opens on the loading screen, so no Enter is offered before the facts are back', () => {
    const atObjects = { ...start().session, step: 'objects' as const };
    const s = initialState(atObjects, CATALOG);
    expect(s.phase).toBe('loading');
    expect(reduce(s, { type: 'accept' })).toBe(s);
    expect(initialState(start().session, CATALOG).phase).toBe('step'); // the first step loads nothing
  });

  it('Esc goes back one step and keeps what was accepted; at the first step it says so', () => {
    let s = acceptN(feed(start()), 3);
    expect(s.session.step).toBe('qc');
    s = play(s, 'back');
    expect(s.session.step).toBe('subset');
    expect(s.session.status.subset).toBe('accepted');
    s = play(s, 'back', 'back', 'back');
    expect(s.session.step).toBe('question');
    expect(s.ui.message).toMatch(/first step/);
  });

  it('adjusting a setting records the change and marks later dependent steps for re-check, in data-flow order', () => {
    let s = acceptN(feed(start()), 8); // at run
    expect(s.session.step).toBe('run');
    s = play(s, 'back', 'back', 'back'); // objects
    expect(s.session.step).toBe('objects');
    expect(currentFields(s)[0]?.id).toBe('method');
    expect(currentFields(s)[1]?.id).toBe('threshold');
    s = play(s, { type: 'move', delta: 1 }, { type: 'cycle', delta: 1 });
    expect(s.session.values.objects?.threshold).toBe('li');
    expect(s.session.status.objects).toBe('recheck');
    expect(s.session.status.measurements).toBe('recheck');
    expect(s.session.status.statistics).toBe('recheck');
    expect(s.session.status.preprocess).toBe('accepted');
    expect(s.session.status.qc).toBe('accepted');
    // the objects preview is stale until the engine reloads it
    s = reduce(s, { type: 'cycle', delta: 1 });
    expect(factsFresh(s)).toBe(false);
    expect(reduce(s, { type: 'accept' }).ui.message).toMatch(/Still working/);
    s = play(s, { type: 'cycle', delta: -1 }, 'accept');
    expect(s.session.step).toBe('measurements');
    const t = s.session.decisions.find((x) => x.field === 'threshold');
    expect(t).toMatchObject({ value: 'li', recommended: 'otsu', changed: true });
    expect(t?.why).toMatch(/changed by the user/);
    // going back to the recommendation removes the override
    s = play(s, 'back', { type: 'move', delta: 1 }, { type: 'cycle', delta: -1 });
    expect(s.session.values.objects?.threshold).toBeUndefined();
  });

  it('choosing the deep-learning model hides the classical settings and is recorded as a decision', () => {
    let s = acceptN(feed(start()), 5); // at objects
    expect(s.session.step).toBe('objects');
    expect(currentFields(s).map((f) => f.id)).toEqual(expect.arrayContaining(['method', 'threshold', 'declump', 'sizeFilter']));
    s = play(s, { type: 'cycle', delta: 1 });
    expect(s.session.values.objects?.method).toBe('model');
    const ids = currentFields(s).map((f) => f.id);
    expect(ids).toContain('diameter');
    expect(ids).not.toContain('threshold');
    expect(ids).not.toContain('declump');
    s = play(s, 'accept');
    expect(s.session.decisions.find((x) => x.step === 'objects' && x.field === 'method')).toMatchObject({
      value: 'model',
      recommended: 'classical',
      changed: true,
    });
    expect(s.session.decisions.some((x) => x.step === 'objects' && x.field === 'threshold')).toBe(false);
  });

  it('dependents follow the needs edges only', () => {
    expect(dependents('statistics')).toEqual(['run', 'done']);
    expect(dependents('preprocess')).toEqual(['objects', 'measurements', 'statistics', 'run', 'done']);
    expect(dependents('question')[0]).toBe('data');
  });

  it('changing the question changes the recommendations that follow from it', () => {
    let s = feed(start());
    s = play(s, { type: 'cycle', delta: 1 }, { type: 'cycle', delta: 1 }); // count -> size -> intensity
    expect(s.session.values.question?.question).toBe('intensity');
    expect(currentFields(s).map((f) => f.id)).toContain('compartment');
    s = play(s, { type: 'move', delta: 1 }, { type: 'cycle', delta: 1 }); // nucleus -> cytoplasm
    s = acceptN(s, 5); // to objects
    expect(s.session.step).toBe('objects');
    expect(currentFields(s).find((f) => f.id === 'cells')?.recommend.value).toBe('propagate');
  });

  it('QC: x on a failing image keeps it (with the reason); x on a good one excludes it', () => {
    let s = acceptN(feed(start()), 3);
    expect(s.session.step).toBe('qc');
    const [good, bad] = FACTS.qc.value;
    expect(isExcluded(s.session, bad!, 'exclude-fail')).toBe(true);
    s = play(s, 'toggleFocus', { type: 'move', delta: 1 }, 'toggleItem');
    expect(s.session.kept[bad!.id]).toMatch(/despite: out of focus/);
    s = play(s, { type: 'move', delta: -1 }, 'toggleItem');
    expect(s.session.excluded[good!.id]).toMatch(/excluded by the user/);
    s = play(s, 'accept');
    const d = s.session.decisions;
    expect(d.find((x) => x.field === `image:${bad!.id}`)).toMatchObject({ value: 'kept', changed: true });
    expect(d.find((x) => x.field === `image:${good!.id}`)).toMatchObject({ value: 'excluded', changed: true });
  });

  it('blind by default; one key reveals, and the record says so', () => {
    let s = acceptN(feed(start()), 3);
    expect(s.ui.reveal).toBe(false);
    s = play(s, 'reveal');
    expect(s.ui.reveal).toBe(true);
    s = play(s, 'accept');
    expect(s.ui.reveal).toBe(false);
    expect(s.session.decisions.find((x) => x.field === 'blinding')).toMatchObject({ value: 'revealed', changed: true });
    // reveal does nothing on a step that is not judged blind
    expect(play(s, 'reveal').ui.reveal).toBe(false);
  });

  it('resume restores the step and decisions and drops facts so they are recomputed', () => {
    const s = acceptN(feed(start()), 5);
    const saved = JSON.parse(JSON.stringify(s.session));
    let r = play(feed(start()), { type: 'resume', session: saved });
    expect(r.facts.objects).toBeDefined();
    r = reduce(r, { type: 'resume', session: saved });
    expect(r.session.step).toBe('objects');
    expect(r.facts.objects).toBeUndefined();
    expect(r.ui.message).toMatch(/Resumed/);
    r = acceptN(feed(r), 5);
    expect(r.phase).toBe('finished');
  });

  it('loading, progress, failure and retry', () => {
    let s = reduce(start(), { type: 'accept' });
    s = reduce(s, { type: 'loadStart', fact: 'scan', label: 'Reading the folder' });
    expect(s.phase).toBe('loading');
    s = reduce(s, { type: 'progress', done: 3, total: 10 });
    expect(s).toMatchObject({ phase: 'loading', done: 3, total: 10 });
    expect(reduce(s, { type: 'accept' }).phase).toBe('loading');
    s = reduce(s, { type: 'failed', fact: 'scan', error: 'no images' });
    expect(s).toMatchObject({ phase: 'error', error: 'no images' });
    s = reduce(s, { type: 'retry' });
    expect(s.phase).toBe('step');
    // Esc while loading goes back (the store aborts the work)
    s = reduce(reduce(s, { type: 'loadStart', fact: 'scan', label: 'x' }), { type: 'back' });
    expect(s).toMatchObject({ phase: 'step' });
    expect(s.session.step).toBe('question');
  });

  it('a facility template adds questions and required metadata that must be filled in', () => {
    let s = start();
    s = {
      ...s,
      session: {
        ...s.session,
        template: {
          questions: [{ id: 'grant', label: 'Grant code', required: true }],
          metadata: [{ id: 'stain', label: 'Stain', required: true }],
          outputs: [],
        },
      },
    };
    s = feed(s);
    expect(reduce(s, { type: 'accept' }).ui.message).toMatch(/Grant code/);
    s = play(s, { type: 'move', delta: 1 }, { type: 'move', delta: 1 }, { type: 'move', delta: 1 }, { type: 'edit', on: true });
    expect(s.ui.editing).toBe(true);
    s = play(s, { type: 'set', field: 'tpl.grant', value: 'G-17' }, 'accept');
    expect(s.session.step).toBe('data');
    expect(s.session.decisions.find((d) => d.field === 'tpl.grant')?.value).toBe('G-17');
    expect(currentFields(s).find((f) => f.id === 'meta.stain')?.required).toBe(true);
    expect(reduce(s, { type: 'accept' }).ui.message).toMatch(/Stain/);
  });

  it('q quits from any phase', () => {
    expect(reduce(start(), { type: 'quit' }).phase).toBe('quit');
  });
});
