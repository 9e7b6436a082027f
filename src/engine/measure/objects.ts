/**
 * Per-object measurements with CellProfiler names (MeasureObjectSizeShape, MeasureObjectIntensity,
 * MeasureColocalization), computed in one pass over the label raster plus one pass over each
 * object's own pixels. Definitions follow scikit-image `regionprops` (which CellProfiler 4 uses)
 * unless stated; see the TSDoc of {@link measureObjects} for each column.
 */
import { UserError } from '../errors.js';
import type { Labels, Plane } from '../types.js';
import { convexHullOfSorted, feretDiameters, gridPointsInConvex, RowHullPoints } from './hull.js';
import { EDGE8, measureIntensities } from './intensity.js';
import { overlapParents } from './relations.js';
import { channelLabel, type ObjectTable } from './table.js';
import { quantize, textureInto } from './texture.js';

export interface MeasureObjectsOptions {
  /** Name of the objects (Nuclei, Cells, Cytoplasm); used by parent/child columns. Default 'Nuclei'. */
  objectName?: string;
  /** µm per pixel. When given, extra *_um / *_um2 columns are added (pixel columns are kept). */
  pixelSizeUm?: number;
  /** Objects that contain these (e.g. Nuclei for Cells): adds Parent_<name> (0 = none). */
  parent?: { name: string; labels: Labels };
  /** Objects inside these (e.g. Nuclei inside Cells): adds Children_<name>_Count. */
  children?: { name: string; labels: Labels }[];
  /** Manders threshold as a fraction of each channel's maximum inside the object. Default 0.15 (CellProfiler). */
  mandersThreshold?: number;
  /**
   * Intensity statistics per channel (Intensity_*, Location_CenterMassIntensity_* and
   * Location_MaxIntensity_*, and with two or more channels Correlation_*): false to skip them, as
   * a pipeline without CellProfiler's MeasureObjectIntensity and MeasureColocalization has none.
   * Default true.
   */
  intensity?: boolean;
  /** Haralick texture per channel (see ./texture.ts): false to skip; default scale 3 px, 256 grey levels. */
  texture?: boolean | { scale?: number; levels?: number };
  /**
   * Divide intensities by the container maximum (255 for 8-bit, 65535 for 16-bit data), as
   * CellProfiler's NamesAndTypes does by default, so Intensity_ values equal CellProfiler's.
   * Default false (raw pixel values). Texture is computed on the raw values either way.
   */
  rescaleIntensity?: boolean;
}

// skimage.measure.perimeter (4-neighbourhood) weights, indexed by the 3x3 code of border pixels.
const PERIMETER_WEIGHTS = (() => {
  const w = new Float64Array(50);
  for (const i of [5, 7, 15, 17, 25, 27]) w[i] = 1;
  for (const i of [21, 33]) w[i] = Math.SQRT2;
  for (const i of [13, 23]) w[i] = (1 + Math.SQRT2) / 2;
  return w;
})();

const BORDER4 = 1; // pixel has a 4-neighbour outside its object (or is on the image edge)

/**
 * The hull points of the object being measured, one instance for every object of every call
 * (reset per object; measureObjects does not call itself). Also keeps its hidden class alive: V8
 * drops the hidden classes of a class whose instances are all gone at a full collection, and the
 * optimised measureObjects that was made for them with it (deoptimised at every full collection
 * of a worker, when each object had an instance of its own).
 */
const HULL_POINTS = new RowHullPoints();

/** Is pixel j a 4-border pixel of object l? */
function isB(lab: Int32Array, flags: Uint8Array, l: number, j: number): boolean {
  return lab[j] === l && (flags[j]! & BORDER4) !== 0;
}

/** Channels divided by their container maximum (CellProfiler's 0..1 intensities). */
function rescaled(channels: Record<string, Plane>): Record<string, Plane> {
  const out: Record<string, Plane> = {};
  for (const [name, p] of Object.entries(channels)) {
    const max = p.data instanceof Uint8Array ? 255 : p.data instanceof Uint16Array ? 65535 : 1;
    const data = new Float32Array(p.data.length);
    for (let i = 0; i < data.length; i++) data[i] = p.data[i]! / max;
    out[name] = { width: p.width, height: p.height, data, bitDepth: 32 };
  }
  return out;
}

