/**
 * Per-object measurements with CellProfiler names (MeasureObjectSizeShape, MeasureObjectIntensity,
 * MeasureColocalization), computed in one pass over the label raster plus one pass over each
 * object's own pixels. Definitions follow scikit-image `regionprops` (which CellProfiler 4 uses)
 * unless stated; see the TSDoc of {@link measureObjects} for each column.
 */
import { UserError } from '../errors.js';
import type { Labels, Plane } from '../types.js';
import { measureIntensities } from './intensity.js';
import { overlapParents } from './relations.js';
import { groupByLabel, labelPass, maxLabelOf, measureShape, type ShapeColumns } from './shape.js';
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
  const maxL = maxLabelOf(lab);
  const L = maxL + 1;
  const pass = labelPass(lab, w, h, L);
  const { area, flags } = pass;
  const { start, order } = groupByLabel(lab, area, L);

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
  // the columns in their CSV order (the Map's insertion order)
  const shape: ShapeColumns = {
    area: col('AreaShape_Area'),
    perimeter: col('AreaShape_Perimeter'),
    formFactor: col('AreaShape_FormFactor'),
    compactness: col('AreaShape_Compactness'),
    eccentricity: col('AreaShape_Eccentricity'),
    solidity: col('AreaShape_Solidity'),
    extent: col('AreaShape_Extent'),
    major: col('AreaShape_MajorAxisLength'),
    minor: col('AreaShape_MinorAxisLength'),
    orientation: col('AreaShape_Orientation'),
    equivalentDiameter: col('AreaShape_EquivalentDiameter'),
    maxFeret: col('AreaShape_MaxFeretDiameter'),
    minFeret: col('AreaShape_MinFeretDiameter'),
    centerX: col('AreaShape_Center_X'),
    centerY: col('AreaShape_Center_Y'),
    bboxMinX: col('AreaShape_BoundingBoxMinimum_X'),
    bboxMinY: col('AreaShape_BoundingBoxMinimum_Y'),
    bboxMaxX: col('AreaShape_BoundingBoxMaximum_X'),
    bboxMaxY: col('AreaShape_BoundingBoxMaximum_Y'),
    bboxArea: col('AreaShape_BoundingBoxArea'),
  };
  const cLx = col('Location_Center_X');
  const cLy = col('Location_Center_Y');
  for (let k = 0; k < N; k++) {
    const l = present[k]!;
    ObjectNumber[k] = l;
    NumberObject[k] = l;
    measureShape(k, l, pass, start, order, lab, w, h, shape);
  }
  cLx.set(shape.centerX);
  cLy.set(shape.centerY);

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
    const maxC = maxLabelOf(child.labels.data);
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
