/**
 * `scopepilot platemap template DIR [--out FILE]`: a plate map CSV pre-filled with the wells
 * found in DIR, with empty condition, treatment, dose, replicate and control columns.
 * `scopepilot platemap check CSV [DIR]`: read a plate map and say how it joins with a folder.
 */
import { isAbsolute, relative, resolve } from 'node:path';
import { Command } from 'commander';

async function template(dir: string, o: { out: string; pattern?: string }): Promise<void> {
  const { scanFolder, writePlateMapTemplate } = await import('../engine/dataset/index.js');
  const { UserError } = await import('../engine/errors.js');
  const root = resolve(dir);
  const out = resolve(o.out);
  const rel = relative(root, out);
  if (rel === '' || (!rel.startsWith('..') && !isAbsolute(rel)))
    throw new UserError(
      `--out ${o.out} is inside the image folder; ScopePilot never writes into input folders`,
      'write it elsewhere, e.g. --out platemap.csv',
    );
  const scan = await scanFolder(root, { ...(o.pattern ? { pattern: o.pattern } : {}), probeSets: 0 });
  const n = await writePlateMapTemplate(scan, out);
  process.stdout.write(
    `${n} well(s) written to ${out}\nFill in condition (e.g. DMSO, drug-A), treatment, dose, replicate and control (yes/no), then use it with --plate-map ${o.out}\n`,
  );
}

async function check(csv: string, dir: string | undefined, o: { pattern?: string }): Promise<void> {
  const { readPlateMap, scanFolder } = await import('../engine/dataset/index.js');
  const map = await readPlateMap(resolve(csv));
  process.stdout.write(
    `${map.rows.size} well(s); columns: ${map.columns.join(', ') || '(none)'}; condition column: ${map.conditionColumn ?? '(none: add a "condition" column)'}\n`,
  );
  if (!dir) return;
  const scan = await scanFolder(dir, { ...(o.pattern ? { pattern: o.pattern } : {}), plateMap: csv, probeSets: 0 });
  const joined = scan.imageSets.filter((s) => s.meta.extra && Object.keys(s.meta.extra).length).length;
  process.stdout.write(`${joined} of ${scan.imageSets.length} image set(s) got plate-map values\n`);
  for (const p of scan.problems.filter((x) => x.code === 'platemap-unmatched' || x.code === 'missing-well')) {
    process.stdout.write(`  warn ${p.message}\n       e.g. ${p.examples.join(', ')}\n`);
  }
  if (joined < scan.imageSets.length) process.exitCode = 1;
}

export function build(): Command {
  const cmd = new Command('platemap').description('Write or check a plate map (which condition is in which well)');
  cmd
    .command('template')
    .description('Write a plate map CSV pre-filled with the wells found in DIR')
    .argument('[dir]', 'folder with the images (never written to)', '.')
    .option('--out <file>', 'where to write the CSV (not inside DIR)', 'platemap.csv')
    .option('--pattern <preset|regex>', 'naming preset id or regular expression (as in `scopepilot scan`)')
    .action(template);
  cmd
    .command('check')
    .description('Read a plate map CSV and, given DIR, show how it joins with the images')
    .argument('<csv>', 'the plate map')
    .argument('[dir]', 'folder with the images')
    .option('--pattern <preset|regex>', 'naming preset id or regular expression')
    .action(check);
  return cmd;
}
