import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CsvWriter, csvLine, parseCsv } from '../../../src/engine/results/csv.js';
import { exportTables } from '../../../src/engine/results/export.js';
import { rng } from '../../../src/engine/results/stats-math.js';
import { tempFolders } from '../../helpers/tmp.js';

const tmp = tempFolders('sp-results-');

describe('CSV', () => {
  it('quotes what needs quoting, writes missing numbers as empty cells, and reads back', () => {
    const line = csvLine([1, 0.1 + 0.2, Number.NaN, 'a,b', 'say "hi"', true, undefined, 'line\nbreak']);
    expect(line).toBe('1,0.30000000000000004,,"a,b","say ""hi""",1,,"line\nbreak"\n');
    expect(parseCsv(line)).toEqual([['1', '0.30000000000000004', '', 'a,b', 'say "hi"', '1', '', 'line\nbreak']]);
  });

  it('reads back what a character-by-character RFC 4180 reader reads, whatever the quotes and line ends', () => {
    // the reference: one character at a time, as the parser was first written
    const reference = (text: string): string[][] => {
      const rows: string[][] = [];
      let row: string[] = [];
      let cell = '';
      let quoted = false;
      for (let i = 0; i < text.length; i++) {
        const ch = text[i]!;
        if (quoted) {
          if (ch !== '"') cell += ch;
          else if (text[i + 1] === '"') {
            cell += '"';
            i++;
          } else quoted = false;
        } else if (ch === '"') quoted = true;
        else if (ch === ',' || ch === '\n' || ch === '\r') {
          row.push(cell);
          cell = '';
          if (ch !== ',') {
            if (ch === '\r' && text[i + 1] === '\n') i++;
            rows.push(row);
            row = [];
          }
        } else cell += ch;
      }
      if (cell !== '' || row.length) rows.push([...row, cell]);
      return rows;
    };
    const next = rng(7);
    const alphabet = ['a', 'bc', '1.5', ',', ',', '"', '""', '\n', '\r', '\r\n', ' ', 'µ'];
    for (let k = 0; k < 3000; k++) {
      let text = '';
      const len = Math.floor(next() * 24);
      for (let j = 0; j < len; j++) text += alphabet[Math.floor(next() * alphabet.length)];
      expect(parseCsv(text), JSON.stringify(text)).toEqual(reference(text));
    }
    expect(parseCsv('a,"b ""q"", c"\r\n1,\n')).toEqual([
      ['a', 'b "q", c'],
      ['1', ''],
    ]);
  });

  it('streams a long table to a temporary name and renames it only when complete', async () => {
    const dir = await tmp();
    const path = join(dir, 'objects.csv');
    const w = await CsvWriter.open(path, ['ImageNumber', 'Metadata_Well', 'AreaShape_Area']);
    for (let i = 0; i < 20000; i++) await w.write([i + 1, `A${i % 12}`, i * 1.5]);
    await expect(readFile(path)).rejects.toThrow(); // not there until closed
    await w.close();
    const rows = parseCsv(await readFile(path, 'utf8'));
    expect(rows).toHaveLength(20001);
    expect(rows[20000]).toEqual(['20000', 'A7', '29998.5']);
    expect([...w.textColumns]).toEqual([1]);
  });
});

