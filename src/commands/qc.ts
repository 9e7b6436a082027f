/**
 * `scopepilot qc INPUT... --out DIR [--json]`: image quality control. Every image (every channel)
 * gets CellProfiler ImageQuality_* metrics and verdicts (absolute rules + outliers relative to the
 * rest of the images); DIR/qc.csv has one row per image; stdout gets a summary a novice can act on.
 * Lean start-up: the engine is imported in the action.
 */
import { basename, join, resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { UserError } from '../engine/errors.js';
import { checkOutDir, expandInputs } from './segment.js';

interface Options {
  out: string;
  json?: boolean;
  trueMax?: number;
  rule: string[];
  progress?: boolean;
}

/** `--rule name=value`, collected into a list. */
function collect(v: string, prev: string[]): string[] {
  return [...prev, v];
}

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('must be a positive whole number, e.g. 4095 for a 12-bit camera');
  return n;
}

/** More images than this with the same verdicts are summarised in one entry. */
const GROUP_AT = 5;

/** What each check means for a novice, and what to do (one line each). */
const WHAT_TO_DO: Record<string, string> = {
  format: 'ask for the original microscope files (lossless TIFF, 12/16-bit); exported JPEG/8-bit/RGB copies change intensities',
  empty: 'leave empty fields out; if a whole well is empty, check plating and staining',
  saturation: 'leave saturated fields out of intensity measurements; lower the exposure for the next acquisition',
  blur: 'leave out-of-focus fields out (or re-image those wells); autofocus may have failed',
  debris: 'look at the thumbnails; leave the field out or filter very bright small objects',
  illumination: 'turn on illumination correction before measuring intensities',
  sparse: 'check the thumbnails: few cells may be a real effect (toxicity) or a plating problem',
};

async function action(inputs: string[], o: Options): Promise<void> {
  const out = resolve(o.out);
  const { files, folders, missing } = await expandInputs(inputs);
  checkOutDir(out, folders);
  if (files.length === 0 && missing.length === 0) {
    throw new UserError(`no images found in ${inputs.join(', ')}`, 'give image files (.tif, .png, .jpg) or folders that hold them');
  }
  const [{ qcFiles, qcTable }, { toCsv }, { writeFileAtomic }, { DEFAULT_QC_THRESHOLDS }, { VERSION }] = await Promise.all([
    import('../engine/measure/qc-files.js'),
    import('../engine/measure/table.js'),
    import('../engine/io/atomic.js'),
    import('../engine/measure/qc.js'),
    import('../version.js'),
  ]);
  const thresholds: Record<string, number> = { ...DEFAULT_QC_THRESHOLDS };
  for (const r of o.rule) {
    const m = /^([A-Za-z]+)=(-?[0-9.]+)$/.exec(r.trim());
    if (!m || !(m[1]! in DEFAULT_QC_THRESHOLDS) || !Number.isFinite(Number(m[2]))) {
      throw new UserError(`--rule ${r}: expected NAME=NUMBER`, `names: ${Object.keys(DEFAULT_QC_THRESHOLDS).join(', ')}`);
    }
    thresholds[m[1]!] = Number(m[2]);
  }
  for (const m of missing) process.stderr.write(`scopepilot: ${m}: file or folder not found - check the path\n`);
  const tty = process.stderr.isTTY === true && o.progress !== false;
  const results = await qcFiles(files, {
    thresholds,
    ...(o.trueMax !== undefined ? { trueMax: o.trueMax } : {}),
    onProgress: (p) => {
      if (o.progress === false) return;
      if (tty) process.stderr.write(`\rqc: ${p.done}/${p.total} ${p.label ?? ''}\x1b[K${p.done === p.total ? '\n' : ''}`);
      else if (p.label) process.stderr.write(`qc: ${p.done + 1}/${p.total} ${p.label}\n`);
    },
  });
  const table = qcTable(results);
  await writeFileAtomic(join(out, 'qc.csv'), toCsv(table.columns, table.rows));
  // the cut-offs used and every verdict, for the methods record
  const record = {
    tool: 'scopepilot qc',
    version: VERSION,
    created: new Date().toISOString(),
    inputs,
    trueMax: o.trueMax ?? 'from the data (2^bits - 1, at least 4095 for 16-bit files)',
    thresholds,
    images: results.map((r) => ({ file: r.path, level: r.level, reasons: r.reasons, verdicts: r.verdicts })),
  };
  await writeFileAtomic(join(out, 'qc.json'), `${JSON.stringify(record, null, 2)}\n`);
  const unreadable = results.filter((r) => r.error);
  if (o.json) {
    const doc = results.map((r) => ({ file: r.path, level: r.level, reasons: r.reasons, verdicts: r.verdicts, metrics: r.metrics }));
    process.stdout.write(`${JSON.stringify({ images: doc, missing }, null, 2)}\n`);
  } else {
    process.stdout.write(summary(results, join(out, 'qc.csv')));
  }
  if (missing.length > 0 || unreadable.length > 0) process.exitCode = 1;
}

