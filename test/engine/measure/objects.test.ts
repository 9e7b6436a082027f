import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { UserError } from '../../../src/engine/errors.js';
import { convexHull, feretDiameters, gridPointsInConvex } from '../../../src/engine/measure/hull.js';
import { measureObjects } from '../../../src/engine/measure/objects.js';
import { tableColumn } from '../../../src/engine/measure/table.js';
import type { Labels, Plane } from '../../../src/engine/types.js';

interface GoldenObject {
  label: number;
  area: number;
  perimeter: number;
  eccentricity: number;
  solidity: number;
  extent: number;
  major_axis_length: number;
  minor_axis_length: number;
  orientation: number;
  equivalent_diameter: number;
  feret_diameter_max_skimage: number;
  feret_max_centres: number;
  feret_min_centres: number;
  centroid_x: number;
  centroid_y: number;
  bbox: [number, number, number, number];
  compactness: number;
  dna: Record<string, number | null>;
  er_mean: number;
  texture_dna_3: Record<string, Record<string, number | null> | null>;
  pearson_dna_er: number | null;
  manders_dna_er: number;
  manders_er_dna: number;
}
const golden = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../golden/measure/objects.json'), 'utf8')) as {
  width: number;
  height: number;
  labels: number[];
  dna: number[];
  er: number[];
  objects: GoldenObject[];
};

const labels: Labels = { width: golden.width, height: golden.height, data: Int32Array.from(golden.labels), count: 11 };
const plane = (v: number[]): Plane => ({ width: golden.width, height: golden.height, data: Uint16Array.from(v), bitDepth: 16 });
const table = measureObjects(labels, { DNA: plane(golden.dna), ER: plane(golden.er) }, { objectName: 'Nuclei' });
const get = (name: string, k: number): number => {
  const c = tableColumn(table, name);
  if (!c) throw new Error(`no column ${name}`);
  return c[k]!;
};

/** Relative-or-absolute closeness with a message naming the object and column. */
function close(name: string, k: number, expected: number | null, tol = 1e-9): void {
  const got = get(name, k);
  if (expected === null) {
    expect(Number.isNaN(got), `${name} of object ${golden.objects[k]!.label}: expected NaN, got ${got}`).toBe(true);
    return;
  }
  const err = Math.abs(got - expected) / Math.max(1, Math.abs(expected));
  expect(err, `${name} of object ${golden.objects[k]!.label}: got ${got}, scikit-image/numpy ${expected}`).toBeLessThan(tol);
}

