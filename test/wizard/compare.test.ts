import { describe, expect, it } from 'vitest';
import { applyDecisions } from '../../src/engine/pipeline/decisions.js';
import { parseRecipe } from '../../src/engine/pipeline/recipe.js';
import { compareMethods, countComparison } from '../../src/wizard/compare.js';

const s = (f1: number, countErrorPct: number) => ({ images: 3, f1, countErrorPct });

describe('classical vs model on the pilot label images', () => {
  it('recommends classical when both are within tolerance, else the one that is, else the smaller error', () => {
    expect(compareMethods(s(0.9, 3), s(0.95, 1), 7).recommend).toMatchObject({ value: 'classical', why: /both are within your 7%/ });
    expect(compareMethods(s(0.7, 12), s(0.93, 4), 7).recommend).toMatchObject({ value: 'model', why: /only the deep-learning model/ });
    expect(compareMethods(s(0.93, 4), s(0.7, 12), 7).recommend?.value).toBe('classical');
    expect(compareMethods(s(0.6, 20), s(0.7, 11), 7).recommend).toMatchObject({ value: 'model', why: /neither is within/ });
    const lines = compareMethods(s(0.7, 12), s(0.93, 4), 7).lines;
    expect(lines).toEqual(['Labels: classical F1 0.70, count error 12.0% over; model F1 0.93, 4.0% ok']);
    for (const l of compareMethods(s(0.61, 55.5), s(0.62, 45.5), 7).lines) expect(l.length).toBeLessThan(80);
  });

  it('a model that could not run: the classical score alone, the reason, classical suggested', () => {
    const r = compareMethods(s(0.9, 3), undefined, 7, 'onnxruntime is missing');
    expect(r.lines.join('\n')).toMatch(
      /F1 0\.90, count error 3\.0% \(tolerated 7%: small enough\)[\s\S]*could not run: onnxruntime is missing/,
    );
    expect(r.recommend?.value).toBe('classical');
  });

  it('without label images: both counts on one line, the model relative to classical', () => {
    expect(countComparison(96, 102, 4)).toBe('Compare the outlines: classical 96 nuclei, model 102 (+6%) on 4 images');
    expect(countComparison(100, 80, 1)).toBe('Compare the outlines: classical 100 nuclei, model 80 (-20%) on 1 image');
    expect(countComparison(50, 50, 2)).toMatch(/model 50 \(same\) on 2 images$/);
    // classical found nothing: no percentage (it would divide by zero)
    expect(countComparison(0, 7, 3)).toBe('Compare the outlines: classical 0 nuclei, model 7 on 3 images');
    expect(countComparison(12345, 23456, 24).length).toBeLessThan(80);
  });

  it("the wizard's method decision goes into the recipe (builtin model), classical keeps the old recipe", () => {
    const base = parseRecipe({ version: 1, input: { root: '/d', channels: { dna: 'DAPI' } }, question: { type: 'count' } });
    const m = applyDecisions(base, [{ step: 'objects', field: 'method', value: 'model' }]).recipe;
    expect(m.stages.objects.nuclei).toMatchObject({ method: 'model', model: 'builtin' });
    const c = applyDecisions(base, [{ step: 'objects', field: 'method', value: 'classical' }]);
    expect(c.recipe.stages.objects.nuclei.method).toBe('classical');
    expect(c.recipe.stages.objects.nuclei.model).toBeUndefined();
    expect(c.unmapped).toEqual([]);
  });
});
