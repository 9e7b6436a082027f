/**
 * Every image operation of ScopePilot, from one import: filters, thresholds, morphology,
 * labelling, distance transform, maxima, watershed and object filters.
 * Foreground is `value > threshold` throughout (scikit-image convention).
 */
export * from './background.js';
export * from './border.js';
export * from './distance.js';
export * from './fill-holes.js';
export * from './gaussian.js';
export * from './illumination.js';
export * from './label.js';
export * from './local-threshold.js';
export * from './max-filter.js';
export * from './maxima.js';
export * from './median.js';
export * from './morphology.js';
export * from './propagate.js';
export * from './size-filter.js';
export * from './threshold/li.js';
export * from './threshold/multi-otsu.js';
export * from './threshold/otsu.js';
export * from './threshold/otsu-sqrt.js';
export * from './threshold/registry.js';
export * from './threshold/triangle.js';
export * from './threshold/yen.js';
export * from './watershed.js';
