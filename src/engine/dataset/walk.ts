/**
 * Walking an input folder: every file under it (recursively, sorted, hidden entries skipped)
 * with its size, without opening any file. Ground-truth folders (labels/, masks/) and vendor
 * thumbnails are set aside and counted, so they are never mistaken for images.
 */
import type { Dirent } from 'node:fs';
import { statSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { UserError } from '../errors.js';
import type { OnProgress } from '../types.js';

/** Extensions taken as images (Cellomics .C01/.DIB included; ScopePilot cannot read those). */
export const IMAGE_EXTENSIONS = new Set(['.tif', '.tiff', '.png', '.jpg', '.jpeg', '.c01', '.dib']);

/** Folder names holding ground truth or masks, not images to analyse. */
export const TRUTH_FOLDERS = /^(labels?|masks?|ground[_-]?truth|truth|annotations?)$/i;

export interface WalkedFile {
  /** Path relative to the root, with `/` separators. */
  rel: string;
  base: string;
  size: number;
}

export interface WalkResult {
  images: WalkedFile[];
  /** Files under ground-truth folders (labels/, masks/ ...). */
  truthFiles: number;
  thumbnails: number;
  /** Non-image files (metadata, CSV, databases ...), counted by extension. */
  otherFiles: Record<string, number>;
  /** Vendor metadata files (ImageXpress .HTD, Harmony Index.xml / Index.idx.xml), relative; at most 20. */
  metadataFiles: string[];
  /** Folders (relative) with no files at all. */
  emptyFolders: string[];
  truthFolders: string[];
}

/** Natural order: numbers inside names compare by value (`s2` < `s10`), then plain code-unit order. */
export function natCompare(a: string, b: string): number {
  const re = /(\d+)|(\D+)/g;
  const ta = a.match(re) ?? [];
  const tb = b.match(re) ?? [];
  for (let i = 0; i < Math.min(ta.length, tb.length); i++) {
    const x = ta[i]!;
    const y = tb[i]!;
    if (x === y) continue;
    const dx = /^\d/.test(x);
    const dy = /^\d/.test(y);
    if (dx && dy) {
      const d = Number(x) - Number(y);
      if (d !== 0) return d;
      return x.length - y.length;
    }
    return x < y ? -1 : 1;
  }
  return ta.length - tb.length || (a < b ? -1 : a > b ? 1 : 0);
}

/**
 * Every file under `root`, sorted by relative path (code-unit order within each folder).
 * Sizes come from stat (synchronous, 2,000 at a time, yielding in between). Symbolic links to folders are not followed.
 * @throws UserError when `root` does not exist or is not a folder.
 */
export async function walkFolder(root: string, o: { onProgress?: OnProgress; signal?: AbortSignal } = {}): Promise<WalkResult> {
  const st = await stat(root).catch(() => undefined);
  if (!st) throw new UserError(`${root}: folder not found`, 'check the path (it is case-sensitive)');
  if (!st.isDirectory()) throw new UserError(`${root} is a file, not a folder`, 'give the folder that holds the images');
  const res: WalkResult = {
    images: [],
    truthFiles: 0,
    thumbnails: 0,
    otherFiles: {},
    metadataFiles: [],
    emptyFolders: [],
    truthFolders: [],
  };
  const pending: { rel: string; base: string }[] = [];

  async function visit(relDir: string, truth: boolean): Promise<void> {
    o.signal?.throwIfAborted();
    let entries: Dirent[];
    try {
      entries = await readdir(relDir ? join(root, relDir) : root, { withFileTypes: true });
    } catch {
      res.emptyFolders.push(relDir);
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    let files = 0;
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const rel = relDir ? `${relDir}/${e.name}` : e.name;
      if (e.isDirectory()) {
        const isTruth = truth || TRUTH_FOLDERS.test(e.name);
        if (isTruth && !truth) res.truthFolders.push(rel);
        await visit(rel, isTruth);
        files++;
      } else if (e.isFile()) {
        files++;
        const ext = extname(e.name).toLowerCase();
        if (truth) res.truthFiles++;
        else if (!IMAGE_EXTENSIONS.has(ext)) {
          res.otherFiles[ext || '(none)'] = (res.otherFiles[ext || '(none)'] ?? 0) + 1;
          if (res.metadataFiles.length < 20 && (ext === '.htd' || /^index(\.idx)?\.xml$/i.test(e.name))) res.metadataFiles.push(rel);
        } else if (/_thumb/i.test(e.name)) res.thumbnails++;
        else pending.push({ rel, base: e.name });
      }
    }
    if (files === 0 && relDir) res.emptyFolders.push(relDir);
  }
  await visit('', false);

  // stat synchronously in chunks (about twice as fast as 4 libuv threads), yielding between chunks
  const sizes = new Float64Array(pending.length);
  for (let i = 0; i < pending.length; i += 2000) {
    o.signal?.throwIfAborted();
    const end = Math.min(i + 2000, pending.length);
    for (let k = i; k < end; k++) {
      const st = statSync(join(root, pending[k]!.rel), { throwIfNoEntry: false });
      sizes[k] = st ? st.size : -1;
    }
    o.onProgress?.({ done: end, total: pending.length, label: 'listing files' });
    await new Promise<void>((r) => setImmediate(r));
  }
  res.images = pending.map((f, i) => ({ rel: f.rel, base: f.base, size: sizes[i]! }));
  return res;
}
