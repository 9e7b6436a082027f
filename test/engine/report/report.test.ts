import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeTiff } from '../../../src/engine/io/tiff-write.js';
import { histogram, plateHeatmapSpec } from '../../../src/engine/report/charts.js';
import { wellCells, writeReport } from '../../../src/engine/report/index.js';
import { writeMethods } from '../../../src/engine/report/methods.js';
import { parseCsv, tableRows } from '../../../src/engine/results/stats-tables.js';
import { fixtureRecipe, writeFixture } from './fixture.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function fixtureWithPreviews() {
  const f = await writeFixture();
  dirs.push(f.dir);
  await mkdir(join(f.dir, 'previews', 'run'), { recursive: true });
  const png = (v: number) =>
    sharp({ create: { width: 64, height: 48, channels: 3, background: { r: v, g: v, b: v } } })
      .png()
      .toBuffer();
  await writeFile(join(f.dir, 'previews', 'run', 'P1_B04_s3.png'), await png(30));
  await writeFile(join(f.dir, 'previews', 'run', 'P1_A01_s1.png'), await png(200));
  await writeMethods(f.dir, fixtureRecipe(), {});
  return f.dir;
}

describe('writeReport', () => {
  it('writes a self-contained report.html with plots, the answer, QC, failures and the methods', async () => {
    const dir = await fixtureWithPreviews();
    const r = await writeReport(dir);
    expect(r.notes).toEqual([]);
    const html = await readFile(join(dir, 'report.html'), 'utf8');
    expect(html.match(/<svg/g)?.length).toBe(4); // effects, dot plot, plate map, sizes
    expect(html).not.toMatch(/<script|<link|src="http|href="http|@import/i);
    expect(html).toContain('drugA changed Count_Nuclei by +30.0% versus DMSO');
    expect(html).toContain('out of focus (blur score 0.02 &lt; 0.1)');
    expect(html).toContain('file is truncated (expected 2,097,152 bytes)');
    expect(html).toContain('Images were analysed with ScopePilot');
    // one flagged and one passing thumbnail, embedded
    expect(html.match(/src="data:image\/png;base64,/g)?.length).toBe(2);
    expect(html).toMatch(/class="thumb flagged"><img alt="P1_B04_s3"/);
    // the size histogram marks the lower size limit (0.4 x median diameter 16 px)
    expect(html).toContain('min ≈ 32 px² (0.4 × median diameter 16.0 px)');
  });

  it('writes summary.csv at the unit of comparison and the same bytes twice', async () => {
    const dir = await fixtureWithPreviews();
    await writeReport(dir);
    const summary = parseCsv(await readFile(join(dir, 'summary.csv'), 'utf8'));
    expect(summary.columns).toEqual(['Unit', 'Id', 'Metadata_Plate', 'Metadata_Condition', 'Images', 'Count_Nuclei']);
    expect(summary.length).toBe(8);
    expect(tableRows(summary).find((r) => r[1] === 'P1/A03')).toEqual(['well', 'P1/A03', 'P1', 'drugA', '2', '132']);
    const first = await readFile(join(dir, 'report.html'));
    const stats1 = await readFile(join(dir, 'statistics.json'));
    await writeReport(dir);
    expect((await readFile(join(dir, 'report.html'))).equals(first)).toBe(true);
    expect((await readFile(join(dir, 'statistics.json'))).equals(stats1)).toBe(true);
  });

  it('renders a thumbnail from the source image when it is there, and from the preview when it is not', async () => {
    const dir = await fixtureWithPreviews();
    // the source of the passing field P1_A01_s1, 100 x 80 (its preview is 64 x 48)
    const input = join(dir, 'input');
    await mkdir(input);
    const data = new Uint16Array(100 * 80).map((_v, i) => 1000 + (i % 100) * 10);
    await writeFile(join(input, 'P1_A01_s1_w1.tif'), encodeTiff([{ width: 100, height: 80, data }]));
    const run = JSON.parse(await readFile(join(dir, 'run.json'), 'utf8')) as Record<string, unknown>;
    await writeFile(join(dir, 'run.json'), JSON.stringify({ ...run, input }));
    await writeReport(dir);
    const html = await readFile(join(dir, 'report.html'), 'utf8');
    const width = (alt: string) => {
      const m = new RegExp(`<img alt="${alt}"[^>]*src="data:image/png;base64,([^"]+)"`).exec(html);
      return m ? Buffer.from(m[1]!, 'base64').readUInt32BE(16) : undefined; // IHDR width
    };
    expect(width('P1_A01_s1')).toBe(100); // from the source
    expect(width('P1_B04_s3')).toBe(64); // its source is not there: the preview
  });

  it('compares the count error of validation.json with the tolerated error', async () => {
    const dir = await fixtureWithPreviews();
    await writeFile(join(dir, 'validation.json'), JSON.stringify({ images: 3, mean: { f1: 0.9, apDsb: 0.6, countErrorPct: 7.5 } }));
    const r = await writeReport(dir);
    expect(r.stats!.tolerance).toMatch(/measured analysis error \(7\.5%, against hand-made labels\) is above the tolerated 5%/);
    expect(r.stats!.tolerance).toMatch(/cannot reliably resolve the expected 25% change \(analysis error above the tolerance\)/);
  });

  it('still writes a page (saying why) when the run has no images.csv', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sp-report-empty-'));
    dirs.push(dir);
    const r = await writeReport(dir);
    expect(r.notes.join('\n')).toMatch(/images.csv is missing or empty/);
    expect(await readFile(join(dir, 'report.html'), 'utf8')).toContain('images.csv is missing or empty');
  });

  it('methods record includes the statistics in words once images.csv exists', async () => {
    const dir = await fixtureWithPreviews();
    const md = await readFile(join(dir, 'METHODS.md'), 'utf8');
    expect(md).toMatch(/drugA vs DMSO: \+30\.0% \(95% CI/);
    expect(md).toMatch(/Warning: drugB has only 1 well/);
  });
});

describe('plate heat map data', () => {
  it('one cell per well, mean over ok images, worst flag kept', async () => {
    const f = await writeFixture();
    dirs.push(f.dir);
    const images = parseCsv(await readFile(join(f.dir, 'images.csv'), 'utf8'));
    const qc = parseCsv(await readFile(join(f.dir, 'qc.csv'), 'utf8'));
    const cells = wellCells(images, qc, 'Count_Nuclei');
    expect(cells).toHaveLength(8);
    expect(cells.find((c) => c.row === 'A' && c.column === 1)).toMatchObject({ value: 102, flag: 'ok', images: 2 });
    expect(cells.find((c) => c.row === 'B' && c.column === 4)).toMatchObject({ value: 21, flag: 'excluded', images: 3 });
    expect(cells.find((c) => c.row === 'B' && c.column === 2)).toMatchObject({ value: 101, flag: 'failed' });
    expect(JSON.stringify(plateHeatmapSpec(cells, 'count'))).toContain('"facet"');
  });
  it('histogram bins are equal and count every value', () => {
    const h = histogram([0, 1, 2, 3, 4, 10], 5);
    expect(h.map((b) => b.count)).toEqual([2, 2, 1, 0, 1]);
    expect(h[0]!.start).toBe(0);
    expect(h[4]!.end).toBe(10);
  });
});

const chromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));

