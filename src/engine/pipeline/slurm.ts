/**
 * SLURM job scripts for a run: an sbatch array (task i runs `scopepilot run RECIPE --shard i/N`,
 * one log per task), a merge job that depends on the whole array (afterok), and submit.sh that
 * submits both and prints the job ids. A failed task is resubmitted alone with
 * `sbatch --array=I run-array.sbatch`, then `sbatch merge.sbatch`.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic.js';

export interface SlurmOptions {
  /** Output folder of the run (shared file system); scripts go to OUT/slurm/. */
  out: string;
  /** Array tasks = shards (default 8). */
  tasks?: number;
  partition?: string;
  /** Wall time per task, SLURM syntax (default 04:00:00). */
  time?: string;
  /** Memory per task, SLURM syntax (default 4G). */
  mem?: string;
  /** CPUs per task = workers per shard (default 4). */
  cpus?: number;
  /** Extra #SBATCH lines, e.g. ['--account=lab42']. */
  extra?: string[];
  /** The command that starts ScopePilot on the nodes (default: this node binary + this dist/cli.js, else `scopepilot`). */
  command?: string;
}

export interface SlurmScripts {
  dir: string;
  array: string;
  merge: string;
  submit: string;
  readme: string;
  tasks: number;
  /** What to type to submit. */
  submitCommand: string;
}

/** Single-quote for sh. */
export function shQuote(s: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

function defaultCommand(): string {
  const cli = fileURLToPath(new URL('../../cli.js', import.meta.url));
  return existsSync(cli) ? `${shQuote(process.execPath)} ${shQuote(cli)}` : 'scopepilot';
}

/** A task's wall time, memory and CPUs when not given. */
export const SLURM_DEFAULTS = { time: '04:00:00', mem: '4G', cpus: 4 } as const;

const SLURM_TIME = /^(\d+-)?\d{1,3}(:\d{2}){0,2}$/;
const SLURM_MEM = /^\d+[KMGT]?$/i;

function header(name: string, log: string, o: Required<Pick<SlurmOptions, 'time' | 'mem' | 'cpus'>> & SlurmOptions): string[] {
  const lines = [
    '#!/bin/bash',
    `#SBATCH --job-name=${name}`,
    // sbatch reads double-quoted directive values (paths with spaces)
    `#SBATCH --output=${/^[A-Za-z0-9_./%:=@+-]+$/.test(log) ? log : `"${log}"`}`,
    `#SBATCH --time=${o.time}`,
    `#SBATCH --mem=${o.mem}`,
    `#SBATCH --cpus-per-task=${o.cpus}`,
  ];
  if (o.partition) lines.push(`#SBATCH --partition=${o.partition}`);
  for (const e of o.extra ?? []) lines.push(`#SBATCH ${e}`);
  return lines;
}

/**
 * Write OUT/slurm/{run-array.sbatch, merge.sbatch, submit.sh, README.txt} for `recipePath`.
 * Paths in the scripts are absolute (tasks run on other nodes). Throws a UserError for
 * invalid options (tasks, time, memory).
 */
export async function writeSlurmScript(recipePath: string, o: SlurmOptions): Promise<SlurmScripts> {
  const tasks = o.tasks ?? 8;
  if (!Number.isInteger(tasks) || tasks < 1 || tasks > 100000)
    throw new UserError(`--tasks ${tasks}: expected a whole number from 1`, 'e.g. --tasks 16');
  const opt = { ...o, time: o.time ?? SLURM_DEFAULTS.time, mem: o.mem ?? SLURM_DEFAULTS.mem, cpus: o.cpus ?? SLURM_DEFAULTS.cpus };
  if (!SLURM_TIME.test(opt.time)) throw new UserError(`--time ${opt.time}: expected SLURM time like 30, 2:00:00 or 1-00:00:00`);
  if (!SLURM_MEM.test(opt.mem)) throw new UserError(`--mem ${opt.mem}: expected SLURM memory like 4G or 8000M`);
  if (o.partition !== undefined && !/^[A-Za-z0-9_.,-]+$/.test(o.partition))
    throw new UserError(`--partition ${o.partition}: not a partition name`);
  const out = resolve(o.out);
  const recipe = resolve(recipePath);
  for (const p of [out, recipe])
    if (/["\n\r]/.test(p))
      throw new UserError(`${p}: SLURM scripts cannot hold a path with a double quote or a line break`, 'choose another folder name');
  const dir = join(out, 'slurm');
  const logs = join(dir, 'logs');
  const cmd = o.command ?? defaultCommand();
  const q = shQuote;

  const array = [
    ...header('scopepilot-run', join(logs, 'run-%A_%a.log'), opt),
    `#SBATCH --array=1-${tasks}`,
    '# One shard per array task (progress lines in its log). Resubmit a failed task alone: sbatch --array=I run-array.sbatch',
    'set -euo pipefail',
    `exec ${cmd} run ${q(recipe)} --out ${q(out)} --shard "\${SLURM_ARRAY_TASK_ID}/${tasks}" --workers "\${SLURM_CPUS_PER_TASK:-1}"`,
    '',
  ].join('\n');
  const merge = [
    ...header('scopepilot-merge', join(logs, 'merge-%j.log'), { ...opt, cpus: 1 }),
    '# Combines the shards into images.csv, objects.csv/.parquet, qc.csv, failures.csv, results.duckdb.',
    'set -euo pipefail',
    `exec ${cmd} merge --out ${q(out)}`,
    '',
  ].join('\n');
  const submit = `#!/bin/bash
# Submit the array and the merge job that runs when every task succeeded (afterok).
set -euo pipefail
cd ${q(dir)}
mkdir -p ${q(logs)}
array=$(sbatch --parsable run-array.sbatch)
array=\${array%%;*}
merge=$(sbatch --parsable --dependency=afterok:\${array} merge.sbatch)
merge=\${merge%%;*}
echo "array job \${array} (${tasks} tasks), merge job \${merge}"
echo "logs: ${logs.replace(/"/g, '\\"')}"
`;
  const readme = [
    `ScopePilot SLURM job for ${recipe}`,
    '',
    `Submit:            bash ${join(dir, 'submit.sh')}`,
    `Watch:             squeue -u $USER ; logs in ${logs}`,
    `One task failed:   sbatch --array=I ${join(dir, 'run-array.sbatch')}   (I = its task number; finished image sets are kept)`,
    `then merge:        sbatch ${join(dir, 'merge.sbatch')}   (or: ${cmd} merge --out ${q(out)})`,
    '',
    `Each task processes a deterministic slice (shard I/${tasks}) and writes ${join(out, 'checkpoints')}/;`,
    'the merge writes the same tables a single run would.',
    '',
  ].join('\n');
  const files = {
    array: join(dir, 'run-array.sbatch'),
    merge: join(dir, 'merge.sbatch'),
    submit: join(dir, 'submit.sh'),
    readme: join(dir, 'README.txt'),
  };
  await writeFileAtomic(files.array, array);
  await writeFileAtomic(files.merge, merge);
  await writeFileAtomic(files.submit, submit);
  await writeFileAtomic(files.readme, readme);
  const { chmod, mkdir } = await import('node:fs/promises');
  await mkdir(logs, { recursive: true });
  await chmod(files.submit, 0o755);
  return { dir, ...files, tasks, submitCommand: `bash ${q(files.submit)}` };
}
