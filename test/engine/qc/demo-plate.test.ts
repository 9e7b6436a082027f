import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDemoPlate } from '../../../src/engine/dataset/demo.js';
import { type QcFileResult, qcFiles } from '../../../src/engine/measure/qc-files.js';

interface Problem {
  check: string;
  well: string;
  site?: number;
}

/** The demo plate (src/engine/dataset/demo.ts) plants four problems and says where in truth.json. */
describe('QC on the demo plate finds exactly the planted problems', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sp-qc-demo-'));
  let problems: Problem[] = [];
  let results: QcFileResult[] = [];
  beforeAll(async () => {
    await writeDemoPlate(dir, { seed: 1 });
    problems = JSON.parse(readFileSync(join(dir, 'truth.json'), 'utf8')).problems;
    const files = readdirSync(join(dir, 'images'))
      .filter((n) => n.endsWith('.tif'))
      .sort()
      .map((n) => join(dir, 'images', n));
    results = await qcFiles(files);
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const planted = (path: string): Problem | undefined =>
    problems.find((p) => path.includes(`_${p.well}_`) && (p.site === undefined || path.includes(`_s${p.site}_`)));

  it('flags the DNA image of every planted problem with its check', () => {
    const missed = problems.filter((p) => {
      const dna = results.filter((r) => planted(r.path) === p && /_w1/.test(r.path));
      return dna.length === 0 || !dna.every((r) => r.reasons.split(';').includes(p.check));
    });
    expect(missed).toEqual([]);
  });

  it('flags no other image', () => {
    const extra = results.filter((r) => r.level !== 'ok' && !planted(r.path)).map((r) => `${r.path}: ${r.reasons}`);
    expect(extra).toEqual([]);
  });
});
