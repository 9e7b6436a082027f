/**
 * Header probes of a sample of image sets spread evenly over a scan (every channel of each),
 * summarised: formats, bit depths, sizes, pixel size, and the export problems probe() finds
 * (lossy, 8-bit, RGB, clipped, blank, unreadable), plus size mismatches within an image set.
 */
import { relative } from 'node:path';
import { type ProbeResult, probe as probeFile } from '../io/probe.js';
import type { ImageSet, OnProgress } from '../types.js';
import type { ScanProblem, ScanProblemCode } from './types.js';

export interface ProbeSummary {
  count: number;
  formats: Record<string, number>;
  bitDepths: Record<string, number>;
  significantBits: Record<string, number>;
  sizes: Record<string, number>;
  pixelSizeUm?: number;
  problems: ScanProblem[];
}

const inc = (r: Record<string, number>, k: string) => {
  r[k] = (r[k] ?? 0) + 1;
};

/** Probe every channel file of up to `sets` image sets spread evenly over the list (4 at a time). */
export async function probeSample(
  imageSets: ImageSet[],
  o: { sets: number; skip: Set<string>; root: string; onProgress?: OnProgress; signal?: AbortSignal },
): Promise<ProbeSummary> {
  const n = Math.min(imageSets.length, Math.max(0, o.sets));
  const chosen: ImageSet[] = [];
  for (let i = 0; i < n; i++) chosen.push(imageSets[Math.floor((i * imageSets.length) / n)]!);
  const jobs: { set: ImageSet; channel: string; path: string }[] = [];
  for (const s of chosen)
    for (const [channel, src] of Object.entries(s.channels))
      if (typeof src === 'string' && !o.skip.has(src)) jobs.push({ set: s, channel, path: src });

  const results: (ProbeResult | undefined)[] = new Array(jobs.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < jobs.length) {
      o.signal?.throwIfAborted();
      const k = next++;
      results[k] = await probeFile(jobs[k]!.path);
      done++;
      o.onProgress?.({ done, total: jobs.length, label: 'reading image headers' });
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);

  const out: ProbeSummary = { count: jobs.length, formats: {}, bitDepths: {}, significantBits: {}, sizes: {}, problems: [] };
  const byCode = new Map<string, { level: 'warn' | 'fail'; message: string; hint?: string; files: string[] }>();
  const pixelSizes: number[] = [];
  const setSizes = new Map<string, Set<string>>();
  let readable = 0;
  for (let k = 0; k < jobs.length; k++) {
    const r = results[k]!;
    const rel = relative(o.root, jobs[k]!.path);
    for (const p of r.problems) {
      let e = byCode.get(p.code);
      if (!e) byCode.set(p.code, (e = { level: p.level, message: p.message, ...(p.hint ? { hint: p.hint } : {}), files: [] }));
      e.files.push(rel);
    }
    if (r.problems.some((p) => p.code === 'unreadable' || (p.code === 'empty' && r.width === 0))) continue;
    readable++;
    inc(out.formats, r.format);
    inc(out.bitDepths, String(r.bitDepth));
    if (r.significantBits !== undefined) inc(out.significantBits, String(r.significantBits));
    const size = `${r.width}x${r.height}`;
    inc(out.sizes, size);
    if (r.pixelSizeUm !== undefined) pixelSizes.push(r.pixelSizeUm);
    const id = jobs[k]!.set.id;
    let ss = setSizes.get(id);
    if (!ss) setSizes.set(id, (ss = new Set()));
    ss.add(size);
  }

  for (const [code, e] of byCode) {
    if (code === 'no-pixel-size' && pixelSizes.length > 0) continue;
    out.problems.push({
      code: code as ScanProblemCode,
      level: e.level,
      count: e.files.length,
      message: `${e.files.length} of ${jobs.length} sampled file(s): ${e.message}`,
      ...(e.hint ? { hint: e.hint } : {}),
      examples: e.files.slice(0, 5),
    });
  }
  if (Object.keys(out.sizes).length > 1)
    out.problems.push({
      code: 'mixed-size',
      level: 'warn',
      count: readable,
      message: `images have different sizes (${Object.entries(out.sizes)
        .map(([s, c]) => `${s}: ${c}`)
        .join(', ')})`,
      hint: 'fine if they come from different acquisitions; object counts per image are then not comparable, use densities',
      examples: [],
    });
  if (Object.keys(out.bitDepths).length > 1)
    out.problems.push({
      code: 'mixed-bit-depth',
      level: 'warn',
      count: readable,
      message: `images were saved with different bit depths (${Object.entries(out.bitDepths)
        .map(([b, c]) => `${b}-bit: ${c}`)
        .join(', ')}): intensities are not directly comparable`,
      hint: 'export every image the same way, ideally the original 16-bit files',
      examples: [],
    });
  const mismatched = [...setSizes].filter(([, s]) => s.size > 1).map(([id]) => id);
  if (mismatched.length)
    out.problems.push({
      code: 'size-mismatch',
      level: 'fail',
      count: mismatched.length,
      message: `${mismatched.length} image set(s) have channels of different sizes, so they cannot be overlaid`,
      hint: 'check that those files belong together (same field, same binning)',
      examples: mismatched.slice(0, 5),
    });
  if (pixelSizes.length) {
    const counts = new Map<number, number>();
    for (const p of pixelSizes) {
      const key = Math.round(p * 1e4) / 1e4;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    out.pixelSizeUm = [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]![0];
  }
  return out;
}