/**
 * Measure every object of a label image: shape, location and, for every channel, intensity;
 * Pearson correlation and Manders coefficients between every pair of channels.
 *
 * Output: {@link ObjectTable}, one row per label value present (increasing), `ObjectNumber` =
 * the label value. Coordinates in pixels, x = column, y = row, pixel centres at integers.
 * Intensities are raw pixel values unless `rescaleIntensity` (CellProfiler's default 0..1 scale).
 *
 * Shape (as `skimage.measure.regionprops` 0.19, the library CellProfiler 4 uses):
 * - AreaShape_Area: pixel count. Perimeter: `skimage.measure.perimeter(image, 4)` (weighted
 *   count of border pixels: 1 for straight runs, √2 diagonal, (1+√2)/2 corners; holes count).
 * - MajorAxisLength/MinorAxisLength: 4·√eigenvalues of the inertia tensor (central moments / area,
 *   no 1/12 pixel correction); Eccentricity √(1-λ2/λ1); Orientation: skimage's angle between the
 *   row (y) axis and the major axis, in DEGREES (-90..90, counter-clockwise in image display).
 * - Solidity: area / number of pixel centres inside or on the convex hull of the pixels' edge
 *   midpoints (`convex_hull_image`). Extent: area / bounding-box area.
 * - FormFactor 4π·Area/Perimeter² (CellProfiler); Compactness 2π·mean squared distance of the
 *   pixels from the centroid / Area (1 for a disc); EquivalentDiameter √(4·Area/π).
 * - MaxFeretDiameter/MinFeretDiameter: rotating calipers on the convex hull of pixel centres
 *   (CellProfiler's definition; skimage's feret_diameter_max uses hull contours and is ~1 px larger).
 * - BoundingBoxMinimum_X/Y (inclusive), BoundingBoxMaximum_X/Y (exclusive, as skimage bbox), BoundingBoxArea.
 * - Center_X/Y = Location_Center_X/Y: centroid.
 *
 * Intensity per channel `<C>` (channel names sanitised to letters, digits and _):
 * Intensity_{IntegratedIntensity, MeanIntensity, StdIntensity (population), MinIntensity,
 * MaxIntensity, MedianIntensity, LowerQuartileIntensity, UpperQuartileIntensity (numpy linear
 * interpolation), MADIntensity (median absolute deviation), MassDisplacement (distance between
 * centroid and intensity-weighted centroid), {Integrated,Mean,Std,Min,Max}IntensityEdge (pixels
 * with an 8-neighbour outside the object or on the image edge, CellProfiler's outline)}_<C>,
 * Location_CenterMassIntensity_X/Y_<C>, Location_MaxIntensity_X/Y_<C> (first maximum in raster order).
 *
 * Texture per channel (unless `texture: false`): Texture_{Contrast, Correlation, Entropy (log2),
 * AngularSecondMoment, InverseDifferenceMoment}_<C>_<scale>_<00|01|02|03>_<levels> (Haralick, pairs
 * `scale` px apart inside the object: horizontal, diagonal down-right, vertical, diagonal down-left;
 * grey levels spread over the image's own min..max, where CellProfiler uses the container range).
 *
 * Two or more channels: Correlation_Pearson_<A>_<B> (NaN when a channel is constant in the
 * object), Correlation_Manders_<A>_<B> (fraction of A's intensity where B is above threshold, both
 * above their per-object threshold of `mandersThreshold` x max) and Correlation_Manders_<B>_<A>.
 *
 * Relations: Parent_<name> (label of `parent` overlapping most, 0 = none) and
 * Children_<name>_Count (objects of each `children` set overlapping this one most). With
 * `pixelSizeUm`: AreaShape_Area_um2 and *_um copies of the lengths and Location_Center_X/Y.
 *
 * Edge cases: no objects -> zero rows; label values never present are skipped; channels must
 * match the label size (UserError otherwise).
 * @see van der Walt et al., PeerJ 2:e453 (2014) (scikit-image); Stirling et al., BMC
 * Bioinformatics 22:433 (2021) (CellProfiler 4); Manders et al., J Microsc 169:375 (1993).
 */
