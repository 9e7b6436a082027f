/**
 * The dataset layer: scanning folders (naming presets, image sets, problems), plate maps,
 * representative subsets and the demo plate. The wizard finds these functions by name.
 */

export * from './demo.js';
export * from './features.js';
export * from './group.js';
export * from './platemap.js';
export * from './presets.js';
export * from './scan.js';
export * from './subset.js';
export type * from './types.js';
export * from './vendor-meta.js';
export * from './walk.js';
