/**
 * The set-up of a run (runRecipe): scan the input (unless the image sets are given), write the
 * recipe as used into the output folder, load the pipeline's code, and list the image sets still
 * to do (those without a finished checkpoint of this recipe). In a function of its own so that the
 * scan's image sets are dropped when it returns: the run keeps only the jobs, until the image sets
 * are done, and the names (the merge's selection). A 20,000-set run had held them through its
 * tables, exports and report: its main thread's heap at the start of the exports went from 29.1 to
 * 19.0 MB (heap snapshots).
 */
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { UserError } from '../errors.js';
import { writeFileAtomic } from '../io/atomic.js';
import { CHECKPOINT_DIR, checkpointObjectCount, readCheckpoint, recipeHash, safeNames } from './checkpoint.js';
import { loadPipelineDeps, missingNotes } from './deps.js';
import type { JobSpec } from './job.js';
import { recipeModel } from './model.js';
import type { Recipe } from './recipe.js';
import { scanInput } from './run-input.js';
import type { RunOptions } from './run-options.js';
import { shardRange } from './shard.js';

/** What to do when a write into the output folder fails, by error code (the recipe here, an image set's results in runRecipe). */
export const WRITE_HINTS: Record<string, string> = {
  ENOSPC: 'the disk is full: free space (or choose another --out), then rerun the same command to resume',
  EDQUOT: 'the disk quota is exceeded: free space, then rerun the same command to resume',
  EACCES: 'no permission to write there: choose another --out, or fix the folder permissions',
  EPERM: 'no permission to write there: choose another --out, or fix the folder permissions',
  EROFS: 'the output folder is on a read-only file system: choose another --out',
};

export interface RunSetup {
  /** Image sets in the data set (all shards). */
  total: number;
  /** Checkpoint name of every image set, in image-number order. */
  names: string[];
  hash: string;
  /** This run's slice [from, to) of the image sets. */
  from: number;
  to: number;
  /** The image sets of the slice still to do. */
  todo: JobSpec[];
  /** Finished already (resumed), and their statuses and objects. */
  skipped: number;
  counts: { ok: number; excluded: number; failed: number; objects: number };
  notes: string[];
}

/** Scan, write recipe.json, load the pipeline, and list what is still to do (see the file comment). */
export async function prepareRun(recipe: Recipe, o: RunOptions, paths: { root: string; base: string; out: string }): Promise<RunSetup> {
  const { root, base, out } = paths;
  await recipeModel(recipe); // a model recipe with an unusable model stops here, before any image
  const { sets, notes } = o.imageSets ? { sets: o.imageSets, notes: [] } : await scanInput(recipe, root, base, o.signal);
  const total = sets.length;
  const names = safeNames(sets.map((s) => s.id));
  const hash = recipeHash(recipe);
  const [from, to] = o.shard ? shardRange(total, o.shard) : [0, total];
  const subset = new Set(recipe.subset);
  // a recipe made without the wizard has no subset: preview the first image set of every well
  if (subset.size === 0) {
    const seen = new Set<string>();
    for (const s of sets) {
      const key = `${s.meta.plate ?? ''}/${s.meta.well ?? s.id}`;
      if (!seen.has(key)) {
        seen.add(key);
        subset.add(s.id);
      }
    }
  }
  const previews = recipe.outputs.previews;

  try {
    // the recipe as used (defaults filled in, absolute input); never over the user's own recipe file
    if (!o.recipePath || resolve(o.recipePath) !== join(out, 'recipe.json'))
      await writeFileAtomic(join(out, 'recipe.json'), `${JSON.stringify({ ...recipe, input: { ...recipe.input, root } }, null, 2)}\n`);
  } catch (err) {
    const code = (err as { code?: string }).code ?? '';
    throw new UserError(
      `cannot write to ${out}: ${(err as Error).message}`,
      WRITE_HINTS[code] ?? 'choose another --out (a folder you can write to)',
    );
  }
  if (!o.deps) {
    const loaded = await loadPipelineDeps();
    notes.push(...loaded.notes, ...missingNotes(loaded.missing, recipe));
  }

  // what is already done
  const todo: JobSpec[] = [];
  let skipped = 0;
  const counts = { ok: 0, excluded: 0, failed: 0, objects: 0 };
  // one listing instead of a failed read per image set in a fresh folder
  const stored = new Set(o.resume === false ? [] : await readdir(join(out, CHECKPOINT_DIR)).catch(() => []));
  let stale = 0;
  for (let i = from; i < to; i++) {
    let cp = stored.has(`${names[i]!}.json`) ? await readCheckpoint(out, names[i]!) : undefined;
    if (cp && cp.recipeHash !== hash) {
      stale++;
      cp = undefined;
    }
    if (cp && cp.status !== 'failed' && cp.imageNumber === i + 1) {
      skipped++;
      counts[cp.status]++;
      counts.objects += checkpointObjectCount(cp);
    } else
      todo.push({
        index: i,
        imageSet: sets[i]!,
        name: names[i]!,
        preview: previews === 'all' || (previews === 'subset' && subset.has(sets[i]!.id)),
      });
  }
  if (skipped) notes.push(`resumed: ${skipped} image sets were already finished in ${out}`);
  if (stale) notes.push(`${stale} image sets in ${out} were made with another recipe or ScopePilot version: they are analysed again`);
  return { total, names, hash, from, to, todo, skipped, counts, notes };
}
