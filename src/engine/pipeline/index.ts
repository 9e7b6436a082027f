/** The pipeline layer: recipe schema, one image set through every stage, the runner, shards, SLURM. */
export { applyDecisions, type DecisionLike, type WizardExtras } from './decisions.js';
export { defaultRecipe, type ScanLike } from './default.js';
export { type MergeOptions, type MergeResult, mergeOutputs } from './merge.js';
export { type ImageSetResult, type ObjectTable, processImageSet } from './process.js';
export { asRecipe, parseRecipe, RECIPE_VERSION, type Recipe, RecipeSchema, segmentOptions } from './recipe.js';
export { parseShard, type RunOptions, type RunSummary, runRecipe, type Shard, shardRange } from './run.js';
export { type SlurmOptions, type SlurmScripts, writeSlurmScript } from './slurm.js';
