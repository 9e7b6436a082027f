import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkOutDir, expandInputs } from '../../src/commands/segment.js';
import type { SegmentFn } from '../../src/engine/batch/job.js';
import { outputNames, segmentFiles } from '../../src/engine/batch/segment-files.js';
import { readImage } from '../../src/engine/io/read.js';
import { encodeTiff } from '../../src/engine/io/tiff-write.js';
import type { Plane } from '../../src/engine/types.js';

const root = mkdtempSync(join(tmpdir(), 'sp-seg-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const inDir = join(root, 'in');
mkdirSync(inDir);

/** An image with `n` bright 6x6 squares on a dark background. */
function squares(n: number, w = 64, h = 48): Buffer {
  const d = new Uint16Array(w * h).fill(100);
  for (let k = 0; k < n; k++) {
    const x0 = 4 + (k % 5) * 12;
    const y0 = 4 + Math.floor(k / 5) * 12;
    for (let y = y0; y < y0 + 6; y++) for (let x = x0; x < x0 + 6; x++) d[y * w + x] = 2000;
  }
  return encodeTiff([{ width: w, height: h, data: d }]);
}
writeFileSync(join(inDir, 'a.tif'), squares(3));
writeFileSync(join(inDir, 'b.tif'), squares(7));
writeFileSync(join(inDir, 'empty.tif'), Buffer.alloc(0));
writeFileSync(join(inDir, 'broken.tif'), squares(2).subarray(0, 300));
writeFileSync(join(inDir, 'stack.tif'), encodeTiff([0, 1].map(() => ({ width: 4, height: 4, data: new Uint16Array(16) }))));
writeFileSync(join(inDir, 'readme.txt'), 'not an image');

/** Stand-in for segmentNuclei: 4-connected components of value > 1000 (fine for separated squares). */
const fakeSegment: SegmentFn = (plane: Plane, opts) => {
  const { width: w, height: h, data } = plane;
  const lab = new Int32Array(w * h);
  let n = 0;
  const stack: number[] = [];
  for (let i = 0; i < w * h; i++) {
    if (data[i]! <= 1000 || lab[i]) continue;
    lab[i] = ++n;
    stack.push(i);
    while (stack.length) {
      const j = stack.pop()!;
      const x = j % w;
      for (const k of [j - 1, j + 1, j - w, j + w]) {
        if (k < 0 || k >= w * h || (k === j - 1 && x === 0) || (k === j + 1 && x === w - 1)) continue;
        if (data[k]! > 1000 && !lab[k]) {
          lab[k] = n;
          stack.push(k);
        }
      }
    }
  }
  return {
    labels: { width: w, height: h, data: lab, count: n },
    params: { estimatedDiameter: 6, diameter: String(opts?.diameter ?? 'auto') },
    threshold: 1000,
    discarded: { small: [2], large: [], border: 0 },
    timingsMs: { total: 1 },
    qc: [],
  };
};

describe('inputs and outputs', () => {
  it('a folder gives its image files in name order; a missing path is reported, not thrown', async () => {
    const r = await expandInputs([inDir, join(root, 'nope.tif')]);
    expect(r.files.map((f) => f.slice(inDir.length + 1))).toEqual(['a.tif', 'b.tif', 'broken.tif', 'empty.tif', 'stack.tif']);
    expect(r.missing).toEqual([join(root, 'nope.tif')]);
  });

  it('refuses to write into an input folder', () => {
    expect(() => checkOutDir(resolve(inDir), [resolve(inDir)])).toThrow(/never writes into input folders/);
    expect(() => checkOutDir(resolve(root, 'out'), [resolve(inDir)])).not.toThrow();
  });

  it('same file names from two folders get distinct outputs', () => {
    expect(outputNames(['/x/a.tif', '/y/a.tif', '/x/b.png', '/z/a.tiff'])).toEqual(['a', 'a-2', 'b', 'a-3']);
  });
});

describe('segmentFiles', () => {
  it('segments good files, reports each bad file in one line naming it, keeps input order', async () => {
    const { files } = await expandInputs([inDir]);
    const out = join(root, 'out1');
    const seen: string[] = [];
    const results = await segmentFiles(
      files,
      { outDir: out, segment: { diameter: 'auto' } },
      { workers: 1, segmentFn: fakeSegment, onProgress: (p) => seen.push(`${p.done}/${p.total}`) },
    );
    expect(seen.at(-1)).toBe('5/5');
    expect(results.map((r) => r.ok)).toEqual([true, true, false, false, false]);
    expect(results[0]!.objects).toBe(3);
    expect(results[1]!.objects).toBe(7);
    expect(results[1]!.discarded).toMatchObject({ small: 1, large: 0, border: 0 });
    expect(results[2]!.error).toMatch(/broken\.tif: the TIFF file is truncated/);
    expect(results[3]!.error).toMatch(/empty\.tif: file is empty/);
    expect(results[4]!.error).toMatch(/stack\.tif: holds 2 planes/);
    for (const r of results.filter((x) => !x.ok)) expect(r.error!.split('\n')).toHaveLength(1);
    expect(readdirSync(join(out, 'labels')).sort()).toEqual(['a.tif', 'b.tif']);
    const lab = await readImage(join(out, 'labels', 'b.tif'));
    expect(Math.max(...lab.planes[0]!.data)).toBe(7);
    expect(readdirSync(inDir)).not.toContain('labels');
  });
});

const dist = resolve(import.meta.dirname, '../../dist');
const canRunCli = existsSync(join(dist, 'commands/segment.js')) && existsSync(join(dist, 'engine/segment/index.js'));
if (!canRunCli) console.warn('[segment tests] dist/ without the segment command or segmentNuclei: run `npm run build`; CLI test skipped');

describe.skipIf(!canRunCli)('scopepilot segment (built CLI)', () => {
  it('writes labels and segment.json, lists failures, exits non-zero, plain progress lines off a TTY', () => {
    const out = join(root, 'cli-out');
    const r = spawnSync(process.execPath, [join(dist, 'cli.js'), 'segment', inDir, '--out', out, '--workers', '2'], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/scopepilot: .*empty\.tif: file is empty/);
    expect(r.stderr).toMatch(/segment: \d\/5/);
    const doc = JSON.parse(readFileSync(join(out, 'segment.json'), 'utf8'));
    expect(doc.summary).toMatchObject({ images: 5, segmented: 2, failed: 3 });
    expect(doc.images[0]).toMatchObject({ file: join(inDir, 'a.tif'), labels: join('labels', 'a.tif') });
    expect(doc.images[0].params).toBeDefined();
    expect(doc.failures.map((f: { file: string }) => f.file.slice(inDir.length + 1))).toEqual(['broken.tif', 'empty.tif', 'stack.tif']);
    expect(readdirSync(join(out, 'labels')).sort()).toEqual(['a.tif', 'b.tif']);
  });

  it('refuses an input folder as --out (exit 2, nothing written)', () => {
    const r = spawnSync(process.execPath, [join(dist, 'cli.js'), 'segment', inDir, '--out', inDir], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/never writes into input folders/);
    expect(existsSync(join(inDir, 'segment.json'))).toBe(false);
  });
});
