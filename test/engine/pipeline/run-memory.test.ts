/**
 * The runner's worker count and the memory (pipeline/run-memory.ts): the default is one worker
 * per core, capped by the memory the run may use (a SLURM job's --mem), and a --workers that may
 * not fit is said before the image sets start.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeLabelTiff } from '../../../src/engine/io/labels-write.js';
import { encodePalettePng } from '../../../src/engine/io/png-encode.js';
import { imageDimensions } from '../../../src/engine/io/probe.js';
import { label } from '../../../src/engine/ops/label.js';
import { parseRecipe } from '../../../src/engine/pipeline/recipe.js';
import { runRecipe } from '../../../src/engine/pipeline/run.js';
import {
  memoryLimit,
  planWorkers,
  slurmMemBytes,
  slurmMemoryNote,
  workerBytes,
  workersThatFit,
} from '../../../src/engine/pipeline/run-memory.js';
import type { ImageSet, Plane } from '../../../src/engine/types.js';
import { tempFolders } from '../../helpers/tmp.js';

const tmp = tempFolders('sp-run-memory-');
const MB = 2 ** 20;
const GB = 2 ** 30;

const plane = (width: number, height: number): Plane => ({ width, height, data: new Uint16Array(width * height), bitDepth: 16 });
const setOf = (id: string, channels: Record<string, Plane | string>): ImageSet => ({ id, channels, meta: { files: [] } });

describe('workers and memory', () => {
  it('estimates a worker above what was measured: 46-48 MB for 696 x 520, 203-259 MB for 2048 x 2048 images', () => {
    expect(workerBytes(696, 520, 1) / MB).toBeGreaterThan(48);
    expect(workerBytes(696, 520, 1) / MB).toBeLessThan(55);
    expect(workerBytes(2048, 2048, 1) / MB).toBeGreaterThan(259);
    expect(workerBytes(2048, 2048, 1) / MB).toBeLessThan(280);
    expect(workerBytes(2048, 2048, 3)).toBeGreaterThan(workerBytes(2048, 2048, 1));
    // with the nuclei model: measured up to 246 MB (696 x 520) and 472 MB (2048 x 2048) per worker
    expect(workerBytes(696, 520, 1, true) / MB).toBeGreaterThan(246);
    expect(workerBytes(2048, 2048, 1, true) / MB).toBeGreaterThan(472);
    expect(workerBytes(2048, 2048, 1, true) / MB).toBeLessThan(520);
    // 4 GB for 2048 x 2048: (0.85 x 4096 - 150) / 262 MB = 12.7
    expect(workersThatFit(4 * GB, workerBytes(2048, 2048, 1))).toBe(12);
    expect(workersThatFit(100 * MB, workerBytes(2048, 2048, 1))).toBe(1);
    const m = memoryLimit();
    expect(m.bytes).toBeGreaterThan(0);
    expect(['limit', 'machine']).toContain(m.source);
  });

  it('caps the default at what fits and says why; warns when --workers may not fit; leaves small images alone', async () => {
    const big = [setOf('a', { DNA: plane(2048, 2048) }), setOf('b', { DNA: plane(2048, 2048) })];
    const job = { bytes: 4 * GB, source: 'limit' as const };
    const capped = await planWorkers(big, { cores: 64, limit: job });
    expect(capped.workers).toBe(12);
    expect(capped.note).toMatch(/^12 workers instead of 64 \(one per core\): each worker needs about 262 MB for 2048 x 2048 images/);
    expect(capped.note).toMatch(/may use 4\.0 GB \(its memory limit, e\.g\. the SLURM job\); --workers N to choose/);
    const asked = await planWorkers(big, { cores: 64, asked: 32, limit: job });
    expect(asked.workers).toBe(32);
    expect(asked.note).toMatch(/^--workers 32 may need more memory than there is: .* rerun with --workers 12 \(it resumes\)$/);
    expect(await planWorkers(big, { cores: 8, asked: 4, limit: job })).toEqual({ workers: 4 });
    // the model's workers are bigger: (0.85 x 4096 - 190) / 482 MB
    const model = await planWorkers(big, { cores: 64, model: true, limit: job });
    expect(model.workers).toBe(6);
    expect(model.note).toMatch(/about 482 MB for 2048 x 2048 images and the nuclei model, and this run may use 4\.0 GB/);
    const small = [setOf('a', { DNA: plane(696, 520) }), setOf('b', { DNA: plane(696, 520) })];
    expect(await planWorkers(small, { cores: 64, limit: { bytes: 24 * GB, source: 'machine' } })).toEqual({ workers: 64 });
    // one image set or one core: nothing to plan
    expect(await planWorkers(big.slice(0, 1), { cores: 64, limit: job })).toEqual({ workers: 64 });
  });

  it('reads the size from the first image file, with its channel count', async () => {
    const dir = await tmp();
    await mkdir(dir, { recursive: true });
    const file = join(dir, 'a_w1.tif');
    await writeFile(file, encodeLabelTiff({ width: 1024, height: 768, data: new Int32Array(1024 * 768), count: 0 }));
    const sets = [setOf('a', { DNA: file, GFP: file }), setOf('b', { DNA: file, GFP: file })];
    const p = await planWorkers(sets, { cores: 16, limit: { bytes: 1 * GB, source: 'machine' } });
    expect(p.note).toMatch(/for 1024 x 768 images with 2 channels, and this run may use 1\.0 GB \(the machine's memory\)/);
    // image files as `scopepilot segment` gives them: one channel each
    const files = await planWorkers([file, file], { cores: 16, limit: { bytes: 1 * GB, source: 'machine' } });
    expect(files.note).toMatch(/for 1024 x 768 images, and this run may use 1\.0 GB/);
    // a PNG's size from its header; a text file is not an image
    const png = join(dir, 'b.png');
    await writeFile(png, encodePalettePng(300, 200, new Uint8Array(300 * 200), new Uint8Array(3 * 256)));
    expect(await imageDimensions(png)).toEqual({ width: 300, height: 200 });
    expect(await imageDimensions(file)).toEqual({ width: 1024, height: 768 });
    await writeFile(join(dir, 'notes.txt'), 'not an image');
    expect(await imageDimensions(join(dir, 'notes.txt'))).toBeUndefined();
    // an unreadable first file: no estimate, the default stays
    const missing = [setOf('a', { DNA: join(dir, 'nope.tif') }), setOf('b', { DNA: join(dir, 'nope.tif') })];
    expect(await planWorkers(missing, { cores: 16, limit: { bytes: 1 * GB, source: 'machine' } })).toEqual({ workers: 16 });
  });

  it('runRecipe runs with the workers that fit and says so at once and in its notes', async () => {
    const recipe = parseRecipe({
      version: 1,
      input: { root: '/data', channels: { dna: 'DNA' } },
      question: { type: 'count' },
      outputs: { previews: 'none', duckdb: false, parquet: false },
    });
    const sets: ImageSet[] = ['s1', 's2', 's3'].map((id) => setOf(id, { DNA: plane(40, 40) }));
    const said: string[] = [];
    const s = await runRecipe(recipe, {
      out: await tmp(),
      imageSets: sets,
      memoryLimit: { bytes: 200 * MB, source: 'limit' },
      onNote: (n) => said.push(n),
      deps: {
        segmentNuclei: (p) => ({
          labels: label({ width: p.width, height: p.height, data: new Uint8Array(p.data.length) }, 8),
          params: {},
          threshold: 0,
          discarded: { small: [], large: [], border: 0 },
          qc: [],
        }),
      },
    });
    expect(s.workers).toBe(1);
    expect(s.complete).toBe(true);
    if (availableParallelism() > 1) {
      expect(said).toEqual([expect.stringMatching(/^1 worker instead of \d+ \(one per core\)/)]);
      expect(s.notes).toContain(said[0]);
    } else expect(said).toEqual([]);
  });
});

describe('SLURM tasks and memory', () => {
  it("reads SLURM's memory syntax and says what to ask for when a task's workers do not fit", () => {
    expect(slurmMemBytes('4G')).toBe(4 * GB);
    expect(slurmMemBytes('8000M')).toBe(8000 * MB);
    expect(slurmMemBytes('8000')).toBe(8000 * MB);
    expect(slurmMemBytes('1T')).toBe(1024 * GB);
    expect(slurmMemBytes('lots')).toBeNaN();
    const big = { width: 2048, height: 2048, channels: 1 };
    expect(slurmMemoryNote(big, 8, '1G')).toBe(
      '--cpus 8 with --mem 1G: each worker needs about 262 MB for 2048 x 2048 images, so 2 fit; ask for --mem 3G, or --cpus 2 (a task that runs out of memory is killed; resubmitting it resumes)',
    );
    expect(slurmMemoryNote(big, 4, '2G', true)).toMatch(
      /about 482 MB for 2048 x 2048 images and the nuclei model, so 3 fit; ask for --mem 3G, or --cpus 3 /,
    );
    // what it asks for is enough
    expect(slurmMemoryNote(big, 8, '3G')).toBeUndefined();
    expect(slurmMemoryNote(big, 4, '4G')).toBeUndefined();
    expect(slurmMemoryNote({ width: 696, height: 520, channels: 1 }, 4, '4G')).toBeUndefined();
    expect(slurmMemoryNote(big, 1, '100M')).toBeUndefined(); // one worker is the least there is
  });
});
