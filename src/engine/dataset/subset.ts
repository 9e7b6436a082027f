/**
 * `pickSubset(scan)`: a small set of image sets that represents the whole experiment, for
 * prototyping the analysis. First the design: one field per well (or, with more wells than
 * slots, wells spread over conditions, plates and the plate grid). Then the variety: cheap
 * image features and farthest-point selection, so the dimmest, brightest, emptiest, most
 * crowded and blurriest fields are in on purpose. Every pick says why, in plain words.
 * Deterministic for a given seed; works for plain folders without plate metadata.
 *
 * @see Gonzalez, T. F. (1985) Clustering to minimize the maximum intercluster distance
 *      (farthest-point traversal). Theor. Comput. Sci. 38:293.
 */
import { describeError } from '../errors.js';
import { readPlane } from '../io/read.js';
import type { ImageSet, OnProgress, Plane } from '../types.js';
import { FEATURE_NAMES, type ImageFeatures, imageFeatures } from './features.js';
import { type Rng, rng } from './random.js';
import type { SubsetPick } from './types.js';

export interface SubsetOptions {
  /** How many image sets (default 8). */
  n?: number;
  seed?: number;
  /** Channel whose pixels give the features (default: the DNA-looking channel, else the first). */
  channel?: string;
  /** At most this many images are read for features (default max(48, 6n)). */
  budget?: number;
  onProgress?: OnProgress;
  signal?: AbortSignal;
  /** Plane reader (tests); default readPlane. */
  read?: (path: string) => Promise<Plane>;
}

const DNA_NAMES = /dapi|hoechst|dna|nuc|draq5|^w1$|^ch0?1$|^c0?1$|^d0$/i;
const CONTROL = /^(dmso|control|ctrl|mock|untreated|neg|vehicle)/i;

type Unit = { key: string; label: string; sets: ImageSet[]; group: string; pos: [number, number, number] };

function describeSet(s: ImageSet, multiPlate: boolean): string {
  const m = s.meta;
  if (m.well === undefined) return `image ${s.id}${m.condition ? ` (${m.condition})` : ''}`;
  const control = /^(1|true|yes|control)$/i.test(m.extra?.control ?? '') || CONTROL.test(m.condition ?? '');
  const what = m.condition ? ` (${m.condition}${control ? ', control' : ''})` : '';
  return `well ${multiPlate && m.plate ? `${m.plate} ` : ''}${m.well}${what} site ${m.site ?? 1}`;
}

function rowNum(row: string | undefined): number {
  let n = 0;
  for (const ch of row ?? '') n = n * 26 + (ch.charCodeAt(0) - 64);
  return n;
}

/** Design units: wells (with positions), or single image sets for plain folders. */
function units(sets: ImageSet[], plates: string[]): Unit[] {
  const byKey = new Map<string, Unit>();
  for (const s of sets) {
    const m = s.meta;
    const key = m.well !== undefined ? `${m.plate ?? ''}\u0000${m.well}` : s.id;
    let u = byKey.get(key);
    if (!u) {
      const p = Math.max(0, plates.indexOf(m.plate ?? ''));
      u = {
        key,
        label: m.well !== undefined ? `well ${m.well}` : s.id,
        sets: [],
        group: m.condition ?? (plates.length > 1 ? `plate ${m.plate}` : ''),
        pos: [p * 100, rowNum(m.row), m.column ?? 0],
      };
      byKey.set(key, u);
    }
    u.sets.push(s);
  }
  return [...byKey.values()];
}

/** Choose `k` units: round-robin over groups (controls first), within a group farthest-apart on the plate. */
function chooseUnits(all: Unit[], k: number, r: Rng): Unit[] {
  if (all.length <= k) return all;
  const groups = new Map<string, Unit[]>();
  for (const u of all) {
    const g = groups.get(u.group);
    if (g) g.push(u);
    else groups.set(u.group, [u]);
  }
  const order = [...groups.keys()].sort((a, b) => Number(!CONTROL.test(a)) - Number(!CONTROL.test(b)) || (a < b ? -1 : a > b ? 1 : 0));
  const chosen: Unit[] = [];
  const dist = (a: Unit, b: Unit) => Math.hypot(a.pos[0] - b.pos[0], a.pos[1] - b.pos[1], a.pos[2] - b.pos[2]);
  if (all.every((u) => u.pos[1] === 0)) {
    // plain folders: evenly spaced through the sorted list, from a seeded offset
    const stride = all.length / k;
    const offset = r.next() * stride;
    return Array.from({ length: k }, (_, i) => all[Math.min(all.length - 1, Math.floor(offset + i * stride))]!);
  }
  while (chosen.length < k) {
    let added = false;
    for (const g of order) {
      if (chosen.length >= k) break;
      const left = groups.get(g)!.filter((u) => !chosen.includes(u));
      if (!left.length) continue;
      let best: Unit;
      if (!chosen.length) best = left[r.int(left.length)]!;
      else best = left.reduce((b, u) => (Math.min(...chosen.map((c) => dist(c, u))) > Math.min(...chosen.map((c) => dist(c, b))) ? u : b));
      chosen.push(best);
      added = true;
    }
    if (!added) break;
  }
  return chosen;
}

