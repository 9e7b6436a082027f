/**
 * The engine functions the wizard calls, with the signatures agreed in notes/CONTRACTS.md, and
 * a loader that finds each in the engine modules. Loading by name keeps the wizard usable while
 * the engine grows: a missing function becomes a plain message naming it, never a crash.
 * Only src/wizard/engine.ts uses this.
 */
import { UserError } from '../engine/errors.js';
import type { ImageSet, Labels, OnProgress, Plane, QcVerdict } from '../engine/types.js';

export interface ScanResultPort {
  root: string;
  preset: { id: string; name: string; confidence: number };
  imageSets: ImageSet[];
  channels: string[];
  plates: string[];
  wells: string[];
  problems: { code?: string; message: string; hint?: string; level?: string; severity?: string }[];
  summary?: Record<string, unknown>;
  plateMap?: unknown;
}
export interface SegmentResultPort {
  labels: Labels;
  params: Record<string, number | string | boolean>;
  threshold: number;
  discarded: { small: number[]; large: number[]; border: number };
  qc: QcVerdict[];
}
export interface ProbePort {
  format: string;
  bitDepth: number;
  pixelSizeUm?: number;
  problems: { code: string; message: string; hint?: string }[];
}

/** name -> signature (from CONTRACTS.md). */
export interface Ports {
  scanFolder: (
    dir: string,
    o: { pattern?: string; preset?: string; plateMap?: string; onProgress?: OnProgress },
  ) => Promise<ScanResultPort>;
  pickSubset: (
    scan: ScanResultPort,
    o: { n?: number; seed?: number; onProgress?: OnProgress },
  ) => Promise<{ imageSetId: string; reason: string }[]>;
  writeDemoPlate: (dir: string, o?: { seed?: number }) => Promise<unknown>;
  listPresets: () => { id: string; name: string }[];
  THRESHOLDS: Record<string, { id: string; name: string; description: string; citation?: string }>;
  readPlane: (path: string) => Promise<Plane>;
  probe: (path: string) => Promise<ProbePort>;
  renderPreview: (plane: Plane, o?: { labels?: Labels; width?: number }) => Promise<Buffer>;
  segmentNuclei: (plane: Plane, o?: Record<string, unknown>) => SegmentResultPort;
  /** The deep-learning path (src/engine/dl): same options plus model 'builtin' | path. */
  segmentModel: (plane: Plane, o?: Record<string, unknown>) => Promise<SegmentResultPort>;
  subtractBackground: (plane: Plane, o: { method: 'rolling-ball' | 'tophat'; radius: number }) => Plane;
  gaussian: (plane: Plane, sigma: number) => Plane;
  measureImageQuality: (plane: Plane, o?: { trueMax?: number; objectCount?: number }) => Record<string, number>;
  judgeQuality: (rows: { id: string; channel: string; metrics: Record<string, number> }[]) => Map<string, QcVerdict[]>;
  defaultRecipe: (scan: ScanResultPort, o: { question: string }) => Record<string, unknown>;
  parseRecipe: (json: unknown) => Record<string, unknown>;
  applyDecisions: (
    recipe: Record<string, unknown>,
    decisions: readonly unknown[],
    extras?: { excluded?: Record<string, string>; kept?: Record<string, string>; subset?: string[]; model?: string },
  ) => { recipe: Record<string, unknown>; unmapped: unknown[] };
  processImageSet: (recipe: Record<string, unknown>, imageSet: ImageSet) => Promise<Record<string, unknown>>;
  runRecipe: (
    recipe: Record<string, unknown>,
    o: { out: string; workers?: number; resume?: boolean; onProgress?: OnProgress; signal?: AbortSignal },
  ) => Promise<Record<string, unknown>>;
  writeSlurmScript: (recipePath: string, o: { out: string; tasks?: number }) => Promise<unknown>;
  writeMethods: (
    outDir: string,
    recipe: Record<string, unknown>,
    context?: Record<string, unknown>,
  ) => Promise<{ md: string; json?: unknown }>;
  writeReport: (outDir: string) => Promise<unknown>;
  scoreSegmentation: (pred: Labels, truth: Labels) => { tp: number; fp: number; fn: number; f1: number; countError: number };
}
export type PortName = keyof Ports;

