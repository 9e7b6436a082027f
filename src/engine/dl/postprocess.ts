/**
 * From a nuclei model's probability maps to instance labels with the engine's ops: foreground
 * mask, seeds, seeded watershed, size filter. Two output kinds:
 * - foreground + normalised distance (ScopePilot's model): seeds are the connected cores where
 *   the distance to the object's own border is above `seedLevel` of its maximum; the watershed
 *   floods from them down the distance map, inside the foreground.
 * - foreground only (other models): seeds are peaks of the distance transform of the mask at
 *   least 0.3 diameters apart, as the classical 'shape' declumping.
 * Foreground parts no seed reaches become objects of their own (nothing predicted is dropped
 * silently, the size filter then decides).
 */
import { distanceTransform } from '../ops/distance.js';
import { label } from '../ops/label.js';
import { findMaxima } from '../ops/maxima.js';
import { filterBySize } from '../ops/size-filter.js';
import { watershedLevels } from '../ops/watershed.js';
import type { Labels, Mask } from '../types.js';

export interface PostprocessOptions {
  /** Foreground probability cut-off. Default 0.5. */
  foregroundLevel?: number;
  /** Seed cut-off on the normalised distance (0..1). Default 0.5. */
  seedLevel?: number;
  /** Typical object diameter (px) for the seed spacing and the size limit. */
  diameter: number;
  /** Objects with fewer pixels are discarded. Default max(6, area of a disc of 0.4 diameter). */
  minArea?: number;
}

const LEVELS = 256;

/**
 * Instance labels from the foreground probability `fg` and (optionally) the normalised distance
 * `nd`, both w x h in 0..1. Pure; same maps, same labels.
 */
export function labelsFromMaps(
  fg: Float32Array,
  nd: Float32Array | undefined,
  w: number,
  h: number,
  o: PostprocessOptions,
): { labels: Labels; removedSmall: number[]; seeds: number } {
  const n = w * h;
  const fl = o.foregroundLevel ?? 0.5;
  const mask: Mask = { width: w, height: h, data: new Uint8Array(n) };
  const md = mask.data;
  for (let i = 0; i < n; i++) md[i] = fg[i]! > fl ? 1 : 0;
  let markers: Labels;
  const levels = new Int32Array(n);
  if (nd) {
    const sl = o.seedLevel ?? 0.5;
    const core: Mask = { width: w, height: h, data: new Uint8Array(n) };
    const cd = core.data;
    for (let i = 0; i < n; i++) {
      if (md[i] === 0) continue;
      const v = Math.min(1, Math.max(0, nd[i]!));
      if (v > sl) cd[i] = 1;
      levels[i] = Math.round((1 - v) * (LEVELS - 1));
    }
    markers = label(core, 8);
  } else {
    const dist = distanceTransform(mask);
    let max = 0;
    for (let i = 0; i < n; i++) if (dist[i]! > max) max = dist[i]!;
    const minDistance = Math.max(2, Math.round(o.diameter * 0.3));
    markers = findMaxima(dist, w, h, { minDistance, mask, threshold: 0 });
    const k = max > 0 ? (LEVELS - 1) / max : 0;
    for (let i = 0; i < n; i++) if (md[i] !== 0) levels[i] = Math.round((max - dist[i]!) * k);
  }
  const flooded = watershedLevels(levels, LEVELS, markers, mask);
  // foreground no seed reached: its own objects
  const rest: Mask = { width: w, height: h, data: new Uint8Array(n) };
  const fd = flooded.data;
  let any = false;
  for (let i = 0; i < n; i++) {
    if (md[i] !== 0 && fd[i] === 0) {
      rest.data[i] = 1;
      any = true;
    }
  }
  let count = flooded.count;
  if (any) {
    const extra = label(rest, 8);
    const ed = extra.data;
    for (let i = 0; i < n; i++) if (ed[i]! > 0) fd[i] = count + ed[i]!;
    count += extra.count;
  }
  const minArea = o.minArea ?? Math.max(6, Math.PI * (0.2 * o.diameter) ** 2);
  const sized = filterBySize({ width: w, height: h, data: fd, count }, { minArea });
  return { labels: sized.labels, removedSmall: sized.removed.small, seeds: markers.count };
}