describe.skipIf(!chromium)('report.html in headless Chromium', () => {
  it('renders without console errors and the screenshot is not blank', async () => {
    const dir = await fixtureWithPreviews();
    await writeReport(dir);
    const shot = join(dir, 'shot.png');
    let log = '';
    try {
      log = execFileSync(
        chromium!,
        [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--hide-scrollbars',
          '--enable-logging=stderr',
          '--v=0',
          '--window-size=1000,2400',
          `--screenshot=${shot}`,
          `file://${join(dir, 'report.html')}`,
        ],
        { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 },
      );
    } catch (err) {
      const e = err as { stderr?: string; stdout?: string };
      log = `${e.stdout ?? ''}${e.stderr ?? ''}`;
      if (!existsSync(shot)) throw err;
    }
    expect(log).not.toMatch(/CONSOLE.*(error|Uncaught|Failed to load)/i);
    const stats = await sharp(shot).stats();
    // a blank page has (almost) no variation; plots, text and thumbnails do
    expect(Math.max(...stats.channels.map((c) => c.stdev))).toBeGreaterThan(20);
    // the page has coloured plot pixels (viridis heat map, orange/blue dots), not only grey text
    const { data, info } = await sharp(shot).raw().toBuffer({ resolveWithObject: true });
    let coloured = 0;
    for (let i = 0; i < data.length; i += info.channels) {
      const r = data[i]!;
      const g = data[i + 1]!;
      const b = data[i + 2]!;
      if (Math.max(r, g, b) - Math.min(r, g, b) > 60) coloured++;
    }
    expect(coloured).toBeGreaterThan(2000);
  }, 90_000);
});
