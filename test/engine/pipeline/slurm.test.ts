import { execFile, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { writeSlurmScript } from '../../../src/engine/pipeline/slurm.js';
import { BBBC039, copyBbbc039Images, hasSharedData } from '../../helpers/shared-data.js';
import { tempFolders } from '../../helpers/tmp.js';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../../..');
const CLI = join(ROOT, 'dist/cli.js');
const tmp = tempFolders('sp slurm-');

describe('writeSlurmScript', () => {
  it('writes an array job (one shard per task, a log per task) and a merge job after it', async () => {
    const out = await tmp(); // has a space: paths must be quoted
    const s = await writeSlurmScript(join(out, 'recipe.json'), { out, tasks: 4, partition: 'short', time: '1:00:00', mem: '2G' });
    const array = await readFile(s.array, 'utf8');
    expect(array).toMatch(/^#SBATCH --array=1-4$/m);
    expect(array).toMatch(/^#SBATCH --partition=short$/m);
    expect(array).toMatch(/^#SBATCH --output=".*run-%A_%a\.log"$/m); // quoted: the path has a space
    // biome-ignore lint/suspicious/noTemplateCurlyInString: shell syntax
    expect(array).toContain('--shard "${SLURM_ARRAY_TASK_ID}/4"');
    expect(array).toContain(`'${join(out, 'recipe.json')}'`);
    expect(await readFile(s.merge, 'utf8')).toMatch(/merge --out '.*'/);
    const submit = await readFile(s.submit, 'utf8');
    // biome-ignore lint/suspicious/noTemplateCurlyInString: shell syntax
    expect(submit).toContain('--dependency=afterok:${array}');
    expect(await readFile(s.readme, 'utf8')).toMatch(/sbatch --array=I/);
    expect(existsSync(join(out, 'slurm', 'logs'))).toBe(true);
  });

  it('refuses options SLURM would reject, saying what is expected', async () => {
    const out = await tmp();
    await expect(writeSlurmScript('r.json', { out, time: 'two hours' })).rejects.toThrow(/SLURM time/);
    await expect(writeSlurmScript('r.json', { out, tasks: 0 })).rejects.toThrow(/--tasks/);
    await expect(writeSlurmScript('r.json', { out, mem: 'lots' })).rejects.toThrow(/memory/);
  });
});

describe.skipIf(!existsSync(CLI))('scopepilot slurm and the memory of its tasks (built CLI)', () => {
  it('says when --mem could not be checked because the input is not readable from here', async () => {
    const out = await tmp();
    const recipe = join(out, 'recipe.json');
    await writeFile(
      recipe,
      JSON.stringify({ version: 1, input: { root: join(out, 'not-here'), channels: { dna: 'w1' } }, question: { type: 'count' } }),
    );
    const r = await run(process.execPath, [CLI, 'slurm', recipe, '--out', join(out, 'cluster'), '--mem', '2G']);
    expect(r.stdout).toMatch(/submit with: /);
    expect(r.stderr).toMatch(/^note: --mem 2G was not checked against the images \(.*not-here.*\); on the nodes, each task's run caps/m);
  });
});

// The scripts themselves, run as SLURM would run them (task ids in the environment), against a
// single run of the built CLI: the merged tables are identical.
describe.skipIf(!hasSharedData || !existsSync(CLI))('SLURM scripts on real images (built CLI)', () => {
  it('array tasks + merge give the same tables as one run', { timeout: 120_000 }, async () => {
    const work = await tmp();
    const { input } = await copyBbbc039Images(work, 5);
    const recipe = join(work, 'recipe.json');
    await run(process.execPath, [CLI, 'recipe', input, '--out', recipe]);
    const single = join(work, 'single');
    await run(process.execPath, [CLI, 'run', recipe, '--out', single, '--workers', '1', '--no-progress']);
    const cluster = join(work, 'cluster');
    const s = await writeSlurmScript(recipe, { out: cluster, tasks: 3, command: `${process.execPath} ${CLI}` });
    for (let i = 1; i <= 3; i++)
      await run('bash', [s.array], { env: { ...process.env, SLURM_ARRAY_TASK_ID: String(i), SLURM_CPUS_PER_TASK: '1' } });
    await run('bash', [s.merge]);
    for (const t of ['images.csv', 'objects.csv', 'qc.csv', 'failures.csv', 'objects.parquet'])
      expect((await readFile(join(cluster, t))).equals(await readFile(join(single, t))), t).toBe(true);
    const images = await readFile(join(cluster, 'images.csv'), 'utf8');
    expect(images.trim().split('\n')).toHaveLength(6);
  });
});

/** A SLURM cluster answers here (e.g. ../shared/tools/local-slurm/start-local-slurm.sh was run). */
const slurmUp = spawnSync('sinfo', ['-h', '-o', '%T'], { encoding: 'utf8' }).stdout?.includes('idle') ?? false;

describe.skipIf(!hasSharedData || !existsSync(CLI) || !slurmUp)('on a real SLURM cluster (local-slurm)', () => {
  it('scopepilot slurm --submit: array + afterok merge give the tables of one run', { timeout: 300_000 }, async () => {
    const work = await tmp();
    const input = join(work, 'images');
    await mkdir(input);
    const names = (await readdir(join(BBBC039, 'images')))
      .filter((n) => n.endsWith('.tif'))
      .sort()
      .slice(0, 4);
    for (const n of names) await copyFile(join(BBBC039, 'images', n), join(input, n));
    const recipe = join(work, 'recipe.json');
    await run(process.execPath, [CLI, 'recipe', input, '--out', recipe]);
    await run(process.execPath, [CLI, 'run', recipe, '--out', join(work, 'single'), '--workers', '1', '--no-progress']);
    const cluster = join(work, 'cluster');
    const sub = await run(process.execPath, [
      CLI,
      'slurm',
      recipe,
      '--out',
      cluster,
      '--tasks',
      '2',
      '--cpus',
      '1',
      '--mem',
      '500M',
      '--time',
      '10',
      '--submit',
    ]);
    const m = /array job (\d+).*merge job (\d+)/.exec(sub.stdout);
    expect(m, sub.stdout).not.toBeNull();
    for (let i = 0; i < 280; i++) {
      const q = spawnSync('squeue', ['-h', '-j', `${m![1]},${m![2]}`], { encoding: 'utf8' }).stdout.trim();
      if (q === '') break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    expect((await readdir(join(cluster, 'slurm', 'logs'))).sort()).toEqual([
      `merge-${m![2]}.log`,
      `run-${m![1]}_1.log`,
      `run-${m![1]}_2.log`,
    ]);
    for (const t of ['images.csv', 'objects.csv', 'qc.csv', 'failures.csv', 'objects.parquet'])
      expect((await readFile(join(cluster, t))).equals(await readFile(join(work, 'single', t))), t).toBe(true);
    // plain progress lines in the task's log
    expect(await readFile(join(cluster, 'slurm', 'logs', `run-${m![1]}_1.log`), 'utf8')).toMatch(/run 1\/2: 2\/2 \(100%\)/);
  });
});
