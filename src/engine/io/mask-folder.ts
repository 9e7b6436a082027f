/**
 * Read ground truth stored as one binary mask file per object (the Data Science Bowl 2018
 * layout: `masks/<image id>/<object id>.png`, 0 = outside, non-zero = inside) into one instance
 * label image. Objects are numbered 1..n in file-name order; where masks overlap, the later file wins
 * (DSB2018 masks do not overlap).
 */
import { readdir } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { UserError } from '../errors.js';
import type { Labels } from '../types.js';
import { readPlane } from './read.js';

const MASK_EXT = new Set(['.png', '.tif', '.tiff']);

export async function readMaskFolder(dir: string): Promise<Labels> {
  const names = (await readdir(dir).catch(() => undefined))
    ?.filter((n) => !n.startsWith('.') && MASK_EXT.has(extname(n).toLowerCase()))
    .sort();
  if (!names) throw new UserError(`${dir}: cannot read this mask folder`, 'give the folder holding one mask image per object');
  if (names.length === 0)
    throw new UserError(`${dir}: no mask images (.png/.tif) in this folder`, 'give the folder holding one mask image per object');
  let out: Int32Array | undefined;
  let width = 0;
  let height = 0;
  let count = 0;
  for (const name of names) {
    const plane = await readPlane(join(dir, name));
    if (!out) {
      width = plane.width;
      height = plane.height;
      out = new Int32Array(width * height);
    } else if (plane.width !== width || plane.height !== height) {
      throw new UserError(
        `${join(dir, name)}: mask is ${plane.width}x${plane.height}, the others are ${width}x${height}`,
        'every mask of one image must have the image size',
      );
    }
    const id = ++count;
    const d = plane.data;
    for (let i = 0; i < d.length; i++) if (d[i] !== 0) out[i] = id;
  }
  return { width, height, data: out!, count };
}
