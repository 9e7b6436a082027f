import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Write a file atomically: to a temporary name beside it, then rename. A reader never sees a
 * half-written file under the final name, and an interrupted run leaves only `.tmp-*` files.
 * Creates the parent folder.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.tmp-${basename(path)}-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/**
 * `writeFileAtomic` with synchronous calls, for worker threads that write a result and then go on
 * to the next image: each asynchronous call is a round trip through libuv's thread pool (about
 * 1 ms each on a busy 2-core machine, six per file), while this thread has nothing else to do.
 * Not for the main thread of an interactive screen.
 */
export function writeFileAtomicSync(path: string, data: string | Uint8Array | readonly Uint8Array[]): void {
  const dir = dirname(path);
  const tmp = join(dir, `.tmp-${basename(path)}-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    try {
      createWith(tmp, data);
    } catch (err) {
      if ((err as { code?: string }).code !== 'ENOENT') throw err;
      mkdirSync(dir, { recursive: true }); // the first file in this folder
      createWith(tmp, data);
    }
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/** Create `path` with `data`; pieces are written one after the other (never joined in memory). */
function createWith(path: string, data: string | Uint8Array | readonly Uint8Array[]): void {
  if (typeof data === 'string' || data instanceof Uint8Array) {
    writeFileSync(path, data);
    return;
  }
  const fd = openSync(path, 'w');
  try {
    for (const piece of data) {
      for (let done = 0; done < piece.byteLength; ) done += writeSync(fd, piece, done, piece.byteLength - done);
    }
  } finally {
    closeSync(fd);
  }
}

/** A temporary path beside `path` for writers that stream (rename it with `rename` when done). */
export function tempPathFor(path: string): string {
  return join(dirname(path), `.tmp-${basename(path)}-${process.pid}-${randomBytes(4).toString('hex')}`);
}
