import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { readMaskFolder } from '../../../src/engine/io/mask-folder.js';

const root = mkdtempSync(join(tmpdir(), 'sp-masks-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A w x h 8-bit PNG with 255 inside the rectangle [x0, x1) x [y0, y1). */
async function rectPng(w: number, h: number, x0: number, y0: number, x1: number, y1: number): Promise<Buffer> {
  const d = Buffer.alloc(w * h);
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) d[y * w + x] = 255;
  return sharp(d, { raw: { width: w, height: h, channels: 1 } })
    .png()
    .toBuffer();
}

describe('readMaskFolder', () => {
  it('numbers one mask file per object in file-name order', async () => {
    const dir = join(root, 'a');
    mkdirSync(dir);
    writeFileSync(join(dir, 'b.png'), await rectPng(8, 6, 0, 0, 2, 2));
    writeFileSync(join(dir, 'a.png'), await rectPng(8, 6, 5, 3, 8, 6));
    writeFileSync(join(dir, '.hidden.png'), await rectPng(8, 6, 0, 0, 8, 6));
    const l = await readMaskFolder(dir);
    expect([l.width, l.height, l.count]).toEqual([8, 6, 2]);
    expect(l.data[5 * 8 + 7]).toBe(1); // a.png
    expect(l.data[0]).toBe(2); // b.png
    expect(l.data[3 * 8 + 2]).toBe(0);
  });

  it('says what is wrong with an empty folder or masks of different sizes', async () => {
    const empty = join(root, 'empty');
    mkdirSync(empty);
    await expect(readMaskFolder(empty)).rejects.toThrow(/no mask images/);
    await expect(readMaskFolder(join(root, 'missing'))).rejects.toThrow(/cannot read/);
    const mixed = join(root, 'mixed');
    mkdirSync(mixed);
    writeFileSync(join(mixed, '1.png'), await rectPng(8, 6, 0, 0, 2, 2));
    writeFileSync(join(mixed, '2.png'), await rectPng(9, 6, 0, 0, 2, 2));
    await expect(readMaskFolder(mixed)).rejects.toThrow(/9x6, the others are 8x6/);
  });
});
