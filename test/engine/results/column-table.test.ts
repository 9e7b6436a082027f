import { describe, expect, it } from 'vitest';
import { CsvTableReader, parseCsv, tableRows } from '../../../src/engine/results/column-table.js';
import { parseCsv as parseRecords } from '../../../src/engine/results/csv.js';

describe('column table', () => {
  it('gives back every cell of an identifier or metadata column exactly, numbers or not', () => {
    // each column mixes numbers in their shortest form with cells that only look like numbers
    const text =
      'ImageNumber,Metadata_Column,Metadata_Dose,Metadata_Flag,Metadata_Note\n' +
      '1,1,0.30000000000000004,,plain\n' +
      '2,01,1.0,NaN,-0\n' +
      '3,2, 5,1e21,1e+21\n' +
      '4,3,-1.5e-7,Infinity,"x, ""y"""\n';
    const t = parseCsv(text);
    expect(t.columns).toEqual(['ImageNumber', 'Metadata_Column', 'Metadata_Dose', 'Metadata_Flag', 'Metadata_Note']);
    expect(t.length).toBe(4);
    expect(tableRows(t)).toEqual(parseRecords(text).slice(1));
    expect(t.text(1, 1)).toBe('01');
    expect(t.text(1, 2)).toBe('1.0');
    expect(t.text(2, 2)).toBe(' 5');
    expect(t.text(1, 3)).toBe('NaN');
    expect(t.num(1, 2)).toBe(1);
  });

  it('holds a measurement column as numbers: its text is the shortest form', () => {
    const t = parseCsv('ImageNumber,Count_Nuclei,Mean_Area,Note\n1,12,1.0,a\n2,7, 5,\n3,,0.30000000000000004,b\n');
    expect(tableRows(t)).toEqual([
      ['1', '12', '1', 'a'],
      ['2', '7', '5', ''],
      ['3', '', '0.30000000000000004', 'b'],
    ]);
    expect([0, 1, 2].map((i) => t.num(i, 2))).toEqual([1, 5, 0.30000000000000004]);
    // a measurement column with text in it is text, as written
    const u = parseCsv('Id,Value\n1,1.0\n2,n/a\n');
    expect(tableRows(u)).toEqual([
      ['1', '1'],
      ['2', 'n/a'],
    ]);
    expect(u.num(0, 1)).toBe(1);
    expect(u.num(1, 1)).toBeNaN();
  });

  it('reads cells as numbers: NaN when empty or not a number', () => {
    const t = parseCsv('n,s\n1,a\n,2.5\n-3,\n');
    expect([0, 1, 2].map((i) => t.num(i, 0))).toEqual([1, Number.NaN, -3]);
    expect([0, 1, 2].map((i) => t.num(i, 1))).toEqual([Number.NaN, 2.5, Number.NaN]);
    expect(t.text(1, 0)).toBe('');
    // a missing column (findColumn's -1) or row reads as empty
    expect(t.text(0, -1)).toBe('');
    expect(t.num(0, -1)).toBeNaN();
    expect(t.text(0, 7)).toBe('');
    expect(t.text(9, 0)).toBe('');
  });

  it('a column that turns out to be text after many numbers keeps the numbers as written', () => {
    const cells: string[] = [];
    for (let i = 0; i < 1000; i++) cells.push(i % 7 === 0 ? '' : String(i * 0.1));
    cells.push('s1');
    const t = parseCsv(`ImageNumber,Metadata_Site\n${cells.map((c, i) => `${i},${c}\n`).join('')}`);
    expect(t.length).toBe(1001);
    for (let i = 0; i < 1001; i++) expect(t.text(i, 1)).toBe(cells[i]);
    expect(t.num(3, 1)).toBe(0.30000000000000004);
    expect(t.num(1000, 1)).toBeNaN();
  });

  it('repeated text is one string, whatever the number of rows', () => {
    const t = parseCsv('Metadata_Plate,Image_Status\nP1,ok\nP1,ok\nP2,excluded\n');
    expect(t.text(0, 0)).toBe('P1');
    expect(t.text(1, 0)).toBe(t.text(0, 0));
    expect(t.text(2, 1)).toBe('excluded');
  });

  it('reads UTF-8, a BOM, CRLF, empty lines, short rows and a last line without its line end', () => {
    const text = '\ufeffa,"b"\r\n\r\n"µm, ""x""",2\r\nonly\n\n\ufeffz,\n3,"4';
    const t = parseCsv(text);
    expect(t.columns).toEqual(['a', 'b']);
    // a BOM inside the text is a character of its cell, not something to strip
    expect(tableRows(t)).toEqual([
      ['µm, "x"', '2'],
      ['only', ''],
      ['\ufeffz', ''],
      ['3', '4'],
    ]);
    // given in pieces of every size, cut anywhere (inside quotes, between '\r' and '\n'): the same
    for (let size = 1; size <= text.length; size++) {
      const reader = new CsvTableReader();
      for (let k = 0; k < text.length; k += size) reader.push(text.slice(k, k + size));
      const u = reader.end();
      expect(u.columns).toEqual(t.columns);
      expect(tableRows(u), `pieces of ${size}`).toEqual(tableRows(t));
    }
  });

  it("reads a file with '\\r' line ends only, in time linear in its length", () => {
    const rows = Array.from({ length: 200_000 }, (_, i) => `${i},s${i % 7},${i * 0.5}`);
    const t0 = performance.now();
    const t = parseCsv(`ImageNumber,Metadata_Site,Value\r${rows.join('\r')}\r`);
    // searching for a line feed to the end of the text for every row took 8 s here
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(t.length).toBe(200_000);
    expect(t.text(199_999, 1)).toBe('s2');
    expect(t.num(12_345, 2)).toBe(6172.5);
  });

  it('an empty file or a header alone is an empty table', () => {
    expect(parseCsv('').columns).toEqual([]);
    expect(parseCsv('').length).toBe(0);
    const h = parseCsv('a,b\n');
    expect(h.columns).toEqual(['a', 'b']);
    expect(h.length).toBe(0);
  });

  it('agrees with the row parser on random tables', () => {
    // random cells of every kind, including quotes, commas and line breaks inside quotes
    let seed = 7;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const kinds = [
      () => String(Math.round(rnd() * 100)),
      () => String(rnd() * 1e3 - 500),
      () => '',
      () => 'ok',
      () => '"a, ""b"""',
      () => '"x\ny"',
      () => '007',
    ];
    for (let round = 0; round < 20; round++) {
      const cols = 1 + Math.floor(rnd() * 5);
      const kind = Array.from({ length: cols }, () => Math.floor(rnd() * kinds.length));
      const lines = [Array.from({ length: cols }, (_, j) => `Metadata_c${j}`).join(',')];
      for (let i = 0; i < 50; i++)
        lines.push(Array.from({ length: cols }, (_, j) => kinds[rnd() < 0.9 ? kind[j]! : Math.floor(rnd() * kinds.length)]!()).join(','));
      const text = `${lines.join(rnd() < 0.5 ? '\n' : '\r\n')}\n`;
      const rows = parseRecords(text).filter((r) => !(r.length === 1 && r[0] === ''));
      expect(tableRows(parseCsv(text))).toEqual(rows.slice(1));
    }
  });
});
