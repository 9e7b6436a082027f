/**
 * Validation against ground truth: pair predicted label images with hand-made labels by name,
 * score each pair (one-to-one IoU matching: F1 at IoU 0.5, DSB-style AP over IoU 0.5..0.95,
 * count error, splits, merges) and summarise. Used by `scopepilot validate`, whose
 * validation.json the methods record cites.
 * @see Caicedo J.C. et al. (2019) Nat Methods 16:1247-1253
 */
import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { UserError } from '../errors.js';
import { readMaskFolder } from '../io/mask-folder.js';
import { readPlane } from '../io/read.js';
import type { Labels, OnProgress, Plane } from '../types.js';
import { type SegmentationScore, scoreSegmentation } from './score.js';
import { mean } from './stats-math.js';

const LABEL_EXT = new Set(['.tif', '.tiff', '.png']);

/** A label image plane as Labels (values are object ids; 0 = background; count = largest id). */
export function labelsFromPlane(p: Plane): Labels {
  const data = new Int32Array(p.data.length);
  let count = 0;
  for (let i = 0; i < data.length; i++) {
    const v = Math.round(p.data[i]!);
    data[i] = Math.max(v, 0);
    if (v > count) count = v;
  }
  return { width: p.width, height: p.height, data, count };
}

/**
 * Matching key of a file or folder name: lowercase stem without extension and without a
 * trailing _labels / _label / _mask / _masks / _gt / _truth / _seg / _pred ("img_01_labels.tif"
 * and "img_01.png" pair).
 */
export function pairKey(name: string): string {
  const ext = extname(name);
  const stem = LABEL_EXT.has(ext.toLowerCase()) ? name.slice(0, -ext.length) : name;
  return stem.toLowerCase().replace(/[_.-](labels?|masks?|gt|truth|seg|pred|nuclei)$/, '');
}

/** True when `part` occurs in `whole` bounded by the start/end or by _ - . or space. */
export function containsToken(whole: string, part: string): boolean {
  if (!part || part.length >= whole.length) return false;
  let i = whole.indexOf(part);
  while (i >= 0) {
    const before = i === 0 || /[_\-. ]/.test(whole[i - 1]!);
    const j = i + part.length;
    const after = j === whole.length || /[_\-. ]/.test(whole[j]!);
    if (before && after) return true;
    i = whole.indexOf(part, i + 1);
  }
  return false;
}

interface Entry {
  name: string;
  path: string;
  folder: boolean;
}

async function entries(dir: string, what: string): Promise<Entry[]> {
  const st = await stat(dir).catch(() => undefined);
  if (!st?.isDirectory()) throw new UserError(`${dir} is not a folder`, `give the folder of ${what}`);
  const list = (await readdir(dir, { withFileTypes: true })).filter((e) => !e.name.startsWith('.'));
  const out: Entry[] = [];
  for (const e of list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (e.isFile() && LABEL_EXT.has(extname(e.name).toLowerCase())) out.push({ name: e.name, path: join(dir, e.name), folder: false });
    else if (e.isDirectory()) out.push({ name: e.name, path: join(dir, e.name), folder: true });
  }
  return out;
}

/** Predicted label files: DIR/*.tif|png, or DIR/labels/ when DIR is a run or segment output folder. */
async function predFiles(dir: string): Promise<Entry[]> {
  const es = await entries(dir, 'predicted label images');
  const files = es.filter((e) => !e.folder);
  if (files.length === 0 && es.some((e) => e.folder && e.name === 'labels')) return predFiles(join(dir, 'labels'));
  return files.filter((e) => !/_cells\.[^.]+$/i.test(e.name));
}

/** Ground truth: label images, or one folder per image of one mask per object (DSB2018: <id>/masks/*.png or masks/<id>/). */
async function truthEntries(dir: string): Promise<Entry[]> {
  const es = await entries(dir, 'ground-truth labels');
  const files = es.filter((e) => !e.folder);
  if (files.length) return files;
  const only = es.length === 1 ? es[0] : undefined;
  if (only && /^(labels|masks)$/i.test(only.name)) return truthEntries(only.path);
  return es.filter((e) => e.folder);
}

async function readTruth(e: Entry): Promise<Labels> {
  if (!e.folder) return labelsFromPlane(await readPlane(e.path));
  const masks = join(e.path, 'masks');
  const has = await stat(masks).then(
    (s) => s.isDirectory(),
    () => false,
  );
  return readMaskFolder(has ? masks : e.path);
}

