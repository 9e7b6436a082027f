/**
 * `scopepilot validate PRED_DIR GT_DIR`: score label images against hand-made ground truth
 * (F1 at IoU 0.5, DSB-style AP at IoU 0.5..0.95, count error, splits and merges), per image
 * and on average; `--out FILE` writes validation.json (the methods record cites it when it is
 * in the run's output folder). The engine is loaded in the action.
 */
import { resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';

interface Options {
  out?: string;
  json?: boolean;
  tolerance?: number;
}

function pctArg(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('--tolerance must be a positive percentage');
  return n;
}

const f3 = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : 'n/a');

async function action(pred: string, truth: string, o: Options): Promise<void> {
  const [{ validateFolders }, { writeFileAtomic }] = await Promise.all([
    import('../engine/results/stats-validate.js'),
    import('../engine/io/atomic.js'),
  ]);
  const r = await validateFolders(resolve(pred), resolve(truth), {
    onProgress: (p) => {
      if (process.stderr.isTTY && !o.json) process.stderr.write(`\rvalidate: ${p.done}/${p.total}\x1b[K${p.done === p.total ? '\n' : ''}`);
    },
  });
  const doc = {
    tool: 'scopepilot validate',
    pred: resolve(pred),
    truth: resolve(truth),
    metric: 'one-to-one matching at IoU >= 0.5; F1 = 2TP/(2TP+FP+FN); apDsb = mean over IoU 0.5:0.05:0.95 of TP/(TP+FP+FN)',
    ...r,
    ...(o.tolerance !== undefined ? { toleratedErrorPct: o.tolerance, withinTolerance: r.mean.countErrorPct <= o.tolerance } : {}),
  };
  const json = `${JSON.stringify(doc, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`;
  if (o.out) await writeFileAtomic(resolve(o.out), json);
  if (o.json) process.stdout.write(json);
  else {
    process.stdout.write('image                                    F1     AP(DSB) count err  pred/true  splits merges\n');
    for (const x of r.perImage) {
      const s = x.score;
      process.stdout.write(
        `${x.name.slice(0, 40).padEnd(40)} ${f3(s.f1)}  ${f3(s.apDsb)}   ${`${(100 * s.countError).toFixed(1)}%`.padStart(7)}  ${`${s.nPred}/${s.nTrue}`.padStart(9)}  ${String(s.splits).padStart(6)} ${String(s.merges).padStart(6)}\n`,
      );
    }
    process.stdout.write(
      `\n${r.images} images: mean F1 ${f3(r.mean.f1)}, mean AP(DSB) ${f3(r.mean.apDsb)}, mean |count error| ${r.mean.countErrorPct.toFixed(1)}%, ${r.totals.splits} splits, ${r.totals.merges} merges\n`,
    );
    if (o.tolerance !== undefined)
      process.stdout.write(
        `Count error ${r.mean.countErrorPct.toFixed(1)}% is ${r.mean.countErrorPct <= o.tolerance ? 'within' : 'ABOVE'} the tolerated ${o.tolerance}%.\n`,
      );
    if (r.unpaired.pred.length) process.stdout.write(`not scored (no ground truth): ${r.unpaired.pred.join(', ')}\n`);
    if (r.unpaired.truth.length) process.stdout.write(`ground truth without prediction: ${r.unpaired.truth.join(', ')}\n`);
    if (o.out) process.stdout.write(`wrote ${resolve(o.out)}\n`);
  }
  for (const e of r.errors) process.stderr.write(`scopepilot: ${e.name}: ${e.reason}\n`);
  if (r.errors.length || (o.tolerance !== undefined && r.mean.countErrorPct > o.tolerance)) process.exitCode = 1;
}

export function build(): Command {
  return new Command('validate')
    .description('Score label images against ground truth: F1, DSB AP (IoU 0.5..0.95), count error, splits/merges')
    .argument('<pred_dir>', 'predicted label images (or a run / segment output folder with labels/)')
    .argument('<gt_dir>', 'ground truth: label images named like the predictions, or one mask folder per image (DSB2018)')
    .option('--out <file>', 'write the scores as JSON (put validation.json in the run folder for METHODS.md)')
    .option('--tolerance <pct>', 'tolerated count error in %: exit code 1 when the mean is above it', pctArg)
    .option('--json', 'print the scores as JSON')
    .addHelpText('after', '\nPairs files by name without extension and a trailing _labels/_mask/_gt (img01.tif ~ img01_labels.png).')
    .action(action);
}
