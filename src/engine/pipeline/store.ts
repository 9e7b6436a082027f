/**
 * Storing one image set's result: its label image(s), its preview, then its checkpoint (last, so
 * that a checkpoint means every file of the set is complete).
 *
 * In two steps, so that the writing can run on another thread than the computing:
 * `prepareStore` (in the thread that computed the result) makes the checkpoint and keeps only
 * the pixel data the files need, as plain data another thread can be sent (`storeTransfers`);
 * `writeStore` writes the files.
 */
import { isAbsolute, join, relative } from 'node:path';
import { writeFileAtomicSync } from '../io/atomic.js';
import { writeLabelTiffSync } from '../io/labels-write.js';
import type { Labels, Plane } from '../types.js';
import { type Checkpoint, checkpointPath, objectLines } from './checkpoint.js';
import type { ImageSetResult } from './process.js';

/** Where and what one result is stored as. */
export interface StoreTarget {
  root: string;
  name: string;
  imageNumber: number;
  total: number;
  hash: string;
  writeLabels: boolean;
  preview: boolean;
  /** Channel shown in the preview (the DNA channel). */
  previewChannel: string;
}

/** Renders a PNG preview (io/preview renderPreview). */
export type PreviewRenderer = (plane: Plane, o: { labels?: Labels; width?: number }) => Promise<Buffer>;

/** A result ready to be written: its checkpoint and the pixels of its files (plain data). */
export interface PendingStore {
  cp: Checkpoint;
  /** Write the label image(s) (else `nuclei` is there for the preview's outlines only). */
  labelFiles: boolean;
  nuclei?: Labels;
  cells?: Labels;
  /** The plane the preview shows (only when a preview is wanted). */
  previewPlane?: Plane;
  pixelSizeUm?: number;
}

const toPosix = (p: string) => p.split('\\').join('/');

/** The checkpoint of `res` and what its files need; `sources` are the image set's channel files. */
export function prepareStore(res: ImageSetResult, t: StoreTarget, sources: Record<string, unknown>): PendingStore {
  const files: Record<string, string> = {};
  for (const [ch, src] of Object.entries(sources)) {
    if (typeof src !== 'string') continue;
    const rel = relative(t.root, src);
    files[ch] = toPosix(rel.startsWith('..') || isAbsolute(rel) ? src : rel);
  }
  const cp: Checkpoint = {
    v: 2,
    recipeHash: t.hash,
    imageNumber: t.imageNumber,
    total: t.total,
    id: res.id,
    name: t.name,
    meta: res.meta,
    files,
    status: res.status,
    qc: res.qc,
    image: res.image,
    timingsMs: res.timingsMs,
    notes: res.notes,
  };
  if (res.stage) cp.stage = res.stage;
  if (res.reason) cp.reason = res.reason;
  if (res.segment) cp.segment = res.segment;
  if (res.objects) cp.objectsCsv = objectLines(res.objects);
  const p: PendingStore = { cp, labelFiles: t.writeLabels && res.nuclei !== undefined };
  if (res.pixelSizeUm !== undefined) p.pixelSizeUm = res.pixelSizeUm;
  if (p.labelFiles) {
    p.nuclei = res.nuclei;
    if (res.cells) p.cells = res.cells;
  }
  if (t.preview && res.status !== 'failed') {
    const plane = res.planes[t.previewChannel] ?? Object.values(res.planes)[0];
    if (plane) {
      p.previewPlane = plane;
      if (res.nuclei) p.nuclei = res.nuclei;
    }
  }
  return p;
}

/**
 * The array buffers of `p` that can be moved to another thread instead of copied: those its
 * arrays span whole (a view into a larger buffer, e.g. Node's pooled one, is copied instead).
 */
export function storeTransfers(p: PendingStore): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  for (const a of [p.nuclei?.data, p.cells?.data, p.previewPlane?.data]) {
    if (!a || !(a.buffer instanceof ArrayBuffer) || out.includes(a.buffer)) continue;
    if (a.byteOffset === 0 && a.byteLength === a.buffer.byteLength) out.push(a.buffer);
  }
  return out;
}

/**
 * Write the label image(s), the preview and then the checkpoint of `p` into `ctx.out`. Returns
 * the checkpoint (without reading it back). Errors writing (disk full, permission) propagate.
 */
export async function writeStore(p: PendingStore, ctx: { out: string; renderPreview?: PreviewRenderer }): Promise<Checkpoint> {
  const { cp } = p;
  const px = p.pixelSizeUm !== undefined ? { pixelSizeUm: p.pixelSizeUm } : {};
  // synchronous writes: each asynchronous call is a round trip through libuv's thread pool, and
  // the thread writing has nothing else to do meanwhile (see writeFileAtomicSync)
  if (p.labelFiles && p.nuclei) {
    cp.labels = `labels/${cp.name}.tif`;
    writeLabelTiffSync(join(ctx.out, cp.labels), p.nuclei, px);
    if (p.cells) writeLabelTiffSync(join(ctx.out, 'labels', `${cp.name}_cells.tif`), p.cells, px);
  }
  if (p.previewPlane && ctx.renderPreview) {
    cp.preview = `previews/run/${cp.name}.png`;
    const png = await ctx.renderPreview(p.previewPlane, {
      ...(p.nuclei ? { labels: p.nuclei } : {}),
      width: Math.min(512, p.previewPlane.width),
    });
    writeFileAtomicSync(join(ctx.out, cp.preview), png);
  }
  writeFileAtomicSync(checkpointPath(ctx.out, cp.name), JSON.stringify(cp));
  return cp;
}
