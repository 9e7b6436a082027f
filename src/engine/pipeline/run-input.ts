/**
 * A run's image sets from its input folder: the folder scanned with the recipe's naming pattern
 * or preset and plate map (no probing: the recipe already says what the files hold). Scan
 * problems that fail become the run's notes.
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UserError } from '../errors.js';
import type { ImageSet } from '../types.js';
import type { Recipe } from './recipe.js';

/** The image sets of `root` (relative plate-map paths resolved against `base`); throws a UserError when there are none. */
export async function scanInput(
  recipe: Recipe,
  root: string,
  base: string,
  signal?: AbortSignal,
): Promise<{ sets: ImageSet[]; notes: string[] }> {
  const st = await stat(root).catch(() => undefined);
  if (!st?.isDirectory())
    throw new UserError(
      `input folder ${root} does not exist or is not a folder`,
      'give the folder with --input DIR, or fix input.root in the recipe',
    );
  const spec = '../dataset/scan.js';
  const mod = (await import(/* @vite-ignore */ spec).catch(() => ({}))) as {
    scanFolder?: (
      d: string,
      o: Record<string, unknown>,
    ) => Promise<{ imageSets: ImageSet[]; problems: { level: string; message: string }[] }>;
  };
  if (!mod.scanFolder) throw new UserError('the folder scanner (scanFolder) is not in this build', 'update ScopePilot');
  const scan = await mod.scanFolder(root, {
    ...(recipe.input.pattern ? { pattern: recipe.input.pattern } : recipe.input.preset ? { preset: recipe.input.preset } : {}),
    ...(recipe.input.plateMap ? { plateMap: resolve(base, recipe.input.plateMap) } : {}),
    probeSets: 0,
    ...(signal ? { signal } : {}),
  });
  const notes = scan.problems.filter((p) => p.level === 'fail').map((p) => `scan: ${p.message}`);
  if (scan.imageSets.length === 0)
    throw new UserError(`no image sets found in ${root}`, 'check the folder and input.pattern / input.preset in the recipe');
  return { sets: scan.imageSets, notes };
}
