/**
 * The shape part of measureObjects (objects.ts): one pass over the label raster (areas, bounding
 * boxes, moments, border flags), the pixels grouped by object, and each object's shape columns.
 *
 * Each step is a function of its own rather than a loop inside measureObjects, for V8: a worker
 * runs the function once per image set, so V8 optimises it while its first loop runs (on-stack
 * replacement) and throws that code away when it reaches code that has not run yet. With every
 * loop in one function that happened at each loop in turn: measureObjects was compiled 8 times
 * (up to 42 ms each) over a worker's first 5 image sets, which took 50 ms each to measure against
 * 5 ms after. A small function is compiled for its one loop, once.
 */
import { convexHullOfSorted, feretDiameters, gridPointsInConvex, RowHullPoints } from './hull.js';
import { EDGE8 } from './intensity.js';

// skimage.measure.perimeter (4-neighbourhood) weights, indexed by the 3x3 code of border pixels.
const PERIMETER_WEIGHTS = (() => {
  const w = new Float64Array(50);
  for (const i of [5, 7, 15, 17, 25, 27]) w[i] = 1;
  for (const i of [21, 33]) w[i] = Math.SQRT2;
  for (const i of [13, 23]) w[i] = (1 + Math.SQRT2) / 2;
  return w;
})();

/** Pixel has a 4-neighbour outside its object (or is on the image edge); EDGE8 (intensity.ts) an 8-neighbour. */
const BORDER4 = 1;

/**
 * The hull points of the object being measured, one instance for every object of every call
 * (reset per object; measureShape does not call itself). Also keeps its hidden class alive: V8
 * drops the hidden classes of a class whose instances are all gone at a full collection, and the
 * optimised code that was made for them with it (deoptimised at every full collection of a
 * worker, when each object had an instance of its own).
 */
const HULL_POINTS = new RowHullPoints();

/** The largest label value of a label raster (0 when it has no objects). */
export function maxLabelOf(lab: Int32Array): number {
  let maxL = 0;
  for (let i = 0; i < lab.length; i++) if (lab[i]! > maxL) maxL = lab[i]!;
  return maxL;
}

/** Per label value (index 0..maxLabel): area, first pixel, bounding box and moments about the first pixel. */
export interface LabelPass {
  area: Float64Array;
  fx: Int32Array;
  fy: Int32Array;
  minX: Int32Array;
  minY: Int32Array;
  maxX: Int32Array;
  maxY: Int32Array;
  sx: Float64Array;
  sy: Float64Array;
  sxx: Float64Array;
  syy: Float64Array;
  sxy: Float64Array;
  /** Per pixel: BORDER4 | EDGE8, EDGE8 or 0. */
  flags: Uint8Array;
}

/** Areas, first pixels, bounding boxes, moments (about the first pixel) and border flags, in one pass. */
export function labelPass(lab: Int32Array, w: number, h: number, L: number): LabelPass {
  const area = new Float64Array(L);
  const fx = new Int32Array(L);
  const fy = new Int32Array(L);
  const minX = new Int32Array(L).fill(w);
  const minY = new Int32Array(L).fill(h);
  const maxX = new Int32Array(L).fill(-1);
  const maxY = new Int32Array(L).fill(-1);
  const sx = new Float64Array(L);
  const sy = new Float64Array(L);
  const sxx = new Float64Array(L);
  const syy = new Float64Array(L);
  const sxy = new Float64Array(L);
  const flags = new Uint8Array(w * h);
  for (let y = 0, i = 0; y < h; y++) {
    for (let x = 0; x < w; x++, i++) {
      const l = lab[i]!;
      if (l <= 0) continue;
      if (area[l] === 0) {
        fx[l] = x;
        fy[l] = y;
        minY[l] = y;
      }
      area[l]!++;
      if (x < minX[l]!) minX[l] = x;
      if (x > maxX[l]!) maxX[l] = x;
      maxY[l] = y;
      const dx = x - fx[l]!;
      const dy = y - fy[l]!;
      sx[l]! += dx;
      sy[l]! += dy;
      sxx[l]! += dx * dx;
      syy[l]! += dy * dy;
      sxy[l]! += dx * dy;
      const left = x > 0 && lab[i - 1] === l;
      const right = x < w - 1 && lab[i + 1] === l;
      const up = y > 0 && lab[i - w] === l;
      const down = y < h - 1 && lab[i + w] === l;
      let f = 0;
      if (!(left && right && up && down)) f = BORDER4 | EDGE8;
      else if (lab[i - w - 1] !== l || lab[i - w + 1] !== l || lab[i + w - 1] !== l || lab[i + w + 1] !== l) f = EDGE8;
      flags[i] = f;
    }
  }
  return { area, fx, fy, minX, minY, maxX, maxY, sx, sy, sxx, syy, sxy, flags };
}

