/**
 * Types of the wizard's step machine: the persisted session (what the user decided), the facts
 * the engine computed for it (scan, subset, QC, previews, run), the state union the reducer
 * works on, and its actions. Pure data; no React, no engine calls.
 */
import type { QcLevel, QcVerdict } from '../engine/types.js';

export const STEP_IDS = ['question', 'data', 'subset', 'qc', 'preprocess', 'objects', 'measurements', 'statistics', 'run', 'done'] as const;
export type StepId = (typeof STEP_IDS)[number];

/** todo: not yet accepted; accepted: accepted and up to date; recheck: accepted, but an earlier step changed since. */
export type StepStatus = 'todo' | 'accepted' | 'recheck';
export type Value = string | number | boolean;

/** One decision for the methods record: what was chosen, what was recommended, and why. */
export interface Decision {
  step: StepId;
  field: string;
  label: string;
  value: Value;
  recommended: Value;
  changed: boolean;
  /** The recommendation's reason, or the user's reason when they changed it. */
  why: string;
}

/** A facility intake template (YAML, `--template FILE`). */
export interface FacilityTemplate {
  name?: string;
  /** Extra questions asked on the question step; answers go into the methods record. */
  questions: { id: string; label: string; choices?: string[]; required: boolean }[];
  /** Metadata the facility requires (specimen, stain, microscope, objective ...), asked on the data step. */
  metadata: { id: string; label: string; required: boolean }[];
  /** Default naming preset id for the scan. */
  preset?: string;
  /** Outputs the facility wants (e.g. objects.csv, report.html). */
  outputs: string[];
}

/** Everything the user decided; saved after every step, enough to resume. */
export interface Session {
  version: 1;
  id: string;
  /** The folder analysed (never written to). */
  input: string;
  /** The output folder. */
  out: string;
  /** True when the input is the generated demo plate. */
  demo: boolean;
  createdAt: string;
  updatedAt: string;
  step: StepId;
  status: Record<StepId, StepStatus>;
  /** Values the user changed (a field absent here follows its recommendation). */
  values: Partial<Record<StepId, Record<string, Value>>>;
  /** Image sets excluded at QC, with the reason. */
  excluded: Record<string, string>;
  /** Image sets kept at QC despite a failing verdict, with the reason. */
  kept: Record<string, string>;
  /** Subset picks the user dropped. */
  dropped: string[];
  /** Steps at which the user revealed the conditions while judging (blinding broken there). */
  revealedAt: StepId[];
  template?: FacilityTemplate;
  /** A BioImage Model Zoo package (absolute path) offered as the model method instead of the built-in one (`--model PATH`). */
  modelPath?: string;
  decisions: Decision[];
}

/** One thumbnail the engine wrote: the image, its overlay, and numbers for the text summary. */
export interface PreviewRef {
  id: string;
  /** PNG of the image (contrast-stretched). */
  png: string;
  /** PNG with outlines or the after-image, shown beside `png`. */
  overlayPng?: string;
  caption: string;
  condition?: string;
  well?: string;
  stats: Record<string, number | string>;
  /**
   * Objects step without label images: each method's outlines on this image and its object count,
   * shown side by side in place of the image and `overlayPng`, so the user can choose between them.
   */
  methods?: { method: 'classical' | 'model'; png: string; count: number }[];
}

export interface ScanFacts {
  root: string;
  presetId: string;
  presetName: string;
  confidence: number;
  presets: { id: string; name: string }[];
  channels: string[];
  imageSetCount: number;
  plates: string[];
  /** Per well: images found and (hidden while blind) the condition. */
  wells: { plate: string; well: string; count: number; condition?: string; control?: boolean }[];
  pixelSizeUm?: number;
  plateMapPath?: string;
  conditions: string[];
  format?: string;
  bitDepth?: number;
  /** Problems with their consequence in plain words. */
  problems: { message: string; consequence?: string; level: QcLevel }[];
}

