// Measurements + image QC: `measureObjects` + `measureImageQuality` per image against scikit-image
// `regionprops` + the same QC in numpy (bench/reference/skimage_measure.py), side by side on the
// same BBBC039 images and their true labels, timed in-process (file reading excluded), plus how
// closely the per-object values agree. `npm run build && node bench/run.mjs measure`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const N_IMAGES = 10;
const REPEAT = 5;

function toLabels(plane) {
  const data = Int32Array.from(plane.data);
  let count = 0;
  for (let i = 0; i < data.length; i++) if (data[i] > count) count = data[i];
  return { width: plane.width, height: plane.height, data, count };
}
const median = (a) => {
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export default async function measureBench(ctx) {
  if (!ctx.hasSharedData) {
    console.log('skipped: ../shared/data not found');
    return;
  }
  const { readPlane } = await import(join(ctx.dist, 'engine/io/read.js'));
  const { measureObjects } = await import(join(ctx.dist, 'engine/measure/objects.js'));
  const { measureImageQuality } = await import(join(ctx.dist, 'engine/measure/quality.js'));
  const dir = join(ctx.sharedData, 'bbbc039-dev');
  const names = readdirSync(join(dir, 'images'))
    .filter((n) => n.endsWith('.tif'))
    .sort()
    .slice(0, N_IMAGES);

  // ours
  const ours = [];
  for (const n of names) {
    const plane = await readPlane(join(dir, 'images', n));
    const labels = toLabels(await readPlane(join(dir, 'labels', n)));
    const times = [];
    const qTimes = [];
    const texTimes = [];
    let table;
    let q;
    for (let r = 0; r < REPEAT; r++) {
      const t0 = performance.now();
      table = measureObjects(labels, { DNA: plane }, { texture: false });
      const tq = performance.now();
      q = measureImageQuality(plane, { trueMax: 4095 });
      times.push(performance.now() - t0);
      qTimes.push(performance.now() - tq);
      const t1 = performance.now();
      measureObjects(labels, { DNA: plane });
      texTimes.push(performance.now() - t1);
    }
    ours.push({ name: n, ms: median(times), qMs: median(qTimes), texMs: median(texTimes), table, q, objects: table.rows.length, plane });
  }

  // scikit-image
  let ref;
  const py = existsSync(ctx.python) ? ctx.python : undefined;
  if (py) {
    const args = names.flatMap((n) => [join(dir, 'images', n), join(dir, 'labels', n)]);
    const r = spawnSync(py, [join(ctx.root, 'bench/reference/skimage_measure.py'), ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
    if (r.status === 0) ref = JSON.parse(r.stdout);
    else console.log(`note: scikit-image reference failed: ${r.stderr.slice(0, 300)}`);
  } else console.log(`note: ${ctx.python} missing: scikit-image column skipped`);

  const objects = ours.reduce((s, o) => s + o.objects, 0);
  const oursMs = median(ours.map((o) => o.ms));
  console.log(
    `${names.length} BBBC039 images (520x696, ${objects} nuclei, ${Math.round(objects / names.length)} per image), true labels, DNA channel`,
  );
  console.log('');
  console.log('| per image (median)                         | ScopePilot | scikit-image + numpy | speed-up |');
  console.log('|--------------------------------------------|-----------:|---------------------:|---------:|');
  const refMs = ref ? median(ref.map((r) => r.ms)) : undefined;
  const ncols = ours[0].table.columns.length + Object.keys(ours[0].q).length;
  console.log(
    `| measure objects + image QC, ms             | ${oursMs.toFixed(1)} | ${refMs === undefined ? '-' : refMs.toFixed(1)} | ${refMs === undefined ? '-' : `${(refMs / oursMs).toFixed(1)}x`} |`,
  );
  const qMs = median(ours.map((o) => o.qMs));
  const refQMs = ref ? median(ref.map((r) => r.qms)) : undefined;
  console.log(
    `| of which image QC, ms                      | ${qMs.toFixed(1)} | ${refQMs === undefined ? '-' : refQMs.toFixed(1)} | ${refQMs === undefined ? '-' : `${(refQMs / qMs).toFixed(1)}x`} |`,
  );
  const big = await largePlaneQc(ctx, ours, measureImageQuality, py);
  console.log(
    `| image QC of a 2048x2048 plane, ms          | ${big.ms.toFixed(0)} | ${big.refMs === undefined ? '-' : big.refMs.toFixed(0)} | ${big.refMs === undefined ? '-' : `${(big.refMs / big.ms).toFixed(1)}x`} |`,
  );
  console.log(`| columns per object + metrics per image     | ${ncols} | ${ref ? `20 + ${Object.keys(ref[0].quality).length}` : '-'} | |`);
  console.log(`| measure objects with Haralick texture, ms  | ${median(ours.map((o) => o.texMs)).toFixed(1)} | | |`);
  if (!ref) return;

  // agreement
  const cols = {
    area: 'AreaShape_Area',
    perimeter: 'AreaShape_Perimeter',
    eccentricity: 'AreaShape_Eccentricity',
    solidity: 'AreaShape_Solidity',
    major: 'AreaShape_MajorAxisLength',
    mean: 'Intensity_MeanIntensity_DNA',
    median: 'Intensity_MedianIntensity_DNA',
  };
  const worst = Object.fromEntries(Object.keys(cols).map((k) => [k, 0]));
  let feretDiff = 0;
  let compared = 0;
  ours.forEach((o, i) => {
    const r = ref[i];
    const idx = Object.fromEntries(Object.entries(cols).map(([k, c]) => [k, o.table.columns.indexOf(c)]));
    const fIdx = o.table.columns.indexOf('AreaShape_MaxFeretDiameter');
    r.objects.forEach((ro, k) => {
      const row = o.table.rows[k];
      if (!row) return;
      compared++;
      for (const key of Object.keys(cols)) {
        const a = row[idx[key]];
        const b = ro[key];
        const rel = Math.abs(a - b) / Math.max(1, Math.abs(b));
        if (rel > worst[key]) worst[key] = rel;
      }
      feretDiff = Math.max(feretDiff, ro.feret_skimage - row[fIdx]);
    });
  });
  console.log('');
  console.log(`agreement with regionprops over ${compared} objects (largest relative difference):`);
  for (const [k, v] of Object.entries(worst)) console.log(`  ${cols[k].padEnd(32)} ${v.toExponential(1)}`);
  console.log(
    `  AreaShape_MaxFeretDiameter       by definition: hull of pixel centres (CellProfiler); skimage's is up to ${feretDiff.toFixed(2)} px larger`,
  );
  const worstQ = { PowerLogLogSlope: 0, FocusScore: 0, LocalFocusScore: 0, Correlation: 0 };
  ours.forEach((o, i) => {
    for (const k of Object.keys(worstQ)) {
      const a = o.q[`ImageQuality_${k}`];
      const b = ref[i].quality[k];
      worstQ[k] = Math.max(worstQ[k], Math.abs(a - b) / Math.max(1e-12, Math.abs(b)));
    }
  });
  for (const [k, v] of Object.entries(worstQ))
    console.log(`  ${`ImageQuality_${k}`.padEnd(32)} ${v.toExponential(1)} (CellProfiler formula re-typed in numpy)`);
}

/**
 * QC of one 2048x2048 plane (a common sCMOS frame): BBBC039 fields tiled, mirrored at the seams,
 * written to .bench-out so that numpy times the same pixels. Ours: median of 3 after a warm-up.
 */
async function largePlaneQc(ctx, ours, measureImageQuality, py) {
  const { encodeTiff } = await import(join(ctx.dist, 'engine/io/tiff-write.js'));
  const S = 2048;
  const data = new Uint16Array(S * S);
  for (let y = 0; y < S; y++) {
    for (let x = 0; x < S; x++) {
      const tile = ours[(Math.floor(y / 520) * 3 + Math.floor(x / 696)) % ours.length].plane;
      const ty = Math.floor(y / 520) % 2 ? 519 - (y % 520) : y % 520;
      const tx = Math.floor(x / 696) % 2 ? 695 - (x % 696) : x % 696;
      data[y * S + x] = tile.data[ty * 696 + tx];
    }
  }
  const plane = { width: S, height: S, data, bitDepth: 16 };
  const times = [];
  for (let r = 0; r < 4; r++) {
    const t0 = performance.now();
    measureImageQuality(plane, { trueMax: 4095 });
    if (r > 0) times.push(performance.now() - t0);
  }
  let refMs;
  if (py) {
    const path = join(ctx.tmp, 'qc-2048.tif');
    mkdirSync(ctx.tmp, { recursive: true });
    writeFileSync(path, encodeTiff([{ width: S, height: S, data }]));
    const r = spawnSync(py, [join(ctx.root, 'bench/reference/skimage_measure.py'), '--quality-only', path], { encoding: 'utf8' });
    if (r.status === 0) refMs = JSON.parse(r.stdout)[0].qms;
    else console.log(`note: numpy QC of the large plane failed: ${r.stderr.slice(0, 300)}`);
  }
  return { ms: median(times), refMs };
}
