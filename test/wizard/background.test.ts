import { describe, expect, it } from 'vitest';
import { backgroundFor } from '../../src/wizard/engine-options.js';
import { contextOf } from '../../src/wizard/reducer.js';
import { feed, start } from './fixtures.js';

describe("the wizard's background correction", () => {
  const ctxWith = (preprocess: Record<string, string | number>, objects: Record<string, string | number> = {}) => {
    const s = feed(start());
    return contextOf({ ...s, session: { ...s.session, values: { ...s.session.values, preprocess, objects } } });
  };
  it('uses the runner radius rule: the nucleus diameter when given, else 50 px', () => {
    expect(backgroundFor(ctxWith({ background: 'rolling-ball' }, { diameter: 30 }))).toEqual({ method: 'rolling-ball', radius: 30 });
    expect(backgroundFor(ctxWith({ background: 'tophat' }, { diameter: 'auto' }))).toEqual({ method: 'tophat', radius: 50 });
  });
  it('is none unless asked for', () => {
    expect(backgroundFor(ctxWith({ background: 'none' }))).toBeUndefined();
  });
});
