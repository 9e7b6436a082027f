#!/usr/bin/env node
// Accuracy of the nuclei model on ../shared/data with the project's scorer, in-process:
//   npm run build && node models/nuclei/eval.mjs [heldout|train] ['{"seedLevel":0.5}' ...]
// (DATASETS=bbbc039-dev limits the sets) prints mean F1@0.5, DSB AP and ms/image per dataset for each option set (default: held-out split).
import { readFileSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';

const root = resolve(import.meta.dirname, '../..');
const dist = join(root, 'dist/engine');
const data = resolve(root, '../shared/data');
const { readPlane } = await import(join(dist, 'io/read.js'));
const { readMaskFolder } = await import(join(dist, 'io/mask-folder.js'));
const { scoreSegmentation } = await import(join(dist, 'results/score.js'));
const { segmentWithModel } = await import(join(dist, 'dl/index.js'));

const args = process.argv.slice(2);
const part = args[0] === 'train' || args[0] === 'heldout' ? args.shift() : 'heldout';
const split = JSON.parse(readFileSync(join(import.meta.dirname, 'split.json'), 'utf8'));
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
  if (process.env.DATASETS && !process.env.DATASETS.split(',').includes(name)) continue;
  const dir = join(data, name);
  const items = [];
  const files = part === 'train' ? split[name].train.filter((_, i) => i % 4 === 0) : split[name].heldout;
  for (const f of files) {
    const stem = basename(f, extname(f));
    items.push({ stem, plane: await readPlane(join(dir, 'images', f)), truth: await truth(dir, stem) });
  }
  sets.push({ name, items });
}
const configs = args.map((a) => JSON.parse(a));
if (configs.length === 0) configs.push({});
const verbose = process.env.VERBOSE === '1';
for (const cfg of configs) {
  const row = [`${part} ${JSON.stringify(cfg)}`];
  for (const { name, items } of sets) {
    let f1 = 0;
    let ap = 0;
    let ms = 0;
    for (const it of items) {
      const t0 = performance.now();
      const r = await segmentWithModel(it.plane, cfg);
      ms += performance.now() - t0;
      const s = scoreSegmentation(r.labels, it.truth);
      f1 += s.f1;
      ap += s.apDsb;
      if (verbose) console.log(name, it.stem.slice(0, 24), s.f1.toFixed(3), `d=${r.params.diameter} scale=${r.params.scale}`, `n=${s.nPred}/${s.nTrue}`, `split=${s.splits} merge=${s.merges}`);
    }
    const n = items.length;
    row.push(`${name}: F1 ${(f1 / n).toFixed(4)} AP ${(ap / n).toFixed(4)} ${(ms / n).toFixed(0)} ms`);
  }
  console.log(row.join('  '));
}
