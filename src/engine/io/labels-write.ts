/**
 * Writing instance label images as TIFF: 0 = background, objects 1..n. uint16 when the largest
 * id fits (<= 65,535 objects), else uint32. ImageJ/Fiji and scikit-image open them as they are.
 */
import type { Labels } from '../types.js';
import { writeFileAtomic, writeFileAtomicSync } from './atomic.js';
import { encodeTiffParts } from './tiff-write.js';

/** Encode labels as TIFF bytes (see `writeLabelTiff`). */
export function encodeLabelTiff(labels: Labels, opts: { pixelSizeUm?: number } = {}): Buffer {
  return Buffer.concat(labelTiffParts(labels, opts));
}

/**
 * The TIFF file's pieces (`encodeTiffParts`); the pixels are the one copy of the labels as uint16,
 * or a view of them when they need uint32.
 */
function labelTiffParts(labels: Labels, opts: { pixelSizeUm?: number }): Buffer[] {
  const { width, height, data } = labels;
  let max = 0;
  for (let i = 0; i < data.length; i++) if (data[i]! > max) max = data[i]!;
  const wide = max > 65535;
  const pixels = wide ? new Uint32Array(data.buffer, data.byteOffset, data.length) : new Uint16Array(data.length);
  if (!wide) (pixels as Uint16Array).set(data);
  const desc = [`ImageJ=1.54f`, 'images=1', `min=0.0`, `max=${max}.0`];
  if (opts.pixelSizeUm) desc.push('unit=micron');
  return encodeTiffParts([{ width, height, data: pixels }], {
    sampleType: wide ? 'uint32' : 'uint16',
    description: `${desc.join('\n')}\n`,
    ...(opts.pixelSizeUm ? { pixelSizeUm: opts.pixelSizeUm } : {}),
    software: 'ScopePilot',
  });
}

/**
 * Write an instance label image atomically (temporary name, then rename); creates the folder.
 * uint16 for up to 65,535 objects, uint32 above. Labels must be >= 0.
 */
export async function writeLabelTiff(path: string, labels: Labels, opts: { pixelSizeUm?: number } = {}): Promise<void> {
  await writeFileAtomic(path, encodeLabelTiff(labels, opts));
}

/** `writeLabelTiff` with synchronous writes, for worker threads (see `writeFileAtomicSync`). */
export function writeLabelTiffSync(path: string, labels: Labels, opts: { pixelSizeUm?: number } = {}): void {
  writeFileAtomicSync(path, labelTiffParts(labels, opts));
}
