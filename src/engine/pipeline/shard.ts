/**
 * Shards: the deterministic slices `scopepilot run --shard I/N` processes (contiguous blocks of
 * image sets in ImageNumber order; all shards together cover every image set once).
 */
import { UserError } from '../errors.js';

export interface Shard {
  /** 1-based shard number. */
  index: number;
  count: number;
}

/** Parse "i/n" (1 <= i <= n). */
export function parseShard(s: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(s);
  const index = m ? Number(m[1]) : Number.NaN;
  const count = m ? Number(m[2]) : Number.NaN;
  if (!m || count < 1 || index < 1 || index > count)
    throw new UserError(`--shard ${s}: expected I/N with 1 <= I <= N`, 'e.g. --shard 2/8 (shards are numbered from 1)');
  return { index, count };
}

/** The 0-based positions of shard `s` among `total` image sets: a contiguous block, all shards covering all. */
export function shardRange(total: number, s: Shard): [number, number] {
  return [Math.floor(((s.index - 1) * total) / s.count), Math.floor((s.index * total) / s.count)];
}
