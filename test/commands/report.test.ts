import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { build } from '../../src/commands/report.js';
import { writeMethods } from '../../src/engine/report/methods.js';
import { fixtureRecipe, writeFixture } from '../engine/report/fixture.js';

const dirs: string[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function run(...args: string[]): Promise<{ out: string; err: string }> {
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
    out += String(s);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => {
    err += String(s);
    return true;
  });
  try {
    await build().exitOverride().parseAsync(args, { from: 'user' });
  } finally {
    vi.restoreAllMocks();
  }
  return { out, err };
}

describe('scopepilot report OUT', () => {
  it('prints the answer and writes summary.csv, statistics.json, METHODS.md, methods.json, report.html', async () => {
    const { dir } = await writeFixture();
    dirs.push(dir);
    const { out } = await run(dir);
    expect(out).toMatch(/drugA vs DMSO: \+30\.0%/);
    expect(out).toMatch(/warning: drugB has only 1 well/);
    expect(out).toMatch(/In short: this analysis can resolve the expected 25% change/);
    for (const f of ['summary.csv', 'statistics.json', 'METHODS.md', 'methods.json', 'report.html'])
      expect(existsSync(join(dir, f)), f).toBe(true);
    expect(process.exitCode ?? 0).toBe(0);
  });

  it('keeps what the wizard knew (blinding, metadata) when it rewrites METHODS.md', async () => {
    const { dir } = await writeFixture();
    dirs.push(dir);
    await writeMethods(dir, fixtureRecipe(), { session: { revealedAt: ['objects'], values: { data: { organism: 'Mus musculus' } } } });
    await run(dir);
    const md = await readFile(join(dir, 'METHODS.md'), 'utf8');
    expect(md).toContain('the user revealed the conditions while judging at: objects');
    expect(md).toContain('- organism: Mus musculus');
  });

  it('--json prints the statistics; --no-methods leaves METHODS.md alone', async () => {
    const { dir } = await writeFixture();
    dirs.push(dir);
    const { out } = await run(dir, '--json', '--no-methods', '--seed', '5');
    const doc = JSON.parse(out) as { statistics: { seed: number; effects: { condition: string }[] } };
    expect(doc.statistics.seed).toBe(5);
    expect(doc.statistics.effects.map((e) => e.condition)).toEqual(['drugA', 'drugB', 'kill']);
    expect(existsSync(join(dir, 'METHODS.md'))).toBe(false);
  });

  it('refuses a path that is not a folder, and exits 1 when there is nothing to summarise', async () => {
    await expect(run('/nonexistent/folder')).rejects.toThrow(/is not a folder/);
    const { dir } = await writeFixture();
    dirs.push(dir);
    await rm(join(dir, 'images.csv'));
    const { err } = await run(dir);
    expect(err).toMatch(/images.csv is missing or empty/);
    expect(process.exitCode).toBe(1);
  });
});
