/**
 * After a complete run (or merge): METHODS.md / methods.json and report.html, so every run
 * leaves its record, as ARCHITECTURE.md asks. A failure here never touches the results: it is
 * reported with what to do, and the exit code says so.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describeError } from '../engine/errors.js';
import type { OutputFolder } from '../engine/results/stats-tables.js';

/**
 * Load the code of the methods record and the report ahead of writeRunRecord (a run calls this
 * when a core has nothing to do). Errors surface later, in writeRunRecord.
 */
export function preloadRunRecord(): Promise<unknown> {
  // not vega, which the figures load on first use: loaded this early, it sat beside the tables
  // worker and DuckDB and raised a 2,000-image-set run's peak memory by 12-15 MB (for 0.15 s).
  // Nor sharp (the thumbnails; 80-100 ms to load at the run's end): preloaded at the start of a
  // 1-worker run, it raised the run's peak from 202-230 to 246-247 MB (200 BBBC039 sets)
  return Promise.all([import('../engine/report/methods.js'), import('../engine/report/index.js')]).catch(() => undefined);
}

/** The line a finished record prints on stdout. */
export const recordWritten = (out: string) => `METHODS.md, methods.json and report.html in ${out}\n`;

/**
 * Write the methods record and the report into `out` (the folder's tables read once for both).
 * `o.run` stands in for run.json (the runner calls this before writing it); `o.quiet`: the
 * caller prints recordWritten itself. Returns false (after saying why) when either failed.
 */
export async function writeRunRecord(
  out: string,
  recipe?: Record<string, unknown>,
  o: { run?: Record<string, unknown>; quiet?: boolean } = {},
): Promise<boolean> {
  const run = o.run;
  let ok = true;
  let folder: OutputFolder | undefined;
  // the figures' worker starts now: it loads vega while this thread writes METHODS.md
  const { startSvgRenderer } = await import('../engine/report/svg-renderer.js');
  const svg = startSvgRenderer();
  try {
    const r = recipe ?? (JSON.parse(await readFile(join(out, 'recipe.json'), 'utf8')) as Record<string, unknown>);
    const { writeMethods } = await import('../engine/report/methods.js');
    const { readOutputFolder } = await import('../engine/results/stats-tables.js');
    folder = await readOutputFolder(out, run ? { run } : {});
    await writeMethods(out, r, {}, { folder });
  } catch (err) {
    ok = false;
    process.stderr.write(`scopepilot: METHODS.md not written: ${describeError(err)}\n  what to do: run \`scopepilot report ${out}\`\n`);
  }
  try {
    const { writeReport } = await import('../engine/report/index.js');
    const rep = await writeReport(out, { svg, ...(folder ? { folder } : {}) });
    for (const n of rep.notes) process.stderr.write(`note: ${n}\n`);
  } catch (err) {
    ok = false;
    process.stderr.write(`scopepilot: report.html not written: ${describeError(err)}\n  what to do: run \`scopepilot report ${out}\`\n`);
  } finally {
    await svg.close();
  }
  if (ok && !o.quiet) process.stdout.write(recordWritten(out));
  return ok;
}
