/**
 * After a complete run (or merge): METHODS.md / methods.json and report.html, so every run
 * leaves its record, as ARCHITECTURE.md asks. A failure here never touches the results: it is
 * reported with what to do, and the exit code says so.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describeError } from '../engine/errors.js';

/**
 * Load the code of the methods record and the report ahead of writeRunRecord (a run calls this
 * while its tables are written in another thread). Errors surface later, in writeRunRecord.
 */
export function preloadRunRecord(): Promise<unknown> {
  return Promise.all([import('../engine/report/methods.js'), import('../engine/report/index.js')]).catch(() => undefined);
}

/** Write the methods record and the report into `out`. Returns false (after saying why) when either failed. */
export async function writeRunRecord(out: string, recipe?: Record<string, unknown>): Promise<boolean> {
  let ok = true;
  try {
    const r = recipe ?? (JSON.parse(await readFile(join(out, 'recipe.json'), 'utf8')) as Record<string, unknown>);
    const { writeMethods } = await import('../engine/report/methods.js');
    await writeMethods(out, r, {});
  } catch (err) {
    ok = false;
    process.stderr.write(`scopepilot: METHODS.md not written: ${describeError(err)}\n  what to do: run \`scopepilot report ${out}\`\n`);
  }
  try {
    const { writeReport } = await import('../engine/report/index.js');
    const rep = await writeReport(out);
    for (const n of rep.notes) process.stderr.write(`note: ${n}\n`);
  } catch (err) {
    ok = false;
    process.stderr.write(`scopepilot: report.html not written: ${describeError(err)}\n  what to do: run \`scopepilot report ${out}\`\n`);
  }
  if (ok) process.stdout.write(`METHODS.md, methods.json and report.html in ${out}\n`);
  return ok;
}
