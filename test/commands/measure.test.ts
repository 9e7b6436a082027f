import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { build } from '../../src/commands/measure.js';
import { encodeTiff } from '../../src/engine/io/tiff-write.js';
import { groupImageSets } from '../../src/engine/measure/measure-files.js';

const root = mkdtempSync(join(tmpdir(), 'sp-measure-cmd-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const img = join(root, 'images');
const lab = join(root, 'labels');
mkdirSync(img);
mkdirSync(lab);
const W = 40;
const H = 30;
/** Two square nuclei (ids 1 and 2, 6x6 and 4x4) and two channels: w1 = 1000 inside, w2 = 300 inside. */
function write(site: number, withLabels = true): void {
  const l = new Uint16Array(W * H);
  const a = new Uint16Array(W * H).fill(100);
  const b = new Uint16Array(W * H).fill(50);
  for (let y = 5; y < 11; y++) for (let x = 5; x < 11; x++) l[y * W + x] = 1;
  for (let y = 20; y < 24; y++) for (let x = 30; x < 34; x++) l[y * W + x] = 2;
  for (let i = 0; i < l.length; i++) {
    if (l[i]) {
      a[i] = 1000;
      b[i] = 300;
    }
  }
  const base = `P1_B0${site}_s1`;
  writeFileSync(join(img, `${base}_w1AAA.tif`), encodeTiff([{ width: W, height: H, data: a }]));
  writeFileSync(join(img, `${base}_w2BBB.tif`), encodeTiff([{ width: W, height: H, data: b }]));
  if (withLabels) writeFileSync(join(lab, `${base}_w1AAA.tif`), encodeTiff([{ width: W, height: H, data: l }]));
}
write(2);
write(3);
write(4, false);

async function run(args: string[]): Promise<{ out: string; err: string }> {
  const o = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  const e = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    await build().parseAsync(['node', 'measure', ...args]);
    return { out: o.mock.calls.map((c) => String(c[0])).join(''), err: e.mock.calls.map((c) => String(c[0])).join('') };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}
const csv = (p: string) =>
  readFileSync(p, 'utf8')
    .trim()
    .split('\n')
    .map((l) => l.split(','));

describe('scopepilot measure', () => {
  it('groups ImageXpress channel files of one site into one image set', () => {
    const sets = groupImageSets([join(img, 'P1_B02_s1_w1AAA.tif'), join(img, 'P1_B02_s1_w2BBB.tif'), join(img, 'other.tif')]);
    expect(sets.map((s) => [s.key, s.files.map((f) => f.channel)])).toEqual([
      ['P1_B02_s1', ['w1', 'w2']],
      ['other', ['']],
    ]);
  });

  it('writes objects.csv and images.csv joined by ImageNumber; a set without labels fails alone', async () => {
    const out = join(root, 'out');
    const r = await run([img, '--labels', lab, '--out', out, '--pixel-size', '0.5', '--no-progress']);
    expect(r.out).toMatch(/2 of 3 image sets measured: 4 objects/);
    expect(r.err).toMatch(/P1_B04_s1: no label image/);
    expect(process.exitCode).toBe(1);
    process.exitCode = 0;
    const o = csv(join(out, 'objects.csv'));
    const h = o[0]!;
    for (const c of [
      'ImageNumber',
      'ObjectNumber',
      'Metadata_Well',
      'AreaShape_Area',
      'AreaShape_Area_um2',
      'Intensity_MeanIntensity_w1',
      'Correlation_Pearson_w1_w2',
    ])
      expect(h).toContain(c);
    const col = (row: string[], c: string) => row[h.indexOf(c)];
    expect(
      o.slice(1).map((r) => [col(r, 'ImageNumber'), col(r, 'ObjectNumber'), col(r, 'AreaShape_Area'), col(r, 'Metadata_Well')]),
    ).toEqual([
      ['1', '1', '36', 'B02'],
      ['1', '2', '16', 'B02'],
      ['2', '1', '36', 'B03'],
      ['2', '2', '16', 'B03'],
    ]);
    expect(col(o[1]!, 'AreaShape_Area_um2')).toBe('9');
    expect(col(o[1]!, 'Intensity_MeanIntensity_w2')).toBe('300');
    const im = csv(join(out, 'images.csv'));
    const ih = im[0]!;
    expect(im[1]![ih.indexOf('Count_Nuclei')]).toBe('2');
    expect(im[1]![ih.indexOf('FileName_w2')]).toBe('P1_B02_s1_w2BBB.tif');
    expect(im[1]![ih.indexOf('Mean_Nuclei_AreaShape_Area')]).toBe('26');
  });

  it('reads one-mask-per-object folders (Data Science Bowl layout) as labels', async () => {
    const masks = join(root, 'dsb-masks', 'P1_B02_s1_w1AAA', 'masks');
    mkdirSync(masks, { recursive: true });
    for (const [k, [x0, y0, s]] of [
      [5, 5, 6],
      [30, 20, 4],
    ].entries()) {
      const m = new Uint8Array(W * H);
      for (let y = y0!; y < y0! + s!; y++) for (let x = x0!; x < x0! + s!; x++) m[y * W + x] = 255;
      writeFileSync(join(masks, `m${k}.tif`), encodeTiff([{ width: W, height: H, data: m }]));
    }
    const out = join(root, 'out-dsb');
    await run([join(img, 'P1_B02_s1_w1AAA.tif'), '--labels', join(root, 'dsb-masks'), '--out', out, '--no-progress']);
    const o = csv(join(out, 'objects.csv'));
    expect(o.slice(1).map((r) => r[o[0]!.indexOf('AreaShape_Area')])).toEqual(['36', '16']);
  });

  it('--expand grows cells and adds Cells_ and Cytoplasm_ columns on the nucleus row', async () => {
    const out = join(root, 'out2');
    await run([
      join(img, 'P1_B02_s1_w1AAA.tif'),
      join(img, 'P1_B02_s1_w2BBB.tif'),
      '--labels',
      lab,
      '--out',
      out,
      '--expand',
      '2',
      '--no-progress',
    ]);
    const o = csv(join(out, 'objects.csv'));
    const h = o[0]!;
    expect(o[1]![h.indexOf('Cells_AreaShape_Area')]).toBe(String(10 * 10 - 12)); // 6x6 grown by 2 px: the 3 corner pixels further than 2 px are cut
    expect(o[1]![h.indexOf('Cytoplasm_AreaShape_Area')]).toBe(String(10 * 10 - 12 - 36));
    expect(o[1]![h.indexOf('Cytoplasm_Intensity_MeanIntensity_w1')]).toBe('100');
    expect(o.slice(1).map((r) => r[h.indexOf('Cells_Parent_Nuclei')])).toEqual(['1', '2']);
  });
});
