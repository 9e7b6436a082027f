// Nucleus segmentation: accuracy and speed of `scopepilot segment` against the classic
// scikit-image and ImageJ pipelines, side by side in the same run on the same images, plus the
// peak memory of a 1,000-image run. `npm run build && node bench/run.mjs segment`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { performance } from 'node:perf_hooks';

const IJ_JAR = '/usr/share/java/ij.jar';

/** Run a command, timing the whole process (start-up included); peak RSS via /usr/bin/time -v when present. */
function run(cmd, args) {
  const timeBin = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
  const t0 = performance.now();
  const r = timeBin
    ? spawnSync(timeBin, ['-v', cmd, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 })
    : spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 28 });
  const wallS = (performance.now() - t0) / 1000;
  const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr ?? '');
  const user = /User time \(seconds\): ([\d.]+)/.exec(r.stderr ?? '');
  const sys = /System time \(seconds\): ([\d.]+)/.exec(r.stderr ?? '');
  const cpuS = user && sys ? Number(user[1]) + Number(sys[1]) : undefined;
  return { wallS, cpuS, rssMB: m ? Number(m[1]) / 1024 : undefined, status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

function toLabels(plane) {
  const data = Int32Array.from(plane.data);
  let count = 0;
  for (let i = 0; i < data.length; i++) if (data[i] > count) count = data[i];
  return { width: plane.width, height: plane.height, data, count };
}

/** Timed runs per method (interleaved); the median is reported. BENCH_REPEATS=1 for a quick look. */
const REPEATS = Math.max(1, Number(process.env.BENCH_REPEATS ?? 3));
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const fmt = (v, d = 3) => (v === undefined || Number.isNaN(v) ? '-' : v.toFixed(d));

export default async function segmentBench(ctx) {
  if (!ctx.hasSharedData) {
    console.log('skipped: ../shared/data not found');
    return;
  }
  const { readPlane } = await import(join(ctx.dist, 'engine/io/read.js'));
  const score = await import(join(ctx.dist, 'engine/results/score.js')).then(
    (m) => m.scoreSegmentation,
    () => undefined,
  );
  const readMaskFolder = await import(join(ctx.dist, 'engine/io/mask-folder.js')).then(
    (m) => m.readMaskFolder,
    () => undefined,
  );
  if (!score) console.log('note: dist/engine/results/score.js missing: accuracy columns empty (timings only)');
  const haveImageJ = existsSync(IJ_JAR) && spawnSync('sh', ['-c', 'command -v xvfb-run && command -v java']).status === 0;
  if (!haveImageJ) console.log(`note: ImageJ not available (${IJ_JAR}, xvfb-run, java): ImageJ column skipped`);
  const cli = join(ctx.dist, 'cli.js');
  const base = join(ctx.tmp, 'segment');
  rmSync(base, { recursive: true, force: true });
  mkdirSync(base, { recursive: true });
  const report = { datasets: {} };

  const datasets = [
    { name: 'bbbc039-dev', truth: async (dir, stem) => toLabels(await readPlane(join(dir, 'labels', `${stem}.tif`))) },
    { name: 'dsb2018-dev', truth: async (dir, stem) => (readMaskFolder ? readMaskFolder(join(dir, 'masks', stem)) : undefined) },
  ];
  for (const ds of datasets) {
    const dir = join(ctx.sharedData, ds.name);
    const images = join(dir, 'images');
    const stems = readdirSync(images)
      .filter((f) => /\.(tif|tiff|png)$/i.test(f))
      .sort()
      .map((f) => basename(f, extname(f)));
    const n = stems.length;
    // each method runs REPEATS times, interleaved (ours, scikit-image, ImageJ, ours, ...), so a
    // burst of load on the machine hits all of them; the median wall time is reported
    const oursOut = join(base, `ours-${ds.name}`);
    const skOut = join(base, `skimage-${ds.name}`);
    const ijOut = join(base, `imagej-${ds.name}`);
    const methods = [
      {
        name: 'scopepilot segment',
        cmd: [process.execPath, [cli, 'segment', images, '--out', oursOut, '--no-progress', '--json']],
        pred: (s) => join(oursOut, 'labels', `${s}.tif`),
      },
      {
        name: 'scikit-image classic',
        cmd: [ctx.python, [join(ctx.root, 'bench/reference/skimage_segment.py'), images, skOut]],
        pred: (s) => join(skOut, `${s}.tif`),
      },
    ];
    if (haveImageJ) {
      methods.push({
        name: 'ImageJ classic',
        cmd: [
          'xvfb-run',
          ['-a', 'java', '-jar', IJ_JAR, '-batch', join(ctx.root, 'bench/reference/imagej_segment.ijm'), `${images},${ijOut}`],
        ],
        pred: (s) => join(ijOut, `${s}.tif`),
      });
    }
    for (let rep = 0; rep < REPEATS; rep++) {
      for (const m of methods) {
        const r = run(m.cmd[0], m.cmd[1]);
        if (r.status !== 0) console.log(`${m.name} failed (exit ${r.status}): ${r.stderr.split('\n').slice(-3).join(' | ')}`);
        (m.walls ??= []).push(r.wallS);
        if (r.cpuS !== undefined) (m.cpus ??= []).push(r.cpuS);
        m.run = { ...r, wallS: median(m.walls), cpuS: m.cpus ? median(m.cpus) : undefined };
      }
    }
    const ours = methods[0].run;

    // score: per image (mean of F1, DSB AP and |count error| over images) and pooled F1
    const acc = methods.map(() => ({ f1: 0, ap: 0, cnt: 0, tp: 0, fp: 0, fn: 0, scored: 0, missing: 0 }));
    if (score) {
      for (const stem of stems) {
        const truth = await ds.truth(dir, stem);
        if (!truth) continue;
        for (let m = 0; m < methods.length; m++) {
          const a = acc[m];
          const path = methods[m].pred(stem);
          if (!existsSync(path)) {
            a.missing++;
            continue;
          }
          const s = score(toLabels(await readPlane(path)), truth);
          a.f1 += s.f1;
          a.ap += s.apDsb;
          const nTrue = s.tp + s.fn;
          a.cnt += nTrue > 0 ? Math.abs(s.tp + s.fp - nTrue) / nTrue : 0;
          a.tp += s.tp;
          a.fp += s.fp;
          a.fn += s.fn;
          a.scored++;
        }
      }
    }
    const oursS = ours.wallS;
    console.log(`### ${ds.name} (${n} images)\n`);
    console.log('| method | F1@0.5 | F1 pooled | AP 0.5:0.95 | count error | total s | ms/image | time vs ours | CPU s | peak RSS MB |');
    console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
    const rows = methods.map((m, i) => {
      const a = acc[i];
      const k = a.scored || Number.NaN;
      const row = {
        method: m.name,
        f1: a.f1 / k,
        f1Pooled: (2 * a.tp) / (2 * a.tp + a.fp + a.fn),
        ap: a.ap / k,
        countError: a.cnt / k,
        totalS: m.run.wallS,
        msPerImage: (m.run.wallS * 1000) / n,
        ratio: m.run.wallS / oursS,
        cpuS: m.run.cpuS,
        rssMB: m.run.rssMB,
        scored: a.scored,
        missing: a.missing,
      };
      console.log(
        `| ${m.name} | ${fmt(row.f1)} | ${fmt(row.f1Pooled)} | ${fmt(row.ap)} | ${fmt(row.countError * 100, 1)}% | ${fmt(row.totalS, 2)} | ${fmt(row.msPerImage, 1)} | ${fmt(row.ratio, 2)}x | ${fmt(row.cpuS, 2)} | ${fmt(row.rssMB, 0)} |`,
      );
      return row;
    });
    if (rows.some((r) => r.missing)) console.log(`\n(missing outputs: ${rows.map((r) => `${r.method} ${r.missing}`).join(', ')})`);
    console.log(
      '\nF1@0.5 and AP: mean over images (AP = TP/(TP+FP+FN) averaged over IoU 0.5:0.05:0.95); count error: mean |predicted - true| / true;',
    );
    console.log(
      `total s: whole process wall time incl. start-up, median of ${REPEATS} interleaved runs (time vs ours > 1 means slower than ScopePilot); CPU s: user + system time, median likewise (ScopePilot uses both cores, the references one).\n`,
    );
    report.datasets[ds.name] = rows;
  }

  // memory: 1,000 images (the 50 BBBC039 files listed 20 times, not copied)
  const bbbc = join(ctx.sharedData, 'bbbc039-dev/images');
  const files = readdirSync(bbbc)
    .filter((f) => f.endsWith('.tif'))
    .sort()
    .map((f) => join(bbbc, f));
  const list = Array.from({ length: 20 }, () => files).flat();
  const memOut = join(base, 'ours-1000');
  const mem = run(process.execPath, [cli, 'segment', ...list, '--out', memOut, '--no-progress']);
  const written = existsSync(join(memOut, 'labels')) ? readdirSync(join(memOut, 'labels')).length : 0;
  console.log(
    `### memory: ${list.length} images (BBBC039 x20)\n\nexit ${mem.status}, ${written} label files, ${fmt(mem.wallS, 2)} s (${fmt((mem.wallS * 1000) / list.length, 1)} ms/image), peak RSS ${fmt(mem.rssMB, 0)} MB (target < 300 MB)`,
  );
  report.memory = { images: list.length, written, wallS: mem.wallS, rssMB: mem.rssMB, status: mem.status };
  rmSync(memOut, { recursive: true, force: true });
  writeFileSync(join(base, 'results.json'), `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\n(figures also in ${join(base, 'results.json')})`);
}