/** The plain-language summary printed after a QC run. */
export function summary(
  results: { path: string; level: string; reasons: string; verdicts: { level: string; message: string; action?: string }[] }[],
  csvPath: string,
): string {
  const n = results.length;
  const fail = results.filter((r) => r.level === 'fail');
  const warn = results.filter((r) => r.level === 'warn');
  const lines: string[] = [];
  lines.push(
    `Checked ${n} image${n === 1 ? '' : 's'}: ${n - fail.length - warn.length} ok, ${warn.length} to look at, ${fail.length} to leave out.`,
  );
  // Many images with the same problem (a whole folder of 8-bit exports) are told once.
  const groups = new Map<string, typeof results>();
  for (const r of [...fail, ...warn]) {
    const key = `${r.level}|${r.reasons}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(r);
  }
  for (const [key, g] of groups) {
    const level = key.startsWith('fail') ? 'FAIL' : 'warn';
    if (g.length > GROUP_AT) {
      const names = g.slice(0, 3).map((r) => basename(r.path));
      lines.push(`  ${level}  ${g.length} images [${g[0]!.reasons}], e.g. ${names.join(', ')}`);
      for (const v of g[0]!.verdicts) if (v.level !== 'ok') lines.push(`        ${v.message}`);
      continue;
    }
    for (const r of g) {
      lines.push(`  ${level}  ${basename(r.path)}  [${r.reasons}]`);
      for (const v of r.verdicts) if (v.level !== 'ok') lines.push(`        ${v.message}`);
    }
  }
  const checks = new Set([...fail, ...warn].flatMap((r) => r.reasons.split(';').filter(Boolean)));
  if (checks.size > 0) {
    lines.push('What to do:');
    for (const c of checks) lines.push(`  ${c}: ${WHAT_TO_DO[c] ?? 'see the messages above'}`);
  }
  lines.push(`Every metric and verdict: ${csvPath} (cut-offs used: qc.json)`);
  return `${lines.join('\n')}\n`;
}

export function build(): Command {
  return new Command('qc')
    .description('Check image quality: blur, saturation, empty fields, debris, uneven light, lossy/8-bit exports')
    .argument('<input...>', 'image files and/or folders of images (never written to)')
    .requiredOption('--out <dir>', 'output folder for qc.csv and qc.json')
    .option(
      '--true-max <value>',
      'camera maximum for saturation (default: from the data, e.g. 4095 when 16-bit files hold 12-bit values)',
      positiveInt,
    )
    .option('--rule <name=value>', 'change a cut-off, e.g. --rule blurZ=-1.8 --rule saturationFailPercent=0.5 (repeatable)', collect, [])
    .option('--json', 'print every verdict and metric as JSON instead of the summary')
    .option('--no-progress', 'no progress on stderr')
    .action(action);
}
