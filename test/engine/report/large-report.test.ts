import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_PLATES_DRAWN, plateSummaries, platesToDraw, type WellCell } from '../../../src/engine/report/charts.js';
import { writeReport } from '../../../src/engine/report/index.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

const cell = (plate: string, flag: string): WellCell => ({ plate, row: 'A', column: 1, value: 1, condition: '', flag, images: 1 });

describe('plates drawn in the heat map', () => {
  it('all plates up to the limit, in their order', () => {
    const cells = ['P2', 'P1'].flatMap((p) => [cell(p, 'ok'), cell(p, 'warn')]);
    expect(platesToDraw(cells)).toEqual({ cells, plates: 2, left: 0 });
  });
  it('past the limit, the plates with the most flagged wells, then by name', () => {
    const cells: WellCell[] = [];
    for (let p = 1; p <= 6; p++)
      for (let w = 0; w < 4; w++) cells.push(cell(`P${p}`, (p === 5 && w < 2) || (p === 6 && w < 1) ? 'fail' : 'ok'));
    const d = platesToDraw(cells, 3);
    expect(d.plates).toBe(6);
    expect(d.left).toBe(3);
    expect([...new Set(d.cells.map((c) => c.plate))]).toEqual(['P1', 'P5', 'P6']);
    expect(d.cells).toHaveLength(12);
  });
});

describe('plates summarised', () => {
  it("each plate's median well, middle half and flagged wells, in plate order", () => {
    const cells: WellCell[] = [1, 2, 3, 4, 5].map((v) => ({ ...cell('P2', v === 5 ? 'warn' : 'ok'), value: v }));
    cells.unshift({ ...cell('P10', 'ok'), value: 7 }, { ...cell('P1', 'ok'), value: null });
    expect(plateSummaries(cells)).toEqual([
      { plate: 'P2', median: 3, q1: 2, q3: 4, wells: 5, flagged: 1 },
      { plate: 'P10', median: 7, q1: 7, q3: 7, wells: 1, flagged: 0 },
    ]);
  });
});

describe('report of a screen', () => {
  it('draws a box per condition past 2,000 wells and the plates that need a look', async () => {
    // 24 plates of 96 wells, one image each: 2,304 wells; plates P20 and P22 have flagged wells
    const dir = await mkdtemp(join(tmpdir(), 'sp-large-report-'));
    dirs.push(dir);
    const images = ['ImageNumber,Metadata_ImageSet,Metadata_Plate,Metadata_Well,Metadata_Condition,Image_Status,Count_Nuclei'];
    const qc = ['ImageNumber,Metadata_ImageSet,QC_Worst,QC_Checks,QC_Excluded,QC_Reason'];
    let n = 0;
    for (let p = 1; p <= 24; p++)
      for (let r = 0; r < 8; r++)
        for (let c = 1; c <= 12; c++) {
          n++;
          const plate = `P${String(p).padStart(2, '0')}`;
          const well = `${'ABCDEFGH'[r]}${String(c).padStart(2, '0')}`;
          const id = `${plate}_${well}`;
          const warn = (p === 20 && c <= 3 && r === 0) || (p === 22 && c === 1 && r === 0);
          images.push(`${n},${id},${plate},${well},${c <= 6 ? 'DMSO' : 'drug'},ok,${100 + ((n * 37) % 50)}`);
          qc.push(`${n},${id},${warn ? 'warn' : 'ok'},${warn ? 'focus:warn' : ''},0,`);
        }
    await writeFile(join(dir, 'images.csv'), `${images.join('\n')}\n`);
    await writeFile(join(dir, 'qc.csv'), `${qc.join('\n')}\n`);
    const r = await writeReport(dir);
    expect(r.stats?.units).toHaveLength(2304);
    const html = await readFile(join(dir, 'report.html'), 'utf8');
    expect(html).toContain('2304 wells, one box per condition');
    expect(html).toContain(`${MAX_PLATES_DRAWN} of the 24 plates are drawn`);
    const plate = html.slice(html.indexOf('Plate map'));
    const svg = plate.slice(plate.indexOf('<svg'), plate.indexOf('</svg>'));
    for (const p of ['P01', 'P14', 'P20', 'P22']) expect(svg).toContain(`>${p}</text>`);
    for (const p of ['P15', 'P16', 'P24']) expect(svg).not.toContain(`>${p}</text>`);
    // and a figure of every plate, so the ones left out of the map still show
    const plates = html.slice(html.indexOf('<h2 id="plates">Plates</h2>'));
    expect(html).toContain('<h2 id="plates">Plates</h2>');
    expect(plates).toContain('All 24 plates, in order');
    const all = plates.slice(plates.indexOf('<svg'), plates.indexOf('</svg>'));
    for (const p of ['P01', 'P15', 'P16', 'P24']) expect(all).toContain(`>${p}</text>`);
  }, 60_000);
});
