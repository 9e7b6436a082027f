/**
 * `scopepilot merge [SHARD_DIR...] --out DIR`: combine the checkpoints of shard runs into the
 * result tables a single run gives (images.csv, objects.csv/.parquet, qc.csv, failures.csv,
 * results.duckdb). Without SHARD_DIRs, merges DIR itself (all shards wrote there, e.g. SLURM).
 * Exit code 1 when image sets are missing or failed.
 */
import { resolve } from 'node:path';
import { Command } from 'commander';

async function action(dirs: string[], o: { out: string; json?: boolean; report?: boolean }): Promise<void> {
  const out = resolve(o.out);
  const { describeMergeStep, mergeInWorker } = await import('../engine/pipeline/merge.js');
  const m = await mergeInWorker(out, dirs.length ? dirs : [out], {}, (step) => process.stderr.write(`merge: ${describeMergeStep(step)}\n`));
  if (o.json) process.stdout.write(`${JSON.stringify({ ...m.counts, complete: m.complete, outputs: m.outputs, notes: m.notes })}\n`);
  else {
    for (const n of m.notes) process.stderr.write(`note: ${n}\n`);
    process.stdout.write(
      `merged ${m.index.merged} of ${m.index.total} image sets: ${m.counts.ok} analysed, ${m.counts.excluded} excluded, ` +
        `${m.counts.failed} failed, ${m.counts.objects} objects -> ${out}\n`,
    );
  }
  const { writeFileAtomic } = await import('../engine/io/atomic.js');
  const { VERSION } = await import('../version.js');
  await writeFileAtomic(
    `${out}/merge.json`,
    `${JSON.stringify({ scopepilot: VERSION, sources: dirs.length ? dirs.map((d) => resolve(d)) : [out], complete: m.complete, total: m.index.total, merged: m.index.merged, ...m.counts, notes: m.notes, finishedAt: new Date().toISOString() }, null, 2)}\n`,
  );
  if (!m.complete || m.counts.failed > 0 || m.exportError) process.exitCode = 1;
  if (m.complete && o.report !== false) {
    process.stderr.write('merge: writing the methods record and the report (METHODS.md, report.html)\n');
    const { writeRunRecord } = await import('./run-record.js');
    if (!(await writeRunRecord(out))) process.exitCode = 1;
  }
}

export function build(): Command {
  return new Command('merge')
    .description('Combine shard outputs into the result tables of one run')
    .argument('[dirs...]', 'shard output folders (default: the --out folder itself)')
    .requiredOption('--out <dir>', 'output folder for the merged tables')
    .option('--json', 'print the counts as JSON on stdout')
    .option('--no-report', 'do not write METHODS.md and report.html after a complete merge')
    .action(action);
}
