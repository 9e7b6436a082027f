import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../../src/engine/errors.js';
import { measureObjects } from '../../../src/engine/measure/objects.js';
import { label } from '../../../src/engine/ops/label.js';
import { recipeHash } from '../../../src/engine/pipeline/checkpoint.js';
import type { PipelineDeps } from '../../../src/engine/pipeline/deps.js';
import { mergeOutputs } from '../../../src/engine/pipeline/merge.js';
import { parseRecipe } from '../../../src/engine/pipeline/recipe.js';
import { parseShard, runRecipe, shardRange } from '../../../src/engine/pipeline/run.js';
import { parseCsv } from '../../../src/engine/results/csv.js';
import type { ImageSet, Plane } from '../../../src/engine/types.js';
import { tempFolders } from '../../helpers/tmp.js';

const tmp = tempFolders('sp-run-');

/** A 40x40 plane with `n` bright 4x4 squares on a dim background. */
function plane(n: number, level = 1000): Plane {
  const w = 40;
  const data = new Uint16Array(w * w).fill(10);
  for (let k = 0; k < n; k++) {
    const x0 = 2 + (k % 4) * 9;
    const y0 = 2 + Math.floor(k / 4) * 9;
    for (let y = y0; y < y0 + 4; y++) for (let x = x0; x < x0 + 4; x++) data[y * w + x] = level + k;
  }
  return { width: w, height: w, data, bitDepth: 16 };
}

const deps: Partial<PipelineDeps> = {
  readPlane: async (p) => {
    throw new UserError(`${p}: not readable`);
  },
  segmentNuclei: (p) => {
    const mask = { width: p.width, height: p.height, data: new Uint8Array(p.data.length) };
    for (let i = 0; i < p.data.length; i++) mask.data[i] = p.data[i]! > 100 ? 1 : 0;
    return { labels: label(mask, 8), params: { diameter: 4 }, threshold: 100, discarded: { small: [], large: [], border: 0 }, qc: [] };
  },
  measureImageQuality: (p) => ({ ImageQuality_MaxIntensity: Math.max(...p.data) }),
  judgeQuality: (rows) =>
    new Map(
      rows.map((r) => [
        r.id,
        r.metrics.ImageQuality_MaxIntensity! > 60000 ? [{ check: 'saturation', level: 'fail' as const, message: 'saturated' }] : [],
      ]),
    ),
};

function sets(): ImageSet[] {
  const out: ImageSet[] = [];
  for (let i = 0; i < 9; i++) {
    const well = `A0${1 + (i % 3)}`;
    out.push({
      id: `P1_${well}_s${1 + Math.floor(i / 3)}`,
      channels: { DNA: plane(1 + i, i === 7 ? 65000 : 1000), GFP: plane(2) },
      meta: { plate: 'P1', well, site: 1 + Math.floor(i / 3), condition: i % 3 === 0 ? 'DMSO' : 'drug', files: [] },
    });
  }
  out.push({ id: 'broken', channels: { DNA: '/nonexistent/broken.tif' }, meta: { files: [] } });
  return out;
}

const recipe = parseRecipe({
  version: 1,
  input: { root: '/data', channels: { dna: 'DNA', marker: 'GFP' } },
  question: { type: 'intensity' },
  stages: { qc: { exclude: { P1_A02_s1: 'out of focus (user)' } } },
  outputs: { previews: 'none', duckdb: false },
});

const TABLES = ['images.csv', 'objects.csv', 'qc.csv', 'failures.csv', 'objects.parquet'];
async function tables(dir: string): Promise<Record<string, string>> {
  const r: Record<string, string> = {};
  for (const t of TABLES) r[t] = (await readFile(join(dir, t))).toString('base64');
  return r;
}

