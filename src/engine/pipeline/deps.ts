/**
 * The engine functions a pipeline run calls, found by name in the engine modules (so a layer
 * that has not landed yet degrades with a note instead of breaking the run), or given directly
 * (tests: dependency injection). Loaded once per thread.
 */
import { readPlane } from '../io/read.js';
import type { Labels, Plane, QcVerdict } from '../types.js';

/** What segmentNuclei returns (CONTRACTS.md), as far as the pipeline needs it. */
export interface SegmentResultLike {
  labels: Labels;
  params: Record<string, number | string | boolean>;
  threshold: number;
  discarded: { small: number[]; large: number[]; border: number };
  timingsMs?: Record<string, number>;
  qc?: QcVerdict[];
}

/** An object table: row-major `{columns, rows}` or column-major `{columns: {name: values}}`. */
export type ObjectTableLike =
  | { columns: string[]; rows: ArrayLike<number>[] }
  | { columns: Record<string, ArrayLike<number>>; rows?: undefined };

export interface PipelineDeps {
  readPlane: (path: string) => Promise<Plane>;
  segmentNuclei: (plane: Plane, opts?: Record<string, unknown>) => SegmentResultLike;
  measureObjects?: (labels: Labels, channels: Record<string, Plane>, opts?: Record<string, unknown>) => ObjectTableLike;
  measureImageQuality?: (plane: Plane, opts?: { trueMax?: number; objectCount?: number }) => Record<string, number>;
  judgeQuality?: (
    rows: { id: string; channel: string; metrics: Record<string, number>; group?: string }[],
    thresholds?: Record<string, number>,
  ) => Map<string, QcVerdict[]>;
  secondaryObjects?: (nuclei: Labels, cellChannel: Plane | undefined, opts?: Record<string, unknown>) => Labels;
  cytoplasm?: (cells: Labels, nuclei: Labels) => Labels;
  subtractBackground?: (plane: Plane, o: { method: 'rolling-ball' | 'tophat'; radius: number }) => Plane;
}

/** Modules searched for each function, in order (relative to this file). */
const SOURCES: Record<Exclude<keyof PipelineDeps, 'readPlane'>, string[]> = {
  segmentNuclei: ['../segment/index.js'],
  measureObjects: ['../measure/index.js', '../measure/objects.js', '../measure/measure.js'],
  measureImageQuality: ['../measure/index.js', '../measure/quality.js', '../measure/qc.js'],
  judgeQuality: ['../measure/index.js', '../measure/qc.js', '../measure/quality.js'],
  secondaryObjects: ['../measure/index.js', '../measure/secondary.js', '../ops/propagate.js', '../ops/index.js'],
  cytoplasm: ['../measure/index.js', '../measure/secondary.js', '../ops/propagate.js', '../ops/index.js'],
  subtractBackground: ['../ops/background.js', '../ops/index.js'],
};

const modules = new Map<string, Record<string, unknown> | null>();

async function tryModule(spec: string): Promise<Record<string, unknown> | null> {
  if (modules.has(spec)) return modules.get(spec)!;
  let m: Record<string, unknown> | null = null;
  try {
    m = (await import(/* @vite-ignore */ new URL(spec, import.meta.url).href)) as Record<string, unknown>;
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code !== 'ERR_MODULE_NOT_FOUND' && !/Cannot find module|Failed to load|does not exist/i.test(String(err))) throw err;
  }
  modules.set(spec, m);
  return m;
}

let cached: { deps: PipelineDeps; notes: string[] } | undefined;

/**
 * The real engine functions. segmentNuclei is required (a UserError-free Error otherwise, as it
 * is a broken build); the others are optional and each missing one adds a note for run.json.
 */
export async function loadPipelineDeps(): Promise<{ deps: PipelineDeps; notes: string[] }> {
  if (cached) return cached;
  const found: Record<string, unknown> = {};
  const notes: string[] = [];
  for (const [name, specs] of Object.entries(SOURCES)) {
    for (const spec of specs) {
      const m = await tryModule(spec);
      if (m && typeof m[name] === 'function') {
        found[name] = m[name];
        break;
      }
    }
  }
  if (typeof found.segmentNuclei !== 'function') throw new Error('segmentNuclei is missing from src/engine/segment/index.ts');
  if (!found.measureObjects)
    notes.push('measureObjects is not in this build: basic measurements only (area, centre, mean and total intensity)');
  if (!found.measureImageQuality) notes.push('measureImageQuality is not in this build: no per-image QC metrics');
  if (!found.judgeQuality) notes.push('judgeQuality is not in this build: no QC verdicts, no image excluded by QC');
  if (!found.subtractBackground) notes.push('subtractBackground is not in this build: background correction is skipped');
  if (!found.secondaryObjects) notes.push('secondaryObjects is not in this build: no cell outlines');
  cached = { deps: { readPlane, ...(found as Omit<PipelineDeps, 'readPlane'>) } as PipelineDeps, notes };
  return cached;
}
