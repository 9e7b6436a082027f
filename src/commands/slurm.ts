/**
 * `scopepilot slurm RECIPE --out DIR [--tasks N] [--partition P] [--time T] [--mem M] [--submit]`:
 * write an sbatch array script (one shard per task, one log per task) and a merge job that runs
 * after every task succeeded; print how to submit, or submit with --submit and print the job ids.
 */
import { execFile } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Command } from 'commander';
import { UserError } from '../engine/errors.js';
import { loadRecipeFile, wholeNumber } from './run.js';

interface Options {
  out: string;
  tasks?: number;
  partition?: string;
  time?: string;
  mem?: string;
  cpus?: number;
  account?: string;
  submit?: boolean;
}

/**
 * slurmMemoryNote for the recipe's first image set; undefined when the tasks' memory fits. When
 * the input is not readable from here (a login node may not see it), a note that it was not checked.
 */
async function memoryNote(recipePath: string, recipeJson: unknown, o: Options): Promise<string | undefined> {
  const { asRecipe } = await import('../engine/pipeline/recipe.js');
  const { scanInput } = await import('../engine/pipeline/run-input.js');
  const { imageSetSize, slurmMemoryNote } = await import('../engine/pipeline/run-memory.js');
  const { SLURM_DEFAULTS } = await import('../engine/pipeline/slurm.js');
  const recipe = asRecipe(recipeJson);
  const base = dirname(recipePath);
  const mem = o.mem ?? SLURM_DEFAULTS.mem;
  const memSaid = o.mem ? `--mem ${o.mem}` : `the default --mem ${mem}`;
  let size: Awaited<ReturnType<typeof imageSetSize>>;
  try {
    const { sets } = await scanInput(recipe, resolve(base, recipe.input.root), base);
    size = sets[0] ? await imageSetSize(sets[0]) : undefined;
  } catch (err) {
    return (
      `${memSaid} was not checked against the images (${(err as Error).message.split('\n')[0]}); ` +
      "on the nodes, each task's run caps its workers to the job's memory and says so in its log"
    );
  }
  const model = recipe.stages.objects.nuclei.method === 'model';
  return size ? slurmMemoryNote(size, o.cpus ?? SLURM_DEFAULTS.cpus, mem, model) : undefined;
}

async function action(recipePath: string, o: Options): Promise<void> {
  const path = resolve(recipePath);
  const recipeJson = await loadRecipeFile(path); // refuse an invalid recipe now, not on the cluster
  const { writeSlurmScript } = await import('../engine/pipeline/slurm.js');
  const s = await writeSlurmScript(path, {
    out: o.out,
    ...(o.tasks ? { tasks: o.tasks } : {}),
    ...(o.partition ? { partition: o.partition } : {}),
    ...(o.time ? { time: o.time } : {}),
    ...(o.mem ? { mem: o.mem } : {}),
    ...(o.cpus ? { cpus: o.cpus } : {}),
    ...(o.account ? { extra: [`--account=${o.account}`] } : {}),
  });
  // the tasks' memory, checked against the data's image size when the input is visible from here
  const note = await memoryNote(path, recipeJson, o);
  if (note) process.stderr.write(`note: ${note}\n`);
  if (!o.submit) {
    process.stdout.write(`SLURM scripts in ${s.dir} (${s.tasks} array tasks + a merge job)\nsubmit with: ${s.submitCommand}\n`);
    return;
  }
  try {
    const { stdout } = await promisify(execFile)('bash', [s.submit], { encoding: 'utf8' });
    process.stdout.write(stdout);
  } catch (err) {
    const e = err as { code?: string; stderr?: string; message: string };
    if (e.code === 'ENOENT') throw new UserError('bash is not available to submit', `run ${s.submitCommand} on a login node`);
    throw new UserError(`sbatch failed: ${(e.stderr ?? e.message).trim()}`, `check the cluster, then run ${s.submitCommand}`);
  }
}

export function build(): Command {
  return new Command('slurm')
    .description('Write (or submit) a SLURM array job that runs a recipe in shards, plus a merge job')
    .argument('<recipe>', 'recipe.json')
    .requiredOption('--out <dir>', 'output folder on a file system every node sees')
    .option('--tasks <n>', 'array tasks = shards (default 8)', wholeNumber('--tasks'))
    .option('--partition <p>', 'SLURM partition')
    .option('--time <t>', 'wall time per task (default 04:00:00)')
    .option('--mem <m>', 'memory per task (default 4G)')
    .option('--cpus <n>', 'CPUs (= workers) per task (default 4)', wholeNumber('--cpus'))
    .option('--account <a>', 'SLURM account')
    .option('--submit', 'submit now with sbatch and print the job ids')
    .action(action);
}