describe('runRecipe', () => {
  it('writes the tables with CellProfiler names, failures and QC exclusions', async () => {
    const out = await tmp();
    const s = await runRecipe(recipe, { out, imageSets: sets(), deps, workers: 1 });
    expect(s).toMatchObject({ total: 10, processed: 10, ok: 7, excluded: 2, failed: 1, complete: true, stopped: false });
    const images = parseCsv(await readFile(join(out, 'images.csv'), 'utf8'));
    expect(images[0]).toEqual(
      expect.arrayContaining(['ImageNumber', 'Metadata_Well', 'Metadata_Condition', 'Count_Nuclei', 'Image_Status']),
    );
    const count = images[0]!.indexOf('Count_Nuclei');
    expect(images[1]![count]).toBe('1');
    expect(images.length).toBe(11);
    const objects = parseCsv(await readFile(join(out, 'objects.csv'), 'utf8'));
    expect(objects[0]!.slice(0, 3)).toEqual(['ImageNumber', 'ObjectNumber', 'Metadata_ImageSet']);
    expect(objects[0]).toContain('Intensity_MeanIntensity_GFP');
    expect(objects[0]).toContain('AreaShape_Area');
    // image i has i objects; images 2 (user) and 8 (saturated) are excluded and not measured
    const expected = [1, 3, 4, 5, 6, 7, 9].reduce((a, b) => a + b, 0);
    expect(objects.length - 1).toBe(expected);
    const qc = parseCsv(await readFile(join(out, 'qc.csv'), 'utf8'));
    const ex = qc[0]!.indexOf('QC_Excluded');
    const why = qc[0]!.indexOf('QC_Reason');
    expect(qc[2]![ex]).toBe('1');
    expect(qc[2]![why]).toMatch(/user/);
    expect(qc[8]![why]).toMatch(/saturat/);
    const fail = parseCsv(await readFile(join(out, 'failures.csv'), 'utf8'));
    expect(fail[1]).toEqual(['10', 'broken', 'read', expect.stringMatching(/not readable/), '/nonexistent/broken.tif']);
    const run = JSON.parse(await readFile(join(out, 'run.json'), 'utf8'));
    expect(run).toMatchObject({ complete: true, failed: 1, recipeVersion: 1 });
  });

  it('measures no intensities when the recipe keeps none (shape only)', async () => {
    const out = await tmp();
    const shapeOnly = parseRecipe({
      ...recipe,
      stages: { ...recipe.stages, measure: { shape: true, intensity: false, texture: false, coloc: false } },
    });
    await runRecipe(shapeOnly, { out, imageSets: sets(), deps: { ...deps, measureObjects }, workers: 1 });
    const header = parseCsv(await readFile(join(out, 'objects.csv'), 'utf8'))[0]!;
    expect(header).toContain('AreaShape_Area');
    expect(header).toContain('Location_Center_X');
    // before, the intensities were measured and only Intensity_* dropped: Location_CenterMassIntensity_* stayed
    expect(header.filter((c) => c.includes('Intensity'))).toEqual([]);
  });

  it('does the image sets of another ScopePilot version again on a rerun, and says so', async () => {
    const out = await tmp();
    await runRecipe(recipe, { out, imageSets: sets(), deps, workers: 1 });
    const clean = await tables(out);
    // the checkpoints as an older version wrote them: the same recipe, another version in the hash
    const older = recipeHash(recipe, '0.0.1');
    expect(older).not.toBe(recipeHash(recipe));
    const dir = join(out, 'checkpoints');
    for (const f of await readdir(dir)) {
      const cp = JSON.parse(await readFile(join(dir, f), 'utf8'));
      await writeFile(join(dir, f), JSON.stringify({ ...cp, recipeHash: older }));
    }
    const again = await runRecipe(recipe, { out, imageSets: sets(), deps, workers: 1 });
    expect(again).toMatchObject({ skipped: 0, processed: 10, complete: true });
    expect(again.notes.join('\n')).toMatch(
      /10 image sets in .* were made with another recipe or ScopePilot version: they are analysed again/,
    );
    expect(await tables(out)).toEqual(clean);
  });

  it('gives the same bytes after an interruption and resume, and from shards + merge', async () => {
    const clean = await tmp();
    await runRecipe(recipe, { out: clean, imageSets: sets(), deps, workers: 1 });
    // interrupted after 4 image sets, then resumed
    const resumed = await tmp();
    const ac = new AbortController();
    let n = 0;
    const first = await runRecipe(recipe, {
      out: resumed,
      imageSets: sets(),
      deps,
      signal: ac.signal,
      onResult: () => {
        if (++n === 4) ac.abort();
      },
    });
    expect(first.stopped).toBe(true);
    expect(JSON.parse(await readFile(join(resumed, 'run.json'), 'utf8'))).toMatchObject({ status: 'stopped', complete: false });
    const second = await runRecipe(recipe, { out: resumed, imageSets: sets(), deps });
    expect(second.skipped).toBe(4);
    expect(second.processed).toBe(6);
    expect(await tables(resumed)).toEqual(await tables(clean));
    // three shards into three folders, merged
    const shardDirs = [await tmp(), await tmp(), await tmp()];
    for (let i = 0; i < 3; i++) {
      const s = await runRecipe(recipe, { out: shardDirs[i]!, imageSets: sets(), deps, shard: { index: i + 1, count: 3 } });
      expect(s.complete).toBe(false);
    }
    const merged = await tmp();
    const m = await mergeOutputs(merged, shardDirs, { duckdb: false });
    expect(m.complete).toBe(true);
    expect(await tables(merged)).toEqual(await tables(clean));
    // with the shards' recipe (the QC policy of the tables and the methods record read it)
    expect(await readFile(join(merged, 'recipe.json'), 'utf8')).toBe(await readFile(join(shardDirs[0]!, 'recipe.json'), 'utf8'));
    // a missing shard is reported, not hidden
    const partial = await tmp();
    const p = await mergeOutputs(partial, shardDirs.slice(0, 2), { duckdb: false, parquet: false });
    expect(p.complete).toBe(false);
    expect(p.notes.join()).toMatch(/have no result yet/);
  });

  it('refuses an output folder inside the input folder', async () => {
    const root = await tmp();
    await expect(runRecipe({ ...recipe, input: { ...recipe.input, root } }, { out: join(root, 'results'), deps })).rejects.toThrow(
      /inside the input folder/,
    );
  });
});