/** Which helper's layer provides each function (for the "not available" message). */
const OWNER: Record<PortName, string> = {
  scanFolder: 'dataset',
  pickSubset: 'dataset',
  writeDemoPlate: 'dataset',
  listPresets: 'dataset',
  THRESHOLDS: 'ops/threshold',
  readPlane: 'io',
  probe: 'io',
  renderPreview: 'io',
  segmentNuclei: 'segment',
  segmentModel: 'dl',
  subtractBackground: 'ops',
  gaussian: 'ops',
  measureImageQuality: 'measure',
  judgeQuality: 'measure',
  defaultRecipe: 'pipeline',
  parseRecipe: 'pipeline',
  applyDecisions: 'pipeline',
  processImageSet: 'pipeline',
  runRecipe: 'pipeline',
  writeSlurmScript: 'pipeline',
  writeMethods: 'report',
  writeReport: 'report',
  scoreSegmentation: 'results/score',
};

/** Engine modules searched, in order (paths relative to this file). */
const MODULES = [
  '../engine/index.js',
  '../engine/dataset/index.js',
  '../engine/dataset/scan.js',
  '../engine/dataset/subset.js',
  '../engine/dataset/demo.js',
  '../engine/dataset/presets.js',
  '../engine/ops/threshold/registry.js',
  '../engine/ops/index.js',
  '../engine/ops/filters.js',
  '../engine/ops/background.js',
  '../engine/io/read.js',
  '../engine/io/probe.js',
  '../engine/io/preview.js',
  '../engine/segment/index.js',
  '../engine/measure/index.js',
  '../engine/measure/quality.js',
  '../engine/measure/qc.js',
  '../engine/pipeline/recipe.js',
  '../engine/pipeline/default.js',
  '../engine/pipeline/process.js',
  '../engine/pipeline/run.js',
  '../engine/pipeline/runner.js',
  '../engine/pipeline/index.js',
  '../engine/pipeline/slurm.js',
  '../engine/report/index.js',
  '../engine/report/methods.js',
  '../engine/results/score.js',
  // last: only segmentModel is looked up here (onnxruntime itself loads on the first model run)
  '../engine/dl/index.js',
];

const loaded = new Map<string, Record<string, unknown> | null>();

async function tryModule(spec: string): Promise<Record<string, unknown> | null> {
  if (loaded.has(spec)) return loaded.get(spec)!;
  let m: Record<string, unknown> | null = null;
  try {
    m = (await import(/* @vite-ignore */ new URL(spec, import.meta.url).href)) as Record<string, unknown>;
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code !== 'ERR_MODULE_NOT_FOUND' && !/Cannot find module|Failed to load|does not exist/i.test(String(err))) throw err;
  }
  loaded.set(spec, m);
  return m;
}

/** The engine function `name`, or undefined when no engine module exports it. */
export async function findPort<K extends PortName>(name: K): Promise<Ports[K] | undefined> {
  for (const spec of MODULES) {
    const m = await tryModule(spec);
    if (m && m[name] !== undefined) return m[name] as Ports[K];
  }
  return undefined;
}

/** The engine function `name`; throws a UserError naming it when it is not available. */
export async function port<K extends PortName>(name: K): Promise<Ports[K]> {
  return required(name, await findPort(name));
}

export function required<K extends PortName>(name: K, f: Ports[K] | undefined): Ports[K] {
  if (f === undefined)
    throw new UserError(`${name} (engine ${OWNER[name]}) is not available in this build`, 'update ScopePilot, or report this');
  return f;
}

/** Looks engine functions up by name (the engine modules, or given implementations in tests). */
export interface PortFinder {
  find<K extends PortName>(name: K): Promise<Ports[K] | undefined>;
  need<K extends PortName>(name: K): Promise<Ports[K]>;
}

/** A finder over the engine modules; names present in `given` (even as undefined) take precedence (tests). */
export function portFinder(given: Partial<Ports> = {}): PortFinder {
  const find = async <K extends PortName>(name: K): Promise<Ports[K] | undefined> =>
    Object.hasOwn(given, name) ? (given[name] as Ports[K] | undefined) : findPort(name);
  return { find, need: async <K extends PortName>(name: K) => required(name, await find(name)) };
}
