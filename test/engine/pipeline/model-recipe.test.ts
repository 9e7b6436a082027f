/**
 * A recipe whose nuclei are found by the deep-learning model: `scopepilot recipe --model builtin`
 * writes it, `scopepilot run` uses segmentModel, METHODS.md names the model (name, version,
 * source, training data, checksum) with the caveat. Old recipes parse unchanged (classical).
 */
import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { build as buildRecipe } from '../../../src/commands/recipe.js';
import { build as buildRun } from '../../../src/commands/run.js';
import { UserError } from '../../../src/engine/errors.js';
import { parseRecipe, segmentOptions } from '../../../src/engine/pipeline/recipe.js';
import { parseCsv } from '../../../src/engine/results/csv.js';
import { hasModel, MODEL_DIR } from '../../engine/dl/helpers.js';
import { BBBC039, hasSharedData } from '../../helpers/shared-data.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function quiet<T>(f: () => Promise<T>): Promise<T> {
  const o = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  const e = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    return await f();
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

describe('recipe field stages.objects.nuclei.method', () => {
  it('an old recipe (no method) parses as classical and gives the same segmentNuclei options', () => {
    const r = parseRecipe({ version: 1, input: { root: '/data', channels: { dna: 'w1' } }, question: { type: 'count' } });
    expect(r.stages.objects.nuclei.method).toBe('classical');
    expect(segmentOptions(r)).not.toHaveProperty('model');
    expect(segmentOptions(r)).toMatchObject({ threshold: 'otsu-sqrt', declump: 'shape' });
  });

  it('method model: segmentModel options (builtin unless a path is given); a bad method names the field', () => {
    const base = { version: 1, input: { root: '/data', channels: { dna: 'w1' } }, question: { type: 'count' } };
    const m = parseRecipe({ ...base, stages: { objects: { nuclei: { method: 'model' } } } });
    expect(segmentOptions(m)).toEqual({ diameter: 'auto', model: 'builtin' });
    const p = parseRecipe({ ...base, stages: { objects: { nuclei: { method: 'model', model: '/m/pkg.zip', diameter: 30 } } } });
    expect(segmentOptions(p)).toEqual({ diameter: 30, model: '/m/pkg.zip' });
    expect(() => parseRecipe({ ...base, stages: { objects: { nuclei: { method: 'cellpose' } } } })).toThrow(
      /stages\.objects\.nuclei\.method/,
    );
  });
});

describe.skipIf(!hasModel || !hasSharedData)('a recipe with the model, run on 2 BBBC039 images', () => {
  it('recipe --model builtin -> run: nuclei found by the model; METHODS.md names the model and its checksum', async () => {
    const work = await mkdtemp(join(tmpdir(), 'sp-model-recipe-'));
    dirs.push(work);
    const input = join(work, 'images');
    await mkdir(input);
    const split = JSON.parse(await readFile(join(MODEL_DIR, 'split.json'), 'utf8'));
    const files: string[] = split['bbbc039-dev'].heldout.slice(0, 2);
    for (const f of files) await copyFile(join(BBBC039, 'images', f), join(input, f));
    const recipePath = join(work, 'recipe.json');
    await quiet(() => buildRecipe().parseAsync(['node', 'recipe', input, '--out', recipePath, '--model', 'builtin']));
    const recipe = parseRecipe(JSON.parse(await readFile(recipePath, 'utf8')));
    expect(recipe.stages.objects.nuclei).toMatchObject({ method: 'model', model: 'builtin' });

    const out = join(work, 'out');
    process.exitCode = undefined;
    await quiet(() => buildRun().parseAsync(['node', 'run', recipePath, '--out', out, '--workers', '1', '--no-progress']));
    expect(process.exitCode ?? 0).toBe(0);
    const [header, ...rows] = parseCsv(await readFile(join(out, 'images.csv'), 'utf8')).filter((r) => r.length > 1);
    const countCol = header!.indexOf('Count_Nuclei');
    const counts = rows.map((r) => Number(r[countCol]));
    expect(counts).toHaveLength(2);
    // ground truth: 172 and 106 nuclei in these two held-out fields; within 10%
    expect(Math.abs(counts[0]! - 172) / 172).toBeLessThan(0.1);
    expect(Math.abs(counts[1]! - 106) / 106).toBeLessThan(0.1);

    const md = await readFile(join(out, 'METHODS.md'), 'utf8');
    const pkgSha = /weights:[\s\S]*?sha256: ([0-9a-f]{64})/.exec(await readFile(join(MODEL_DIR, 'rdf.yaml'), 'utf8'))![1]!;
    expect(md).toMatch(/### \d+\. Deep-learning model/);
    expect(md).toContain('"ScopePilot nuclei U-Net" version 1.0.0');
    expect(md).toContain(`weights SHA-256 ${pkgSha}`);
    expect(md).toMatch(/Training data: BBBC039 .*DSB2018/);
    expect(md).toMatch(/trained on other images than these; its objects must be checked on these images/);
    expect(md).not.toMatch(/global thresholding/);
    const json = JSON.parse(await readFile(join(out, 'methods.json'), 'utf8'));
    expect(json.model).toMatchObject({ spec: 'builtin', name: 'ScopePilot nuclei U-Net', sha256: pkgSha });
  }, 60_000);

  it('a recipe whose model path is not a package stops before any image, naming the field', async () => {
    const work = await mkdtemp(join(tmpdir(), 'sp-model-recipe-bad-'));
    dirs.push(work);
    const err = await quiet(() =>
      buildRecipe().parseAsync(['node', 'recipe', BBBC039, '--out', join(work, 'r.json'), '--model', join(work, 'nope')]),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toMatch(/--model .*nope: .*no such file or folder/);
  });
});
