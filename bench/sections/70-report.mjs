// Statistics, methods and report (`scopepilot validate`, `scopepilot report`): on the demo plate
// (run with the recommended recipe for the size question, then validated against the planted
// labels: is the planted effect found?), and the time / peak memory of `report` on a synthetic
// output folder of 2,000 image sets and 1,000,000 objects (objects.csv ~350 MB).
// `npm run build && node bench/run.mjs report`.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const fmt = (v, d = 2) => (v === undefined || Number.isNaN(v) ? '-' : Number(v).toFixed(d));

function run(cli, args) {
  const timeBin = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
  const t0 = performance.now();
  const r = timeBin
    ? spawnSync(timeBin, ['-v', process.execPath, cli, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 })
    : spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const wallS = (performance.now() - t0) / 1000;
  const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr ?? '');
  return { wallS, rssMB: m ? Number(m[1]) / 1024 : undefined, status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** images.csv + objects.csv of `sets` image sets with `per` objects each (40 measurement columns). */
function bigFolder(dir, sets, per) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const meas = ['AreaShape_Area', ...Array.from({ length: 39 }, (_, k) => `M_${k}`)];
  const fd = openSync(join(dir, 'objects.csv'), 'w');
  writeSync(
    fd,
    `${['ImageNumber', 'ObjectNumber', 'Metadata_ImageSet', 'Metadata_Plate', 'Metadata_Well', 'Metadata_Condition', ...meas].join(',')}\n`,
  );
  let img =
    'ImageNumber,Metadata_ImageSet,Metadata_Plate,Metadata_Well,Metadata_Site,Metadata_Condition,Metadata_control,Image_Status,Count_Nuclei,Nuclei_Diameter,Mean_Nuclei_AreaShape_Area\n';
  const rows = 'ABCDEFGHIJKLMNOP';
  for (let n = 1; n <= sets; n++) {
    const i = n - 1;
    const well = `${rows[Math.floor(i / 3 / 24) % 16]}${String(1 + (Math.floor(i / 3) % 24)).padStart(2, '0')}`;
    const plate = `P${1 + Math.floor(i / (3 * 384))}`;
    const col = 1 + (Math.floor(i / 3) % 24);
    const cond = col <= 12 ? 'DMSO' : 'drug';
    const id = `${plate}_${well}_s${1 + (i % 3)}`;
    img += `${n},${id},${plate},${well},${1 + (i % 3)},${cond},${cond === 'DMSO' ? 'yes' : 'no'},ok,${per},17,${(200 * (cond === 'drug' ? 1.1 : 1) + 5 * Math.sin(n)).toFixed(3)}\n`;
    let buf = '';
    for (let o = 1; o <= per; o++) {
      const v = [n, o, id, plate, well, cond];
      for (let k = 0; k < meas.length; k++) v.push((Math.sin(n * o + k) * 100 + 200).toFixed(3));
      buf += `${v.join(',')}\n`;
    }
    writeSync(fd, buf);
  }
  closeSync(fd);
  writeFileSync(join(dir, 'images.csv'), img);
}

export default async function (ctx) {
  const cli = join(ctx.dist, 'cli.js');
  const tmp = join(ctx.tmp, 'report');
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });

  // 1. demo plate end to end
  const demo = join(tmp, 'demo');
  const out = join(tmp, 'out');
  if (run(cli, ['demo', '--out', demo]).status !== 0) throw new Error('scopepilot demo failed');
  const recipePath = join(tmp, 'recipe.json');
  if (run(cli, ['recipe', demo, '--out', recipePath, '--question', 'size']).status !== 0) throw new Error('scopepilot recipe failed');
  const recipe = JSON.parse(readFileSync(recipePath, 'utf8'));
  recipe.input.plateMap ??= join(demo, 'platemap.csv');
  recipe.outputs = { ...recipe.outputs, parquet: false, duckdb: false };
  writeFileSync(recipePath, JSON.stringify(recipe, null, 2));
  const r = run(cli, ['run', recipePath, '--out', out, '--no-progress']);
  if (r.status !== 0 && !existsSync(join(out, 'images.csv'))) throw new Error(`scopepilot run failed: ${r.stderr}`);
  const v = run(cli, ['validate', out, join(demo, 'labels'), '--out', join(out, 'validation.json'), '--json']);
  const val = v.status === 0 ? JSON.parse(v.stdout) : undefined;
  const rep = run(cli, ['report', out, '--json']);
  if (rep.status !== 0) throw new Error(`scopepilot report failed: ${rep.stderr}`);
  const stats = JSON.parse(rep.stdout).statistics;
  const truth = existsSync(join(demo, 'truth.json')) ? JSON.parse(readFileSync(join(demo, 'truth.json'), 'utf8')) : {};
  const eff = stats.effects.find((e) => !stats.controls.includes(e.condition));
  console.log('### demo plate (size question, unit: well)\n');
  console.log(
    `validation: ${val ? `${val.images} images, mean F1 ${fmt(val.mean.f1, 3)}, DSB AP ${fmt(val.mean.apDsb, 3)}, |count error| ${fmt(val.mean.countErrorPct, 1)}%` : 'failed'}`,
  );
  console.log(`planted: ${JSON.stringify(truth.effect ?? truth.planted ?? truth.effects ?? {})}`);
  if (eff)
    console.log(
      `measured: ${eff.condition} vs ${eff.control} ${fmt(eff.pct, 1)}% (95% CI ${fmt(eff.pctCi[0], 1)} to ${fmt(eff.pctCi[1], 1)}), ${eff.n} vs ${eff.nControl} wells, Welch p ${fmt(eff.welch.p, 4)}, permutation p ${fmt(eff.permutation.p, 4)}`,
    );
  console.log(`report: ${fmt(rep.wallS)} s, peak RSS ${fmt(rep.rssMB, 0)} MB\n`);

  // 2. a large output folder
  const big = join(tmp, 'big');
  const t0 = performance.now();
  bigFolder(big, 2000, 500);
  const genS = (performance.now() - t0) / 1000;
  const b = run(cli, ['report', big, '--no-methods']);
  console.log('### report on 2,000 image sets / 1,000,000 objects (synthetic, 40 measurement columns)\n');
  console.log(`(folder written in ${fmt(genS, 1)} s) report: exit ${b.status}, ${fmt(b.wallS)} s, peak RSS ${fmt(b.rssMB, 0)} MB`);
  rmSync(big, { recursive: true, force: true });
}
