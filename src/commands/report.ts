/**
 * `scopepilot report OUT`: from a run's output folder, write the statistics at the declared
 * unit (summary.csv, statistics.json), the methods record (METHODS.md, methods.json) and
 * report.html. Reads only; writes only those files into OUT. The engine (and vega) is loaded in
 * the action.
 */
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { UserError } from '../engine/errors.js';

interface Options {
  methods?: boolean;
  seed?: number;
  json?: boolean;
}

function seedArg(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('--seed must be a whole number >= 0');
  return n;
}

async function action(outArg: string, o: Options): Promise<void> {
  const out = resolve(outArg);
  const st = await stat(out).catch(() => undefined);
  if (!st?.isDirectory())
    throw new UserError(`${outArg} is not a folder`, 'give the output folder of a run (the one holding images.csv and recipe.json)');
  const [{ writeReport, writeMethods }, { readJsonFile }, { describeError }] = await Promise.all([
    import('../engine/report/index.js'),
    import('../engine/results/stats-tables.js'),
    import('../engine/errors.js'),
  ]);
  const written: string[] = [];
  const notes: string[] = [];
  if (o.methods !== false) {
    const recipe = await readJsonFile(join(out, 'recipe.json')).catch(() => undefined);
    if (recipe === undefined) notes.push('no recipe.json: METHODS.md was not written');
    else {
      // keep what the wizard knew (blinding, metadata, scan) from the previous record
      const prev = (await readJsonFile(join(out, 'methods.json')).catch(() => undefined)) as
        | { context?: Record<string, unknown> }
        | undefined;
      try {
        await writeMethods(out, recipe as Record<string, unknown>, prev?.context ?? {});
        written.push(join(out, 'METHODS.md'), join(out, 'methods.json'));
      } catch (err) {
        notes.push(`METHODS.md: ${describeError(err)}`);
      }
    }
  }
  const r = await writeReport(out, o.seed !== undefined ? { seed: o.seed } : {});
  written.push(...r.written);
  notes.push(...r.notes);
  if (o.json) {
    process.stdout.write(
      `${JSON.stringify({ written, notes, statistics: r.stats ?? null }, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v))}\n`,
    );
  } else {
    if (r.stats) {
      for (const w of r.stats.warnings) process.stdout.write(`warning: ${w}\n`);
      for (const l of r.stats.lines) process.stdout.write(`${l}\n`);
      if (r.stats.tolerance) process.stdout.write(`\n${r.stats.tolerance}\n\n`);
    }
    for (const n of notes) process.stderr.write(`scopepilot: ${n}\n`);
    for (const w of written) process.stdout.write(`wrote ${w}\n`);
  }
  if (!r.stats) process.exitCode = 1;
}

export function build(): Command {
  return new Command('report')
    .description('Statistics at the unit of comparison, METHODS.md and report.html for a run output folder')
    .argument('<out>', 'output folder of a run (holds images.csv, qc.csv, recipe.json ...)')
    .option('--no-methods', 'do not rewrite METHODS.md / methods.json')
    .option('--seed <n>', 'seed of the bootstrap intervals (default 1)', seedArg)
    .option('--json', 'print the statistics as JSON on stdout')
    .addHelpText(
      'after',
      '\nWrites into OUT: summary.csv (one row per unit), statistics.json, METHODS.md, methods.json, report.html.\nExit code 1 when no statistics could be computed (e.g. images.csv missing).',
    )
    .action(action);
}
