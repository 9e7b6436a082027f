import { describe, expect, it } from 'vitest';
import type { ScanResultPort } from '../../src/wizard/ports.js';
import { buildRecipe } from '../../src/wizard/recipe.js';
import { contextOf } from '../../src/wizard/reducer.js';
import { STEP_IDS, type WizardState } from '../../src/wizard/types.js';
import { feed, play, start } from './fixtures.js';

const scan: ScanResultPort = {
  root: '/data/plate',
  preset: { id: 'imagexpress', name: 'ImageXpress', confidence: 1 },
  imageSets: [{ id: 'P1_A01_s1', channels: { w1: '/data/plate/a.tif' }, meta: { plate: 'P1', well: 'A01', site: 1, files: [] } }],
  channels: ['w1'],
  plates: ['P1'],
  wells: ['A01'],
  problems: [],
};

/** Accept every step up to `stop`, change settings there, accept the rest. */
function walk(stop: string, ...changes: { field: string; value: string | number }[]): WizardState {
  let s = feed(start());
  for (const id of STEP_IDS.slice(0, -1)) {
    if (id === stop) s = play(s, ...changes.map((c) => ({ type: 'set' as const, ...c })));
    s = play(s, 'accept');
  }
  return s;
}

describe('the recipe the wizard writes (real pipeline module)', () => {
  it('puts what the user changed into the fields the runner reads', async () => {
    const s = walk('objects', { field: 'threshold', value: 'li' }, { field: 'diameter', value: 30 });
    const recipe = (await buildRecipe(contextOf(s), scan)) as { stages: { objects: { nuclei: Record<string, unknown> } } };
    expect(recipe.stages.objects.nuclei.threshold).toBe('li');
    expect(recipe.stages.objects.nuclei.diameter).toBe(30);
  });

  it('accepting everything gives the engine default plus the decisions', async () => {
    const recipe = (await buildRecipe(contextOf(walk('none')), scan)) as Record<string, unknown>;
    expect(recipe.draft).toBeUndefined();
    expect(Array.isArray(recipe.decisions)).toBe(true);
  });
});
