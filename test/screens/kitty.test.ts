import { mkdtemp, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CHUNK,
  DIACRITICS,
  deleteSequence,
  KittyImages,
  PLACEHOLDER,
  placeholderRows,
  tmuxPassthrough,
  transmitSequence,
} from '../../src/screens/kitty.js';

const ESC = '\u001B';
const SIG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** A byte string that starts like a PNG, `n` bytes long, with varied content. */
function fakePng(n: number, seed = 1): Uint8Array {
  const b = new Uint8Array(n);
  b.set(SIG);
  for (let i = SIG.length; i < n; i++) b[i] = (i * 31 + seed * 17) & 0xff;
  return b;
}

/** The graphics commands in `s`: keys and payload of each `ESC _G keys ; payload ESC \`. */
function commands(s: string): { keys: string; payload: string }[] {
  const re = new RegExp(`${ESC}_G([^;${ESC}]*)(?:;([^${ESC}]*))?${ESC}\\\\`, 'g');
  const out = [...s.matchAll(re)].map((m) => ({ keys: m[1] ?? '', payload: m[2] ?? '' }));
  expect(s.replace(re, '')).toBe(''); // nothing else in the stream
  return out;
}

const SGR = new RegExp(`${ESC}\\[[0-9;]*m`, 'g');

describe('placeholder grid', () => {
  it('is U+10EEEE with row and column diacritics, the id in a 24-bit foreground colour', () => {
    const rows = placeholderRows(0x123456, 3, 2);
    const cell = (r: number, c: number) => `${PLACEHOLDER}${String.fromCodePoint(DIACRITICS[r]!)}${String.fromCodePoint(DIACRITICS[c]!)}`;
    expect(rows).toEqual([
      `${ESC}[38;2;18;52;86m${cell(0, 0)}${cell(0, 1)}${cell(0, 2)}${ESC}[39m`,
      `${ESC}[38;2;18;52;86m${cell(1, 0)}${cell(1, 1)}${cell(1, 2)}${ESC}[39m`,
    ]);
    // the exact code points of the first cells: U+0305 is row/column 0, U+030D is 1, U+030E is 2
    expect([...rows[1]!.slice(rows[1]!.indexOf('m') + 1)].slice(0, 6).map((c) => c.codePointAt(0))).toEqual([
      0x10eeee, 0x30d, 0x305, 0x10eeee, 0x30d, 0x30d,
    ]);
  });

  it('takes exactly `cols` columns per row, so Ink lays it out like text', () => {
    for (const [cols, rows] of [
      [24, 7],
      [38, 12],
      [1, 1],
    ] as const) {
      const g = placeholderRows(7, cols, rows);
      expect(g).toHaveLength(rows);
      for (const line of g) {
        const text = [...line.replace(SGR, '')];
        // one placeholder per column; everything else is a zero-width combining mark
        expect(text.filter((c) => c === PLACEHOLDER)).toHaveLength(cols);
        expect(text.filter((c) => c !== PLACEHOLDER && !/^\p{Mn}$/u.test(c))).toEqual([]);
      }
    }
  });

  it('uses kitty’s 297 row/column diacritics, in code point order', () => {
    expect(DIACRITICS).toHaveLength(297);
    expect([...DIACRITICS].sort((a, b) => a - b)).toEqual(DIACRITICS);
    expect(DIACRITICS[30]).toBe(0x483);
    expect(DIACRITICS[294]).toBe(0x1d242);
    for (const d of DIACRITICS) expect(String.fromCodePoint(d)).toMatch(/^\p{Mn}$/u);
  });

  it('refuses ids and sizes that cannot be encoded', () => {
    expect(() => placeholderRows(0, 2, 2)).toThrow(/id 0/);
    expect(() => placeholderRows(0x1000000, 2, 2)).toThrow(/outside/);
    expect(() => placeholderRows(1, 0, 2)).toThrow(/columns/);
    expect(() => placeholderRows(1, 2, 298)).toThrow(/rows/);
  });
});

