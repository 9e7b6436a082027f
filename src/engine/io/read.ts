import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { fromArrayBuffer } from 'geotiff';
import sharp from 'sharp';
import { UserError } from '../errors.js';
import type { Plane } from '../types.js';

/**
 * Read the first plane of an image file as a grayscale Plane.
 * Minimal first version: TIFF through geotiff, PNG/JPEG through sharp (first channel).
 * The io work of issue 3 extends this (multi-page, metadata, probe).
 */
export async function readPlane(path: string): Promise<Plane> {
  const ext = extname(path).toLowerCase();
  const buf = await readFile(path);
  if (buf.length === 0) throw new UserError(`${path}: file is empty (0 bytes)`, 'copy it again from the microscope export');
  if (ext === '.tif' || ext === '.tiff') {
    const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
    const tiff = await fromArrayBuffer(ab);
    const img = await tiff.getImage(0);
    const r = (await img.readRasters({ samples: [0] })) as unknown as ArrayLike<number>[];
    const band = r[0] as Uint8Array | Uint16Array | Float32Array;
    const bps = img.getBitsPerSample();
    return { width: img.getWidth(), height: img.getHeight(), data: band, bitDepth: bps };
  }
  const { data, info } = await sharp(buf).extractChannel(0).raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length), bitDepth: 8 };
}
