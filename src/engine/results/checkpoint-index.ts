/**
 * The index of a run's checkpoints for the result tables (results/tables.ts): where each one is
 * in ImageNumber order, which image sets are missing, and every column the tables will have
 * (first-seen order), collected in one read of the checkpoints so that the rows can be written
 * in a second read without holding them all.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { readInOrder } from '../io/read-ahead.js';
import { collectOldGarbage } from '../jit.js';
import { CHECKPOINT_DIR, type Checkpoint } from '../pipeline/checkpoint.js';
import type { Cell } from './csv.js';

/** Where each checkpoint is, in ImageNumber order. */
export interface CheckpointIndex {
  entries: { imageNumber: number; path: string; dir: string; name: string; status: Checkpoint['status'] }[];
  /** Image sets in the whole data set (from the checkpoints). */
  total: number;
  recipeHash: string | undefined;
  /** ImageNumbers 1..total without a checkpoint. */
  missing: number[];
}

/** A CheckpointIndex with the columns its checkpoints have (collected in the same read). */
export interface IndexedColumns extends CheckpointIndex {
  columns: Columns;
}

/** Standard metadata columns, in this order, when any image set has them. */
const META: [keyof Checkpoint['meta'] | 'id', string][] = [
  ['id', 'Metadata_ImageSet'],
  ['plate', 'Metadata_Plate'],
  ['well', 'Metadata_Well'],
  ['row', 'Metadata_Row'],
  ['column', 'Metadata_Column'],
  ['site', 'Metadata_Site'],
  ['z', 'Metadata_Z'],
  ['t', 'Metadata_T'],
  ['condition', 'Metadata_Condition'],
];

export interface IndexOptions {
  /** Only checkpoints of this recipe hash (others are ignored, not refused). */
  hash?: string;
  /** Expected checkpoint name of each ImageNumber (index 0 = ImageNumber 1); others are ignored. */
  names?: readonly string[];
}

/**
 * List the checkpoints of one or more output folders, with the table columns they have (from
 * the same read). The first folder that has an image number wins. Refuses checkpoints made with
 * different recipes (naming both hashes).
 */
export async function indexCheckpoints(dirs: string[], o: IndexOptions = {}): Promise<IndexedColumns> {
  const byNumber = new Map<number, CheckpointIndex['entries'][number]>();
  const facts = new Map<number, ColumnFacts>();
  const intern = new Map<string, string[]>();
  let hash: string | undefined;
  let total = 0;
  for (const dir of dirs) {
    const cdir = join(dir, CHECKPOINT_DIR);
    const names = (await readdir(cdir).catch(() => [] as string[])).filter((n) => n.endsWith('.json') && !n.startsWith('.')).sort();
    for await (const r of readInOrder(names.map((file) => join(cdir, file)))) {
      const path = r.path;
      let c: Checkpoint;
      try {
        c = JSON.parse(r.text ?? '') as Checkpoint;
      } catch {
        continue; // unreadable: treated as not done
      }
      if (o.hash !== undefined && c.recipeHash !== o.hash) continue;
      if (o.names && (o.names[c.imageNumber - 1] !== c.name || c.total !== o.names.length)) continue;
      if (hash === undefined) hash = c.recipeHash;
      else if (c.recipeHash !== hash)
        throw new UserError(
          `${path} was made with a different recipe or ScopePilot version (its recipe hash ${c.recipeHash}, the others' ${hash})`,
          'merge only outputs of one recipe run by one ScopePilot version (see `scopepilot --version`); rerun that shard with the recipe and version the others used',
        );
      total = o.names ? o.names.length : Math.max(total, c.total ?? 0);
      if (!byNumber.has(c.imageNumber)) {
        byNumber.set(c.imageNumber, { imageNumber: c.imageNumber, path, dir, name: c.name, status: c.status });
        facts.set(c.imageNumber, columnFacts(c, intern));
      }
      collectOldGarbage(); // the checkpoint's text is garbage now (jit.ts)
    }
  }
  const entries = [...byNumber.values()].sort((a, b) => a.imageNumber - b.imageNumber);
  const missing: number[] = [];
  for (let i = 1; i <= total; i++) if (!byNumber.has(i)) missing.push(i);
  return { entries, total, recipeHash: hash, missing, columns: gatherColumns(entries.map((e) => facts.get(e.imageNumber)!)) };
}

