/**
 * The memory cap end to end: `scopepilot run` inside a memory cgroup, as under a SLURM job's
 * --mem or a container's limit, runs fewer workers than cores, says why, and finishes within the
 * limit (run-memory.ts). The unit tests give planWorkers a limit; this one has the built CLI find
 * it (process.constrainedMemory). Needs the built CLI, BBBC039, root and a cgroup memory
 * controller (v1 or v2) to make a group in; skips saying which is missing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { copyBbbc039Images, hasSharedData } from '../../helpers/shared-data.js';

const CLI = resolve(import.meta.dirname, '../../../dist/cli.js');
/** 280 MB: room for one worker on BBBC039 images beside the rest of the run, not for two (run-memory.ts). */
const LIMIT = 280 * 2 ** 20;

/** A new memory cgroup limited to `bytes`: its folder and the file that takes a process id, or why not. */
function makeGroup(bytes: number): { dir: string; procs: string } | string {
  if (process.getuid?.() !== 0) return 'not root';
  const name = `scopepilot-test-${process.pid}`;
  const v1 = '/sys/fs/cgroup/memory';
  const v2 = '/sys/fs/cgroup';
  try {
    if (existsSync(join(v1, 'memory.limit_in_bytes'))) {
      const dir = join(v1, name);
      mkdirSync(dir);
      writeFileSync(join(dir, 'memory.limit_in_bytes'), String(bytes));
      return { dir, procs: join(dir, 'cgroup.procs') };
    }
    if (readFileSync(join(v2, 'cgroup.subtree_control'), 'utf8').includes('memory')) {
      const dir = join(v2, name);
      mkdirSync(dir);
      writeFileSync(join(dir, 'memory.max'), String(bytes));
      return { dir, procs: join(dir, 'cgroup.procs') };
    }
    return 'no cgroup memory controller (v1 memory/, or v2 with memory in cgroup.subtree_control)';
  } catch (err) {
    return `cannot make a memory cgroup: ${(err as Error).message}`;
  }
}

const missing = !hasSharedData
  ? '../shared/data'
  : !existsSync(CLI)
    ? 'the built CLI (npm run build)'
    : availableParallelism() < 2
      ? 'a second core'
      : '';
if (missing) console.warn(`memory-limit test skipped: it needs ${missing}`);

describe.skipIf(missing !== '')('scopepilot run under a memory limit (cgroup)', () => {
  let work = '';
  let group: { dir: string; procs: string } | undefined;
  afterAll(async () => {
    if (group) rmdirSync(group.dir);
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('runs one worker instead of one per core, says why, and finishes within the limit', { timeout: 120_000 }, async () => {
    const made = makeGroup(LIMIT);
    if (typeof made === 'string') {
      console.warn(`memory-limit test skipped: ${made}`);
      return;
    }
    group = made;
    work = await mkdtemp(join(tmpdir(), 'sp-memlimit-'));
    const { input } = await copyBbbc039Images(work, 6);
    const recipe = join(work, 'recipe.json');
    expect(spawnSync(process.execPath, [CLI, 'recipe', input, '--out', recipe]).status).toBe(0);
    const out = join(work, 'out');
    // the shell joins the group, then becomes the CLI (and its re-started child stays in it)
    const r = spawnSync(
      'sh',
      ['-c', 'echo $$ > "$1" && exec "$2" "$3" run "$4" --out "$5" --no-progress', 'sh', group.procs, process.execPath, CLI, recipe, out],
      {
        encoding: 'utf8',
      },
    );
    expect(r.signal, r.stderr).toBeNull(); // not killed for memory
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(
      new RegExp(
        `note: 1 worker instead of ${availableParallelism()} \\(one per core\\): each worker needs about \\d+ MB for 696 x 520 images, and this run may use 0\\.3 GB \\(its memory limit, e.g\\. the SLURM job\\); --workers N to choose`,
      ),
    );
    const run = JSON.parse(await readFile(join(out, 'run.json'), 'utf8'));
    expect(run.workers).toBe(1);
    expect(run.done).toBe(6);
  });
});