describe('measureObjects vs scikit-image regionprops (test/golden/measure)', () => {
  it('has one row per label present, ObjectNumber = label value (absent label 10 skipped)', () => {
    expect(tableColumn(table, 'ObjectNumber')).toEqual(golden.objects.map((o) => o.label));
  });

  it('shape columns match regionprops to 1e-9 relative', () => {
    golden.objects.forEach((o, k) => {
      close('AreaShape_Area', k, o.area);
      close('AreaShape_Perimeter', k, o.perimeter);
      // sqrt(1 - l2/l1) turns 1e-16 rounding of a disc's moments into ~1e-8: absolute 1e-7 here.
      close('AreaShape_Eccentricity', k, o.eccentricity, 1e-7);
      close('AreaShape_Solidity', k, o.solidity);
      close('AreaShape_Extent', k, o.extent);
      close('AreaShape_MajorAxisLength', k, o.major_axis_length);
      close('AreaShape_MinorAxisLength', k, o.minor_axis_length);
      close('AreaShape_Orientation', k, (o.orientation * 180) / Math.PI);
      close('AreaShape_EquivalentDiameter', k, o.equivalent_diameter);
      close('AreaShape_Compactness', k, o.compactness);
      close('Location_Center_X', k, o.centroid_x);
      close('Location_Center_Y', k, o.centroid_y);
      close('AreaShape_BoundingBoxMinimum_X', k, o.bbox[0]);
      close('AreaShape_BoundingBoxMinimum_Y', k, o.bbox[1]);
      close('AreaShape_BoundingBoxMaximum_X', k, o.bbox[2]);
      close('AreaShape_BoundingBoxMaximum_Y', k, o.bbox[3]);
      if (o.perimeter > 0) close('AreaShape_FormFactor', k, (4 * Math.PI * o.area) / o.perimeter ** 2);
    });
  });

  it('Feret diameters match rotating calipers on pixel centres; skimage max Feret is at most ~1.5 px larger', () => {
    golden.objects.forEach((o, k) => {
      close('AreaShape_MaxFeretDiameter', k, o.feret_max_centres);
      close('AreaShape_MinFeretDiameter', k, o.feret_min_centres);
      const d = o.feret_diameter_max_skimage - get('AreaShape_MaxFeretDiameter', k);
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThan(1.5);
    });
  });

  it('intensity columns match regionprops/numpy to 1e-9 relative', () => {
    golden.objects.forEach((o, k) => {
      const d = o.dna;
      close('Intensity_IntegratedIntensity_DNA', k, d.integrated!);
      close('Intensity_MeanIntensity_DNA', k, d.mean!);
      close('Intensity_StdIntensity_DNA', k, d.std!);
      close('Intensity_MinIntensity_DNA', k, d.min!);
      close('Intensity_MaxIntensity_DNA', k, d.max!);
      close('Intensity_MedianIntensity_DNA', k, d.median!);
      close('Intensity_LowerQuartileIntensity_DNA', k, d.lq!);
      close('Intensity_UpperQuartileIntensity_DNA', k, d.uq!);
      close('Intensity_MADIntensity_DNA', k, d.mad!);
      close('Location_CenterMassIntensity_X_DNA', k, d.cm_x!);
      close('Location_CenterMassIntensity_Y_DNA', k, d.cm_y!);
      close('Intensity_MassDisplacement_DNA', k, d.mass_displacement!);
      close('Intensity_IntegratedIntensityEdge_DNA', k, d.edge_integrated!);
      close('Intensity_MeanIntensityEdge_DNA', k, d.edge_mean!);
      close('Intensity_StdIntensityEdge_DNA', k, d.edge_std!);
      close('Intensity_MinIntensityEdge_DNA', k, d.edge_min!);
      close('Intensity_MaxIntensityEdge_DNA', k, d.edge_max!);
      close('Intensity_MeanIntensity_ER', k, o.er_mean);
    });
  });

  it('colocalisation: Pearson and Manders per object (NaN for a single pixel)', () => {
    golden.objects.forEach((o, k) => {
      close('Correlation_Pearson_DNA_ER', k, o.pearson_dna_er);
      close('Correlation_Manders_DNA_ER', k, o.manders_dna_er);
      close('Correlation_Manders_ER_DNA', k, o.manders_er_dna);
    });
  });
});

describe('texture (Haralick) vs a numpy co-occurrence matrix', () => {
  it('Contrast, Correlation, Entropy, AngularSecondMoment, InverseDifferenceMoment in four directions', () => {
    golden.objects.forEach((o, k) => {
      for (const [dir, feats] of Object.entries(o.texture_dna_3)) {
        for (const f of ['Contrast', 'Correlation', 'Entropy', 'AngularSecondMoment', 'InverseDifferenceMoment']) {
          const expected = feats ? (feats[f] ?? null) : null;
          close(`Texture_${f}_DNA_3_${dir}_256`, k, expected);
        }
      }
    });
  });
});