/**
 * Pixel indices grouped by label, raster order within each object: object l's pixels are
 * order[start[l]] .. order[start[l + 1] - 1].
 */
export function groupByLabel(lab: Int32Array, area: Float64Array, L: number): { start: Int32Array; order: Int32Array } {
  const start = new Int32Array(L + 1);
  for (let l = 1; l < L; l++) start[l + 1] = start[l]! + area[l]!;
  const fill = start.slice(0, L);
  const order = new Int32Array(start[L]!);
  for (let i = 0; i < lab.length; i++) {
    const l = lab[i]!;
    if (l > 0) order[fill[l]!++] = i;
  }
  return { start, order };
}

/** The shape columns of measureObjects, one value per object. */
export interface ShapeColumns {
  area: Float64Array;
  perimeter: Float64Array;
  formFactor: Float64Array;
  compactness: Float64Array;
  eccentricity: Float64Array;
  solidity: Float64Array;
  extent: Float64Array;
  major: Float64Array;
  minor: Float64Array;
  orientation: Float64Array;
  equivalentDiameter: Float64Array;
  maxFeret: Float64Array;
  minFeret: Float64Array;
  centerX: Float64Array;
  centerY: Float64Array;
  bboxMinX: Float64Array;
  bboxMinY: Float64Array;
  bboxMaxX: Float64Array;
  bboxMaxY: Float64Array;
  bboxArea: Float64Array;
}

/** Is pixel j a 4-border pixel of object l? */
function isB(lab: Int32Array, flags: Uint8Array, l: number, j: number): boolean {
  return lab[j] === l && (flags[j]! & BORDER4) !== 0;
}

