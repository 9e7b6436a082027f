/**
 * Core types shared by every layer of ScopePilot. Names follow docs/ARCHITECTURE.md.
 * Rasters are row-major: `data[y * width + x]`.
 */

/** Pixel storage of one 2D plane. */
export type PlaneData = Uint8Array | Uint16Array | Float32Array;

/** One 2D channel of one field of view. */
export interface Plane {
  width: number;
  height: number;
  data: PlaneData;
  /** Significant bits: 8, 12, 16 (integer) or 32 (float). 12 means 16-bit container with values <= 4095. */
  bitDepth: number;
}

/** A binary mask: 1 = foreground, 0 = background. Foreground is `value > threshold` (scikit-image convention). */
export interface Mask {
  width: number;
  height: number;
  data: Uint8Array;
}

/** Instance labels: 0 = background, objects 1..count. */
export interface Labels {
  width: number;
  height: number;
  data: Int32Array;
  count: number;
}

/** Metadata of one image set (field of view). */
export interface ImageMeta {
  plate?: string;
  well?: string;
  row?: string;
  column?: number;
  site?: number;
  z?: number;
  t?: number;
  condition?: string;
  pixelSizeUm?: number;
  files: string[];
  /** Any further plate-map columns (treatment, dose, replicate, control ...). */
  extra?: Record<string, string>;
}

/** One field of view: every channel, as decoded planes or as source paths. */
export interface ImageSet {
  id: string;
  channels: Record<string, Plane | string>;
  meta: ImageMeta;
}

export type QcLevel = 'ok' | 'warn' | 'fail';

/** One quality-control judgement. `check` is a stable lowercase name (blur, saturation, empty, ...). */
export interface QcVerdict {
  check: string;
  level: QcLevel;
  message: string;
  value?: number;
  threshold?: number;
  /** What the user can do about it, in plain words. */
  action?: string;
}

/** What every pipeline stage returns. */
export interface StageResult<T> {
  value: T;
  qc: QcVerdict[];
  preview?: Buffer;
  timingsMs: Record<string, number>;
}

/** Progress report of long work. */
export interface Progress {
  done: number;
  total: number;
  label?: string;
}
export type OnProgress = (p: Progress) => void;

/** Options every long-running engine function accepts. */
export interface LongWorkOptions {
  onProgress?: OnProgress;
  signal?: AbortSignal;
}

/**
 * Every plane of one image file, decoded (src/engine/io/read.ts `readImage`).
 * Planes are in canonical order, channel fastest, then z, then t:
 * `planes[(t * axes.z + z) * axes.c + c]`, whatever the order in the file.
 */
export interface DecodedImage {
  planes: Plane[];
  /** Channel names from OME-XML, or R/G/B for a split colour image. */
  channelNames?: string[];
  axes: { c: number; z: number; t: number };
  /** Pixel size in µm (x; y assumed equal), from OME-XML, ImageJ or resolution tags. */
  pixelSizeUm?: number;
  /** Z spacing in µm, when known. */
  zSpacingUm?: number;
  format?: 'tiff' | 'ome-tiff' | 'png' | 'jpeg';
  /** Things the user should know about how the file was read (one sentence each). */
  notes: string[];
}