describe('transmission', () => {
  it('sends the PNG base64 in 4096-byte chunks: all keys first, then m and q only', () => {
    const png = fakePng(7000);
    const cmds = commands(transmitSequence(png, { id: 42, cols: 24, rows: 7 }));
    expect(cmds.map((c) => c.keys)).toEqual(['a=T,f=100,U=1,i=42,c=24,r=7,C=1,q=2,m=1', 'm=1,q=2', 'm=0,q=2']);
    expect(cmds.map((c) => c.payload.length)).toEqual([CHUNK, CHUNK, Buffer.from(png).toString('base64').length - 2 * CHUNK]);
    expect(cmds.map((c) => c.payload).join('')).toBe(Buffer.from(png).toString('base64'));
  });

  it('sends a small PNG in one command with m=0', () => {
    const png = fakePng(100);
    const cmds = commands(transmitSequence(png, { id: 9, cols: 3, rows: 2 }));
    expect(cmds).toEqual([{ keys: 'a=T,f=100,U=1,i=9,c=3,r=2,C=1,q=2,m=0', payload: Buffer.from(png).toString('base64') }]);
  });

  it('refuses a file that is not a PNG', () => {
    expect(() => transmitSequence(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9]), { id: 1, cols: 2, rows: 2 })).toThrow(/not a PNG/);
  });

  it('wraps each command for tmux: ESC P tmux; with every ESC doubled, then ESC \\', () => {
    const png = fakePng(7000);
    const plain = transmitSequence(png, { id: 42, cols: 24, rows: 7 });
    const wrapped = transmitSequence(png, { id: 42, cols: 24, rows: 7, tmux: true });
    const blocks = wrapped.split(`${ESC}\\${ESC}Ptmux;`);
    expect(blocks).toHaveLength(3);
    expect(wrapped.startsWith(`${ESC}Ptmux;${ESC}${ESC}_Ga=T,`)).toBe(true);
    expect(wrapped.endsWith(`${ESC}${ESC}\\${ESC}\\`)).toBe(true);
    // unwrapping gives the plain commands back; inside, every ESC is doubled
    const unwrapped = wrapped
      .split(`${ESC}Ptmux;`)
      .slice(1)
      .map((block) => {
        expect(block.endsWith(`${ESC}\\`)).toBe(true);
        const inner = block.slice(0, -2);
        expect(inner.replaceAll(ESC + ESC, '')).not.toContain(ESC);
        return inner.replaceAll(ESC + ESC, ESC);
      });
    expect(unwrapped.join('')).toBe(plain);
    expect(tmuxPassthrough(`${ESC}_Ga=d${ESC}\\`)).toBe(`${ESC}Ptmux;${ESC}${ESC}_Ga=d${ESC}${ESC}\\${ESC}\\`);
  });

  it('deletes an image with its data by id, silently', () => {
    expect(deleteSequence(42)).toBe(`${ESC}_Ga=d,d=I,i=42,q=2${ESC}\\`);
    expect(deleteSequence(42, true)).toBe(`${ESC}Ptmux;${ESC}${ESC}_Ga=d,d=I,i=42,q=2${ESC}${ESC}\\${ESC}\\`);
  });
});

describe('pictures held by the terminal', () => {
  async function setup(keep = 16) {
    const dir = await mkdtemp(join(tmpdir(), 'sp-kitty-'));
    const files = await Promise.all(
      [1, 2, 3].map(async (i) => {
        const p = join(dir, `p${i}.png`);
        await writeFile(p, fakePng(300, i));
        return p;
      }),
    );
    const written: string[] = [];
    const k = new KittyImages({ write: (s) => written.push(s), firstId: 100, keep });
    const sent = () => written.flatMap((w) => commands(w).filter((c) => c.keys.startsWith('a=T')));
    const deleted = () => written.flatMap((w) => commands(w).filter((c) => c.keys.startsWith('a=d')));
    return { dir, files, written, k, sent, deleted };
  }

  it('sends a picture once per path and size, and reuses its id', async () => {
    const { files, k, sent } = await setup();
    const a = files[0]!;
    expect(await k.show(a, 24, 7)).toBe(100);
    expect(await k.show(a, 24, 7)).toBe(100);
    k.release(a, 24, 7);
    expect(await k.show(a, 24, 7)).toBe(100);
    expect(sent()).toHaveLength(1);
    expect(await k.show(a, 12, 4)).toBe(101); // another size, another placement box
    expect(sent().map((c) => c.keys)).toEqual(['a=T,f=100,U=1,i=100,c=24,r=7,C=1,q=2,m=0', 'a=T,f=100,U=1,i=101,c=12,r=4,C=1,q=2,m=0']);
  });

  it('sends it again, under the same id, when the file is rewritten', async () => {
    const { dir, files, k, sent } = await setup();
    const a = files[0]!;
    await k.show(a, 24, 7);
    k.release(a, 24, 7);
    const tmp = join(dir, 'new.png');
    await writeFile(tmp, fakePng(400, 9));
    await rename(tmp, a); // as the engine's atomic write does
    expect(await k.show(a, 24, 7)).toBe(100);
    expect(sent()).toHaveLength(2);
    expect(sent()[1]!.payload).toBe(Buffer.from(fakePng(400, 9)).toString('base64'));
  });

  it('keeps at most `keep` unused pictures, deleting the least recently shown; dispose deletes the rest', async () => {
    const { files, k, deleted } = await setup(1);
    for (const f of files) await k.show(f, 10, 5); // ids 100, 101, 102
    k.release(files[0]!, 10, 5);
    k.release(files[1]!, 10, 5);
    expect(deleted().map((c) => c.keys)).toEqual(['a=d,d=I,i=100,q=2']);
    expect(k.size).toBe(2);
    k.release(files[2]!, 10, 5);
    expect(deleted().map((c) => c.keys)).toEqual(['a=d,d=I,i=100,q=2', 'a=d,d=I,i=101,q=2']);
    k.dispose();
    expect(deleted().map((c) => c.keys)).toEqual(['a=d,d=I,i=100,q=2', 'a=d,d=I,i=101,q=2', 'a=d,d=I,i=102,q=2']);
    expect(k.size).toBe(0);
  });

  it('rejects when the file is missing, and sends nothing', async () => {
    const { dir, k, written } = await setup();
    await expect(k.show(join(dir, 'gone.png'), 24, 7)).rejects.toThrow(/ENOENT/);
    expect(written).toEqual([]);
  });
});
