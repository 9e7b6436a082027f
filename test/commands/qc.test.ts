import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { build, summary } from '../../src/commands/qc.js';
import { encodeTiff } from '../../src/engine/io/tiff-write.js';

const root = mkdtempSync(join(tmpdir(), 'sp-qc-cmd-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const inDir = join(root, 'in');
mkdirSync(inDir);

/** Nuclei-like bright discs on a noisy background (deterministic). */
function field(seed: number, o: { empty?: boolean; saturate?: boolean } = {}): Buffer {
  const w = 128;
  const h = 96;
  const d = new Uint16Array(w * h);
  let s = seed;
  const rnd = () => (s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32;
  for (let i = 0; i < d.length; i++) d[i] = 200 + Math.round(rnd() * 20);
  if (!o.empty) {
    for (let k = 0; k < 12; k++) {
      const cx = 10 + (k % 6) * 20;
      const cy = 15 + Math.floor(k / 6) * 45 + Math.round(rnd() * 10);
      for (let y = cy - 7; y <= cy + 7; y++)
        for (let x = cx - 7; x <= cx + 7; x++)
          if ((x - cx) ** 2 + (y - cy) ** 2 <= 42) d[y * w + x] = o.saturate ? 4095 : 1500 + Math.round(rnd() * 200);
    }
  }
  return encodeTiff([{ width: w, height: h, data: d }]);
}
for (let i = 0; i < 6; i++) writeFileSync(join(inDir, `Plate1_B0${i + 2}_s1_w1.tif`), field(i + 1));
writeFileSync(join(inDir, 'Plate1_C02_s1_w1.tif'), field(9, { empty: true }));
writeFileSync(join(inDir, 'Plate1_C03_s1_w1.tif'), field(10, { saturate: true }));
writeFileSync(join(inDir, 'Plate1_C04_s1_w1.tif'), Buffer.from('not a tiff'));

describe('scopepilot qc', () => {
  it('writes qc.csv (Metadata_, FileName, ImageQuality_*, QC_Level, QC_Reasons) and a summary; a bad file does not stop the others', async () => {
    const out = join(root, 'out');
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    let printed = '';
    try {
      await build().parseAsync(['node', 'qc', inDir, '--out', out, '--no-progress']);
    } finally {
      printed = write.mock.calls.map((c) => String(c[0])).join('');
      write.mockRestore();
      err.mockRestore();
    }
    expect(printed).toMatch(/Checked 9 images: 6 ok, 0 to look at, 3 to leave out/);
    expect(printed).toMatch(/What to do:/);
    const lines = readFileSync(join(out, 'qc.csv'), 'utf8').trim().split('\n');
    const head = lines[0]!.split(',');
    for (const c of [
      'ImageNumber',
      'Metadata_Plate',
      'Metadata_Well',
      'FileName',
      'ImageQuality_PowerLogLogSlope_w1',
      'QC_Level',
      'QC_Reasons',
    ])
      expect(head).toContain(c);
    const row = (name: string) => lines.find((l) => l.includes(name))!.split(',');
    const lvl = head.indexOf('QC_Level');
    const why = head.indexOf('QC_Reasons');
    expect([row('C02')[lvl], row('C02')[why]]).toEqual(['fail', 'empty']);
    expect([row('C03')[lvl], row('C03')[why]]).toEqual(['fail', 'saturation']);
    expect([row('C04')[lvl], row('C04')[why]]).toEqual(['fail', 'format']);
    expect(row('B02')[lvl]).toBe('ok');
    expect(process.exitCode).toBe(1);
    process.exitCode = 0;
  });

  it('--rule moves a cut-off, and qc.json records the cut-offs used', async () => {
    const out = join(root, 'out-rule');
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      await build().parseAsync([
        'node',
        'qc',
        join(inDir, 'Plate1_C02_s1_w1.tif'),
        '--out',
        out,
        '--rule',
        'emptySignalToNoise=1',
        '--no-progress',
      ]);
      await expect(build().parseAsync(['node', 'qc', inDir, '--out', out, '--rule', 'nonsense=3'])).rejects.toThrow(
        /--rule nonsense=3: expected NAME=NUMBER/,
      );
    } finally {
      write.mockRestore();
      err.mockRestore();
    }
    const rec = JSON.parse(readFileSync(join(out, 'qc.json'), 'utf8'));
    expect(rec.thresholds.emptySignalToNoise).toBe(1);
    expect(rec.thresholds.blurZ).toBe(-2);
    expect(rec.images[0].reasons).not.toMatch(/empty/);
    process.exitCode = 0;
  });

  it('summary names each problem file with its reasons and advice', () => {
    const text = summary(
      [
        { path: '/x/a.tif', level: 'ok', reasons: '', verdicts: [] },
        { path: '/x/b.tif', level: 'warn', reasons: 'blur', verdicts: [{ level: 'warn', message: 'out of focus' }] },
      ],
      '/o/qc.csv',
    );
    expect(text).toMatch(/1 ok, 1 to look at, 0 to leave out/);
    expect(text).toMatch(/warn {2}b\.tif {2}\[blur\]/);
    expect(text).toMatch(/blur: leave out-of-focus fields out/);
  });

  it('summary tells a problem shared by many images once', () => {
    const many = Array.from({ length: 9 }, (_, i) => ({
      path: `/x/f${i}.png`,
      level: 'warn',
      reasons: 'format',
      verdicts: [{ level: 'warn', message: '8-bit image' }],
    }));
    const text = summary(many, '/o/qc.csv');
    expect(text).toMatch(/warn {2}9 images \[format\], e\.g\. f0\.png, f1\.png, f2\.png/);
    expect(text.match(/8-bit image/g)).toHaveLength(1);
  });
});
