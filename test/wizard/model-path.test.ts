import { describe, expect, it } from 'vitest';
import { applyDecisions } from '../../src/engine/pipeline/decisions.js';
import { parseRecipe } from '../../src/engine/pipeline/recipe.js';
import { modelOptions } from '../../src/wizard/engine-options.js';
import { methodField } from '../../src/wizard/recommend.js';
import { contextOf } from '../../src/wizard/reducer.js';
import { feed, start } from './fixtures.js';

describe('scopepilot wizard --model PATH', () => {
  const ctxWith = (modelPath?: string) => {
    const s = feed(start());
    return contextOf({ ...s, session: { ...s.session, ...(modelPath ? { modelPath } : {}) } });
  };

  it('offers the given package by name, and the pilot runs it', () => {
    const ctx = ctxWith('/models/my-nuclei.zip');
    const model = methodField(ctx).choices?.find((c) => c.value === 'model');
    expect(model?.label).toBe('deep-learning model (my-nuclei.zip)');
    expect(modelOptions(ctx)).toMatchObject({ model: '/models/my-nuclei.zip' });
  });

  it('without --model: the built-in model', () => {
    const ctx = ctxWith();
    expect(methodField(ctx).choices?.find((c) => c.value === 'model')?.label).toBe('deep-learning model (builtin)');
    expect(modelOptions(ctx)).toMatchObject({ model: 'builtin' });
  });

  it('choosing the model puts the package into the recipe the runner reads', () => {
    const base = parseRecipe({ version: 1, input: { root: '/d', channels: { dna: 'DAPI' } }, question: { type: 'count' } });
    const m = applyDecisions(base, [{ step: 'objects', field: 'method', value: 'model' }], { model: '/models/my-nuclei.zip' }).recipe;
    expect(m.stages.objects.nuclei).toMatchObject({ method: 'model', model: '/models/my-nuclei.zip' });
  });
});
