import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  aggregateObjects,
  formatCsv,
  parseCsv,
  readObjectColumn,
  readOutputFolder,
  tableRows,
} from '../../../src/engine/results/stats-tables.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

describe('CSV', () => {
  it('parses quotes, doubled quotes, commas and newlines in quotes, CRLF and a BOM', () => {
    const t = parseCsv('\ufeffa,b,c\r\n1,"x, ""y""",3\r\n2,"two\nlines",\n');
    expect(t.columns).toEqual(['a', 'b', 'c']);
    expect(tableRows(t)).toEqual([
      ['1', 'x, "y"', '3'],
      ['2', 'two\nlines', ''],
    ]);
  });
  it('with keep, gives the cells of the other columns as empty, on every row shape', () => {
    const text = '\nId,ImageQuality_Focus_w1,"QC_Reason",ImageQuality_Snr_w1\r\n1,0.5,"empty, dark",7\n2,"9",ok\n3,1,"two\nlines",4,extra';
    const keep = (c: string) => !c.startsWith('ImageQuality_');
    const t = parseCsv(text, keep);
    expect(t.columns).toEqual(['Id', 'ImageQuality_Focus_w1', 'QC_Reason', 'ImageQuality_Snr_w1']);
    // a cell past the header's last column has no name: it is not kept
    expect(tableRows(t)).toEqual([
      ['1', '', 'empty, dark', ''],
      ['2', '', 'ok', ''],
      ['3', '', 'two\nlines', ''],
    ]);
    // the same as parsing everything and blanking those columns
    const all = parseCsv(text);
    expect(tableRows(t)).toEqual(tableRows(all).map((r) => r.map((v, j) => (!keep(all.columns[j]!) ? '' : v))));
  });
  it('formatCsv round-trips through parseCsv', () => {
    const rows = [['P1/A01', 'drug, 10 µM', 3.5, '', 'say "hi"']];
    const text = formatCsv(['Id', 'Condition', 'Value', 'Empty', 'Note'], rows);
    expect(tableRows(parseCsv(text))).toEqual([['P1/A01', 'drug, 10 µM', '3.5', '', 'say "hi"']]);
  });
});

describe('objects.csv streaming', () => {
  it('aggregates per image (count and means of numeric columns) and reads one column', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sp-tables-'));
    dirs.push(dir);
    await writeFile(
      join(dir, 'objects.csv'),
      'ImageNumber,ObjectNumber,Metadata_Well,AreaShape_Area,Intensity_MeanIntensity_w2\n1,1,A01,10,100\n1,2,A01,20,\n2,1,"B,02",30,300\n',
    );
    const agg = (await aggregateObjects(join(dir, 'objects.csv')))!;
    expect(agg.columns).toEqual(['AreaShape_Area', 'Intensity_MeanIntensity_w2']);
    expect(agg.perImage.get('1')).toEqual({ n: 2, means: [15, 100] });
    expect(agg.perImage.get('2')).toEqual({ n: 1, means: [30, 300] });
    expect(Array.from(agg.areas!)).toEqual([10, 20, 30]);
    const col = (await readObjectColumn(join(dir, 'objects.csv'), 'Intensity_MeanIntensity_w2'))!;
    expect(col.image).toEqual(['1', '2']);
    expect(Array.from(col.values)).toEqual([100, 300]);
    // the values only (the report's size histogram): the same values, no ImageNumber per object
    const areas = (await readObjectColumn(join(dir, 'objects.csv'), 'AreaShape_Area', { images: false }))!;
    expect(areas.image).toEqual([]);
    expect(Array.from(areas.values)).toEqual([10, 20, 30]);
    expect(await readObjectColumn(join(dir, 'objects.csv'), 'Nope')).toBeUndefined();
    expect((await readOutputFolder(dir)).objects).toBeUndefined();
    expect((await readOutputFolder(dir, { objects: true })).objects?.total).toBe(3);
  });
});
