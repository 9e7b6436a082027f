/**
 * Cell compartments from nuclei: cells (secondary objects) grown from the nuclei into a cell
 * channel, or by a fixed distance when there is none; cytoplasm = cell minus nucleus. Every cell
 * and cytoplasm keeps the number of its nucleus (CellProfiler's convention), so the parent of
 * Cells #k and Cytoplasm #k is Nuclei #k.
 */
import { UserError } from '../errors.js';
import { gaussianF32 } from '../ops/gaussian.js';
import { expandLabels, propagate } from '../ops/propagate.js';
import { otsuThreshold } from '../ops/threshold/otsu.js';
import { watershed } from '../ops/watershed.js';
import type { Labels, Plane } from '../types.js';

export type SecondaryMethod = 'propagation' | 'watershed' | 'distance';

export interface SecondaryOptions {
  /** Default 'propagation' with a cell channel, 'distance' without one. The recipe's words 'propagate' and 'expand' are accepted too. */
  method?: SecondaryMethod | 'propagate' | 'expand';
  /** 'distance': how far (px) to grow each nucleus; also a limit for the others when given. Default 10 px. */
  distance?: number;
  /** Propagation regularisation lambda (spatial step vs intensity difference). Default 0.05 (CellProfiler). */
  lambda?: number;
  /** Cell-channel threshold (raw units); pixels above it are cell. Default: Otsu of the smoothed channel. */
  threshold?: number;
  /** Gaussian smoothing (sigma, px) of the cell channel before thresholding and propagating. Default 1. */
  smoothing?: number;
}

export interface SecondaryResult {
  labels: Labels;
  method: SecondaryMethod;
  /** Threshold used on the (smoothed) cell channel; NaN for 'distance'. */
  threshold: number;
}

/**
 * Cells grown from nuclei (CellProfiler IdentifySecondaryObjects).
 * - 'propagation': pixels of the cell channel above the threshold go to the nucleus with the
 *   smallest image-manifold distance ({@link propagate}, lambda 0.05 on the smoothed channel scaled
 *   0..1 between its min and max; CellProfiler scales by the container maximum, which for 12-bit data
 *   in 16-bit files makes intensity steps 16x smaller and the split closer to plain distance).
 * - 'watershed': watershed of the inverted smoothed cell channel from the nuclei, inside the same mask.
 * - 'distance': each nucleus grows by `distance` px (8-neighbour chamfer distance, within 8% of
 *   Euclidean); where two would overlap the nearer wins. Needs no cell channel.
 * Nucleus pixels always belong to their own cell. Ids are the nuclei's.
 * @see Jones, Carpenter & Golland, CVBIA 2005; Carpenter et al., Genome Biol 7:R100 (2006).
 */
export function secondaryObjectsDetailed(nuclei: Labels, cellChannel: Plane | undefined, opts: SecondaryOptions = {}): SecondaryResult {
  const asked = opts.method === 'propagate' ? 'propagation' : opts.method === 'expand' ? 'distance' : opts.method;
  const method: SecondaryMethod = asked ?? (cellChannel ? 'propagation' : 'distance');
  const { width: w, height: h } = nuclei;
  if (method === 'distance' || !cellChannel) {
    if (method !== 'distance') {
      throw new UserError(
        `secondary objects by ${method} need a cell channel`,
        'name the cell (cytoplasm or membrane) channel, or use method "distance"',
      );
    }
    const labels = expandLabels(nuclei, opts.distance ?? 10);
    return { labels, method, threshold: Number.NaN };
  }
  if (cellChannel.width !== w || cellChannel.height !== h) {
    throw new UserError(
      `the cell channel is ${cellChannel.width}x${cellChannel.height} but the nuclei are ${w}x${h}`,
      'use the cell channel of the same field as the nuclei',
    );
  }
  const sigma = opts.smoothing ?? 1;
  const smooth = sigma > 0 ? gaussianF32(cellChannel.data, w, h, sigma) : Float32Array.from(cellChannel.data);
  const t = opts.threshold ?? otsuThreshold(smooth);
  const n = w * h;
  const mask = new Uint8Array(n);
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const v = smooth[i]!;
    if (v > t || nuclei.data[i]! > 0) mask[i] = 1;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const m = { width: w, height: h, data: mask };
  let labels: Labels;
  if (method === 'watershed') {
    const surface = new Float32Array(n);
    for (let i = 0; i < n; i++) surface[i] = -smooth[i]!;
    labels = watershed(surface, nuclei, m);
  } else {
    const scaled = new Float32Array(n);
    const range = hi > lo ? hi - lo : 1;
    for (let i = 0; i < n; i++) scaled[i] = (smooth[i]! - lo) / range;
    labels = propagate(nuclei, scaled, m, {
      lambda: opts.lambda ?? 0.05,
      ...(opts.distance !== undefined ? { maxDistance: opts.distance } : {}),
    });
  }
  // Nucleus pixels are their own cell's, whatever the growing did.
  const data = labels.data.slice();
  for (let i = 0; i < n; i++) if (nuclei.data[i]! > 0) data[i] = nuclei.data[i]!;
  return { labels: { width: w, height: h, data, count: nuclei.count }, method, threshold: t };
}

/** Cells grown from nuclei: the labels of {@link secondaryObjectsDetailed} (the CONTRACTS.md signature). */
export function secondaryObjects(nuclei: Labels, cellChannel: Plane | undefined, opts: SecondaryOptions = {}): Labels {
  return secondaryObjectsDetailed(nuclei, cellChannel, opts).labels;
}

/**
 * Cytoplasm: each cell's pixels that are not nucleus pixels, numbered as the cell (CellProfiler
 * IdentifyTertiaryObjects with "shrink primary" off). A cell that is all nucleus has no cytoplasm.
 */
export function cytoplasm(cells: Labels, nuclei: Labels): Labels {
  if (cells.width !== nuclei.width || cells.height !== nuclei.height) {
    throw new UserError('cells and nuclei label images differ in size', 'give the cells grown from these nuclei');
  }
  const data = new Int32Array(cells.data.length);
  for (let i = 0; i < data.length; i++) if (nuclei.data[i] === 0) data[i] = cells.data[i]!;
  return { width: cells.width, height: cells.height, data, count: cells.count };
}
