import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPlane } from '../../../src/engine/io/read.js';
import { cytoplasm, secondaryObjects, secondaryObjectsDetailed } from '../../../src/engine/measure/compartments.js';
import { measureObjects } from '../../../src/engine/measure/objects.js';
import { tableColumn } from '../../../src/engine/measure/table.js';
import { propagate } from '../../../src/engine/ops/propagate.js';
import type { Labels, Plane } from '../../../src/engine/types.js';
import { BBBC039, hasSharedData } from '../../helpers/shared-data.js';

const W = 40;
const H = 20;
/** Two nuclei (3x3 at x=8 and x=30) in two touching cells: cell A bright over x<22, cell B dim over x>=22. */
function scene(): { nuclei: Labels; cell: Plane } {
  const nd = new Int32Array(W * H);
  const cd = new Uint16Array(W * H).fill(100);
  for (let y = 9; y <= 11; y++) {
    for (let x = 7; x <= 9; x++) nd[y * W + x] = 1;
    for (let x = 29; x <= 31; x++) nd[y * W + x] = 2;
  }
  for (let y = 3; y < 17; y++) for (let x = 2; x < 38; x++) cd[y * W + x] = x < 22 ? 1800 : 900;
  return { nuclei: { width: W, height: H, data: nd, count: 2 }, cell: { width: W, height: H, data: cd, bitDepth: 16 } };
}
const at = (l: Labels, x: number, y: number) => l.data[y * W + x];

describe('secondaryObjects', () => {
  it('propagation follows the intensity edge between cells, not the midpoint between nuclei', () => {
    const { nuclei, cell } = scene();
    const r = secondaryObjectsDetailed(nuclei, cell, { smoothing: 0, threshold: 500 });
    expect(r.method).toBe('propagation');
    // midpoint between the nuclei is x=19; the cells' border is at x=22
    expect(at(r.labels, 20, 10)).toBe(1);
    expect(at(r.labels, 21, 4)).toBe(1);
    expect(at(r.labels, 22, 10)).toBe(2);
    expect(at(r.labels, 1, 10)).toBe(0); // background stays background
    expect(at(r.labels, 8, 10)).toBe(1);
  });

  it('a large lambda makes it a split by distance (Voronoi)', () => {
    const { nuclei, cell } = scene();
    const r = secondaryObjectsDetailed(nuclei, cell, { smoothing: 0, threshold: 500, lambda: 1e6 });
    expect(at(r.labels, 20, 10)).toBe(2); // 9 px from nucleus 2's edge, 11 px from nucleus 1's
    expect(at(r.labels, 18, 10)).toBe(1);
  });

  it('watershed on the cell channel splits at the dim side', () => {
    const { nuclei, cell } = scene();
    const r = secondaryObjectsDetailed(nuclei, cell, { method: 'watershed', smoothing: 0, threshold: 500 });
    expect(at(r.labels, 8, 10)).toBe(1);
    expect(at(r.labels, 35, 10)).toBe(2);
    expect(at(r.labels, 1, 1)).toBe(0);
  });

  it('distance expansion without a cell channel: grows N px, nearer nucleus wins, ids kept', () => {
    const { nuclei } = scene();
    const r = secondaryObjectsDetailed(nuclei, undefined, { distance: 5 });
    expect(r.method).toBe('distance');
    expect(at(r.labels, 14, 10)).toBe(1); // 5 px right of nucleus 1's edge
    expect(at(r.labels, 15, 10)).toBe(0); // 6 px: too far
    expect(at(r.labels, 24, 10)).toBe(2);
    expect(r.labels.count).toBe(2);
  });

  it("accepts the recipe's words 'expand' and 'propagate'", () => {
    const { nuclei, cell } = scene();
    expect(secondaryObjectsDetailed(nuclei, undefined, { method: 'expand', distance: 5 }).method).toBe('distance');
    expect(secondaryObjectsDetailed(nuclei, cell, { method: 'propagate' }).method).toBe('propagation');
  });

  it('refuses propagation without a cell channel, with a fix', () => {
    const { nuclei } = scene();
    expect(() => secondaryObjects(nuclei, undefined, { method: 'propagation' })).toThrow(/need a cell channel/);
  });

  it('is deterministic and does not modify its inputs', () => {
    const { nuclei, cell } = scene();
    const before = nuclei.data.slice();
    const a = secondaryObjects(nuclei, cell);
    const b = secondaryObjects(nuclei, cell);
    expect(a.data).toEqual(b.data);
    expect(nuclei.data).toEqual(before);
  });
});

