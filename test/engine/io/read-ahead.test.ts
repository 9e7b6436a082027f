import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileAtomicSync } from '../../../src/engine/io/atomic.js';
import { readAllInOrder, readInOrder } from '../../../src/engine/io/read-ahead.js';

const dir = mkdtempSync(join(tmpdir(), 'sp-ahead-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readInOrder', () => {
  it('yields every file in the order given, whatever order the reads finish in', async () => {
    const paths = Array.from({ length: 40 }, (_, i) => join(dir, `f${String(39 - i).padStart(2, '0')}.txt`));
    // sizes differ so reads finish out of order
    for (const [i, p] of paths.entries()) writeFileSync(p, `${i}:${'x'.repeat((i * 7919) % 50000)}`);
    const seen: number[] = [];
    for await (const text of readAllInOrder(paths, 5)) seen.push(Number(text.split(':')[0]));
    expect(seen).toEqual(paths.map((_, i) => i));
  });

  it('an unreadable file yields its error (readInOrder) or throws (readAllInOrder)', async () => {
    const ok = join(dir, 'ok.txt');
    writeFileSync(ok, 'fine');
    const missing = join(dir, 'missing.txt');
    const out = [];
    for await (const r of readInOrder([ok, missing, ok])) out.push(r.text ?? (r.error as NodeJS.ErrnoException).code);
    expect(out).toEqual(['fine', 'ENOENT', 'fine']);
    await expect(async () => {
      for await (const _ of readAllInOrder([ok, missing])) void _;
    }).rejects.toThrow(/ENOENT/);
  });
});

describe('writeFileAtomicSync', () => {
  it('creates the folder, replaces an existing file whole, and leaves no temporary files', async () => {
    const target = join(dir, 'new', 'deeper', 'a.json');
    writeFileAtomicSync(target, 'one');
    writeFileAtomicSync(target, 'two');
    const { readdirSync, readFileSync } = await import('node:fs');
    expect(readFileSync(target, 'utf8')).toBe('two');
    expect(readdirSync(join(dir, 'new', 'deeper'))).toEqual(['a.json']);
  });
});