export function metaValue(c: Checkpoint, key: keyof Checkpoint['meta'] | 'id'): Cell {
  if (key === 'id') return c.id;
  const v = c.meta[key];
  return typeof v === 'number' || typeof v === 'string' ? v : undefined;
}

/** Columns seen in the checkpoints, in first-seen order. */
export interface Columns {
  meta: [string, string][];
  extra: string[];
  image: string[];
  objects: string[];
  /** qc.csv metric columns: name = <metric>_<channel>. */
  qc: { name: string; ch: string; key: string }[];
  channels: string[];
  /** QC metrics of every image set that was read (for the data-set-wide judgement). */
  qcRows: { imageNumber: number; channel: string; metrics: Record<string, number>; group?: string }[];
}

function add(list: string[], seen: Set<string>, name: string) {
  if (!seen.has(name)) {
    seen.add(name);
    list.push(name);
  }
}

/**
 * What one checkpoint contributes to the columns. The name lists are interned: nearly every
 * checkpoint of a run has the same ones, so keeping them per image set costs a pointer each.
 */
interface ColumnFacts {
  imageNumber: number;
  /** Bit k set: META[k] has a value. */
  meta: number;
  extra: string[];
  image: string[];
  objects: string[];
  /** Per channel, the QC metric names. */
  qc: [string, string[]][];
  channels: string[];
  qcMetrics: Checkpoint['qc']['metrics'];
  plate?: string;
}

function columnFacts(c: Checkpoint, intern: Map<string, string[]>): ColumnFacts {
  const shared = (names: string[]): string[] => {
    const key = names.join('\n');
    const had = intern.get(key);
    if (had) return had;
    intern.set(key, names);
    return names;
  };
  let meta = 0;
  META.forEach(([k], bit) => {
    if (metaValue(c, k) !== undefined) meta |= 1 << bit;
  });
  return {
    imageNumber: c.imageNumber,
    meta,
    extra: shared(Object.keys(c.meta.extra ?? {})),
    image: shared(Object.keys(c.image)),
    objects: shared(c.objectsCsv?.columns ?? (c.objects?.columns ?? []).filter((k) => k !== 'ObjectNumber')),
    qc: Object.entries(c.qc.metrics).map(([ch, m]) => [ch, shared(Object.keys(m))]),
    channels: shared(Object.keys(c.files)),
    qcMetrics: c.qc.metrics,
    ...(c.meta.plate ? { plate: c.meta.plate } : {}),
  };
}

/** The columns of the tables: every name any image set has, in first-seen (ImageNumber) order. */
function gatherColumns(all: ColumnFacts[]): Columns {
  let metaSeen = 0;
  const extraSeen = new Set<string>();
  const sets = { image: new Set<string>(), objects: new Set<string>(), qc: new Set<string>(), channels: new Set<string>() };
  const cols: Columns = { meta: [], extra: [], image: [], objects: [], qc: [], channels: [], qcRows: [] };
  for (const f of all) {
    metaSeen |= f.meta;
    for (const k of f.extra) extraSeen.add(k);
    for (const k of f.image) add(cols.image, sets.image, k);
    for (const k of f.objects) add(cols.objects, sets.objects, k);
    for (const [ch, keys] of f.qc)
      for (const key of keys) {
        const name = `${key}_${ch.replace(/[^A-Za-z0-9_]/g, '_')}`;
        if (!sets.qc.has(name)) {
          sets.qc.add(name);
          cols.qc.push({ name, ch, key });
        }
      }
    for (const ch of f.channels) add(cols.channels, sets.channels, ch);
    for (const [channel, metrics] of Object.entries(f.qcMetrics))
      cols.qcRows.push({ imageNumber: f.imageNumber, channel, metrics, ...(f.plate ? { group: f.plate } : {}) });
  }
  cols.meta = META.filter((_m, bit) => (metaSeen & (1 << bit)) !== 0) as [string, string][];
  cols.extra = [...extraSeen].sort();
  return cols;
}