export interface ValidationImage {
  name: string;
  pred: string;
  truth: string;
  score: SegmentationScore;
}

export interface ValidationResult {
  images: number;
  perImage: ValidationImage[];
  /** Means over images (countErrorPct: mean absolute count error in %; signed: mean signed %). */
  mean: {
    f1: number;
    precision: number;
    recall: number;
    apDsb: number;
    meanIoU: number;
    countErrorPct: number;
    countErrorSignedPct: number;
  };
  totals: { tp: number; fp: number; fn: number; splits: number; merges: number; nPred: number; nTrue: number };
  /** Names without a partner (not scored). */
  unpaired: { pred: string[]; truth: string[] };
  /** Images that could not be read or compared, with the reason. */
  errors: { name: string; reason: string }[];
}

/**
 * Score every predicted label image in `predDir` against the ground truth in `truthDir`,
 * paired by name (see pairKey). Throws a UserError when nothing pairs.
 */
export async function validateFolders(predDir: string, truthDir: string, o: { onProgress?: OnProgress } = {}): Promise<ValidationResult> {
  const preds = await predFiles(predDir);
  const truths = await truthEntries(truthDir);
  const byKey = new Map(truths.map((t) => [pairKey(t.name), t]));
  const pairs: [Entry, Entry][] = [];
  const unpairedPred: string[] = [];
  for (const p of preds) {
    const t = byKey.get(pairKey(p.name));
    if (t) {
      pairs.push([p, t]);
      byKey.delete(pairKey(p.name));
    } else unpairedPred.push(p.name);
  }
  // second pass: one name is a whole-token part of the other (run labels "A01_s1.tif" ~ file
  // "DEMO_A01_s1_w1<uuid>.tif"), accepted only when exactly one partner fits
  for (const name of [...unpairedPred]) {
    const k = pairKey(name);
    const fits = [...byKey.entries()].filter(([tk]) => containsToken(tk, k) || containsToken(k, tk));
    if (fits.length !== 1) continue;
    const [tk, t] = fits[0]!;
    pairs.push([preds.find((p) => p.name === name)!, t]);
    byKey.delete(tk);
    unpairedPred.splice(unpairedPred.indexOf(name), 1);
  }
  pairs.sort((a, b) => (a[0].name < b[0].name ? -1 : a[0].name > b[0].name ? 1 : 0));
  if (pairs.length === 0)
    throw new UserError(
      `no predicted label image in ${predDir} has a ground-truth partner in ${truthDir}`,
      'name them alike (img01.tif and img01.png, or img01_labels.tif); ground truth may be label images or one mask folder per image',
    );
  const perImage: ValidationImage[] = [];
  const errors: ValidationResult['errors'] = [];
  for (const [k, [p, t]] of pairs.entries()) {
    try {
      const score = scoreSegmentation(labelsFromPlane(await readPlane(p.path)), await readTruth(t));
      perImage.push({ name: pairKey(p.name), pred: p.path, truth: t.path, score });
    } catch (err) {
      errors.push({ name: p.name, reason: err instanceof Error ? err.message : String(err) });
    }
    o.onProgress?.({ done: k + 1, total: pairs.length, label: p.name });
  }
  const s = perImage.map((x) => x.score);
  const sum = (f: (x: SegmentationScore) => number) => s.reduce((a, x) => a + f(x), 0);
  return {
    images: perImage.length,
    perImage,
    mean: {
      f1: mean(s.map((x) => x.f1)),
      precision: mean(s.map((x) => x.precision)),
      recall: mean(s.map((x) => x.recall)),
      apDsb: mean(s.map((x) => x.apDsb)),
      meanIoU: mean(s.map((x) => x.meanIoU).filter(Number.isFinite)),
      countErrorPct: 100 * mean(s.map((x) => Math.abs(x.countError))),
      countErrorSignedPct: 100 * mean(s.map((x) => x.countError)),
    },
    totals: {
      tp: sum((x) => x.tp),
      fp: sum((x) => x.fp),
      fn: sum((x) => x.fn),
      splits: sum((x) => x.splits),
      merges: sum((x) => x.merges),
      nPred: sum((x) => x.nPred),
      nTrue: sum((x) => x.nTrue),
    },
    unpaired: { pred: unpairedPred, truth: [...byKey.values()].map((t) => t.name) },
    errors,
  };
}
