/**
 * NumPy .npy files (format 1.0/2.0), as BioImage Model Zoo packages store their test tensors.
 * Reads little-endian float32/float64/uint8/uint16/int32 arrays in C order, returned as float32;
 * writes float32.
 * @see https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
 */
import { UserError } from '../errors.js';

export interface NpyArray {
  shape: number[];
  data: Float32Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];

/** Decode a .npy buffer; `name` is used in error messages. */
export function readNpy(buf: Uint8Array, name = 'array'): NpyArray {
  for (let i = 0; i < MAGIC.length; i++) {
    if (buf[i] !== MAGIC[i]) throw new UserError(`${name}: not a NumPy .npy file`, 'test tensors must be saved with numpy.save');
  }
  const major = buf[6]!;
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const headerLen = major >= 2 ? view.getUint32(8, true) : view.getUint16(8, true);
  const start = major >= 2 ? 12 : 10;
  const header = new TextDecoder('latin1').decode(buf.subarray(start, start + headerLen));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*True/.test(header);
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || shapeText === undefined) throw new UserError(`${name}: unreadable .npy header`, 'save it again with numpy.save');
  if (fortran) throw new UserError(`${name}: Fortran-order arrays are not supported`, 'save a C-order array (numpy.ascontiguousarray)');
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(Number);
  const n = shape.reduce((a, b) => a * b, 1);
  const off = start + headerLen;
  const data = new Float32Array(n);
  const kinds: Record<string, [number, (o: number) => number]> = {
    '<f4': [4, (o) => view.getFloat32(o, true)],
    '<f8': [8, (o) => view.getFloat64(o, true)],
    '|u1': [1, (o) => view.getUint8(o)],
    '<u2': [2, (o) => view.getUint16(o, true)],
    '<i4': [4, (o) => view.getInt32(o, true)],
    '<i8': [8, (o) => Number(view.getBigInt64(o, true))],
  };
  const kind = kinds[descr];
  if (!kind) throw new UserError(`${name}: data type ${descr} is not supported`, 'use float32');
  const [size, get] = kind;
  if (off + n * size > buf.byteLength) throw new UserError(`${name}: file is shorter than its header says`, 'copy it again');
  for (let i = 0; i < n; i++) data[i] = get(off + i * size);
  return { shape, data };
}

/** Encode a float32 array as .npy (version 1.0, C order). */
export function writeNpy(arr: NpyArray): Uint8Array {
  const shape = arr.shape.length === 1 ? `(${arr.shape[0]},)` : `(${arr.shape.join(', ')})`;
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shape}, }`;
  const total = 10 + header.length + 1;
  header += `${' '.repeat((64 - (total % 64)) % 64)}\n`;
  const out = new Uint8Array(10 + header.length + arr.data.length * 4);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  out.set(new Uint8Array(arr.data.buffer, arr.data.byteOffset, arr.data.byteLength), 10 + header.length);
  return out;
}
