/**
 * The engine functions a pipeline run calls, found by name in the engine modules (so a layer
 * that has not landed yet degrades with a note instead of breaking the run), or given directly
 * (tests: dependency injection). Loaded once per thread.
 */
import { readPlane } from '../io/read.js';
import type { Labels, Plane, QcVerdict } from '../types.js';
import type { Recipe } from './recipe.js';

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
  /** segmentModel (src/engine/dl), for recipes with objects.nuclei.method 'model'; loaded only then. */
  segmentModel?: (plane: Plane, opts?: Record<string, unknown>) => Promise<SegmentResultLike>;
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
const SOURCES: Record<Exclude<keyof PipelineDeps, 'readPlane' | 'segmentModel'>, string[]> = {
  segmentNuclei: ['../segment/index.js'],
  measureObjects: ['../measure/index.js', '../measure/objects.js', '../measure/measure.js'],
  measureImageQuality: ['../measure/index.js', '../measure/quality.js', '../measure/qc.js'],
  judgeQuality: ['../measure/index.js', '../measure/qc.js', '../measure/quality.js'],
  secondaryObjects: ['../measure/index.js', '../measure/secondary.js', '../ops/propagate.js', '../ops/index.js'],
  cytoplasm: ['../measure/index.js', '../measure/secondary.js', '../ops/propagate.js', '../ops/index.js'],
  subtractBackground: ['../ops/background.js', '../ops/index.js'],
};

const modules = new Map<string, { mod: Record<string, unknown> | null; error?: string }>();

/** The module, or null when it is not in the build; a module that fails to load gives its error. */
async function tryModule(spec: string): Promise<{ mod: Record<string, unknown> | null; error?: string }> {
  const known = modules.get(spec);
  if (known) return known;
  let r: { mod: Record<string, unknown> | null; error?: string } = { mod: null };
  try {
    r = { mod: (await import(/* @vite-ignore */ new URL(spec, import.meta.url).href)) as Record<string, unknown> };
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code !== 'ERR_MODULE_NOT_FOUND' && !/Cannot find module|Failed to load|does not exist/i.test(String(err)))
      r = { mod: null, error: `${spec.replace('../', 'engine/')}: ${(err as Error).message}` };
  }
  modules.set(spec, r);
  return r;
}

let cached: LoadedDeps | undefined;

export interface LoadedDeps {
  deps: PipelineDeps;
  /** Optional functions not in this build. */
  missing: string[];
  notes: string[];
}

/**
 * The real engine functions. segmentNuclei is required (an Error otherwise: a broken build); the
 * others are optional: `missing` names those absent (see missingNotes), `notes` modules that failed to load.
 */
export async function loadPipelineDeps(): Promise<LoadedDeps> {
  if (cached) return cached;
  const found: Record<string, unknown> = {};
  const notes: string[] = [];
  const broken = new Set<string>();
  for (const [name, specs] of Object.entries(SOURCES)) {
    for (const spec of specs) {
      const { mod, error } = await tryModule(spec);
      if (error) broken.add(error);
      if (mod && typeof mod[name] === 'function') {
        found[name] = mod[name];
        break;
      }
    }
  }
  if (typeof found.segmentNuclei !== 'function')
    throw new Error(`segmentNuclei is missing from src/engine/segment/index.ts${broken.size ? ` (${[...broken].join('; ')})` : ''}`);
  // an optional module that does not load is a broken build, but the run can go on without it
  for (const b of broken) notes.push(`a module failed to load and was skipped: ${b}`);
  const missing = (Object.keys(SOURCES) as (keyof typeof SOURCES)[]).filter((k) => typeof found[k] !== 'function');
  cached = { deps: { readPlane, ...(found as Omit<PipelineDeps, 'readPlane'>) } as PipelineDeps, missing, notes };
  return cached;
}

/** Plain-words notes for the optional functions a recipe needs but this build lacks. */
export function missingNotes(missing: readonly string[], r: Recipe): string[] {
  const has = (n: string) => missing.includes(n);
  const out: string[] = [];
  if (has('measureObjects'))
    out.push('measureObjects is not in this build: basic measurements only (area, centre, mean and total intensity)');
  if (r.stages.qc.enabled && has('measureImageQuality')) out.push('measureImageQuality is not in this build: no per-image QC metrics');
  if (r.stages.qc.enabled && has('judgeQuality')) out.push('judgeQuality is not in this build: no QC verdicts, no image excluded by QC');
  if (r.stages.preprocess.background !== 'none' && has('subtractBackground'))
    out.push('subtractBackground is not in this build: background correction is skipped');
  if (r.stages.objects.cells !== 'none' && has('secondaryObjects')) out.push('secondaryObjects is not in this build: no cell outlines');
  return out;
}
