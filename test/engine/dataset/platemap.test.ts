import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { joinPlateMap, parseCsv, readPlateMap, writePlateMapTemplate } from '../../../src/engine/dataset/platemap.js';
import type { ImageSet } from '../../../src/engine/types.js';

const tmp = mkdtempSync(join(tmpdir(), 'sp-pm-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const csv = (name: string, text: string) => {
  const p = join(tmp, name);
  writeFileSync(p, text);
  return p;
};
const set = (well: string, plate = 'P1'): ImageSet => ({
  id: `${well}_s1`,
  channels: { w1: `/x/${well}.tif` },
  meta: { plate, well, row: well[0]!, column: Number(well.slice(1)), site: 1, files: [] },
});

describe('plate maps', () => {
  it('parses quotes, doubled quotes, CRLF, BOM and semicolons', () => {
    expect(parseCsv('\uFEFFa;b\r\n"x;1";"say ""hi"""\r\n')).toEqual([
      ['a', 'b'],
      ['x;1', 'say "hi"'],
    ]);
  });

  it('reads Metadata_Well or Well, normalises A1 to A01 and finds the condition column', async () => {
    const m = await readPlateMap(csv('a.csv', 'Well,Treatment,dose\nA1,DMSO,0\nb12,drug,10\n'));
    expect([...m.rows.keys()].map((k) => k.replace('\u0000', '|'))).toEqual(['|A01', '|B12']);
    expect(m.conditionColumn).toBe('Treatment');
    expect(m.columns).toEqual(['Treatment', 'dose']);
  });

  it('gives errors a user can act on, naming the file and line', async () => {
    await expect(readPlateMap(join(tmp, 'missing.csv'))).rejects.toThrow(/missing\.csv not found/);
    await expect(readPlateMap(csv('b.csv', 'position,condition\nA01,x\n'))).rejects.toThrow(
      /has no well column \(found columns: position, condition\)/,
    );
    await expect(readPlateMap(csv('c.csv', 'Metadata_Well,condition\nA01,x\nZZ9,y\n'))).rejects.toThrow(
      /c\.csv, line 3: "ZZ9" is not a well name/,
    );
    await expect(readPlateMap(csv('d.csv', 'Metadata_Well,condition\nA01,x\nA1,y\n'))).rejects.toThrow(/line 3: well A01 is listed twice/);
    await expect(readPlateMap(csv('e.csv', ''))).rejects.toThrow(/is empty/);
  });

  it('joins conditions and columns into image sets and reports wells on one side only', async () => {
    const m = await readPlateMap(csv('f.csv', 'Metadata_Well,condition,control\nA01,DMSO,yes\nA02,drug,no\nA03,drug,no\n'));
    const { imageSets, problems } = joinPlateMap([set('A01'), set('A02'), set('B01')], m);
    expect(imageSets[0]!.meta).toMatchObject({ condition: 'DMSO', extra: { control: 'yes' } });
    expect(imageSets[0]!.meta.extra!.condition).toBeUndefined();
    expect(imageSets[2]!.meta.condition).toBeUndefined();
    expect(problems.map((p) => [p.code, p.examples])).toEqual([
      ['platemap-unmatched', ['B01']],
      ['missing-well', ['A03']],
    ]);
  });

  it('with a plate column, joins per plate', async () => {
    const m = await readPlateMap(csv('g.csv', 'Metadata_Plate,Metadata_Well,condition\nP1,A01,x\nP2,A01,y\n'));
    const { imageSets } = joinPlateMap([set('A01', 'P1'), set('A01', 'P2')], m);
    expect(imageSets.map((s) => s.meta.condition)).toEqual(['x', 'y']);
  });

  it('the template lists every well once, in plate order, and reads back', async () => {
    const out = join(tmp, 'tpl.csv');
    const n = await writePlateMapTemplate({ imageSets: [set('B01'), set('A02'), set('A02'), set('A10')], plates: ['P1'] }, out);
    expect(n).toBe(3);
    expect(readFileSync(out, 'utf8')).toBe('Metadata_Well,condition,treatment,dose,replicate,control\nA02,,,,,\nA10,,,,,\nB01,,,,,\n');
    expect((await readPlateMap(out)).rows.size).toBe(3);
  });
});