describe('shards', () => {
  it('parses I/N and covers every image set exactly once', () => {
    expect(parseShard('2/8')).toEqual({ index: 2, count: 8 });
    expect(() => parseShard('0/8')).toThrow(/1 <= I <= N/);
    expect(() => parseShard('9/8')).toThrow(UserError);
    const seen: number[] = [];
    for (let i = 1; i <= 7; i++) {
      const [a, b] = shardRange(100, { index: i, count: 7 });
      for (let k = a; k < b; k++) seen.push(k);
    }
    expect(seen).toEqual([...Array(100).keys()]);
  });
});

describe('output folder problems', () => {
  it('says clearly when the output folder cannot be made (a file is in the way)', async () => {
    const dir = await tmp();
    const { writeFile } = await import('node:fs/promises');
    await writeFile(join(dir, 'taken'), 'x');
    const err = await runRecipe(recipe, { out: join(dir, 'taken', 'out'), imageSets: sets(), deps }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toMatch(/cannot write to .*taken/);
    expect((err as UserError).hint).toMatch(/--out/);
  });
});

describe('write errors during the run', () => {
  it('stops with a clear message, keeps what was finished, and a rerun after the fix completes', async () => {
    const out = await tmp();
    const { writeFile, rm: remove } = await import('node:fs/promises');
    await writeFile(join(out, 'labels'), 'not a folder'); // every label write fails
    const err = await runRecipe(recipe, { out, imageSets: sets(), deps, workers: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toMatch(/cannot write the results of P1_A01_s1/);
    expect((err as UserError).hint).toMatch(/rerun the same command to resume/);
    await remove(join(out, 'labels'));
    const s = await runRecipe(recipe, { out, imageSets: sets(), deps, workers: 1 });
    expect(s.complete).toBe(true);
  });
});

describe('plate-map columns', () => {
  it('adds plate-map columns once, and the DuckDB export accepts them', async () => {
    const out = await tmp();
    const withMap = sets()
      .slice(0, 3)
      .map((s) => ({ ...s, meta: { ...s.meta, extra: { condition: s.meta.condition ?? '', dose_uM: '1.5', control: 'no' } } }));
    const s = await runRecipe({ ...recipe, outputs: { ...recipe.outputs, duckdb: true } }, { out, imageSets: withMap, deps });
    expect(s.exportError).toBeUndefined();
    const header = parseCsv(await readFile(join(out, 'images.csv'), 'utf8'))[0]!;
    expect(header.filter((c) => c.toLowerCase() === 'metadata_condition')).toEqual(['Metadata_Condition']);
    expect(header).toEqual(expect.arrayContaining(['Metadata_dose_uM', 'Metadata_control']));
  });
});

describe('outputs the recipe asks for', () => {
  it('writes previews for the subset the user saw, and can leave out objects.csv when Parquet is written', async () => {
    const out = await tmp();
    const r = parseRecipe({ ...recipe, subset: ['P1_A03_s1'], outputs: { previews: 'subset', objectsCsv: false, duckdb: false } });
    const s = await runRecipe(r, { out, imageSets: sets(), deps });
    const { existsSync } = await import('node:fs');
    expect(existsSync(join(out, 'previews', 'run', 'P1_A03_s1.png'))).toBe(true);
    expect(existsSync(join(out, 'previews', 'run', 'P1_A01_s1.png'))).toBe(false);
    expect(existsSync(join(out, 'objects.csv'))).toBe(false);
    expect(existsSync(join(out, 'objects.parquet'))).toBe(true);
    expect(s.outputs.some((p) => p.endsWith('objects.csv'))).toBe(false);
  });

  it('refuses to merge outputs of different recipes', async () => {
    const a = await tmp();
    const b = await tmp();
    await runRecipe(recipe, { out: a, imageSets: sets(), deps, shard: { index: 1, count: 2 } });
    const other = parseRecipe({
      ...recipe,
      stages: { ...recipe.stages, objects: { ...recipe.stages.objects, nuclei: { ...recipe.stages.objects.nuclei, declump: 'none' } } },
    });
    await runRecipe(other, { out: b, imageSets: sets(), deps, shard: { index: 2, count: 2 } });
    await expect(mergeOutputs(await tmp(), [a, b], { duckdb: false })).rejects.toThrow(/different recipe/);
  });
});

// the merge worker thread exists only in the build (dist/, made by `npm run build`, which the CI
// runs first): without it these tests skip with a message
const BUILT_MERGE = join(resolve(import.meta.dirname, '../../..'), 'dist/engine/pipeline/merge.js');
const mergeBuilt = existsSync(BUILT_MERGE);
if (!mergeBuilt) console.log(`skipped: ${BUILT_MERGE} is not built (run \`npm run build\`)`);

describe.skipIf(!mergeBuilt)('a merge worker started ahead (built merge worker)', () => {
  const built = () => import(pathToFileURL(BUILT_MERGE).href) as Promise<typeof import('../../../src/engine/pipeline/merge.js')>;

  it('writes the same tables as a merge in this thread once it is given its job', async () => {
    const { mergeInWorker, startMergeWorker } = await built();
    const clean = await tmp();
    await runRecipe(recipe, { out: clean, imageSets: sets(), deps, workers: 1 });
    const shardDirs = [await tmp(), await tmp()];
    for (let i = 0; i < 2; i++) await runRecipe(recipe, { out: shardDirs[i]!, imageSets: sets(), deps, shard: { index: i + 1, count: 2 } });
    const worker = startMergeWorker();
    expect(worker).toBeDefined();
    await new Promise((r) => setTimeout(r, 200)); // it waits, loaded, for its job
    const merged = await tmp();
    const steps: string[] = [];
    const m = await mergeInWorker(merged, shardDirs, { duckdb: false }, (s) => steps.push(s), undefined, worker);
    expect(m.complete).toBe(true);
    expect(steps).toEqual(['tables', 'export']);
    expect(await tables(merged)).toEqual(await tables(clean));
  });

  it('reports what to do when there is nothing to merge, and a worker never used can be stopped', async () => {
    const { mergeInWorker, startMergeWorker } = await built();
    const empty = await tmp();
    await expect(mergeInWorker(empty, [empty], { duckdb: false }, undefined, undefined, startMergeWorker())).rejects.toThrow(
      /no finished image sets/,
    );
    const unused = startMergeWorker()!;
    expect(typeof (await unused.terminate())).toBe('number'); // it ends (a worker waiting for its job would keep the run alive)
  });
});
