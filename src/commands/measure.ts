/**
 * `scopepilot measure INPUT... --labels DIR --out DIR`: CellProfiler-compatible measurements of
 * every object in every image set: DIR/objects.csv (one row per object) and DIR/images.csv (one
 * row per image set), joined by ImageNumber. Lean start-up: the engine is imported in the action.
 */
import { join, resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { UserError } from '../engine/errors.js';
import { checkOutDir, expandInputs } from './segment.js';

interface Options {
  labels: string;
  out: string;
  objectName: string;
  pixelSize?: number;
  cellChannel?: string;
  expand?: number;
  rescaleIntensity?: boolean;
  json?: boolean;
  progress?: boolean;
}

function positive(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a positive number`);
    return n;
  };
}

async function action(inputs: string[], o: Options): Promise<void> {
  const t0 = performance.now();
  const out = resolve(o.out);
  const labelsDir = resolve(o.labels);
  const { files, folders, missing } = await expandInputs(inputs);
  checkOutDir(out, [...folders, labelsDir]);
  if (files.length === 0 && missing.length === 0) {
    throw new UserError(`no images found in ${inputs.join(', ')}`, 'give image files (.tif, .png, .jpg) or folders that hold them');
  }
  if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(o.objectName)) {
    throw new UserError(
      `--object-name ${o.objectName}: use letters, digits and _ (it becomes part of column names)`,
      'e.g. --object-name Nuclei',
    );
  }
  const [{ measureFiles, measureTables }, { toCsv }, { writeFileAtomic }] = await Promise.all([
    import('../engine/measure/measure-files.js'),
    import('../engine/measure/table.js'),
    import('../engine/io/atomic.js'),
  ]);
  for (const m of missing) process.stderr.write(`scopepilot: ${m}: file or folder not found - check the path\n`);
  const sets = await measureFiles(files, {
    labelsDir,
    objectName: o.objectName,
    ...(o.pixelSize !== undefined ? { pixelSizeUm: o.pixelSize } : {}),
    ...(o.cellChannel !== undefined ? { cellChannel: o.cellChannel } : {}),
    ...(o.expand !== undefined ? { expandPx: o.expand } : {}),
    rescaleIntensity: o.rescaleIntensity === true,
    onProgress: (p) => {
      if (o.progress !== false && p.label) process.stderr.write(`measure: ${p.done + 1}/${p.total} ${p.label}\n`);
    },
  });
  const { objects, images } = measureTables(sets);
  await writeFileAtomic(join(out, 'objects.csv'), toCsv(objects.columns, objects.rows));
  await writeFileAtomic(join(out, 'images.csv'), toCsv(images.columns, images.rows));
  const failed = sets.filter((s) => s.error);
  for (const f of failed) process.stderr.write(`scopepilot: ${f.error}\n`);
  const wallMs = Math.round(performance.now() - t0);
  const summary = {
    imageSets: sets.length,
    measured: sets.length - failed.length,
    failed: failed.length + missing.length,
    objects: objects.rows.length,
    columns: objects.columns.length,
    wallMs,
  };
  if (o.json)
    process.stdout.write(`${JSON.stringify({ summary, failures: failed.map((f) => ({ imageSet: f.key, error: f.error })), missing })}\n`);
  else {
    process.stdout.write(
      `${summary.measured} of ${summary.imageSets} image sets measured: ${summary.objects} objects x ${summary.columns} columns, ${(wallMs / 1000).toFixed(2)} s -> ${join(out, 'objects.csv')}, ${join(out, 'images.csv')}\n`,
    );
    if (summary.failed) process.stdout.write(`${summary.failed} failed (see the messages above)\n`);
  }
  if (failed.length || missing.length) process.exitCode = 1;
}

export function build(): Command {
  return new Command('measure')
    .description('Measure every object (shape, intensity per channel, colocalisation) with CellProfiler column names')
    .argument('<input...>', 'image files and/or folders of images (never written to)')
    .requiredOption('--labels <dir>', 'folder of label images, named like the images (e.g. the labels/ of scopepilot segment)')
    .requiredOption('--out <dir>', 'output folder: objects.csv and images.csv')
    .option('--object-name <name>', 'name of the objects in column names', 'Nuclei')
    .option('--pixel-size <um>', 'µm per pixel (default: from the image metadata); adds _um/_um2 columns', positive('--pixel-size'))
    .option('--cell-channel <name>', 'grow cells from the nuclei into this channel (e.g. w2) and add Cells_ and Cytoplasm_ columns')
    .option('--expand <px>', 'without a cell channel: grow cells this many pixels around each nucleus', positive('--expand'))
    .option('--rescale-intensity', "intensities on CellProfiler's 0..1 scale (divided by 255 or 65535) instead of raw values")
    .option('--json', 'print a JSON summary instead of a sentence')
    .option('--no-progress', 'no progress on stderr')
    .action(action);
}
