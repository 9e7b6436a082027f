/**
 * `writeDemoPlate(dir)`: a small synthetic screen that looks and behaves like a real one, with
 * the truth written beside it so every stage can be checked. 2 rows x 6 columns, 2 sites per
 * well, a DNA channel (w1) and a marker channel (w2), 16-bit TIFFs holding 12-bit camera values
 * with ImageXpress names, pixel size 0.65 µm. Columns 1-3 are DMSO controls, 4-6 compound X:
 * treated nuclei are 20% larger (area) and carry 1.5x more marker. Planted problems: one
 * out-of-focus field, one saturated field, one field with debris, one empty well.
 * Nothing is downloaded; the same seed gives the same bytes.
 */
import { join } from 'node:path';
import { writeFileAtomic } from '../io/atomic.js';
import { encodeTiff } from '../io/tiff-write.js';
import { rng } from './random.js';
import { renderField } from './synth.js';

export interface DemoInfo {
  dir: string;
  images: string;
  labels: string;
  plateMap: string;
  truth: string;
  imageFiles: number;
  imageSets: number;
  ms: number;
}

export const DEMO = {
  plate: 'DEMO',
  rows: ['A', 'B'],
  columns: [1, 2, 3, 4, 5, 6],
  sites: 2,
  size: 256,
  pixelSizeUm: 0.65,
  control: 'DMSO',
  treated: 'compound-X',
  /** Treated / control ratios planted in the data. */
  effect: { nucleusArea: 1.2, markerNuclearIntensity: 1.5 },
  problems: [
    { check: 'blur', well: 'A02', site: 2, what: 'out of focus (optics blur sigma 4 px instead of 1.2)' },
    { check: 'saturation', well: 'B03', site: 1, what: 'exposure 3x too long: bright nuclei clip at 4095' },
    { check: 'debris', well: 'A05', site: 1, what: 'a bright clump of dust that is not a nucleus' },
    { check: 'empty', well: 'B06', site: undefined, what: 'no cells in the well (both sites)' },
  ],
} as const;

const CONTROL_RADIUS = 9;
const NUCLEI_PER_FIELD = 34;

function guid(r: ReturnType<typeof rng>): string {
  const hex = (n: number) =>
    Array.from({ length: n }, () => '0123456789ABCDEF'[r.int(16)]!)
      .join('')
      .toString();
  return `${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}`;
}

const IJ = 'ImageJ=1.54f\nunit=micron\n';

/**
 * Write the demo plate into `dir`: images/, labels/ (ground-truth instance labels named like the
 * DNA image), platemap.csv and truth.json (layout, planted effect and problems, per-field nucleus
 * counts and areas). Existing files of the same names are replaced.
 */
