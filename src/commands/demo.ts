/**
 * `scopepilot demo [--out DIR]`: write the synthetic demo plate (images, ground-truth labels,
 * plate map, truth.json with the planted effect and problems). Nothing is downloaded.
 */
import { resolve } from 'node:path';
import { Command } from 'commander';
import { count } from './scan.js';

async function action(o: { out: string; seed: number; json?: boolean }): Promise<void> {
  const { existsSync, readdirSync } = await import('node:fs');
  const { UserError } = await import('../engine/errors.js');
  const out = resolve(o.out);
  if (existsSync(out) && readdirSync(out).some((n) => !['images', 'labels', 'platemap.csv', 'truth.json', '.complete'].includes(n)))
    throw new UserError(`${o.out} exists and holds other files`, 'choose a new folder, e.g. --out demo-plate');
  const { writeDemoPlate } = await import('../engine/dataset/demo.js');
  const info = await writeDemoPlate(out, { seed: o.seed });
  if (o.json) {
    process.stdout.write(`${JSON.stringify(info, null, 2)}\n`);
    return;
  }
  process.stdout.write(
    [
      `Demo plate written to ${out} in ${info.ms} ms:`,
      `  images/        ${info.imageFiles} TIFFs (ImageXpress names; 2 rows x 6 columns, 2 sites, w1 = DNA, w2 = marker)`,
      '  labels/        ground-truth nuclei (one label image per field)',
      '  platemap.csv   columns 1-3 DMSO (control), 4-6 compound-X 10 µM',
      '  truth.json     planted effect (treated nuclei 20% larger, 1.5x marker) and problems',
      '                 (A02 s2 out of focus, B03 s1 saturated, A05 s1 debris, B06 empty)',
      `Next: scopepilot scan ${o.out} --plate-map ${o.out}/platemap.csv   or   scopepilot wizard ${o.out}`,
      '',
    ].join('\n'),
  );
}

export function build(): Command {
  return new Command('demo')
    .description('Write a small synthetic plate with known answers (images, labels, plate map, truth.json)')
    .option('--out <dir>', 'folder to write', 'scopepilot-demo')
    .option('--seed <n>', 'random seed (same seed, same bytes)', count('--seed'), 1)
    .option('--json', 'print what was written as JSON')
    .action(action);
}
