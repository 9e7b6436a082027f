/**
 * Automatic object-size estimation from a first foreground mask: the distance-transform peak of
 * each connected object is its inscribed radius, whether the object is a single nucleus or a
 * clump of touching ones (a clump's peak is still about one nucleus' radius). The typical
 * diameter is twice the median of those radii (plus one pixel for the centre pixel), over objects
 * large enough not to be noise.
 */
import type { Labels } from '../types.js';

/**
 * Estimated typical object diameter in pixels, or undefined when no object of at least
 * `minRadius` is found. `dist` is the distance transform of the mask `components` was labelled from.
 */
export function estimateDiameter(components: Labels, dist: Float32Array, minRadius = 1.5): number | undefined {
  const n = components.count;
  if (n === 0) return undefined;
  const peak = new Float32Array(n + 1);
  const d = components.data;
  for (let i = 0; i < d.length; i++) {
    const l = d[i]!;
    if (l > 0 && dist[i]! > peak[l]!) peak[l] = dist[i]!;
  }
  const radii: number[] = [];
  for (let l = 1; l <= n; l++) if (peak[l]! >= minRadius && Number.isFinite(peak[l]!)) radii.push(peak[l]!);
  if (radii.length === 0) return undefined;
  radii.sort((a, b) => a - b);
  const mid = radii.length >> 1;
  const median = radii.length % 2 ? radii[mid]! : (radii[mid - 1]! + radii[mid]!) / 2;
  return 2 * median + 1;
}
