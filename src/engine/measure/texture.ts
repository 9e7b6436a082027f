/**
 * Haralick texture features per object (CellProfiler MeasureTexture): grey-level co-occurrence of
 * pixel pairs `scale` px apart inside the object, in four directions, reduced to Contrast,
 * Correlation, Entropy, AngularSecondMoment and InverseDifferenceMoment.
 * @see R. Haralick, K. Shanmugam, I. Dinstein, "Textural features for image classification",
 *   IEEE Trans. Syst. Man Cybern. 3:610-621 (1973).
 */
import type { Plane } from '../types.js';

export const TEXTURE_FEATURES = ['Contrast', 'Correlation', 'Entropy', 'AngularSecondMoment', 'InverseDifferenceMoment'] as const;

/** Directions (dx, dy) in CellProfiler's order: 00 horizontal, 01 diagonal, 02 vertical, 03 anti-diagonal. */
const DIRS: [number, number][] = [
  [1, 0],
  [1, 1],
  [0, 1],
  [-1, 1],
];

/**
 * Grey levels 0..levels-1 of a plane, scaled between the plane's minimum and maximum
 * (CellProfiler scales the 0..1 image, i.e. the container range; per-image scaling keeps 12-bit
 * data in 16-bit files from collapsing into 16 levels).
 */
export function quantize(plane: Plane, levels: number): Uint8Array | Uint16Array {
  const d = plane.data;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < d.length; i++) {
    const v = d[i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const out = levels <= 256 ? new Uint8Array(d.length) : new Uint16Array(d.length);
  if (!(hi > lo)) return out;
  const range = hi - lo;
  const top = levels - 1;
  for (let i = 0; i < d.length; i++) out[i] = Math.floor(((d[i]! - lo) * top) / range);
  return out;
}

/**
 * Texture columns `Texture_<Feature>_<channel>_<scale>_<dir>_<levels>` for objects whose pixels
 * are listed in `order[start[l] .. start[l+1])` (raster order), written at row k of each column.
 * Pairs count once in the given direction (not symmetrised, as CellProfiler). An object with no
 * pair at this scale gets NaN.
 */
export function textureInto(
  lab: Int32Array,
  w: number,
  h: number,
  q: Uint8Array | Uint16Array,
  levels: number,
  present: number[],
  start: Int32Array,
  order: Int32Array,
  scale: number,
  col: (feature: string, dir: number) => Float64Array,
): void {
  const counts = new Int32Array(levels * levels);
  const touched = new Int32Array(levels * levels);
  for (let dir = 0; dir < 4; dir++) {
    const dx = DIRS[dir]![0] * scale;
    const dy = DIRS[dir]![1] * scale;
    const cols = TEXTURE_FEATURES.map((f) => col(f, dir));
    for (let k = 0; k < present.length; k++) {
      const l = present[k]!;
      let nt = 0;
      let pairs = 0;
      for (let p = start[l]!; p < start[l + 1]!; p++) {
        const i = order[p]!;
        const y = (i / w) | 0;
        const x = i - y * w;
        const x2 = x + dx;
        const y2 = y + dy;
        if (x2 < 0 || x2 >= w || y2 >= h) continue;
        const j = y2 * w + x2;
        if (lab[j] !== l) continue;
        const code = q[i]! * levels + q[j]!;
        if (counts[code] === 0) touched[nt++] = code;
        counts[code]!++;
        pairs++;
      }
      if (pairs === 0) {
        for (const c of cols) c[k] = Number.NaN;
        continue;
      }
      // marginal means and variances, then the features
      let mx = 0;
      let my = 0;
      for (let t = 0; t < nt; t++) {
        const code = touched[t]!;
        const pr = counts[code]! / pairs;
        mx += ((code / levels) | 0) * pr;
        my += (code % levels) * pr;
      }
      let vx = 0;
      let vy = 0;
      let cov = 0;
      let contrast = 0;
      let entropy = 0;
      let asm = 0;
      let idm = 0;
      for (let t = 0; t < nt; t++) {
        const code = touched[t]!;
        const pr = counts[code]! / pairs;
        const a = (code / levels) | 0;
        const b = code % levels;
        const d = a - b;
        vx += (a - mx) * (a - mx) * pr;
        vy += (b - my) * (b - my) * pr;
        cov += (a - mx) * (b - my) * pr;
        contrast += d * d * pr;
        entropy -= pr * Math.log2(pr);
        asm += pr * pr;
        idm += pr / (1 + d * d);
        counts[code] = 0;
      }
      cols[0]![k] = contrast;
      cols[1]![k] = vx > 0 && vy > 0 ? cov / Math.sqrt(vx * vy) : Number.NaN;
      cols[2]![k] = entropy;
      cols[3]![k] = asm;
      cols[4]![k] = idm;
    }
  }
}