export async function writeDemoPlate(dir: string, o: { seed?: number } = {}): Promise<DemoInfo> {
  const t0 = performance.now();
  const seed = o.seed ?? 1;
  const names = rng(seed * 7919 + 13);
  const images = join(dir, 'images');
  const labelsDir = join(dir, 'labels');
  const fields: Record<string, unknown>[] = [];
  const writes: Promise<void>[] = [];
  let fieldIndex = 0;
  for (const row of DEMO.rows) {
    for (const col of DEMO.columns) {
      const well = `${row}${String(col).padStart(2, '0')}`;
      const treated = col >= 4;
      for (let site = 1; site <= DEMO.sites; site++) {
        const problem = DEMO.problems.find((p) => p.well === well && (p.site === undefined || p.site === site));
        const r = rng(seed * 100_003 + fieldIndex++ * 7_919);
        const field = renderField(
          {
            width: DEMO.size,
            height: DEMO.size,
            nuclei: problem?.check === 'empty' ? 0 : NUCLEI_PER_FIELD + Math.round(3 * r.normal()),
            radius: CONTROL_RADIUS * (treated ? Math.sqrt(DEMO.effect.nucleusArea) : 1),
            dnaLevel: 1500,
            markerLevel: 500 * (treated ? DEMO.effect.markerNuclearIntensity : 1),
            blur: problem?.check === 'blur' ? 4 : 1.2,
            gain: problem?.check === 'saturation' ? 3 : 1,
            debris: problem?.check === 'debris',
          },
          r,
        );
        const stem1 = `${DEMO.plate}_${well}_s${site}_w1${guid(names)}`;
        const stem2 = `${DEMO.plate}_${well}_s${site}_w2${guid(names)}`;
        const page = (data: Uint16Array) => [{ width: DEMO.size, height: DEMO.size, data }];
        writes.push(
          writeFileAtomic(join(images, `${stem1}.tif`), encodeTiff(page(field.dna), { description: IJ, pixelSizeUm: DEMO.pixelSizeUm })),
          writeFileAtomic(join(images, `${stem2}.tif`), encodeTiff(page(field.marker), { description: IJ, pixelSizeUm: DEMO.pixelSizeUm })),
          writeFileAtomic(
            join(labelsDir, `${stem1}.tif`),
            encodeTiff(page(Uint16Array.from(field.labels.data)), { description: IJ, pixelSizeUm: DEMO.pixelSizeUm }),
          ),
        );
        const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
        fields.push({
          imageSetId: `${well}_s${site}`,
          well,
          site,
          condition: treated ? DEMO.treated : DEMO.control,
          nuclei: field.labels.count,
          meanAreaPx: Math.round(mean(field.areas) * 10) / 10,
          meanMarkerLevel: Math.round(mean(field.markers) * 10) / 10,
          files: { w1: `images/${stem1}.tif`, w2: `images/${stem2}.tif` },
          labels: `labels/${stem1}.tif`,
          ...(problem ? { problem: problem.check } : {}),
        });
      }
    }
  }
  const map = ['Metadata_Well,condition,treatment,dose_uM,replicate,control'];
  for (const row of DEMO.rows)
    for (const col of DEMO.columns) {
      const treated = col >= 4;
      const rep = ((col - 1) % 3) + 1 + (row === 'B' ? 3 : 0);
      map.push(
        `${row}${String(col).padStart(2, '0')},${treated ? DEMO.treated : DEMO.control},${treated ? DEMO.treated : 'DMSO'},${treated ? 10 : 0},${rep},${treated ? 'no' : 'yes'}`,
      );
    }
  const truth = {
    generator: 'scopepilot writeDemoPlate',
    seed,
    plate: DEMO.plate,
    layout: { rows: DEMO.rows, columns: DEMO.columns, sitesPerWell: DEMO.sites, width: DEMO.size, height: DEMO.size },
    naming: 'ImageXpress: <plate>_<well>_s<site>_w<channel><GUID>.tif',
    channels: { w1: 'DNA (Hoechst-like nuclear stain)', w2: 'marker (nuclear, dim in the cytoplasm)' },
    pixelSizeUm: DEMO.pixelSizeUm,
    camera: { bitDepth: 12, container: 'uint16', background: 300, vignetting: '35% darker in the corners' },
    conditions: {
      [DEMO.control]: { control: true, wells: DEMO.rows.flatMap((r) => [1, 2, 3].map((c) => `${r}0${c}`)) },
      [DEMO.treated]: { control: false, doseUm: 10, wells: DEMO.rows.flatMap((r) => [4, 5, 6].map((c) => `${r}0${c}`)) },
    },
    effect: {
      ...DEMO.effect,
      description: 'compound-X / DMSO: mean nucleus area x1.2, nuclear marker signal above background x1.5; DNA intensity unchanged',
      /** What a raw (not background-subtracted) mean nuclear w2 intensity ratio should show: (300 + 1.5 x 500) / (300 + 500). */
      rawMarkerMeanIntensityRatio: Math.round(((300 + 500 * DEMO.effect.markerNuclearIntensity) / (300 + 500)) * 1000) / 1000,
      background: { w1: 300, w2: 300 },
    },
    problems: DEMO.problems.map((p) => ({
      check: p.check,
      well: p.well,
      ...(p.site !== undefined ? { site: p.site, imageSetId: `${p.well}_s${p.site}` } : {}),
      what: p.what,
    })),
    fields,
  };
  writes.push(
    writeFileAtomic(join(dir, 'platemap.csv'), `${map.join('\n')}\n`),
    writeFileAtomic(join(dir, 'truth.json'), `${JSON.stringify(truth, null, 2)}\n`),
  );
  await Promise.all(writes);
  return {
    dir,
    images,
    labels: labelsDir,
    plateMap: join(dir, 'platemap.csv'),
    truth: join(dir, 'truth.json'),
    imageFiles: fields.length * 2,
    imageSets: fields.length,
    ms: Math.round(performance.now() - t0),
  };
}
