/**
 * What the wizard needs from the engine: one interface, implemented for real by
 * src/wizard/engine.ts (the ONE module that calls engine functions) and by fakes in tests.
 * Every method gets the wizard's context (decisions so far and facts already computed).
 */

import type { OnProgress } from '../engine/types.js';
import type { StepContext } from './fields.js';
import type { Catalog, PickFacts, QcFacts, RunFacts, ScanFacts, StageFacts } from './types.js';

export interface WorkOptions {
  signal: AbortSignal;
  onProgress: OnProgress;
}

export interface WizardEngine {
  /** Threshold methods and naming presets the engine offers. */
  catalog(): Promise<Catalog>;
  /** Scan the input folder (optionally with a chosen preset). */
  scan(ctx: StepContext, o: WorkOptions): Promise<ScanFacts>;
  /** Pick the representative subset. */
  subset(ctx: StepContext, o: WorkOptions): Promise<PickFacts[]>;
  /** QC verdicts (and thumbnails) of the subset. */
  qc(ctx: StepContext, o: WorkOptions): Promise<QcFacts[]>;
  /** Before/after previews of preprocessing on the subset. */
  preprocess(ctx: StepContext, o: WorkOptions): Promise<StageFacts>;
  /** Object finding on the subset: outlines, counts, what the size filter discarded. */
  objects(ctx: StepContext, o: WorkOptions): Promise<StageFacts>;
  /** The pilot's effect and variability on the subset. */
  statistics(ctx: StepContext, o: WorkOptions): Promise<StageFacts>;
  /** Run (or write the SLURM script), then the methods record; says what it could not do. */
  run(ctx: StepContext, o: WorkOptions): Promise<RunFacts>;
  /** Write OUT/recipe.json for the decisions so far; returns its path, or undefined if too early (no scan). */
  writeRecipe(ctx: StepContext): Promise<string | undefined>;
}
