import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { summarise } from '../../../src/engine/results/stats.js';
import { writeFixture } from '../report/fixture.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});
async function fixture() {
  const f = await writeFixture();
  dirs.push(f.dir);
  return f.dir;
}
/** A folder with only images.csv (and optionally qc.csv). */
async function imagesOnly(images: string, qc?: string) {
  const dir = await mkdtemp(join(tmpdir(), 'sp-stats-'));
  dirs.push(dir);
  await writeFile(join(dir, 'images.csv'), images);
  if (qc) await writeFile(join(dir, 'qc.csv'), qc);
  return dir;
}

const Q = { type: 'count', expectedEffectPct: 25, toleratedErrorPct: 5 };

describe('summarise at the well (hand-checked fixture)', () => {
  it('averages sites per well and compares wells: drugA +30% vs DMSO', async () => {
    const r = await summarise(await fixture(), { unit: 'well', question: Q });
    expect(r.measure).toBe('Count_Nuclei');
    expect(r.controls).toEqual(['DMSO']); // from Metadata_control = negative
    expect(r.positiveControls).toEqual(['kill']);
    const dmso = r.conditions.find((c) => c.condition === 'DMSO')!;
    expect(dmso).toMatchObject({ n: 3, mean: 100, sd: 2, role: 'negative control' });
    const a = r.effects.find((e) => e.condition === 'drugA')!;
    expect(a.n).toBe(3);
    expect(a.diff).toBe(30);
    expect(a.pct).toBeCloseTo(30, 10);
    expect(a.hedgesG).toBeCloseTo(12, 10); // 30 / 2 x (1 - 3/15)
    expect(a.welch.t).toBeCloseTo(30 / Math.sqrt(8 / 3), 10);
    expect(a.welch.df).toBeCloseTo(4, 10);
    expect(a.pctCi[0]).toBeGreaterThan(25);
    expect(a.pctCi[1]).toBeLessThan(35);
    expect(a.tooFew).toBe(false);
    // 3 vs 3 wells: the exact permutation test cannot go below p = 0.1, and the line says so
    expect(a.permutation).toEqual({ p: 0.1, exact: true, smallestP: 0.1 });
    expect(r.lines.join('\n')).toMatch(/exact permutation test p = 0\.100 \(the smallest p possible with these units is 0\.100\)/);
    // only one drugB well and one kill well: said plainly
    expect(r.warnings.join('\n')).toMatch(/drugB has only 1 well: too few independent units/);
    expect(r.warnings.join('\n')).toMatch(/Z' needs at least 2 units/);
    expect(r.tolerance).toMatch(/drugA changed Count_Nuclei by \+30\.0% versus DMSO/);
    expect(r.tolerance).toMatch(/lies beyond the expected 25% change/);
    expect(r.tolerance).toMatch(/analysis error was not measured/);
    expect(r.qc.excluded).toEqual(['P1_B04_s3']);
    expect(r.qc.note).toMatch(/1 image set\(s\) excluded at QC were not measured/);
  });

  it('same input and seed give identical intervals (deterministic)', async () => {
    const dir = await fixture();
    const a = await summarise(dir, { question: Q });
    const b = await summarise(dir, { question: Q });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });

  it('image unit warns that fields of a well are not independent', async () => {
    const r = await summarise(await fixture(), { unit: 'image', question: Q });
    expect(r.units).toHaveLength(16);
    expect(r.conditions.find((c) => c.condition === 'DMSO')!.n).toBe(6);
    expect(r.warnings.join('\n')).toMatch(/several images per well are treated as independent/);
  });

  it('object unit uses objects.csv and says it is pseudoreplication', async () => {
    const r = await summarise(await fixture(), { unit: 'object', measure: 'Mean_Nuclei_AreaShape_Area', question: { type: 'size' } });
    expect(r.unit).toBe('object');
    expect(r.conditions.find((c) => c.condition === 'DMSO')!.n).toBe(600);
    expect(r.warnings.join('\n')).toMatch(/pseudoreplication/);
    expect(r.effects.find((e) => e.condition === 'drugA')!.pct).toBeCloseTo(20, 1);
  });

  it('percent of control and robust z, per plate', async () => {
    const dir = await fixture();
    const p = await summarise(dir, { normalisation: 'percent-of-control' });
    expect(p.units.filter((u) => u.condition === 'drugA').map((u) => u.value)).toEqual([132, 128, 130]);
    const z = await summarise(dir, { normalisation: 'robust-z' });
    // control median 100, MAD 2 x 1.4826
    expect(z.effects.find((e) => e.condition === 'drugA')!.diff).toBeCloseTo(30 / (2 * 1.482602218505602), 6);
  });

  it('replicate unit falls back to the well when the plate map has no replicate column', async () => {
    const r = await summarise(await fixture(), { unit: 'replicate' });
    expect(r.unit).toBe('well');
    expect(r.warnings.join('\n')).toMatch(/no replicate column/);
  });
});

describe('controls, Z and QC flags', () => {
  const head = 'ImageNumber,Metadata_Plate,Metadata_Well,Metadata_Condition,Metadata_replicate,Image_Status,Count_Nuclei\n';
  const rows = [
    ['A01', 'neg', 1, 100],
    ['A02', 'neg', 2, 104],
    ['A03', 'neg', 3, 96],
    ['B01', 'pos', 1, 10],
    ['B02', 'pos', 2, 14],
    ['B03', 'pos', 3, 12],
    ['C01', 'drug', 1, 80],
    ['C02', 'drug', 2, 82],
    ['C03', 'drug', 3, 200],
  ] as const;
  const csv = head + rows.map(([w, c, rep, v], i) => `${i + 1},P1,${w},${c},${rep},ok,${v}`).join('\n');

  it("computes Z' from the named positive and negative controls", async () => {
    const r = await summarise(await imagesOnly(csv), { controls: ['neg'], positiveControls: ['pos'] });
    // 1 - 3 (2 + 4) / 88
    expect(r.zPrime!.value).toBeCloseTo(1 - 18 / 88, 12);
    expect(r.zPrime!.verdict).toBe('excellent assay window');
    expect(r.effects.map((e) => e.condition)).toEqual(['drug', 'pos']);
  });

  it('replicate unit averages wells per replicate', async () => {
    const r = await summarise(await imagesOnly(csv), { unit: 'replicate', controls: ['neg'] });
    expect(r.unit).toBe('replicate');
    expect(r.units.filter((u) => u.condition === 'drug').map((u) => u.value)).toEqual([80, 82, 200]);
  });

  it('shows the effect with and without images failing QC that were kept', async () => {
    const qc = `ImageNumber,QC_Worst,QC_Excluded\n${rows.map((_, i) => `${i + 1},${i === 8 ? 'fail' : 'ok'},false`).join('\n')}\n`;
    const r = await summarise(await imagesOnly(csv, qc), { controls: ['neg'] });
    expect(r.qc.flaggedKept).toEqual(['9']);
    const withAll = r.effects.find((e) => e.condition === 'drug')!;
    const without = r.effectsWithoutFlagged!.find((e) => e.condition === 'drug')!;
    expect(withAll.n).toBe(3);
    expect(without.n).toBe(2);
    expect(without.pct).toBeCloseTo(-19, 10);
    expect(r.lines.join('\n')).toMatch(/Without the images failing QC: drug vs neg: -19\.0%/);
  });

  it('flags a well far from the others of its condition (a problem QC missed)', async () => {
    const w = [100, 104, 96, 101, 160].map((v, i) => `${i + 1},P1,A0${i + 1},neg,1,ok,${v}`).join('\n');
    const r = await summarise(await imagesOnly(head + w), { controls: ['neg'] });
    expect(r.outliers.map((o) => o.id)).toEqual(['P1/A05']);
    expect(r.warnings.join('\n')).toMatch(/P1\/A05 \(neg\) lies far from the other wells of its condition \(robust z 13\.3\)/);
  });

  it('says no effects can be computed without controls', async () => {
    const r = await summarise(await imagesOnly(csv), {});
    expect(r.effects).toEqual([]);
    expect(r.warnings.join('\n')).toMatch(/no control condition is known/);
  });

  it('judges resolution: enough units and small error -> can resolve; large error -> cannot', async () => {
    const dir = await imagesOnly(csv);
    const ok = await summarise(dir, {
      controls: ['neg'],
      positiveControls: ['pos'],
      question: { expectedEffectPct: 90, toleratedErrorPct: 5 },
      analysisErrorPct: 3,
    });
    expect(ok.tolerance).toMatch(/measured analysis error \(3\.0%, against hand-made labels\) is within the tolerated 5%/);
    const bad = await summarise(dir, {
      controls: ['neg'],
      positiveControls: ['pos'],
      question: { expectedEffectPct: 10, toleratedErrorPct: 5 },
      analysisErrorPct: 8,
    });
    expect(bad.tolerance).toMatch(
      /cannot reliably resolve the expected 10% change \(too few units for the variability; analysis error above the tolerance\)/,
    );
    expect(bad.power!.neededForExpected).toBeGreaterThan(3);
  });
});
