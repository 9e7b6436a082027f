/**
 * Types of the dataset layer: what a folder scan finds (files, image sets, problems) and what
 * a representative subset records.
 */
import type { ImageSet } from '../types.js';

/** One image file and what its name says. */
export interface FileRecord {
  /** Absolute path. */
  path: string;
  /** Path relative to the scanned folder, `/`-separated. */
  rel: string;
  /** Bytes (-1 when the file could not be stat'ed). */
  size: number;
  /** False when the naming convention did not match this name. */
  matched: boolean;
  plate?: string;
  well?: string;
  row?: string;
  column?: number;
  site?: number;
  channel?: string;
  z?: number;
  t?: number;
  /** Image set this file belongs to (absent for unmatched files and duplicates). */
  imageSetId?: string;
  /** Set when another file already holds this image set and channel. */
  duplicateOf?: string;
  extra?: Record<string, string>;
}

export type ScanProblemCode =
  | 'no-images'
  | 'empty-folder'
  | 'unmatched'
  | 'duplicate'
  | 'missing-channel'
  | 'missing-site'
  | 'missing-well'
  | 'platemap-unmatched'
  | 'empty-file'
  | 'unreadable'
  | 'size-mismatch'
  | 'mixed-size'
  | 'mixed-bit-depth'
  | 'lossy'
  | '8bit-export'
  | 'rgb-export'
  | 'clipped'
  | 'empty'
  | 'no-pixel-size'
  | 'unreadable-format';

/** Something the user should know about the folder, in plain words. */
export interface ScanProblem {
  code: ScanProblemCode;
  /** 'fail': some images cannot be analysed; 'warn': results may be affected or incomplete. */
  level: 'warn' | 'fail';
  message: string;
  hint?: string;
  /** How many files / image sets / wells it concerns. */
  count: number;
  /** Up to 5 example paths (relative) or ids. */
  examples: string[];
}

export interface ScanSummary {
  files: number;
  bytes: number;
  imageSets: number;
  /** Image files by extension. */
  extensions: Record<string, number>;
  /** From the probed sample: format, container bit depth, significant bits, `WxH` sizes -> files. */
  formats: Record<string, number>;
  bitDepths: Record<string, number>;
  significantBits: Record<string, number>;
  sizes: Record<string, number>;
  /** From probes, else from vendor metadata (Harmony Index.xml). */
  pixelSizeUm?: number;
  /** Instrument channel names from vendor metadata (.HTD, Index.xml): `{ w1: 'DAPI' }`. */
  channelNames?: Record<string, string>;
  probed: number;
  /** Typical sites per well (the most common count). */
  sitesPerWell?: number;
  zPlanes: number;
  timePoints: number;
  skipped: { truthFiles: number; truthFolders: string[]; thumbnails: number; otherFiles: Record<string, number> };
  /** Other presets and how well they fit (0..1), best first. */
  candidates: { id: string; score: number }[];
  /** Plate-map columns joined into the metadata. */
  plateMapColumns?: string[];
  ms: number;
  /** Plain-words lines about how the folder was read. */
  notes: string[];
}

/** The inventory of one folder. */
export interface ScanResult {
  root: string;
  preset: { id: string; name: string; confidence: number };
  files: FileRecord[];
  imageSets: ImageSet[];
  channels: string[];
  plates: string[];
  wells: string[];
  problems: ScanProblem[];
  summary: ScanSummary;
}

/** One image set of a representative subset and why it was picked. */
export interface SubsetPick {
  imageSetId: string;
  /** Plain words, e.g. "well D07 (DMSO, control): the dimmest field of the plate". */
  reason: string;
  /** 'design' covers wells/conditions; 'variety' covers the range of image features. */
  role: 'design' | 'variety';
  features?: Record<string, number>;
}
