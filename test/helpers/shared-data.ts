import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/** The shared real data (../shared/data beside the checkout). Absent in a user's fresh clone. */
export const SHARED_DATA = resolve(import.meta.dirname, '../../../shared/data');
export const BBBC039 = resolve(SHARED_DATA, 'bbbc039-dev');
export const DSB2018 = resolve(SHARED_DATA, 'dsb2018-dev');
export const hasSharedData = existsSync(BBBC039) && existsSync(DSB2018);

if (!hasSharedData) {
  console.warn(`[scopepilot tests] ../shared/data not found at ${SHARED_DATA}: tests on real data are skipped.`);
}

/**
 * Copy the first `count` BBBC039 images (by name) into `dir`/images for a test to run the CLI on
 * (the shared data is never changed); returns that folder and the names copied.
 */
export async function copyBbbc039Images(dir: string, count: number): Promise<{ input: string; names: string[] }> {
  const { copyFile, mkdir, readdir } = await import('node:fs/promises');
  const input = resolve(dir, 'images');
  await mkdir(input, { recursive: true });
  const names = (await readdir(resolve(BBBC039, 'images')))
    .filter((n) => n.endsWith('.tif'))
    .sort()
    .slice(0, count);
  for (const n of names) await copyFile(resolve(BBBC039, 'images', n), resolve(input, n));
  return { input, names };
}
