import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { renderMethodsMarkdown, writeMethods } from '../../../src/engine/report/methods.js';
import { recipeParameters } from '../../../src/engine/report/params.js';
import { fixtureRecipe, writeFixture } from './fixture.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function fixture(o?: Parameters<typeof writeFixture>[0]) {
  const f = await writeFixture(o);
  dirs.push(f.dir);
  return f;
}

const CONTEXT = {
  session: { revealedAt: [], values: { data: { organism: 'Homo sapiens', cellLine: 'U2OS', stain: 'Hoechst 33342 (DNA)' } } },
  scan: {
    imageSetCount: 18,
    plates: ['P1'],
    channels: ['w1', 'w2'],
    format: 'tiff',
    bitDepth: 16,
    conditions: ['DMSO', 'drugA', 'drugB', 'kill'],
  },
};

describe('writeMethods', () => {
  it('names up to 30 excluded image sets, then counts the rest by check and says where every one is', async () => {
    const { dir } = await fixture();
    const { json } = await writeMethods(dir, fixtureRecipe(), CONTEXT);
    const reason = (i: number) => (i % 4 === 0 ? `focus: blurred (${i})` : `empty: nothing stands out (${i})`);
    json.qc.excluded = Array.from({ length: 40 }, (_, i) => ({ id: `P1_A${String(i).padStart(2, '0')}`, reason: reason(i) }));
    const md = renderMethodsMarkdown(json);
    expect(md).toContain('- Excluded: 40 (empty 30, focus 10)');
    expect(md).toContain('  - P1_A29: empty: nothing stands out (29)');
    expect(md).not.toContain('P1_A30');
    expect(md).toContain('  - ... and 10 more: qc.csv (QC_Excluded, QC_Reason) and methods.json list every one with its reason');
    // a short list stays whole, without counts
    json.qc.excluded = json.qc.excluded.slice(0, 3);
    const short = renderMethodsMarkdown(json);
    expect(short).toContain('- Excluded: 3\n  - P1_A00: focus: blurred (0)\n  - P1_A01');
    expect(short).not.toContain('more:');
  });

  it('lists every parameter of the recipe with its value and source', async () => {
    const { dir } = await fixture();
    const recipe = fixtureRecipe();
    const { md, json } = await writeMethods(dir, recipe, CONTEXT);
    const params = recipeParameters(recipe);
    expect(params.length).toBeGreaterThan(25);
    for (const p of params) expect(md, p.path).toContain(`\`${p.path}\``);
    expect(json.parameters.map((p) => p.path)).toEqual(params.map((p) => p.path));
    // a changed value says so, with the recommendation and the user's reason
    const sm = json.parameters.find((p) => p.path === 'stages.preprocess.smoothing')!;
    expect(sm).toMatchObject({ value: 2, source: 'changed', recommended: 'auto', why: 'noisy camera' });
    expect(md).toMatch(/Smoothing \(`stages.preprocess.smoothing`\) \| 2 \| changed \(recommended: auto\) \| noisy camera/);
    // a decision without a recipe parameter is still reported
    expect(md).toContain('- run: Run now or on the cluster: run-now');
  });

  it('has every checklist item, marked done / to do / n/a with evidence', async () => {
    const { dir } = await fixture();
    const { md, json } = await writeMethods(dir, fixtureRecipe(), CONTEXT);
    const ids = json.checklist.map((c) => c.id);
    for (const id of [
      'cite-components',
      'workflow-steps',
      'key-settings',
      'example-data',
      'manual-rois',
      'workflow-version',
      'all-settings',
      'public-data',
      'rationale',
      'images-excluded',
      'validation',
      'biosample',
      'acquisition',
      'controls',
      'replicates',
      'blinding',
      'effect-tolerance',
    ])
      expect(ids).toContain(id);
    for (const c of json.checklist) expect(md).toContain(c.item);
    const status = Object.fromEntries(json.checklist.map((c) => [c.id, c.status]));
    expect(status['manual-rois']).toBe('n/a');
    expect(status['public-data']).toBe('todo');
    expect(status.blinding).toBe('done');
    expect(status.controls).toBe('done');
    expect(status['example-data']).toBe('done');
    expect(status.validation).toBe('todo');
    expect(md).toMatch(/- \[ \] Number of biological and technical replicates: to fill in by the author/);
  });

  it('reports software versions from run.json, exclusions, failures and the run dates only', async () => {
    const { dir } = await fixture({ versions: true });
    const { md, json } = await writeMethods(dir, fixtureRecipe(), CONTEXT);
    expect(json.software.source).toBe('run.json');
    expect(md).toContain('- libvips: 8.17.3');
    expect(md).toContain('started 2026-11-25T09:00:00.000Z');
    expect(md).toContain('P1_B04_s3: out of focus (blur score 0.02 < 0.1)');
    expect(md).toContain('P1_B02_s3 (read): file is truncated (expected 2,097,152 bytes)');
    expect(json.qc).toMatchObject({ imagesAnalysed: 16, failed: 1, levels: { ok: 15, warn: 1, fail: 1 } });
    expect(json.objects).toBe(Object.values((await import('./fixture.js')).LAYOUT).reduce((a, [, s]) => a + s[0]! + s[1]!, 0));
    // the paragraph states software, thresholds, exclusions and the expected effect
    expect(json.paragraph).toMatch(/ScopePilot 0\.1\.0 on Node\.js v20\.20\.2/);
    expect(json.paragraph).toMatch(/Otsu on square-root intensities method \(per-image thresholds 0\.101 to 0\.116\)/);
    expect(json.paragraph).toMatch(/1 image set was excluded and 1 could not be analysed/);
    expect(json.paragraph).toMatch(/expected effect was a 25% change, with an analysis error of at most 5% tolerated/);
    expect(md).toContain(json.paragraph);
    expect(md).toContain('- Folder: /data/plate1');
    expect(md).toContain('- Image sets: 18 in 8 wells on 1 plate(s): P1');
    expect(md).toMatch(/## References[^#]*Otsu[^\n]*1979/);
  });

  it('takes ScopePilot and Node versions from a run.json without a versions object, libraries from this process', async () => {
    const { dir } = await fixture();
    const { md, json } = await writeMethods(dir, fixtureRecipe(), CONTEXT);
    expect(json.software.source).toBe('run.json and this process');
    expect(md).toContain('Versions from run.json (ScopePilot, Node.js) and the process that wrote this record (libraries).');
    expect(json.software.versions.node).toBe('v20.20.2');
    expect(json.software.versions.sharp).toMatch(/^\d+\.\d+/);
    expect(md).toMatch(/Removed over all images: 16 too small, 8 too large, 16 touching the edge/);
  });

  it('writes the same bytes twice, and no date when there is no run.json', async () => {
    const { dir } = await fixture({ run: false });
    const a = await writeMethods(dir, fixtureRecipe(), CONTEXT);
    const md1 = await readFile(join(dir, 'METHODS.md'), 'utf8');
    const js1 = await readFile(join(dir, 'methods.json'), 'utf8');
    await writeMethods(dir, fixtureRecipe(), CONTEXT);
    expect(await readFile(join(dir, 'METHODS.md'), 'utf8')).toBe(md1);
    expect(await readFile(join(dir, 'methods.json'), 'utf8')).toBe(js1);
    expect(a.json.software.source).toBe('this process');
    expect(a.json.date).toBeUndefined();
    expect(md1).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:/);
  });

  it('uses validation.json when the wizard gave no ground-truth check', async () => {
    const { dir } = await fixture();
    await writeFile(join(dir, 'validation.json'), JSON.stringify({ images: 4, mean: { f1: 0.91, apDsb: 0.62, countErrorPct: 3.2 } }));
    const { md, json } = await writeMethods(dir, fixtureRecipe(), CONTEXT);
    expect(json.checklist.find((c) => c.id === 'validation')?.status).toBe('done');
    expect(md).toContain('compared with hand-made labels: 4 images, F1 0.910 at IoU 0.5, DSB AP 0.620, count error 3.2%');
  });

  it('says when blinding is unknown (recipe written outside the wizard) and refuses an invalid recipe', async () => {
    const { dir } = await fixture();
    const { json } = await writeMethods(dir, fixtureRecipe(), {});
    expect(json.checklist.find((c) => c.id === 'blinding')?.status).toBe('todo');
    await expect(writeMethods(dir, { version: 1 }, {})).rejects.toThrow(/recipe is not valid/);
  });
});
