/** Measurements and image quality control (CellProfiler names). */

export {
  cytoplasm,
  type SecondaryMethod,
  type SecondaryOptions,
  type SecondaryResult,
  secondaryObjects,
  secondaryObjectsDetailed,
} from './compartments.js';
export {
  findLabelFile,
  groupImageSets,
  joinTables,
  type MeasuredSet,
  type MeasureFilesOptions,
  measureFiles,
  measureTables,
} from './measure-files.js';
export { diameterOfArea, type ObjectQcInput, type ObjectQcResult, objectQc, type SizeHistogram, sizeHistogramText } from './object-qc.js';
export { type MeasureObjectsOptions, measureObjects } from './objects.js';
export { DEFAULT_QC_THRESHOLDS, judgeQuality, QC_CHECKS, type QcRow, type QcThresholds, qcReasons, worstLevel } from './qc.js';
export { metadataFromName, type QcFileResult, qcFiles, qcTable } from './qc-files.js';
export { type ImageQualityOptions, inferCeiling, measureImageQuality } from './quality.js';
export { overlapParents } from './relations.js';
export { powerLogLogSlope } from './spectrum.js';
export { channelLabel, csvCell, type ObjectTable, tableColumn, toCsv } from './table.js';
export { quantize, TEXTURE_FEATURES } from './texture.js';
