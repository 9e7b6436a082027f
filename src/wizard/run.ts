/**
 * The wizard's last stage: write recipe.json, run it on every image (or write the SLURM job
 * script), then the methods record and the report. Whatever the engine does not provide is
 * listed as missing, and the recipe and a methods record are still written.
 */

import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describeError } from '../engine/errors.js';
import { writeFileAtomic } from '../engine/io/atomic.js';
import type { WorkOptions } from './engine-api.js';
import type { StepContext } from './fields.js';
import { fallbackMethods } from './methods-fallback.js';
import type { PortFinder, ScanResultPort } from './ports.js';
import { buildRecipe, wizardChoices } from './recipe.js';
import { resolvedValue } from './steps.js';
import type { RunFacts } from './types.js';

export async function runAndRecord(
  ctx: StepContext,
  scan: ScanResultPort,
  out: string,
  w: WorkOptions,
  ports: PortFinder,
): Promise<RunFacts> {
  const findPort = ports.find;
  const mode = String(resolvedValue(ctx, 'run', 'mode')) as RunFacts['mode'];
  const recipe = await buildRecipe(ctx, scan, ports);
  const recipePath = join(out, 'recipe.json');
  await writeFileAtomic(recipePath, `${JSON.stringify(recipe, null, 2)}\n`);
  const lines = [`recipe.json: the exact recipe (${recipe.draft ? 'draft' : 'validated'})`];
  const missing: string[] = [];
  let failed = 0;
  if (recipe.draft) missing.push('the engine recipe module (defaultRecipe/parseRecipe), so recipe.json is a draft');

  if (mode === 'run-now') {
    const runRecipe = await findPort('runRecipe');
    if (!runRecipe) missing.push('the whole-data-set run (runRecipe): no results tables were written');
    else if (!recipe.draft) {
      // one worker per core, fewer when the memory holds fewer (the runner decides)
      const summary = await runRecipe(recipe, { out, resume: true, onProgress: w.onProgress, signal: w.signal });
      failed = Number(summary.failed ?? 0);
      lines.push(
        `results: ${String(summary.done ?? summary.processed ?? '')} image sets analysed${failed ? `, ${failed} failed (failures.csv)` : ''}`,
      );
      // what the run had to say (fewer workers for the memory, image sets resumed, an export that failed)
      for (const n of Array.isArray(summary.notes) ? summary.notes : []) lines.push(`note: ${String(n)}`);
    }
  } else if (mode === 'slurm') {
    const slurm = await findPort('writeSlurmScript');
    if (!slurm) missing.push('the SLURM script writer (writeSlurmScript)');
    else {
      await slurm(recipePath, { out });
      lines.push('slurm/: job scripts; submit with the command printed in slurm/README or `scopepilot slurm --submit`');
    }
  } else lines.push('Not run yet: `scopepilot run recipe.json` when you are ready.');

  const context = {
    wizard: wizardChoices(ctx),
    session: ctx.session,
    scan: ctx.facts.scan?.value,
    pilot: ctx.facts.statistics?.value.summary,
    // the objects step's check against the user's label images, when there were any
    ...(ctx.facts.objects?.value.validation ? { validation: ctx.facts.objects.value.validation } : {}),
  };
  const writeMethods = await findPort('writeMethods');
  let methodsWritten = false;
  if (writeMethods && !recipe.draft) {
    try {
      await writeMethods(out, recipe, context);
      methodsWritten = true;
    } catch (err) {
      missing.push(`the full methods record failed: ${describeError(err)}`);
    }
  } else if (!writeMethods) missing.push('the full methods record (writeMethods); METHODS.md lists the wizard decisions only');
  if (!methodsWritten) await writeFileAtomic(join(out, 'METHODS.md'), fallbackMethods(ctx, new Date().toISOString()));
  lines.push('METHODS.md: what was done, how and why');

  if (mode === 'run-now' && !recipe.draft) {
    const writeReport = await findPort('writeReport');
    if (writeReport) {
      try {
        await writeReport(out);
        lines.push('report.html: plots (open it in a browser)');
      } catch (err) {
        missing.push(`report.html: ${describeError(err)}`);
      }
    } else missing.push('report.html (writeReport)');
  }
  lines.push('previews/: the thumbnails you saw');
  const outputs = (await readdir(out)).filter((n) => !n.startsWith('.')).map((n) => join(out, n));
  const methodsPreview = (await readFile(join(out, 'METHODS.md'), 'utf8')).slice(0, 3000);
  return { mode, lines, outputs, methodsPreview, missing, failed };
}
