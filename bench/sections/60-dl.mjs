// Deep-learning nuclei model: accuracy on the held-out split (models/nuclei/split.json: the last
// 10 of 50 images of BBBC039 dev and of DSB2018 dev by name, never seen in training) against the
// classical segmentNuclei on the same images, and model time per 520x696 BBBC039 image with 1
// and 2 onnxruntime threads. `npm run build && node bench/run.mjs dl`.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { performance } from 'node:perf_hooks';

function toLabels(plane) {
  const data = Int32Array.from(plane.data);
  let count = 0;
  for (let i = 0; i < data.length; i++) if (data[i] > count) count = data[i];
  return { width: plane.width, height: plane.height, data, count };
}
const median = (a) => {
  const s = [...a].sort((x, y) => x - y);
  return s.length ? (s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : Number.NaN;
};

export default async function dlBench(ctx) {
  const modelDir = join(ctx.root, 'models/nuclei');
  if (!existsSync(join(modelDir, 'rdf.yaml'))) {
    console.log('skipped: models/nuclei/rdf.yaml not found');
    return;
  }
  if (!ctx.hasSharedData) {
    console.log('skipped: ../shared/data not found');
    return;
  }
  const { readPlane } = await import(join(ctx.dist, 'engine/io/read.js'));
  const { readMaskFolder } = await import(join(ctx.dist, 'engine/io/mask-folder.js'));
  const { scoreSegmentation } = await import(join(ctx.dist, 'engine/results/score.js'));
  const { segmentNuclei } = await import(join(ctx.dist, 'engine/segment/index.js'));
  const { segmentWithModel, getModelPackage } = await import(join(ctx.dist, 'engine/dl/index.js'));
  const { checkTestTensors } = await import(join(ctx.dist, 'engine/dl/check.js'));
  const split = JSON.parse(readFileSync(join(modelDir, 'split.json'), 'utf8'));
  const pkg = await getModelPackage(modelDir);
  const check = await checkTestTensors(pkg);
  console.log(
    `model: ${pkg.name} ${pkg.version}, ${(pkg.weights.length / 1024).toFixed(0)} KiB, sha256 ${pkg.sha256.slice(0, 16)}...; ${check.message}`,
  );
  const report = { model: { name: pkg.name, version: pkg.version, sha256: pkg.sha256 }, testTensors: check, datasets: {} };

  const datasets = [
    { name: 'bbbc039-dev', truth: async (dir, stem) => toLabels(await readPlane(join(dir, 'labels', `${stem}.tif`))) },
    { name: 'dsb2018-dev', truth: (dir, stem) => readMaskFolder(join(dir, 'masks', stem)) },
  ];
  console.log('\nheld-out images (10 per set, not used for training); mean over images\n');
  console.log('| data | method | F1@0.5 | DSB AP | splits | merges | ms/image |');
  console.log('|---|---|---|---|---|---|---|');
  for (const ds of datasets) {
    const dir = join(ctx.sharedData, ds.name);
    const rows = { model: [], classical: [] };
    for (const f of split[ds.name].heldout) {
      const stem = basename(f, extname(f));
      const plane = await readPlane(join(dir, 'images', f));
      const truth = await ds.truth(dir, stem);
      let t0 = performance.now();
      const m = await segmentWithModel(plane, { modelPath: modelDir });
      const mMs = performance.now() - t0;
      t0 = performance.now();
      const c = segmentNuclei(plane);
      const cMs = performance.now() - t0;
      rows.model.push({ stem, ms: mMs, ...scoreSegmentation(m.labels, truth) });
      rows.classical.push({ stem, ms: cMs, ...scoreSegmentation(c.labels, truth) });
    }
    report.datasets[ds.name] = {};
    for (const [method, r] of Object.entries(rows)) {
      const mean = (k) => r.reduce((a, x) => a + x[k], 0) / r.length;
      const sum = (k) => r.reduce((a, x) => a + x[k], 0);
      report.datasets[ds.name][method] = {
        f1: mean('f1'),
        apDsb: mean('apDsb'),
        splits: sum('splits'),
        merges: sum('merges'),
        msPerImage: mean('ms'),
        images: r,
      };
      console.log(
        `| ${ds.name} | ${method} | ${mean('f1').toFixed(3)} | ${mean('apDsb').toFixed(3)} | ${sum('splits')} | ${sum('merges')} | ${mean('ms').toFixed(0)} |`,
      );
    }
  }

  // time per 520x696 image (model path end to end: size estimate, resampling, network, watershed)
  const files = split['bbbc039-dev'].heldout.slice(0, 5);
  const planes = [];
  for (const f of files) planes.push(await readPlane(join(ctx.sharedData, 'bbbc039-dev/images', f)));
  console.log('\nBBBC039 520x696, end to end (median of 3 passes over 5 images after a warm-up)\n');
  console.log('| threads | ms/image | of which network |');
  console.log('|---|---|---|');
  report.speed = {};
  for (const threads of [1, 2]) {
    await segmentWithModel(planes[0], { modelPath: modelDir, threads });
    const total = [];
    const net = [];
    for (let pass = 0; pass < 3; pass++) {
      for (const p of planes) {
        const t0 = performance.now();
        const r = await segmentWithModel(p, { modelPath: modelDir, threads });
        total.push(performance.now() - t0);
        net.push(r.timingsMs.model);
      }
    }
    report.speed[threads] = { msPerImage: median(total), networkMs: median(net) };
    console.log(`| ${threads} | ${median(total).toFixed(0)} | ${median(net).toFixed(0)} |`);
  }
  mkdirSync(ctx.tmp, { recursive: true });
  writeFileSync(join(ctx.tmp, 'dl.json'), `${JSON.stringify(report, null, 1)}\n`);
  console.log(`\nper-image figures: ${join(ctx.tmp, 'dl.json')}`);
}
