/** Measurements and image quality control (CellProfiler names). */
export { type MeasureObjectsOptions, measureObjects, overlapParents } from './objects.js';
export { channelLabel, csvCell, type ObjectTable, tableColumn, toCsv } from './table.js';
