// Data intake: `scopepilot scan` throughput (files/second) and peak memory on 10,000 and 100,000
// ImageXpress-named files (names only, no probes), scan + probes on BBBC039, the demo plate's
// generation time, and subset picking time. `npm run build && node bench/run.mjs scan`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

/** Run the CLI, timing the whole process; peak RSS via /usr/bin/time -v when present. */
function run(args) {
  const timeBin = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
  const cmd = [process.execPath, ...args];
  const t0 = performance.now();
  const r = timeBin
    ? spawnSync(timeBin, ['-v', ...cmd], { encoding: 'utf8', maxBuffer: 1 << 30 })
    : spawnSync(cmd[0], cmd.slice(1), { encoding: 'utf8', maxBuffer: 1 << 30 });
  const wallS = (performance.now() - t0) / 1000;
  const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr ?? '');
  return { wallS, rssMB: m ? Number(m[1]) / 1024 : undefined, status: r.status, stdout: r.stdout ?? '' };
}

/** A folder of `n` empty ImageXpress-named files (384-well plates, 9 sites, 4 channels). */
function fakePlate(dir, n) {
  if (existsSync(join(dir, '.done'))) return;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const rows = 'ABCDEFGHIJKLMNOP';
  let k = 0;
  for (let p = 1; k < n; p++) {
    const pdir = join(dir, `plate${p}`);
    mkdirSync(pdir);
    for (let r = 0; r < 16 && k < n; r++)
      for (let c = 1; c <= 24 && k < n; c++)
        for (let s = 1; s <= 9 && k < n; s++)
          for (let w = 1; w <= 4 && k < n; w++, k++)
            writeFileSync(join(pdir, `P${p}_${rows[r]}${String(c).padStart(2, '0')}_s${s}_w${w}.tif`), '');
  }
  writeFileSync(join(dir, '.done'), '');
}

const fmt = (v, d = 2) => (v === undefined ? '-' : v.toFixed(d));

export default async function scanBench(ctx) {
  const cli = join(ctx.dist, 'cli.js');
  const rows = [];
  for (const n of [10_000, 100_000]) {
    const dir = join(ctx.tmp, `scan-${n}`);
    fakePlate(dir, n);
    const r = run([cli, 'scan', dir, '--json', '--probe', '0', '--no-progress']);
    const inv = r.status === 0 || r.status === 1 ? JSON.parse(r.stdout) : undefined;
    rows.push({
      what: `${n.toLocaleString('en')} names (scan --json, no probes)`,
      s: r.wallS,
      perS: n / r.wallS,
      rss: r.rssMB,
      note: inv ? `${inv.imageSets.length} image sets, ${inv.plates.length} plates, preset ${inv.preset.id}` : `exit ${r.status}`,
    });
  }
  if (ctx.hasSharedData) {
    const r = run([cli, 'scan', join(ctx.sharedData, 'bbbc039-dev'), '--json', '--no-progress']);
    const inv = JSON.parse(r.stdout);
    rows.push({
      what: 'BBBC039 dev (50 files, 24 probed)',
      s: r.wallS,
      perS: 50 / r.wallS,
      rss: r.rssMB,
      note: `${inv.preset.id} ${inv.preset.confidence}, in-process ${inv.summary.ms} ms`,
    });
  }
  const demoDir = join(ctx.tmp, 'demo-plate');
  rmSync(demoDir, { recursive: true, force: true });
  const d = run([cli, 'demo', '--out', demoDir, '--json']);
  const info = JSON.parse(d.stdout);
  rows.push({ what: 'demo plate (48 images + 24 labels)', s: d.wallS, perS: undefined, rss: d.rssMB, note: `in-process ${info.ms} ms` });
  const sub = run([cli, 'subset', demoDir, '--n', '8', '--json', '--no-progress']);
  const picks = JSON.parse(sub.stdout).picks;
  const odd = ['A02_s2', 'B03_s1', 'A05_s1'].filter((id) => picks.some((p) => p.imageSetId === id)).length;
  const empty = picks.some((p) => p.imageSetId.startsWith('B06'));
  rows.push({
    what: 'subset n=8 on the demo plate',
    s: sub.wallS,
    perS: undefined,
    rss: sub.rssMB,
    note: `${odd}/3 planted odd fields + empty well ${empty ? 'in' : 'MISSING'}`,
  });
  if (ctx.hasSharedData) {
    const s2 = run([cli, 'subset', join(ctx.sharedData, 'bbbc039-dev'), '--n', '8', '--json', '--no-progress']);
    const p2 = JSON.parse(s2.stdout).picks;
    rows.push({
      what: 'subset n=8 on BBBC039 dev',
      s: s2.wallS,
      perS: undefined,
      rss: s2.rssMB,
      note: `${new Set(p2.map((p) => p.meta.well)).size} wells`,
    });
  }
  console.log('| what | wall s (process) | files/s | peak RSS MB | notes |');
  console.log('|---|---|---|---|---|');
  for (const r of rows)
    console.log(`| ${r.what} | ${fmt(r.s)} | ${r.perS ? Math.round(r.perS).toLocaleString('en') : '-'} | ${fmt(r.rss, 0)} | ${r.note} |`);
}