/**
 * Pick `n` image sets that represent the experiment (see the module comment). Image sets whose
 * feature channel cannot be read are skipped (never picked). Returns design picks in plate
 * order, then variety picks in the order chosen.
 */
export async function pickSubset(
  scan: { imageSets: ImageSet[]; channels: string[]; plates?: string[] },
  o: SubsetOptions = {},
): Promise<SubsetPick[]> {
  const n = Math.max(1, Math.floor(o.n ?? 8));
  const r = rng(o.seed ?? 1);
  const read = o.read ?? readPlane;
  const sets = scan.imageSets;
  if (sets.length === 0) return [];
  const channel = o.channel ?? scan.channels.find((c) => DNA_NAMES.test(c)) ?? scan.channels[0] ?? '';
  const all = units(sets, scan.plates ?? []);
  const multiPlate = (scan.plates?.length ?? 0) > 1;
  const nVariety = sets.length > n && n >= 4 ? Math.floor(n / 2) : 0;
  const design = chooseUnits(all, Math.max(0, n - nVariety), r);
  const budget = Math.max(o.budget ?? Math.max(48, 6 * n), n);
  const whole = sets.length <= budget;

  // the pool of image sets whose features are read
  const pool: ImageSet[] = [];
  const inPool = new Set<string>();
  const add = (s: ImageSet) => {
    if (!inPool.has(s.id)) {
      inPool.add(s.id);
      pool.push(s);
    }
  };
  if (whole) sets.forEach(add);
  else {
    for (const u of design) {
      const cands = [...u.sets];
      for (let i = 0; i < Math.min(3, cands.length); i++) add(cands.splice(r.int(cands.length), 1)[0]!);
    }
    const rest = sets.filter((s) => !inPool.has(s.id));
    while (pool.length < budget && rest.length) add(rest.splice(r.int(rest.length), 1)[0]!);
  }
  const feats = new Map<string, ImageFeatures>();
  let done = 0;
  for (const s of pool) {
    o.signal?.throwIfAborted();
    const src = s.channels[channel] ?? Object.values(s.channels)[0];
    try {
      const plane = typeof src === 'string' ? await read(src) : src;
      if (plane) feats.set(s.id, imageFeatures(plane));
    } catch (err) {
      void describeError(err); // unreadable: scan reports it; never picked here
    }
    o.onProgress?.({ done: ++done, total: pool.length, label: 'measuring candidate images' });
  }

  // z-scores over the pool
  const ids = pool.map((s) => s.id).filter((id) => feats.has(id));
  const stats = FEATURE_NAMES.map((f) => {
    const xs = ids.map((id) => feats.get(id)![f]);
    const mean = xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
    const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, xs.length));
    return { f, mean, sd, min: Math.min(...xs), max: Math.max(...xs) };
  });
  const z = (id: string) => stats.map((s) => (s.sd > 0 ? (feats.get(id)![s.f] - s.mean) / s.sd : 0));
  const zs = new Map(ids.map((id) => [id, z(id)] as const));
  const dz = (a: string, b: string) => {
    const za = zs.get(a)!;
    const zb = zs.get(b)!;
    let d = 0;
    for (let i = 0; i < za.length; i++) d += (za[i]! - zb[i]!) ** 2;
    return Math.sqrt(d);
  };

  const picks: SubsetPick[] = [];
  const taken = new Set<string>();
  const byId = new Map(sets.map((s) => [s.id, s] as const));
  const feat = (id: string) => {
    const f = feats.get(id)!;
    return Object.fromEntries(FEATURE_NAMES.map((k) => [k, Math.round(f[k] * 1e4) / 1e4]));
  };
  const wellsTotal = all.length;
  const scope = whole ? 'of the plate' : `of the ${ids.length} fields sampled`;
  const scopeFolder = whole && sets.every((s) => s.meta.well === undefined) ? 'in the folder' : scope;
  for (const u of design) {
    const cands = u.sets.filter((s) => feats.has(s.id));
    if (!cands.length) continue;
    // the typical field: closest to the others of the unit (medoid), ties by id
    let best = cands[0]!;
    let bestD = Number.POSITIVE_INFINITY;
    for (const c of cands) {
      const d = cands.reduce((a, x) => a + dz(c.id, x.id), 0);
      if (d < bestD - 1e-12) {
        bestD = d;
        best = c;
      }
    }
    taken.add(best.id);
    const cover =
      u.sets[0]!.meta.well === undefined
        ? wellsTotal > design.length
          ? `spread over the ${wellsTotal} images of the folder`
          : 'every image is in the subset'
        : wellsTotal > design.length
          ? `one of ${design.length} wells spread over ${u.group ? 'the conditions and ' : ''}the plate (${wellsTotal} wells)`
          : 'covers this well';
    const typical = cands.length > 2 ? '; its most typical field' : '';
    const ext = extremeOf(feats.get(best.id)!, zs.get(best.id)!, stats);
    picks.push({
      imageSetId: best.id,
      reason: `${describeSet(best, multiPlate)}: ${cover}${typical}${ext ? `; also ${ext} ${scopeFolder}` : ''}`,
      role: 'design',
      features: feat(best.id),
    });
  }

  while (picks.length < n) {
    let best: string | undefined;
    let bestD = -1;
    for (const id of ids) {
      if (taken.has(id)) continue;
      const d = taken.size ? Math.min(...[...taken].filter((t) => zs.has(t)).map((t) => dz(id, t))) : 0;
      if (d > bestD + 1e-12) {
        bestD = d;
        best = id;
      }
    }
    if (best === undefined) break;
    taken.add(best);
    picks.push({
      imageSetId: best,
      reason: `${describeSet(byId.get(best)!, multiPlate)}: ${varietyReason(feats.get(best)!, zs.get(best)!, stats, scopeFolder)}`,
      role: 'variety',
      features: feat(best),
    });
  }
  return picks;
}