export interface PickFacts {
  id: string;
  reason: string;
  well?: string;
  condition?: string;
}

export interface QcFacts {
  id: string;
  well?: string;
  condition?: string;
  verdicts: QcVerdict[];
  worst: QcLevel;
  /** True when analysis cannot fix it ("go back to the microscope"). */
  unfixable: boolean;
  preview?: PreviewRef;
}

/** Result of a stage preview on the subset. */
export interface StageFacts {
  previews: PreviewRef[];
  /** Lines for the text summary ("about 52 nuclei per image; 3 small objects discarded"). */
  summary: string[];
  /** Engine-side recommendations (e.g. the estimated diameter), by field id. */
  recommend: Record<string, { value: Value; why: string }>;
  /** Numbers used by the statistics step (per image: count, mean area ...). */
  perImage?: { id: string; condition?: string; values: Record<string, number> }[];
  /** The chosen method against the user's label images (objects step), for the methods record. */
  validation?: { images: number; f1: number; countErrorPct: number };
}

export interface RunFacts {
  mode: 'run-now' | 'slurm' | 'later';
  /** Human lines: what was written where. */
  lines: string[];
  /** Files written (absolute paths). */
  outputs: string[];
  methodsPreview: string;
  /** What could not be done (e.g. a missing engine piece), said plainly. */
  missing: string[];
  failed: number;
}

/** Facts the engine computed, each keyed by the inputs it was computed from (a changed key means stale). */
export interface Facts {
  scan?: Loaded<ScanFacts>;
  subset?: Loaded<PickFacts[]>;
  qc?: Loaded<QcFacts[]>;
  preprocess?: Loaded<StageFacts>;
  objects?: Loaded<StageFacts>;
  statistics?: Loaded<StageFacts>;
  run?: Loaded<RunFacts>;
}
export type FactKey = keyof Facts;
export interface Loaded<T> {
  key: string;
  value: T;
}

export interface Ui {
  /** Which list has the highlight: the step's settings or its items (subset picks, QC images). */
  focus: 'fields' | 'items';
  field: number;
  item: number;
  help: boolean;
  /** Conditions shown while judging (blind steps); resets when the step changes. */
  reveal: boolean;
  /** Editing a text field (the screen shows a text input). */
  editing: boolean;
  /** One line of feedback ("accepted", "facility requires: stain"). */
  message?: string;
}

/** Choices the engine offers, listed by the wizard (from the engine's registries). */
export interface Catalog {
  thresholds: { id: string; name: string; description: string; citation?: string }[];
  presets: { id: string; name: string }[];
}

interface Base {
  session: Session;
  facts: Facts;
  catalog: Catalog;
  ui: Ui;
}
export type WizardState =
  | (Base & { phase: 'step' })
  | (Base & { phase: 'loading'; fact: FactKey; label: string; done: number; total: number })
  | (Base & { phase: 'error'; fact: FactKey; error: string })
  | (Base & { phase: 'quit' })
  | (Base & { phase: 'finished' });

type LoadedAction = { [K in FactKey]: { type: 'loaded'; fact: K; value: Loaded<NonNullable<Facts[K]>['value']> } }[FactKey];

export type WizardAction =
  | { type: 'accept' }
  | { type: 'back' }
  | { type: 'move'; delta: 1 | -1 }
  | { type: 'cycle'; delta: 1 | -1 }
  | { type: 'set'; field: string; value: Value }
  | { type: 'edit'; on: boolean }
  | { type: 'toggleFocus' }
  | { type: 'toggleItem' }
  /** Show the next subset image's preview (steps with previews). */
  | { type: 'nextImage' }
  | { type: 'help' }
  | { type: 'reveal' }
  | { type: 'quit' }
  | { type: 'resume'; session: Session }
  | { type: 'loadStart'; fact: FactKey; label: string }
  | { type: 'progress'; done: number; total: number; label?: string }
  | LoadedAction
  | { type: 'failed'; fact: FactKey; error: string }
  | { type: 'retry' };
