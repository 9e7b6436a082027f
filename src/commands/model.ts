/**
 * `scopepilot model inspect [PATH] [--image FILE] [--json]`: read a BioImage Model Zoo package
 * (folder, .zip or rdf.yaml; or a bare .onnx), validate what ScopePilot can run, run the
 * package's own test tensors and say whether they reproduce. Without PATH: the built-in nuclei
 * model. Exit code 1 when the test tensors do not reproduce or are missing.
 * Lean start-up: onnxruntime is imported in the action.
 */
import { resolve } from 'node:path';
import { Command } from 'commander';

interface InspectOptions {
  image?: string;
  json?: boolean;
  threads?: string;
}

async function inspect(path: string | undefined, o: InspectOptions): Promise<void> {
  const [{ getModelPackage, defaultModelPath }, { checkTestTensors }] = await Promise.all([
    import('../engine/dl/index.js'),
    import('../engine/dl/check.js'),
  ]);
  const target = path ?? defaultModelPath();
  const pkg = await getModelPackage(target);
  const threads = o.threads ? Math.max(1, Number.parseInt(o.threads, 10) || 1) : 1;
  const check = await checkTestTensors(pkg, { threads });
  let run: Record<string, unknown> | undefined;
  if (o.image) {
    const [{ readPlane }, { segmentWithModel }] = await Promise.all([import('../engine/io/read.js'), import('../engine/dl/index.js')]);
    const plane = await readPlane(resolve(o.image));
    const t0 = performance.now();
    const r = await segmentWithModel(plane, { modelPath: target, threads });
    run = {
      image: o.image,
      objects: r.labels.count,
      diameter: r.params.diameter,
      scale: r.params.scale,
      ms: Math.round(performance.now() - t0),
      timingsMs: Object.fromEntries(Object.entries(r.timingsMs).map(([k, v]) => [k, Math.round(v)])),
      qc: r.qc.map((q) => q.message),
    };
  }
  if (!check.ok) process.exitCode = 1;
  if (o.json) {
    const { weights: _w, testInput: _i, testOutput: _o, ...rest } = pkg;
    process.stdout.write(`${JSON.stringify({ ...rest, testTensors: check, run }, null, 2)}\n`);
    return;
  }
  const lines = [
    `${pkg.name}${pkg.version ? ` ${pkg.version}` : ''}  (${pkg.source})`,
    pkg.description ? `  ${pkg.description.replace(/\s+/g, ' ').trim()}` : '',
    `  format       bioimage.io ${pkg.formatVersion}; license ${pkg.license ?? 'not given'}`,
    `  weights      ONNX ${pkg.weightsFile}, ${(pkg.weights.length / 1024).toFixed(0)} KiB, sha256 ${pkg.sha256}`,
    `  input        ${pkg.input.id} ${pkg.input.axes}, ${pkg.input.channels} channel(s), size step ${pkg.input.step}`,
    `  output       ${pkg.output.id} ${pkg.output.axes}, ${pkg.output.channels} channel(s)${pkg.output.channelNames ? ` (${pkg.output.channelNames.join(', ')})` : ''}: used as ${pkg.outputKind}`,
    `  pre/post     ${pkg.preprocessing.map((s) => s.id).join(', ') || 'none'} / ${pkg.postprocessing.map((s) => s.id).join(', ') || 'none'}`,
    `  nucleus size ${pkg.trainingDiameter ? `images are resampled so nuclei are ${pkg.trainingDiameter} px across` : 'not given (images used at their own scale)'}`,
    pkg.trainingData ? `  trained on   ${pkg.trainingData}` : '  trained on   not stated',
    pkg.authors.length ? `  authors      ${pkg.authors.join(', ')}` : '',
    ...pkg.cite.map((c) => `  cite         ${c.text}${c.doi ? ` doi:${c.doi}` : c.url ? ` ${c.url}` : ''}`),
    ...pkg.warnings.map((w) => `  note: ${w}`),
    `  test         ${check.message}`,
  ];
  if (run) {
    lines.push(`  on ${run.image}: ${run.objects} objects, diameter ${run.diameter} px, scale ${run.scale}, ${run.ms} ms`);
    for (const q of run.qc as string[]) lines.push(`  warning: ${q}`);
  }
  lines.push(
    check.ok
      ? '  This model runs here. It was trained on other images: check its objects on yours (scopepilot validate) before trusting it.'
      : !pkg.testInput || !pkg.testOutput
        ? '  Without test tensors nothing shows it runs here as its authors intended: check its objects on your images (scopepilot validate) before using it.'
        : '  This model does not reproduce its own test output here: do not use it for results.',
  );
  process.stdout.write(`${lines.filter((l) => l !== '').join('\n')}\n`);
}

export function build(): Command {
  return new Command('model')
    .description('Deep-learning models: inspect a BioImage Model Zoo package and check it runs here')
    .addCommand(
      new Command('inspect')
        .description('Validate a model package (folder, .zip, rdf.yaml or .onnx) and run its test tensors')
        .argument('[path]', 'the package (default: the built-in nuclei model)')
        .option('--image <file>', 'also find nuclei in this image and report count, size and time')
        .option('--threads <n>', 'onnxruntime threads (default 1)')
        .option('--json', 'print everything as JSON')
        .action(inspect),
    );
}
