import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultRecipe } from '../../../src/engine/pipeline/default.js';
import { processImageSet } from '../../../src/engine/pipeline/process.js';
import { parseRecipe } from '../../../src/engine/pipeline/recipe.js';
import { BBBC039, hasSharedData } from '../../helpers/shared-data.js';

const scan = {
  root: '/data/plate1',
  preset: { id: 'imagexpress', name: 'ImageXpress', confidence: 0.9 },
  channels: ['GFP', 'DAPI'],
  plates: ['P1'],
  wells: ['A01', 'A02'],
  imageSets: [],
  problems: [],
};

describe('defaultRecipe', () => {
  it('gives what accepting every recommendation gives: DNA channel by name, Otsu, split by shape, per-well unit', () => {
    const r = defaultRecipe(scan, { question: 'count' });
    expect(r.input).toMatchObject({ root: '/data/plate1', preset: 'imagexpress', channels: { dna: 'DAPI', marker: 'GFP' } });
    expect(r.stages.objects.nuclei).toMatchObject({ threshold: 'otsu-sqrt', diameter: 'auto', declump: 'shape' });
    expect(r.stages.qc.policy).toBe('exclude-fail');
    expect(r.question).toMatchObject({ type: 'count', expectedEffectPct: 20, toleratedErrorPct: 7, unit: 'well' });
    expect(r.stages.measure).toMatchObject({ shape: true, intensity: true, texture: false });
  });

  it('follows the question: phenotype adds texture and cell outlines; coloc adds correlation', () => {
    expect(defaultRecipe(scan, { question: 'phenotype' }).stages).toMatchObject({
      objects: { cells: 'propagate' },
      measure: { texture: true },
    });
    expect(defaultRecipe(scan, { question: 'coloc' }).stages.measure.coloc).toBe(true);
    expect(() => defaultRecipe(scan, { question: 'why' })).toThrow(/unknown question "why"/);
  });

  it('is what the wizard writes: the default plus its decisions validates unchanged', () => {
    const base = defaultRecipe(scan, { question: 'size' });
    const decisions = [
      { step: 'objects', field: 'threshold', label: 'Cut-off', value: 'otsu', recommended: 'otsu', changed: false, why: 'bright nuclei' },
    ];
    const again = parseRecipe(JSON.parse(JSON.stringify({ ...base, decisions })));
    expect(again).toEqual({ ...base, decisions });
  });
});

describe.skipIf(!hasSharedData)('processImageSet on a real image (BBBC039)', () => {
  it('finds and measures the nuclei of one image set, and gives the same numbers twice', async () => {
    const file = (await readdir(join(BBBC039, 'images'))).filter((n) => n.endsWith('.tif')).sort()[0]!;
    const recipe = defaultRecipe({ ...scan, root: BBBC039, channels: ['w1'] }, { question: 'count' });
    const set = { id: 'A01_s1', channels: { w1: join(BBBC039, 'images', file) }, meta: { files: [] } };
    const a = await processImageSet(recipe, set);
    expect(a.status, a.reason).toBe('ok');
    expect(a.nuclei!.count).toBeGreaterThan(20);
    expect(a.image.Count_Nuclei).toBe(a.nuclei!.count);
    expect(a.objects!.columns).toContain('AreaShape_Area');
    expect(a.objects!.rows).toHaveLength(a.nuclei!.count);
    const b = await processImageSet(recipe, set);
    expect(b.objects).toEqual(a.objects);
  });

  it('reports a missing DNA channel as a failure naming the channels, not a crash', async () => {
    const recipe = defaultRecipe({ ...scan, root: BBBC039, channels: ['w1'] }, { question: 'count' });
    const r = await processImageSet(recipe, { id: 'x', channels: { w2: '/nope.tif' }, meta: { files: [] } });
    expect(r).toMatchObject({ status: 'failed', stage: 'read' });
    expect(r.reason).toMatch(/no channel "w1" \(it has w2\)/);
  });
});

describe('applyDecisions', () => {
  it('writes what the user changed in the wizard into the recipe the runner applies', async () => {
    const { applyDecisions } = await import('../../../src/engine/pipeline/decisions.js');
    const base = defaultRecipe(scan, { question: 'count' });
    const d = (step: string, field: string, value: string | number) => ({
      step,
      field,
      label: field,
      value,
      recommended: '',
      changed: true,
      why: 'user',
    });
    const { recipe, unmapped } = applyDecisions(
      base,
      [
        d('objects', 'threshold', 'li'),
        d('objects', 'diameter', 24),
        d('preprocess', 'smoothing', 'auto'),
        d('measurements', 'texture', 'yes'),
        d('data', 'marker', 'none'),
        d('data', 'pixelSize', '0.65'),
        d('run', 'mode', 'run-now'),
      ],
      { excluded: { A01_s1: 'blurred' }, subset: ['A01_s2'] },
    );
    expect(recipe.stages.objects.nuclei).toMatchObject({ threshold: 'li', diameter: 24 });
    expect(recipe.stages.measure.texture).toBe(true);
    expect(recipe.input.channels.marker).toBeUndefined();
    expect(recipe.input.pixelSizeUm).toBe(0.65);
    expect(recipe.stages.qc.exclude).toEqual({ A01_s1: 'blurred' });
    expect(recipe.subset).toEqual(['A01_s2']);
    expect(recipe.decisions).toHaveLength(7);
    expect(unmapped.map((u) => u.field)).toEqual(['mode']);
    expect(base.stages.objects.nuclei.threshold).toBe('otsu-sqrt');
  });
});