export function measureObjects(labels: Labels, channelsIn: Record<string, Plane> = {}, opts: MeasureObjectsOptions = {}): ObjectTable {
  const { width: w, height: h, data: lab } = labels;
  const channels = opts.rescaleIntensity ? rescaled(channelsIn) : channelsIn;
  const names = Object.keys(channels);
  for (const name of names) {
    const p = channels[name]!;
    if (p.width !== w || p.height !== h) {
      throw new UserError(
        `channel ${name} is ${p.width}x${p.height} but the labels are ${w}x${h}`,
        'pair each label image with the image it was made from',
      );
    }
  }
  const n = w * h;
  let maxL = 0;
  for (let i = 0; i < n; i++) if (lab[i]! > maxL) maxL = lab[i]!;
  const L = maxL + 1;

  // Pass 1: areas, first pixel, bounding boxes, moments (about the first pixel), border flags.
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
  const flags = new Uint8Array(n);
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

  // Group pixel indices by label (raster order within each object).
  const start = new Int32Array(L + 1);
  for (let l = 1; l < L; l++) start[l + 1] = start[l]! + area[l]!;
  const fill = start.slice(0, L);
  const order = new Int32Array(start[L]!);
  for (let i = 0; i < n; i++) {
    const l = lab[i]!;
    if (l > 0) order[fill[l]!++] = i;
  }

  const present: number[] = [];
  let maxArea = 0;
  for (let l = 1; l < L; l++) {
    if (area[l]! > 0) {
      present.push(l);
      if (area[l]! > maxArea) maxArea = area[l]!;
    }
  }
  const N = present.length;
  const cols = new Map<string, Float64Array>();
  const col = (name: string): Float64Array => {
    let c = cols.get(name);
    if (!c) cols.set(name, (c = new Float64Array(N)));
    return c;
  };
  const ObjectNumber = col('ObjectNumber');
  const NumberObject = col('Number_Object_Number');
  const cArea = col('AreaShape_Area');
  const cPerim = col('AreaShape_Perimeter');
  const cForm = col('AreaShape_FormFactor');
  const cCompact = col('AreaShape_Compactness');
  const cEcc = col('AreaShape_Eccentricity');
  const cSolid = col('AreaShape_Solidity');
  const cExtent = col('AreaShape_Extent');
  const cMajor = col('AreaShape_MajorAxisLength');
  const cMinor = col('AreaShape_MinorAxisLength');
  const cOrient = col('AreaShape_Orientation');
  const cEqd = col('AreaShape_EquivalentDiameter');
  const cFmax = col('AreaShape_MaxFeretDiameter');
  const cFmin = col('AreaShape_MinFeretDiameter');
  const cCx = col('AreaShape_Center_X');
  const cCy = col('AreaShape_Center_Y');
  const cBx0 = col('AreaShape_BoundingBoxMinimum_X');
  const cBy0 = col('AreaShape_BoundingBoxMinimum_Y');
  const cBx1 = col('AreaShape_BoundingBoxMaximum_X');
  const cBy1 = col('AreaShape_BoundingBoxMaximum_Y');
  const cBa = col('AreaShape_BoundingBoxArea');
  const cLx = col('Location_Center_X');
  const cLy = col('Location_Center_Y');

  for (let k = 0; k < N; k++) {
    const l = present[k]!;
    const a = area[l]!;
    ObjectNumber[k] = l;
    NumberObject[k] = l;
    const mx = sx[l]! / a;
    const my = sy[l]! / a;
    const cx = fx[l]! + mx;
    const cy = fy[l]! + my;
    // a² x central moments / area, as exact integers while below 2^53 (so symmetric shapes give
    // exactly equal terms, as in skimage, and the orientation of a disc is its documented 45°).
    const A2 = a * a;
    const mxx = a * sxx[l]! - sx[l]! * sx[l]!;
    const myy = a * syy[l]! - sy[l]! * sy[l]!;
    const mxy = a * sxy[l]! - sx[l]! * sy[l]!;
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
    cArea[k] = a;
    cMajor[k] = 4 * Math.sqrt(l1);
    cMinor[k] = 4 * Math.sqrt(l2);
    cEcc[k] = l1 === 0 ? 0 : Math.sqrt(1 - l2 / l1);
    const orient = mxx === myy ? (tb < 0 ? -Math.PI / 4 : Math.PI / 4) : 0.5 * Math.atan2(-2 * tb, tc - ta);
    cOrient[k] = (orient * 180) / Math.PI;
    cCompact[k] = (2 * Math.PI * (vxx + vyy)) / a;
    cEqd[k] = Math.sqrt((4 * a) / Math.PI);
    cCx[k] = cLx[k] = cx;
    cCy[k] = cLy[k] = cy;
    const bw = maxX[l]! - minX[l]! + 1;
    const bh = maxY[l]! - minY[l]! + 1;
    cBx0[k] = minX[l]!;
    cBy0[k] = minY[l]!;
    cBx1[k] = maxX[l]! + 1;
    cBy1[k] = maxY[l]! + 1;
    cBa[k] = bw * bh;
    cExtent[k] = a / (bw * bh);

    // Perimeter (skimage weights) and the hull points, row by row (see RowHullPoints).
    let perim = 0;
    const pts = HULL_POINTS;
    pts.reset();
    let rowY = -1;
    let rowL = 0;
    let rowR = 0;
    for (let p = start[l]!; p < start[l + 1]!; p++) {
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
    cPerim[k] = perim;
    cForm[k] = perim > 0 ? (4 * Math.PI * a) / (perim * perim) : Number.NaN;
    const hullD = convexHullOfSorted(pts.edges);
    cSolid[k] = a / gridPointsInConvex(hullD, minY[l]!, maxY[l]!);
    const fer = feretDiameters(convexHullOfSorted(pts.centres));
    cFmax[k] = fer.max;
    cFmin[k] = fer.min;
  }

  if (opts.intensity !== false) {
    measureIntensities(labels, channels, names, present, start, order, flags, cols, col, opts.mandersThreshold ?? 0.15, maxArea);
  }

  if (opts.texture !== false && names.length > 0) {
    const tx = typeof opts.texture === 'object' ? opts.texture : {};
    const scale = Math.max(1, Math.round(tx.scale ?? 3));
    const levels = Math.min(1024, Math.max(2, Math.round(tx.levels ?? 256)));
    for (const name of names) {
      const s = channelLabel(name);
      const q = quantize(channelsIn[name]!, levels);
      textureInto(lab, w, h, q, levels, present, start, order, scale, (f, dir) => col(`Texture_${f}_${s}_${scale}_0${dir}_${levels}`));
    }
  }

  if (opts.parent) {
    const parents = overlapParents(labels, opts.parent.labels, maxL);
    const c = col(`Parent_${opts.parent.name}`);
    for (let k = 0; k < N; k++) c[k] = parents[present[k]!]!;
  }
  for (const child of opts.children ?? []) {
    let maxC = 0;
    for (let i = 0; i < n; i++) if (child.labels.data[i]! > maxC) maxC = child.labels.data[i]!;
    const parentOf = overlapParents(child.labels, labels, maxC);
    const counts = new Float64Array(L);
    for (let c = 1; c <= maxC; c++) if (parentOf[c]! > 0) counts[parentOf[c]!]!++;
    const c = col(`Children_${child.name}_Count`);
    for (let k = 0; k < N; k++) c[k] = counts[present[k]!]!;
  }

  const um = opts.pixelSizeUm;
  if (um !== undefined && um > 0) {
    const scaled: [string, number][] = [
      ['AreaShape_Area', um * um],
      ['AreaShape_Perimeter', um],
      ['AreaShape_MajorAxisLength', um],
      ['AreaShape_MinorAxisLength', um],
      ['AreaShape_EquivalentDiameter', um],
      ['AreaShape_MaxFeretDiameter', um],
      ['AreaShape_MinFeretDiameter', um],
      ['Location_Center_X', um],
      ['Location_Center_Y', um],
    ];
    for (const [name, f] of scaled) {
      const src = cols.get(name)!;
      const dst = col(`${name}_${name === 'AreaShape_Area' ? 'um2' : 'um'}`);
      for (let k = 0; k < N; k++) dst[k] = src[k]! * f;
    }
  }

  const columns = [...cols.keys()];
  const arrays = columns.map((c) => cols.get(c)!);
  const rows: number[][] = new Array(N);
  for (let k = 0; k < N; k++) {
    const r = new Array<number>(arrays.length);
    for (let j = 0; j < arrays.length; j++) r[j] = arrays[j]![k]!;
    rows[k] = r;
  }
  return { objectName: opts.objectName ?? 'Nuclei', columns, rows };
}
