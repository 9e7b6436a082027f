/**
 * End to end on the demo plate: run the default recipe (size question) with the real runner,
 * then the methods record and the report. The demo plants nuclei 20% larger in the treated
 * wells (truth.json), so the effect must be found at the well level.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeDemoPlate } from '../../../src/engine/dataset/demo.js';
import { scanFolder } from '../../../src/engine/dataset/scan.js';
import { defaultRecipe } from '../../../src/engine/pipeline/default.js';
import { parseRecipe } from '../../../src/engine/pipeline/recipe.js';
import { runRecipe } from '../../../src/engine/pipeline/run.js';
import { writeReport } from '../../../src/engine/report/index.js';
import { writeMethods } from '../../../src/engine/report/methods.js';
import { recipeParameters } from '../../../src/engine/report/params.js';

const tmp = mkdtempSync(join(tmpdir(), 'sp-demo-report-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('demo plate: run, methods, report', () => {
  it('finds the planted 20% larger nuclei and records every parameter and checklist item', async () => {
    const info = await writeDemoPlate(join(tmp, 'demo'));
    const scan = await scanFolder(info.dir, { plateMap: info.plateMap });
    const base = defaultRecipe(scan as Parameters<typeof defaultRecipe>[0], { question: 'size' });
    const recipe = parseRecipe({
      ...base,
      input: { ...base.input, plateMap: info.plateMap },
      outputs: { ...base.outputs, parquet: false, duckdb: false },
    });
    const out = join(tmp, 'out');
    const summary = await runRecipe(recipe, { out, workers: 1 });
    expect(summary.complete).toBe(true);
    const { md, json } = await writeMethods(out, recipe, {});
    for (const p of recipeParameters(recipe)) expect(md, p.path).toContain(`\`${p.path}\``);
    for (const c of json.checklist) expect(md).toContain(c.item);
    expect(json.checklist.length).toBeGreaterThanOrEqual(24);
    const r = await writeReport(out);
    const eff = r.stats!.effects.find((e) => e.condition !== 'DMSO')!;
    expect(r.stats!.measure).toBe('Mean_Nuclei_AreaShape_Area');
    expect(r.stats!.unit).toBe('well');
    expect(r.stats!.controls).toEqual(['DMSO']);
    // planted: +20% area; the interval must contain a large increase and exclude no change
    expect(eff.pct).toBeGreaterThan(10);
    expect(eff.pct).toBeLessThan(35);
    expect(eff.pctCi[0]).toBeGreaterThan(0);
    const html = await readFile(join(out, 'report.html'), 'utf8');
    expect(html.match(/<svg/g)?.length).toBe(4);
    // QC thumbnails rendered from the source images: the 5 excluded fields (planted problems:
    // blurred - excluded against the rest of the plate -, saturated, debris, and the empty well's
    // two sites), the images of any well flagged as a statistical outlier, and 4 passing fields
    const outlierImages = 2 * r.stats!.outliers.length;
    const flagged = html.match(/class="thumb flagged"/g)?.length ?? 0;
    expect(flagged).toBeGreaterThanOrEqual(5);
    expect(flagged).toBeLessThanOrEqual(5 + outlierImages);
    if (outlierImages) expect(html).toMatch(/outlier among the wells of DMSO|outlier among the wells of compound-X/);
    expect(html.match(/class="thumb"/g)?.length).toBe(4);
    expect(md).toContain(`${eff.condition} vs DMSO`);
  }, 120_000);
});