describe('cytoplasm', () => {
  it('is the cell without its nucleus, numbered as the cell', () => {
    const { nuclei, cell } = scene();
    const cells = secondaryObjects(nuclei, cell, { smoothing: 0, threshold: 500 });
    const cyto = cytoplasm(cells, nuclei);
    expect(at(cyto, 8, 10)).toBe(0);
    expect(at(cyto, 12, 10)).toBe(1);
    let cellA = 0;
    let cytoA = 0;
    for (let i = 0; i < W * H; i++) {
      if (cells.data[i] === 1) cellA++;
      if (cyto.data[i] === 1) cytoA++;
    }
    expect(cytoA).toBe(cellA - 9);
  });

  it('cells report their nucleus as parent and one child', () => {
    const { nuclei, cell } = scene();
    const cells = secondaryObjects(nuclei, cell);
    const t = measureObjects(
      cells,
      { Cell: cell },
      { objectName: 'Cells', parent: { name: 'Nuclei', labels: nuclei }, children: [{ name: 'Nuclei', labels: nuclei }] },
    );
    expect(tableColumn(t, 'Parent_Nuclei')).toEqual([1, 2]);
    expect(tableColumn(t, 'Children_Nuclei_Count')).toEqual([1, 1]);
  });
});

describe('expandLabels', () => {
  it('gives the same cells as spatial-only propagation (chamfer 1/√2 distances)', async () => {
    const { expandLabels } = await import('../../../src/engine/ops/propagate.js');
    const w = 60;
    const h = 40;
    const seeds: Labels = { width: w, height: h, data: new Int32Array(w * h), count: 3 };
    const put = (x: number, y: number, l: number) => (seeds.data[y * w + x] = l);
    put(10, 10, 1);
    put(11, 10, 1);
    put(40, 12, 2);
    put(25, 30, 3);
    const a = expandLabels(seeds, 12);
    const b = propagate(seeds, undefined, undefined, { spatialOnly: true, maxDistance: 12 });
    let differ = 0;
    for (let i = 0; i < w * h; i++) if (a.data[i]! > 0 !== b.data[i]! > 0) differ++;
    expect(differ).toBe(0);
  });
});

describe('propagate', () => {
  it('maxDistance leaves far pixels as background', () => {
    const seeds: Labels = { width: 5, height: 1, data: Int32Array.from([1, 0, 0, 0, 0]), count: 1 };
    expect([...propagate(seeds, undefined, undefined, { spatialOnly: true, maxDistance: 2 }).data]).toEqual([1, 1, 1, 0, 0]);
  });
});

describe.skipIf(!hasSharedData)('compartments on BBBC039 nuclei', () => {
  it('every nucleus gets a cell that contains it; cytoplasm never overlaps a nucleus', async () => {
    const name = readdirSync(join(BBBC039, 'labels')).sort()[0]!;
    const lp = await readPlane(join(BBBC039, 'labels', name));
    const nuclei: Labels = { width: lp.width, height: lp.height, data: Int32Array.from(lp.data), count: 0 };
    for (const v of nuclei.data) if (v > nuclei.count) nuclei.count = v;
    const cells = secondaryObjects(nuclei, undefined, { distance: 8 });
    const cyto = cytoplasm(cells, nuclei);
    let bad = 0;
    for (let i = 0; i < nuclei.data.length; i++) {
      if (nuclei.data[i]! > 0 && cells.data[i] !== nuclei.data[i]) bad++;
      if (nuclei.data[i]! > 0 && cyto.data[i] !== 0) bad++;
    }
    expect(bad).toBe(0);
    const t = measureObjects(cells, {}, { objectName: 'Cells' });
    const tn = measureObjects(nuclei, {});
    expect(t.rows.length).toBe(tn.rows.length);
    const ca = tableColumn(t, 'AreaShape_Area')!;
    const na = tableColumn(tn, 'AreaShape_Area')!;
    expect(ca.every((a, k) => a > na[k]!)).toBe(true);
  });
});