/** Object l's shape columns at row k (see measureObjects for their definitions). */
export function measureShape(
  k: number,
  l: number,
  p: LabelPass,
  start: Int32Array,
  order: Int32Array,
  lab: Int32Array,
  w: number,
  h: number,
  c: ShapeColumns,
): void {
  const a = p.area[l]!;
  const sx = p.sx[l]!;
  const sy = p.sy[l]!;
  const mx = sx / a;
  const my = sy / a;
  const cx = p.fx[l]! + mx;
  const cy = p.fy[l]! + my;
  // a² x central moments / area, as exact integers while below 2^53 (so symmetric shapes give
  // exactly equal terms, as in skimage, and the orientation of a disc is its documented 45°).
  const A2 = a * a;
  const mxx = a * p.sxx[l]! - sx * sx;
  const myy = a * p.syy[l]! - sy * sy;
  const mxy = a * p.sxy[l]! - sx * sy;
  const vxx = mxx / A2;
  const vyy = myy / A2;
  // skimage inertia tensor [[a, b], [b, c]] in (row, col): a = var(col), b = -cov, c = var(row).
  const ta = vxx;
  const tb = -mxy / A2;
  const tc = vyy;
  const half = (ta + tc) / 2;
  const disc = Math.sqrt(((ta - tc) / 2) ** 2 + tb * tb);
  const l1 = Math.max(half + disc, 0);
  const l2 = Math.max(half - disc, 0);
  c.area[k] = a;
  c.major[k] = 4 * Math.sqrt(l1);
  c.minor[k] = 4 * Math.sqrt(l2);
  c.eccentricity[k] = l1 === 0 ? 0 : Math.sqrt(1 - l2 / l1);
  const orient = mxx === myy ? (tb < 0 ? -Math.PI / 4 : Math.PI / 4) : 0.5 * Math.atan2(-2 * tb, tc - ta);
  c.orientation[k] = (orient * 180) / Math.PI;
  c.compactness[k] = (2 * Math.PI * (vxx + vyy)) / a;
  c.equivalentDiameter[k] = Math.sqrt((4 * a) / Math.PI);
  c.centerX[k] = cx;
  c.centerY[k] = cy;
  const minX = p.minX[l]!;
  const minY = p.minY[l]!;
  const maxX = p.maxX[l]!;
  const maxY = p.maxY[l]!;
  const bw = maxX - minX + 1;
  const bh = maxY - minY + 1;
  c.bboxMinX[k] = minX;
  c.bboxMinY[k] = minY;
  c.bboxMaxX[k] = maxX + 1;
  c.bboxMaxY[k] = maxY + 1;
  c.bboxArea[k] = bw * bh;
  c.extent[k] = a / (bw * bh);

  const perim = perimeterAndHullPoints(l, start[l]!, start[l + 1]!, order, lab, p.flags, w, h, HULL_POINTS);
  c.perimeter[k] = perim;
  c.formFactor[k] = perim > 0 ? (4 * Math.PI * a) / (perim * perim) : Number.NaN;
  const hullD = convexHullOfSorted(HULL_POINTS.edges);
  c.solidity[k] = a / gridPointsInConvex(hullD, minY, maxY);
  const fer = feretDiameters(convexHullOfSorted(HULL_POINTS.centres));
  c.maxFeret[k] = fer.max;
  c.minFeret[k] = fer.min;
}

/**
 * Object l's perimeter (skimage's weights), walking its pixels order[from] .. order[to - 1]; fills
 * `pts` with its hull points, row by row (see RowHullPoints).
 */
function perimeterAndHullPoints(
  l: number,
  from: number,
  to: number,
  order: Int32Array,
  lab: Int32Array,
  flags: Uint8Array,
  w: number,
  h: number,
  pts: RowHullPoints,
): number {
  let perim = 0;
  pts.reset();
  let rowY = -1;
  let rowL = 0;
  let rowR = 0;
  for (let p = from; p < to; p++) {
    const i = order[p]!;
    const y = (i / w) | 0;
    const x = i - y * w;
    if (y !== rowY) {
      if (rowY >= 0) pts.addRow(rowY, rowL, rowR);
      rowY = y;
      rowL = x;
    }
    rowR = x;
    if ((flags[i]! & BORDER4) === 0) continue;
    let code = 1;
    const xl = x > 0;
    const xr = x < w - 1;
    const yu = y > 0;
    const yd = y < h - 1;
    if (xl && isB(lab, flags, l, i - 1)) code += 2;
    if (xr && isB(lab, flags, l, i + 1)) code += 2;
    if (yu && isB(lab, flags, l, i - w)) code += 2;
    if (yd && isB(lab, flags, l, i + w)) code += 2;
    if (xl && yu && isB(lab, flags, l, i - w - 1)) code += 10;
    if (xr && yu && isB(lab, flags, l, i - w + 1)) code += 10;
    if (xl && yd && isB(lab, flags, l, i + w - 1)) code += 10;
    if (xr && yd && isB(lab, flags, l, i + w + 1)) code += 10;
    perim += PERIMETER_WEIGHTS[code]!;
  }
  pts.addRow(rowY, rowL, rowR);
  pts.finish();
  return perim;
}
