/**
 * `scopepilot recipe DIR --out FILE [--question q]`: the recipe that accepting every
 * recommendation in the wizard gives for DIR, for scripted use without a terminal.
 */

import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command, Option } from 'commander';

interface Options {
  out: string;
  question: string;
  pattern?: string;
  plateMap?: string;
  model?: string;
}

async function action(dir: string, o: Options): Promise<void> {
  const root = resolve(dir);
  if (!o.plateMap) {
    // a plate map saved beside the images (as the demo plate and many facilities do) is used
    const found = ['platemap.csv', 'plate-map.csv', 'plate_map.csv', 'plateMap.csv'].map((n) => join(root, n)).find((p) => existsSync(p));
    if (found) {
      o.plateMap = found;
      process.stderr.write(`using the plate map ${found} (give --plate-map to choose another)\n`);
    }
  }
  // a bad model path stops here, before the folder is scanned (onnxruntime loads only with --model)
  const model =
    o.model !== undefined
      ? await (await import('../engine/pipeline/model.js')).loadModelInfo(o.model.trim(), { field: '--model' })
      : undefined;
  const [{ scanFolder }, { defaultRecipe }, { writeFileAtomic }, { VERSION }] = await Promise.all([
    import('../engine/dataset/scan.js'),
    import('../engine/pipeline/default.js'),
    import('../engine/io/atomic.js'),
    import('../version.js'),
  ]);
  const scan = await scanFolder(root, {
    ...(o.pattern ? { pattern: o.pattern } : {}),
    ...(o.plateMap ? { plateMap: resolve(o.plateMap) } : {}),
  });
  const recipe = defaultRecipe({ ...scan, ...(o.plateMap ? { plateMapPath: resolve(o.plateMap) } : {}) }, { question: o.question });
  const stages = model
    ? {
        ...recipe.stages,
        objects: {
          ...recipe.stages.objects,
          nuclei: { ...recipe.stages.objects.nuclei, method: 'model' as const, model: model.spec === 'builtin' ? 'builtin' : model.source },
        },
      }
    : recipe.stages;
  const doc = {
    ...recipe,
    stages,
    ...(o.pattern ? { input: { ...recipe.input, pattern: o.pattern } } : {}),
    createdAt: new Date().toISOString(),
    scopepilot: VERSION,
  };
  const out = resolve(o.out);
  await writeFileAtomic(out, `${JSON.stringify(doc, null, 2)}\n`);
  for (const p of scan.problems) process.stderr.write(`${p.level}: ${p.message}${p.hint ? ` - ${p.hint}` : ''}\n`);
  process.stdout.write(
    `${out}: ${scan.imageSets.length} image sets, DNA channel "${recipe.input.channels.dna}"` +
      `${recipe.input.channels.marker ? `, marker "${recipe.input.channels.marker}"` : ''}, question ${recipe.question.type}` +
      `${model ? `, nuclei by the model ${model.name}${model.version ? ` ${model.version}` : ''}` : ''}\n` +
      `run it with: scopepilot run ${o.out} --out RESULTS\n`,
  );
}

export function build(): Command {
  return new Command('recipe')
    .description('Write the recipe the wizard recommends for a folder (no terminal needed)')
    .argument('<dir>', 'folder of images (never written to)')
    .requiredOption('--out <file>', 'recipe file to write, e.g. recipe.json')
    .addOption(
      new Option('--question <q>', 'what you want to learn').choices(['count', 'size', 'intensity', 'coloc', 'phenotype']).default('count'),
    )
    .option('--pattern <p>', 'file naming preset id or regular expression (default: detected)')
    .option('--plate-map <csv>', 'plate map CSV (plate, well, condition ...)')
    .option(
      '--model <builtin|path>',
      'find nuclei with a deep-learning model: "builtin" (ScopePilot\'s nuclei U-Net) or a BioImage Model Zoo package (default: classical)',
    )
    .action(action);
}
