/**
 * Minimal ZIP reader for BioImage Model Zoo packages (a zip of rdf.yaml, weights and test
 * tensors): reads the central directory and extracts stored or deflated entries. No ZIP64,
 * no encryption (both refused with a clear message).
 * @see https://pkware.cachefly.net/webdocs/casestudies/APPNOTE.TXT
 */
import { inflateRawSync } from 'node:zlib';
import { UserError } from '../errors.js';

export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

/** Entries of a zip archive, by name (folders skipped). */
export function listZip(buf: Buffer, path: string): Map<string, ZipEntry> {
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 65535); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new UserError(`${path}: not a zip file (no end-of-archive record)`, 'give the package folder or a valid .zip');
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  if (p === 0xffffffff || count === 0xffff)
    throw new UserError(`${path}: ZIP64 archives are not supported`, 'unzip it and give the folder');
  const entries = new Map<string, ZipEntry>();
  for (let k = 0; k < count; k++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new UserError(`${path}: damaged zip directory`, 'download or copy the package again');
    const flags = buf.readUInt16LE(p + 8);
    const method = buf.readUInt16LE(p + 10);
    const compressedSize = buf.readUInt32LE(p + 20);
    const size = buf.readUInt32LE(p + 24);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const localOffset = buf.readUInt32LE(p + 42);
    const name = buf.toString('utf8', p + 46, p + 46 + nameLen);
    if (flags & 1) throw new UserError(`${path}: ${name} is encrypted`, 'unzip it with the password and give the folder');
    if (!name.endsWith('/')) entries.set(name, { name, method, compressedSize, size, localOffset });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

/** The bytes of one entry. */
export function readZipEntry(buf: Buffer, e: ZipEntry, path: string): Buffer {
  const p = e.localOffset;
  if (buf.readUInt32LE(p) !== 0x04034b50) throw new UserError(`${path}: damaged zip entry ${e.name}`, 'copy the package again');
  const start = p + 30 + buf.readUInt16LE(p + 26) + buf.readUInt16LE(p + 28);
  const raw = buf.subarray(start, start + e.compressedSize);
  if (e.method === 0) return Buffer.from(raw);
  if (e.method === 8) return inflateRawSync(raw);
  throw new UserError(`${path}: ${e.name} uses zip compression method ${e.method}`, 'unzip it and give the folder');
}