describe('measureObjects edge cases', () => {
  it('no objects gives a table with columns and zero rows', () => {
    const empty: Labels = { width: 4, height: 3, data: new Int32Array(12), count: 0 };
    const t = measureObjects(empty, { DNA: { width: 4, height: 3, data: new Uint8Array(12), bitDepth: 8 } });
    expect(t.rows).toHaveLength(0);
    expect(t.columns).toContain('Intensity_MeanIntensity_DNA');
  });

  it('adds µm columns when the pixel size is known, keeping pixel columns', () => {
    const t = measureObjects(labels, {}, { pixelSizeUm: 0.5 });
    const a = tableColumn(t, 'AreaShape_Area')!;
    const aum = tableColumn(t, 'AreaShape_Area_um2')!;
    expect(aum[0]).toBeCloseTo(a[0]! * 0.25, 12);
    expect(tableColumn(t, 'AreaShape_MajorAxisLength_um')![1]).toBeCloseTo(tableColumn(t, 'AreaShape_MajorAxisLength')![1]! * 0.5, 12);
  });

  it('refuses a channel of another size with a fix-it message', () => {
    try {
      measureObjects(labels, { DNA: { width: 3, height: 3, data: new Uint8Array(9), bitDepth: 8 } });
      expect.unreachable();
    } catch (e) {
      expect(String(e)).toMatch(/channel DNA is 3x3 but the labels are 90x72/);
      expect((e as UserError).hint).toMatch(/pair each label image/);
    }
  });

  it('parents and children counts by largest overlap', () => {
    const w = 6;
    const cells: Labels = { width: w, height: 1, data: Int32Array.from([1, 1, 1, 2, 2, 2]), count: 2 };
    const nuclei: Labels = { width: w, height: 1, data: Int32Array.from([0, 1, 0, 0, 2, 3]), count: 3 };
    const tc = measureObjects(cells, {}, { objectName: 'Cells', children: [{ name: 'Nuclei', labels: nuclei }] });
    expect(tableColumn(tc, 'Children_Nuclei_Count')).toEqual([1, 2]);
    const tn = measureObjects(nuclei, {}, { parent: { name: 'Cells', labels: cells } });
    expect(tableColumn(tn, 'Parent_Cells')).toEqual([1, 2, 2]);
  });

  it('rescaleIntensity divides intensities by the container maximum (CellProfiler scale) and leaves shape alone', () => {
    const raw = measureObjects(labels, { DNA: plane(golden.dna) });
    const cp = measureObjects(labels, { DNA: plane(golden.dna) }, { rescaleIntensity: true });
    const a = tableColumn(raw, 'Intensity_MeanIntensity_DNA')!;
    const b = tableColumn(cp, 'Intensity_MeanIntensity_DNA')!;
    a.forEach((v, k) => {
      expect(Math.abs(b[k]! - v / 65535) / (v / 65535)).toBeLessThan(1e-6);
    });
    expect(tableColumn(cp, 'AreaShape_Perimeter')).toEqual(tableColumn(raw, 'AreaShape_Perimeter'));
    expect(tableColumn(cp, 'Texture_Contrast_DNA_3_00_256')).toEqual(tableColumn(raw, 'Texture_Contrast_DNA_3_00_256'));
  });

  it('intensity: false leaves out every intensity statistic and keeps the shape and texture columns as they are', () => {
    const all = measureObjects(labels, { DNA: plane(golden.dna), GFP: plane(golden.dna) });
    const some = measureObjects(labels, { DNA: plane(golden.dna), GFP: plane(golden.dna) }, { intensity: false });
    expect(some.columns.filter((c) => c.includes('Intensity') || c.startsWith('Correlation_'))).toEqual([]);
    expect(some.columns).toEqual(all.columns.filter((c) => !c.includes('Intensity') && !c.startsWith('Correlation_')));
    for (const c of some.columns) expect(tableColumn(some, c)).toEqual(tableColumn(all, c));
  });

  it('does not modify its inputs', () => {
    const before = labels.data.slice();
    measureObjects(labels, { DNA: plane(golden.dna) });
    expect(labels.data).toEqual(before);
  });
});

