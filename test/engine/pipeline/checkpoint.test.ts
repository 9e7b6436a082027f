import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Checkpoint, checkpointObjectCount, objectLines } from '../../../src/engine/pipeline/checkpoint.js';
import { mergeTables } from '../../../src/engine/pipeline/merge.js';
import { csvCell } from '../../../src/engine/results/csv.js';
import { tempFolders } from '../../helpers/tmp.js';

const tmp = tempFolders('sp-cp-');

function checkpoint(n: number, total: number, objects: Pick<Checkpoint, 'objects' | 'objectsCsv'>): Checkpoint {
  return {
    v: objects.objectsCsv ? 2 : 1,
    recipeHash: 'h',
    imageNumber: n,
    total,
    id: `A0${n}_s1`,
    name: `A0${n}_s1`,
    meta: { well: `A0${n}`, site: 1, files: [] },
    files: { DNA: `A0${n}_s1.tif` },
    status: 'ok',
    qc: { metrics: {}, verdicts: [], worst: 'ok' },
    image: { Count_Nuclei: 2 },
    timingsMs: {},
    notes: [],
    ...objects,
  } as Checkpoint;
}

async function tablesOf(cps: Checkpoint[]): Promise<string> {
  const out = await tmp();
  await mkdir(join(out, 'checkpoints'));
  for (const c of cps) await writeFile(join(out, 'checkpoints', `${c.name}.json`), JSON.stringify(c));
  await mergeTables(out);
  return readFile(join(out, 'objects.csv'), 'utf8');
}

describe('checkpoint object lines', () => {
  it('formats values as the result tables do: ObjectNumber first, NaN and missing empty, shortest numbers', () => {
    const o = objectLines({
      columns: ['Area', 'ObjectNumber', 'Mean'],
      rows: [
        [12, 1, 0.1 + 0.2],
        [Number.NaN, 2],
      ],
    });
    expect(o).toEqual({ columns: ['Area', 'Mean'], count: 2, text: '1,12,0.30000000000000004\n2,,\n' });
    // without an ObjectNumber column the objects are numbered 1, 2, ...
    expect(objectLines({ columns: ['Area'], rows: [[5], [-0]] }).text).toBe('1,5\n2,0\n');
  });

  it('gives the same lines from its one-call path (ObjectNumber first, complete rows) as cell by cell', () => {
    const special = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 1e21, 5e-324, 0.1 + 0.2, -123.456];
    const rows: number[][] = [];
    for (let r = 0; r < 200; r++)
      rows.push([r + 1, ...Array.from({ length: 7 }, (_v, c) => (r % 9 === c ? special[c]! : Math.sin(r * 7 + c) * 10 ** (c - 3)))]);
    const columns = ['ObjectNumber', ...Array.from({ length: 7 }, (_v, c) => `M${c}`)];
    const expected = rows.map((row) => `${row.map((v) => csvCell(v)).join(',')}\n`).join('');
    expect(objectLines({ columns, rows }).text).toBe(expected);
    expect(objectLines({ columns: ['ObjectNumber', 'A'], rows: [[1, Number.NaN]] }).text).toBe('1,\n');
    // a short row takes the cell-by-cell path: the missing cells are empty
    expect(
      objectLines({
        columns: ['ObjectNumber', 'A', 'B'],
        rows: [
          [1, 2],
          [2, 3, 4],
        ],
      }).text,
    ).toBe('1,2,\n2,3,4\n');
  });

  it('merges version 1 (numbers) and version 2 (lines) checkpoints into the same objects.csv', async () => {
    const table = {
      columns: ['ObjectNumber', 'Area', 'Mean'],
      rows: [
        [1, 10, 0.5],
        [2, 11, Number.NaN],
      ],
    };
    const v1 = await tablesOf([checkpoint(1, 2, { objects: table }), checkpoint(2, 2, { objects: table })]);
    const v2 = await tablesOf([checkpoint(1, 2, { objectsCsv: objectLines(table) }), checkpoint(2, 2, { objectsCsv: objectLines(table) })]);
    const mixed = await tablesOf([checkpoint(1, 2, { objects: table }), checkpoint(2, 2, { objectsCsv: objectLines(table) })]);
    expect(v1).toBe(
      'ImageNumber,ObjectNumber,Metadata_ImageSet,Metadata_Well,Metadata_Site,Area,Mean\n' +
        '1,1,A01_s1,A01,1,10,0.5\n1,2,A01_s1,A01,1,11,\n2,1,A02_s1,A02,1,10,0.5\n2,2,A02_s1,A02,1,11,\n',
    );
    expect(v2).toBe(v1);
    expect(mixed).toBe(v1);
    expect(checkpointObjectCount(checkpoint(1, 1, { objectsCsv: objectLines(table) }))).toBe(2);
    expect(checkpointObjectCount(checkpoint(1, 1, { objects: table }))).toBe(2);
  });

  it('moves values to their columns when an image set has other columns than the first', async () => {
    const first = objectLines({ columns: ['ObjectNumber', 'Area', 'Mean'], rows: [[1, 10, 0.5]] });
    // columns in another order, one missing and one new
    const second = objectLines({
      columns: ['Extra', 'ObjectNumber', 'Area'],
      rows: [
        [7, 1, 20],
        [8, 2, 21],
      ],
    });
    const csv = await tablesOf([checkpoint(1, 2, { objectsCsv: first }), checkpoint(2, 2, { objectsCsv: second })]);
    expect(csv.split('\n')).toEqual([
      'ImageNumber,ObjectNumber,Metadata_ImageSet,Metadata_Well,Metadata_Site,Area,Mean,Extra',
      '1,1,A01_s1,A01,1,10,0.5,',
      '2,1,A02_s1,A02,1,20,,7',
      '2,2,A02_s1,A02,1,21,,8',
      '',
    ]);
  });
});