describe('exportTables', () => {
  it('writes typed Parquet and a DuckDB database with a per-well summary a user can query', async () => {
    const dir = await tmp();
    await writeFile(join(dir, 'objects.csv'), 'ImageNumber,ObjectNumber,Metadata_Well,AreaShape_Area\n1,1,A01,10\n1,2,A01,\n2,1,A02,30\n');
    await writeFile(
      join(dir, 'images.csv'),
      'ImageNumber,Metadata_Well,Image_Status,Count_Nuclei\n1,A01,ok,2\n2,A02,ok,1\n3,A02,failed,\n',
    );
    const written = await exportTables(dir, {
      parquet: true,
      duckdb: true,
      columns: {
        objects: ['ImageNumber', 'ObjectNumber', 'Metadata_Well', 'AreaShape_Area'],
        images: ['ImageNumber', 'Metadata_Well', 'Image_Status', 'Count_Nuclei'],
      },
    });
    expect(written.map((p) => p.slice(dir.length + 1))).toEqual(['objects.parquet', 'results.duckdb']);
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const db = await DuckDBInstance.create(join(dir, 'results.duckdb'));
    const con = await db.connect();
    const wells = (
      await con.runAndReadAll('select Metadata_Well, Images, ImagesAnalysed, Count_Nuclei from well_summary')
    ).getRowObjectsJson();
    expect(wells).toEqual([
      { Metadata_Well: 'A01', Images: '1', ImagesAnalysed: '1', Count_Nuclei: 2 },
      { Metadata_Well: 'A02', Images: '2', ImagesAnalysed: '1', Count_Nuclei: 1 },
    ]);
    const pq = (
      await con.runAndReadAll(
        `select typeof(ImageNumber) t1, typeof(AreaShape_Area) t2, count(AreaShape_Area) n from '${join(dir, 'objects.parquet')}' group by all`,
      )
    ).getRowObjectsJson();
    expect(pq).toEqual([{ t1: 'BIGINT', t2: 'DOUBLE', n: '2' }]);
    con.closeSync();
    db.closeSync();
  });

  it('exports quoted text (commas, quotes, line breaks) and CRLF files cell for cell (the dialect is given, not sniffed)', async () => {
    const dir = await tmp();
    const reason = 'cannot read "A01.tif", it is truncated\nrewrite it';
    await writeFile(join(dir, 'failures.csv'), `ImageNumber,Stage,Reason\n1,read,"${reason.replace(/"/g, '""')}"\n2,qc,"a, b"\n`);
    await writeFile(join(dir, 'images.csv'), 'ImageNumber,Metadata_Well,Image_Status,Count_Nuclei\r\n1,A01,ok,3\r\n2,"A,02",failed,\r\n');
    await exportTables(dir, {
      parquet: false,
      duckdb: true,
      columns: { failures: ['ImageNumber', 'Stage', 'Reason'], images: ['ImageNumber', 'Metadata_Well', 'Image_Status', 'Count_Nuclei'] },
    });
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const db = await DuckDBInstance.create(join(dir, 'results.duckdb'));
    const con = await db.connect();
    const failures = (await con.runAndReadAll('select ImageNumber::INT n, Stage, Reason from failures order by 1')).getRowObjectsJson();
    const images = (
      await con.runAndReadAll('select ImageNumber::INT n, Metadata_Well, Image_Status, Count_Nuclei from images order by 1')
    ).getRowObjectsJson();
    con.closeSync();
    db.closeSync();
    expect(failures).toEqual([
      { n: 1, Stage: 'read', Reason: reason },
      { n: 2, Stage: 'qc', Reason: 'a, b' },
    ]);
    expect(images).toEqual([
      { n: 1, Metadata_Well: 'A01', Image_Status: 'ok', Count_Nuclei: 3 },
      { n: 2, Metadata_Well: 'A,02', Image_Status: 'failed', Count_Nuclei: null },
    ]);
  });

  it('starts again with more memory when DuckDB runs out (wide tables), and leaves no temporary files', async () => {
    const dir = await tmp();
    const cols = ['ImageNumber', 'ObjectNumber', ...Array.from({ length: 60 }, (_, i) => `Intensity_${i}`)];
    let text = `${cols.join(',')}\n`;
    for (let r = 0; r < 5000; r++)
      text += `${1 + (r >> 8)},${1 + (r & 255)},${cols
        .slice(2)
        .map((_c, i) => Math.sin(r + i))
        .join(',')}\n`;
    await writeFile(join(dir, 'objects.csv'), text);
    // 1 MB is too little for this table (DuckDB allocates 4 MB blocks): it works only by the retry
    const written = await exportTables(dir, { parquet: true, duckdb: true, columns: { objects: cols }, memoryLimitMb: 1 });
    expect(written.map((p) => p.slice(dir.length + 1))).toEqual(['objects.parquet', 'results.duckdb']);
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const db = await DuckDBInstance.create(join(dir, 'results.duckdb'));
    const con = await db.connect();
    const n = (await con.runAndReadAll(`select count(*)::INT n, sum(Intensity_59) s from objects`)).getRowObjectsJson();
    con.closeSync();
    db.closeSync();
    let sum = 0;
    for (let r = 0; r < 5000; r++) sum += Math.sin(r + 59);
    expect(n[0]!.n).toBe(5000);
    expect(n[0]!.s as number).toBeCloseTo(sum, 9);
    const { readdir } = await import('node:fs/promises');
    expect((await readdir(dir)).filter((f) => f.startsWith('.tmp'))).toEqual([]);
  });
});
