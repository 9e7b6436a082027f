#!/usr/bin/env node
// Quick accuracy check of segmentNuclei on the shared data, in-process (no files written):
// `npm run build && node scripts/eval-segment.mjs '{"neckRatio":0.8}' ...` prints mean F1@0.5,
// DSB AP, count error and ms/image per dataset for each option set given (default: the defaults).
import { readdirSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';

const root = resolve(import.meta.dirname, '..');
const dist = join(root, 'dist/engine');
const data = resolve(root, '../shared/data');
const { readPlane } = await import(join(dist, 'io/read.js'));
const { readMaskFolder } = await import(join(dist, 'io/mask-folder.js'));
const { scoreSegmentation } = await import(join(dist, 'results/score.js'));
const { segmentNuclei } = await import(join(dist, 'segment/index.js'));

const toLabels = (p) => {
  const d = Int32Array.from(p.data);
  let c = 0;
  for (const v of d) if (v > c) c = v;
  return { width: p.width, height: p.height, data: d, count: c };
};
const sets = [];
for (const [name, truth] of [
  ['bbbc039-dev', (dir, s) => readPlane(join(dir, 'labels', `${s}.tif`)).then(toLabels)],
  ['dsb2018-dev', (dir, s) => readMaskFolder(join(dir, 'masks', s))],
]) {
  const dir = join(data, name);
  const files = readdirSync(join(dir, 'images')).filter((f) => /\.(tif|png)$/.test(f)).sort();
  const items = [];
  for (const f of files) {
    const stem = basename(f, extname(f));
    items.push({ stem, plane: await readPlane(join(dir, 'images', f)), truth: await truth(dir, stem) });
  }
  sets.push({ name, items });
}
const configs = process.argv.slice(2).map((a) => JSON.parse(a));
if (configs.length === 0) configs.push({});
const verbose = process.env.VERBOSE === '1';
for (const cfg of configs) {
  const row = [JSON.stringify(cfg)];
  for (const { name, items } of sets) {
    let f1 = 0;
    let ap = 0;
    let ce = 0;
    let ms = 0;
    for (const it of items) {
      const t0 = performance.now();
      const r = segmentNuclei(it.plane, cfg);
      ms += performance.now() - t0;
      const s = scoreSegmentation(r.labels, it.truth);
      f1 += s.f1;
      ap += s.apDsb;
      ce += Math.abs(s.countError);
      if (verbose) console.log(name, it.stem, s.f1.toFixed(3), `d=${r.params.diameter}`, `n=${s.nPred}/${s.nTrue}`, `split=${s.splits} merge=${s.merges}`);
    }
    const n = items.length;
    row.push(`${name}: F1 ${(f1 / n).toFixed(4)} AP ${(ap / n).toFixed(4)} |count err| ${(ce / n).toFixed(3)} ${(ms / n).toFixed(1)} ms`);
  }
  console.log(row.join('  '));
}