describe('per-object quartiles and MAD of 8/16-bit channels (counted) equal those of float channels (sorted)', () => {
  it('on objects of 1 to 400 pixels, narrow and wide value ranges, odd and even sizes', () => {
    const w = 90;
    const h = 60;
    const data = new Int32Array(w * h);
    // objects: horizontal strips of different lengths (1, 2, 3, ... pixels), labels 1..n
    let l = 0;
    for (let y = 0; y < h; y += 2) {
      for (let x = 0; x < w; ) {
        const len = 1 + ((x * 7 + y * 3) % 40);
        l++;
        for (let k = 0; k < len && x < w; k++, x++) data[y * w + x] = l;
        x++;
      }
    }
    const labels: Labels = { width: w, height: h, data, count: l };
    let s = 3;
    const u16 = Uint16Array.from({ length: w * h }, (_, i) => {
      s = (s * 48271) % 2147483647;
      return (i % 3 === 0 ? 100 : 2000) + (s % (i % 5 === 0 ? 20000 : 300)); // some objects span > 16,384 levels (sorted)
    });
    const u8 = Uint8Array.from(u16, (v) => v % 256);
    for (const ints of [u16, u8]) {
      const a = measureObjects(labels, { A: { width: w, height: h, data: ints, bitDepth: 16 } }, { texture: false });
      const b = measureObjects(labels, { A: { width: w, height: h, data: Float32Array.from(ints), bitDepth: 32 } }, { texture: false });
      for (const c of ['MedianIntensity', 'LowerQuartileIntensity', 'UpperQuartileIntensity', 'MADIntensity']) {
        expect(tableColumn(a, `Intensity_${c}_A`), c).toEqual(tableColumn(b, `Intensity_${c}_A`));
      }
      expect(a.rows.length).toBe(l);
    }
  });
});

describe('the hulls of Solidity and the Feret diameters', () => {
  it('equal those of every pixel centre and edge midpoint, on random objects with holes, gaps and pieces', () => {
    // the reference: the hull of all points of every pixel (sorted), where measureObjects takes
    // only each row's ends in order
    const w = 48;
    const h = 40;
    let seed = 7;
    const rnd = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    for (let t = 0; t < 30; t++) {
      const data = new Int32Array(w * h);
      // three labels of random pixels in random boxes; label 3 also gets a far-away piece
      for (let l = 1; l <= 3; l++) {
        const x0 = Math.floor(rnd() * (w - 12));
        const y0 = Math.floor(rnd() * (h - 12));
        const bw = 1 + Math.floor(rnd() * 11);
        const bh = 1 + Math.floor(rnd() * 11);
        const fill = 0.3 + 0.7 * rnd();
        for (let y = y0; y < y0 + bh; y++) for (let x = x0; x < x0 + bw; x++) if (rnd() < fill) data[y * w + x] = l;
      }
      for (let i = 0; i < 6; i++) data[Math.floor(rnd() * w * h)] = 3;
      const lab: Labels = { width: w, height: h, data, count: 3 };
      const got = measureObjects(lab, {}, { texture: false });
      const numbers = tableColumn(got, 'ObjectNumber')!;
      numbers.forEach((l, k) => {
        const centres: number[] = [];
        const mids: number[] = [];
        let a = 0;
        let minY = h;
        let maxY = -1;
        for (let i = 0; i < w * h; i++) {
          if (data[i] !== l) continue;
          const x = i % w;
          const y = (i - x) / w;
          a++;
          minY = Math.min(minY, y);
          maxY = Math.max(maxY, y);
          centres.push(x, y);
          mids.push(x - 0.5, y, x + 0.5, y, x, y - 0.5, x, y + 0.5);
        }
        const solidity = a / gridPointsInConvex(convexHull(mids), minY, maxY);
        const fer = feretDiameters(convexHull(centres));
        expect(tableColumn(got, 'AreaShape_Solidity')![k], `case ${t} label ${l}`).toBe(solidity);
        expect(tableColumn(got, 'AreaShape_MaxFeretDiameter')![k], `case ${t} label ${l}`).toBe(fer.max);
        expect(tableColumn(got, 'AreaShape_MinFeretDiameter')![k], `case ${t} label ${l}`).toBe(fer.min);
      });
    }
  });
});
