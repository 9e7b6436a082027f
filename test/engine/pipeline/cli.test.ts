/**
 * `scopepilot run` / `merge` as a user runs them (the built CLI on copies of real images):
 * kill -9 in the middle and rerun gives the same tables as one clean run; a bad image is listed
 * in failures.csv and the exit code is 1; shards merged into a new folder give the tables of one
 * run and its methods record; an invalid recipe names the field.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyBbbc039Images, hasSharedData } from '../../helpers/shared-data.js';

const exec = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../../..');
const CLI = join(ROOT, 'dist/cli.js');
let work = '';

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await exec(process.execPath, [CLI, ...args], { encoding: 'utf8' });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const TABLES = ['images.csv', 'objects.csv', 'qc.csv', 'failures.csv', 'objects.parquet'];

describe.skipIf(!hasSharedData || !existsSync(CLI))('scopepilot run (built CLI, BBBC039 copies)', () => {
  let recipe = '';
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'sp-cli-'));
    const { input, names } = await copyBbbc039Images(work, 8);
    // a damaged image: the first 1000 bytes of a real one
    await writeFile(join(input, names[0]!.replace('_A', '_H')), (await readFile(join(input, names[0]!))).subarray(0, 1000));
    recipe = join(work, 'recipe.json');
    expect((await cli(['recipe', input, '--out', recipe])).code).toBe(0);
  });
  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('lists a damaged image in failures.csv, goes on, and exits 1', { timeout: 120_000 }, async () => {
    const out = join(work, 'clean');
    const r = await cli(['run', recipe, '--out', out, '--workers', '2']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/8 analysed, 0 excluded by QC, 1 failed/);
    expect(r.stderr).toMatch(/run: 9\/9 \(100%\)/); // plain progress lines when not a terminal
    // and the quiet end of the run says what it is doing
    expect(r.stderr).toMatch(/run: writing the result tables[^\n]*\nrun: exporting objects\.parquet and results\.duckdb\n/);
    expect(r.stderr).toMatch(/run: writing the methods record and the report/);
    const failures = (await readFile(join(out, 'failures.csv'), 'utf8')).trim().split('\n');
    expect(failures).toHaveLength(2);
    expect(failures[1]).toMatch(/_H\d\d_/);
    // the CLI runs the command in a second process with V8's GC on the JavaScript threads only
    const run = JSON.parse(await readFile(join(out, 'run.json'), 'utf8'));
    expect(run.nodeFlags).toContain('--single-threaded-gc');
    expect(run.nodeFlags).toContain('--max-semi-space-size=2');
    expect(run.nodeFlags).toContain('--no-incremental-marking');
    expect(run.nodeFlags).toContain('--expose-gc'); // the run collects each image set's garbage
    expect(run.mallocArenaMax).toBe('2'); // and its threads share two malloc arenas
    if (availableParallelism() <= 2) expect(run.resultsWrittenBy).toBe('worker threads');
    // where the wall time went: the phases add up to the run's wall time (within rounding)
    const { setup, imageSets, tables } = run.phaseMs;
    expect(imageSets).toBeGreaterThan(0);
    expect(tables).toBeGreaterThan(0);
    expect(Math.abs(setup + imageSets + tables - run.wallMs)).toBeLessThanOrEqual(5);
    // a whole run leaves its record
    expect((await readFile(join(out, 'METHODS.md'), 'utf8')).length).toBeGreaterThan(1000);
  });

  it('after kill -9 mid-run, a plain rerun resumes and gives the same tables', { timeout: 180_000 }, async () => {
    const out = join(work, 'killed');
    const child = spawn(process.execPath, [CLI, 'run', recipe, '--out', out, '--workers', '2', '--no-progress'], { stdio: 'ignore' });
    const exited = new Promise((res) => child.on('exit', res));
    // kill as soon as two image sets are finished
    for (let i = 0; i < 600; i++) {
      const n = await readdir(join(out, 'checkpoints')).then(
        (x) => x.filter((f) => f.endsWith('.json')).length,
        () => 0,
      );
      if (n >= 2) break;
      await new Promise((res) => setTimeout(res, 100));
    }
    child.kill('SIGKILL');
    await exited;
    expect(existsSync(join(out, 'images.csv'))).toBe(false); // nothing half-done looks finished
    const r = await cli(['run', recipe, '--out', out, '--workers', '1']);
    expect(r.stderr).toMatch(/resumed: \d+ image sets were already finished/);
    for (const t of TABLES) expect((await readFile(join(out, t))).equals(await readFile(join(work, 'clean', t))), t).toBe(true);
  });

  it('when the system kills the run (as the out-of-memory killer does), it says so and what to do, exit 137', {
    timeout: 120_000,
  }, async () => {
    const out = join(work, 'oom');
    const parent = spawn(process.execPath, [CLI, 'run', recipe, '--out', out, '--workers', '2', '--no-progress'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    parent.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const exited = new Promise<number | null>((res) => parent.on('exit', (code) => res(code)));
    for (let i = 0; i < 600 && !existsSync(join(out, 'checkpoints')); i++) await new Promise((res) => setTimeout(res, 50));
    // the process doing the run is the CLI's child (src/reexec.ts): kill it as the kernel would
    const { stdout } = await exec('pgrep', ['-P', String(parent.pid)], { encoding: 'utf8' });
    process.kill(Number(stdout.trim().split('\n')[0]), 'SIGKILL');
    expect(await exited).toBe(137);
    expect(stderr).toMatch(/the run's process was killed \(SIGKILL\), most often for using more memory than the job or the machine allows/);
    expect(stderr).toMatch(/what to do: rerun the same command with fewer --workers \(finished image sets are kept\)/);
  });

  it('1 worker on 2+ cores writes the results in the main thread: the same files as 2 workers write', { timeout: 120_000 }, async () => {
    const out = join(work, 'one-worker');
    const r = await cli(['run', recipe, '--out', out, '--workers', '1']);
    expect(r.code).toBe(1); // the damaged image
    const run = JSON.parse(await readFile(join(out, 'run.json'), 'utf8'));
    expect(run.resultsWrittenBy).toBe(availableParallelism() > 1 ? 'main thread' : 'worker threads');
    expect(run.stageMs.store).toBeGreaterThan(0);
    expect(run.stageMs.total).toBeGreaterThan(0);
    for (const t of TABLES) expect((await readFile(join(out, t))).equals(await readFile(join(work, 'clean', t))), t).toBe(true);
    // label images and previews byte for byte; checkpoints apart from their timings
    for (const sub of ['labels', 'previews/run']) {
      const names = (await readdir(join(work, 'clean', sub))).sort();
      expect(names.length).toBeGreaterThan(0);
      expect((await readdir(join(out, sub))).sort()).toEqual(names);
      for (const n of names) expect((await readFile(join(out, sub, n))).equals(await readFile(join(work, 'clean', sub, n))), n).toBe(true);
    }
    const cps = (await readdir(join(work, 'clean', 'checkpoints'))).filter((n) => n.endsWith('.json'));
    expect(cps).toHaveLength(9);
    for (const n of cps) {
      const a = JSON.parse(await readFile(join(out, 'checkpoints', n), 'utf8'));
      const b = JSON.parse(await readFile(join(work, 'clean', 'checkpoints', n), 'utf8'));
      expect({ ...a, timingsMs: 0 }, n).toEqual({ ...b, timingsMs: 0 });
    }
  });

  it('a write error stops the run with what to do, whichever thread writes (1 or 2 workers)', { timeout: 120_000 }, async () => {
    for (const workers of ['1', '2']) {
      const out = join(work, `unwritable-${workers}`);
      await mkdir(out);
      await writeFile(join(out, 'labels'), 'a file where the label folder goes');
      const r = await cli(['run', recipe, '--out', out, '--workers', workers, '--no-progress']);
      expect(r.code, workers).toBe(2);
      expect(r.stderr).toMatch(/cannot write the results of \S+ to /);
      expect(r.stderr).toMatch(/what to do: /);
      expect(existsSync(join(out, 'images.csv'))).toBe(false);
    }
  });

  it('shards run into folders of their own and merged into a new one: the tables of one run, and its methods record', {
    timeout: 180_000,
  }, async () => {
    const shards = [join(work, 'shard-1'), join(work, 'shard-2')];
    for (const [i, dir] of shards.entries())
      await cli(['run', recipe, '--out', dir, '--shard', `${i + 1}/2`, '--workers', '1', '--no-progress']);
    const out = join(work, 'merged');
    const r = await cli(['merge', ...shards, '--out', out]);
    expect(r.stderr).not.toMatch(/not written/);
    expect(r.code).toBe(1); // the damaged image failed, as in one run
    for (const t of TABLES) expect((await readFile(join(out, t))).equals(await readFile(join(work, 'clean', t))), t).toBe(true);
    expect(await readFile(join(out, 'recipe.json'), 'utf8')).toBe(await readFile(join(shards[0]!, 'recipe.json'), 'utf8'));
    for (const f of ['METHODS.md', 'methods.json', 'report.html']) expect(existsSync(join(out, f)), f).toBe(true);
  });

  it('refuses an invalid recipe naming the field, before doing anything', async () => {
    const bad = join(work, 'bad.json');
    const r0 = JSON.parse(await readFile(recipe, 'utf8'));
    r0.stages.objects.nuclei.declump = 'watershed';
    await writeFile(bad, JSON.stringify(r0));
    const r = await cli(['run', bad, '--out', join(work, 'bad-out')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/stages\.objects\.nuclei\.declump: must be one of "shape", "intensity", "none"/);
    expect(existsSync(join(work, 'bad-out'))).toBe(false);
  });
});
