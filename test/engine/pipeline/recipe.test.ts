import { describe, expect, it } from 'vitest';
import { UserError } from '../../../src/engine/errors.js';
import { parseRecipe, RECIPE_VERSION, segmentOptions } from '../../../src/engine/pipeline/recipe.js';

const minimal = { version: 1, input: { root: '/data/plate1', channels: { dna: 'DAPI' } }, question: { type: 'count' } };

function message(f: () => unknown): string {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    return `${(err as UserError).message} | ${(err as UserError).hint ?? ''}`;
  }
  throw new Error('did not throw');
}

describe('parseRecipe', () => {
  it('fills in every stage default from a minimal recipe', () => {
    const r = parseRecipe(minimal);
    expect(r.version).toBe(RECIPE_VERSION);
    expect(r.stages.objects.nuclei).toMatchObject({ threshold: 'otsu-sqrt', diameter: 'auto', declump: 'shape' });
    expect(r.stages.qc.policy).toBe('exclude-fail');
    expect(r.outputs.parquet).toBe(true);
    expect(segmentOptions(r)).toMatchObject({ threshold: 'otsu-sqrt', smoothing: 'auto', declump: 'shape' });
  });

  it('accepts JSON text and keeps the wizard decisions and extra context', () => {
    const d = { step: 'objects', field: 'threshold', label: 'Cut-off', value: 'li', recommended: 'otsu', changed: true, why: 'dim' };
    const r = parseRecipe(JSON.stringify({ ...minimal, decisions: [d], wizard: { any: 1 } }));
    expect(r.decisions[0]).toEqual(d);
    expect((r as Record<string, unknown>).wizard).toEqual({ any: 1 });
  });

  it('names the wrong field and the allowed values', () => {
    const bad = { ...minimal, stages: { objects: { nuclei: { declump: 'watershed', diameter: -3 } } } };
    const m = message(() => parseRecipe(bad));
    expect(m).toMatch(/stages\.objects\.nuclei\.declump: must be one of "shape", "intensity", "none"/);
    expect(m).toMatch(/stages\.objects\.nuclei\.diameter/);
  });

  it('reports missing fields and typos', () => {
    expect(message(() => parseRecipe({ version: 1, question: { type: 'count' } }))).toMatch(/input: missing/);
    const typo = { ...minimal, stages: { objects: { nuclei: { threshhold: 'li' } } } };
    expect(message(() => parseRecipe(typo))).toMatch(/unknown field "threshhold"/);
  });

  it('refuses drafts, newer versions, non-recipes and bad JSON with what to do', () => {
    expect(message(() => parseRecipe({ draft: true }))).toMatch(/draft/);
    expect(message(() => parseRecipe({ ...minimal, version: 99 }))).toMatch(/newer ScopePilot.*update/);
    expect(message(() => parseRecipe({ input: {} }))).toMatch(/no "version"/);
    expect(message(() => parseRecipe('{ not json'))).toMatch(/not valid JSON/);
    expect(message(() => parseRecipe([1]))).toMatch(/JSON object/);
  });

  it('does not mutate its input', () => {
    const input = structuredClone(minimal);
    parseRecipe(input);
    expect(input).toEqual(minimal);
  });
});