const EXTREME: Record<string, [string, string]> = {
  mean: ['the dimmest field', 'the brightest field'],
  p99: ['the field with the faintest bright objects', 'the field with the brightest objects'],
  foreground: ['the emptiest field', 'the field with the most foreground'],
  sharpness: ['the blurriest field', ''],
  saturated: ['', 'the most saturated field'],
  objects: ['the field with the fewest objects', 'the most crowded field'],
};
const WORDS: Record<string, [string, string]> = {
  mean: ['unusually dim', 'unusually bright'],
  p99: ['faint objects', 'very bright objects'],
  foreground: ['little foreground', 'much foreground'],
  sharpness: ['less sharp than most', 'sharper than most'],
  saturated: ['', 'clipped pixels'],
  objects: ['few objects', 'many objects'],
};

/** "the emptiest field" when this image is the minimum or maximum of a feature over the pool (the most extreme such feature by z-score), else undefined. */
function extremeOf(
  f: ImageFeatures,
  z: number[],
  stats: { f: keyof ImageFeatures; min: number; max: number; sd: number }[],
): string | undefined {
  let best: string | undefined;
  let bestZ = -1;
  stats.forEach((s, i) => {
    if (!(s.sd > 0)) return;
    const v = f[s.f];
    const phrase = v === s.max ? EXTREME[s.f]![1] : v === s.min ? EXTREME[s.f]![0] : undefined;
    if (phrase && Math.abs(z[i]!) > bestZ) {
      bestZ = Math.abs(z[i]!);
      best = phrase;
    }
  });
  return best;
}

/** Why a variety pick differs: an extreme it holds, else its most unusual feature. */
function varietyReason(
  f: ImageFeatures,
  z: number[],
  stats: { f: keyof ImageFeatures; min: number; max: number; sd: number }[],
  scope: string,
): string {
  const ext = extremeOf(f, z, stats);
  if (ext) return `${ext} ${scope} (picked for variety)`;
  let k = 0;
  for (let i = 1; i < z.length; i++) if (Math.abs(z[i]!) > Math.abs(z[k]!)) k = i;
  const s = stats[k]!;
  const hi = z[k]! > 0;
  if (Math.abs(z[k]!) < 1.5) return 'fills a gap between the fields already picked (picked for variety)';
  return `${WORDS[s.f]![hi ? 1 : 0]} (${s.f} ${Math.abs(z[k]!).toFixed(1)} SD ${hi ? 'above' : 'below'} the average; picked for variety)`;
}
