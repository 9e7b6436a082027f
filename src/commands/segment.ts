/**
 * `scopepilot segment INPUT... --out DIR [--model builtin|PATH]`: find nuclei in every image with
 * the default (auto-tuned) classical pipeline, or with a deep-learning model, and write one
 * instance label TIFF per image plus DIR/segment.json.
 * Lean start-up: only commander and node built-ins at load; the engine is imported in the action
 * (no ink/react/duckdb/onnxruntime on this path).
 */
import { readdir, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { dirname, extname, join, relative, resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { UserError } from '../engine/errors.js';

const IMAGE_EXT = new Set(['.tif', '.tiff', '.png', '.jpg', '.jpeg']);

interface Options {
  out: string;
  diameter: string;
  threshold?: string;
  declump?: string;
  minDiameter?: number;
  maxDiameter?: number;
  workers?: number;
  json?: boolean;
  progress?: boolean;
  model?: string;
}

/** What segment.json records about a model (absent for the classical method). */
export interface ModelRecord {
  /** As given: 'builtin' or the package path. */
  spec: string;
  name: string;
  version: string;
  /** SHA-256 of the ONNX weights. */
  sha256: string;
  /** Absolute path of the package. */
  source: string;
  trainingData: string;
}

/**
 * Validate `--model` once before any image is read: load the package (a UserError naming the path
 * and what to give instead when it is missing or unsupported) and refuse classical-only options.
 * Returns the option value jobs get ('builtin' or an absolute path) and what segment.json records.
 */
export async function resolveModel(spec: string, o: Partial<Options> = {}): Promise<{ option: string; record: ModelRecord }> {
  const given = spec.trim();
  if (given === '')
    throw new UserError('--model needs a value', 'give --model builtin (the shipped nuclei model) or the path of a model package');
  const classicalOnly = [
    ['--threshold', o.threshold],
    ['--declump', o.declump],
    ['--min-diameter', o.minDiameter],
    ['--max-diameter', o.maxDiameter],
  ].filter(([, v]) => v !== undefined);
  if (classicalOnly.length)
    throw new UserError(
      `${classicalOnly.map(([k]) => k).join(', ')} only ${classicalOnly.length === 1 ? 'applies' : 'apply'} to the classical method, not to --model`,
      'drop them, or drop --model to use the classical method',
    );
  const { getModelPackage, defaultModelPath } = await import('../engine/dl/index.js');
  const builtin = given === 'builtin';
  const path = builtin ? defaultModelPath() : resolve(given);
  let pkg: Awaited<ReturnType<typeof getModelPackage>>;
  try {
    pkg = await getModelPackage(path);
  } catch (err) {
    if (err instanceof UserError)
      throw new UserError(
        `--model ${given}: ${err.message}`,
        `${err.hint ?? 'give a BioImage Model Zoo package'}; or --model builtin for the shipped nuclei model (check a package with: scopepilot model inspect PATH)`,
      );
    throw err;
  }
  return {
    option: builtin ? 'builtin' : path,
    record: {
      spec: given,
      name: pkg.name,
      version: pkg.version ?? '',
      sha256: pkg.sha256,
      source: path,
      trainingData: pkg.trainingData ?? 'not stated',
    },
  };
}

function positive(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a positive number of pixels`);
    return n;
  };
}

/**
 * Expand INPUT arguments: a folder gives its image files (.tif .tiff .png .jpg .jpeg, not hidden,
 * not recursive, sorted by name); a file is taken as given. Missing paths are returned separately
 * so they are reported like any other bad input.
 */
export async function expandInputs(inputs: string[]): Promise<{ files: string[]; folders: string[]; missing: string[] }> {
  const files: string[] = [];
  const folders: string[] = [];
  const missing: string[] = [];
  for (const input of inputs) {
    const abs = resolve(input);
    const st = await stat(abs).catch(() => undefined);
    if (!st) {
      missing.push(input);
    } else if (st.isDirectory()) {
      folders.push(abs);
      const names = (await readdir(abs)).filter((n) => !n.startsWith('.') && IMAGE_EXT.has(extname(n).toLowerCase())).sort();
      for (const n of names) files.push(join(abs, n));
    } else {
      folders.push(dirname(abs));
      files.push(abs);
    }
  }
  return { files, folders, missing };
}

/** Refuse an output folder that is (or whose labels/ folder is) a folder holding inputs. */
export function checkOutDir(out: string, inputFolders: string[]): void {
  const labels = join(out, 'labels');
  for (const f of inputFolders) {
    if (f === out || f === labels) {
      throw new UserError(
        `--out ${out} is a folder with input images; ScopePilot never writes into input folders`,
        'choose a new folder, e.g. --out seg-out',
      );
    }
  }
}

function segmentOptions(o: Options): Record<string, unknown> {
  const s: Record<string, unknown> = {};
  if (o.diameter !== 'auto') {
    const d = Number(o.diameter);
    if (!Number.isFinite(d) || d <= 0)
      throw new UserError(`--diameter ${o.diameter}: expected "auto" or a positive number of pixels`, 'e.g. --diameter 30');
    s.diameter = d;
  } else s.diameter = 'auto';
  if (o.threshold) s.threshold = o.threshold;
  if (o.declump) s.declump = o.declump;
  if (o.minDiameter !== undefined) s.minDiameter = o.minDiameter;
  if (o.maxDiameter !== undefined) s.maxDiameter = o.maxDiameter;
  if (o.minDiameter !== undefined && o.maxDiameter !== undefined && o.minDiameter >= o.maxDiameter)
    throw new UserError('--min-diameter must be smaller than --max-diameter');
  return s;
}

async function checkThreshold(name: string): Promise<void> {
  if (name.trim() !== '' && Number.isFinite(Number(name))) return; // a manual threshold
  let registry: Record<string, unknown> | undefined;
  try {
    const spec = '../engine/ops/threshold/registry.js';
    registry = ((await import(spec)) as { THRESHOLDS?: Record<string, unknown> }).THRESHOLDS;
  } catch {
    return; // no registry yet: segmentNuclei reports unknown names itself
  }
  if (registry && (!(name in registry) || name === 'manual'))
    throw new UserError(
      `unknown threshold method "${name}"`,
      `choose one of: ${Object.keys(registry)
        .filter((k) => k !== 'manual')
        .join(', ')}, or give a number (a manual threshold)`,
    );
}

/** A progress line or bar on stderr. */
function progressWriter(enabled: boolean) {
  const tty = process.stderr.isTTY === true;
  let last = 0;
  return {
    update(done: number, total: number, label: string, failed: boolean) {
      if (!enabled) return;
      if (tty) {
        const now = Date.now();
        if (done < total && now - last < 50) return;
        last = now;
        const width = 30;
        const fill = Math.round((done / total) * width);
        const name = label.length > 40 ? `...${label.slice(-37)}` : label;
        process.stderr.write(`\r[${'#'.repeat(fill)}${' '.repeat(width - fill)}] ${done}/${total} ${name}\x1b[K`);
        if (done === total) process.stderr.write('\n');
      } else if (!failed) {
        process.stderr.write(`segment: ${done}/${total} ${label}\n`);
      }
    },
    error(line: string) {
      if (tty && enabled) process.stderr.write('\r\x1b[K');
      process.stderr.write(`scopepilot: ${line}\n`);
    },
  };
}

async function action(inputs: string[], o: Options): Promise<void> {
  const t0 = performance.now();
  const out = resolve(o.out);
  const options = segmentOptions(o);
  const model = o.model !== undefined ? await resolveModel(o.model, o) : undefined;
  if (model) options.model = model.option;
  if (o.threshold) await checkThreshold(o.threshold);
  const { files, folders, missing } = await expandInputs(inputs);
  checkOutDir(out, folders);
  if (files.length === 0 && missing.length === 0) {
    throw new UserError(`no images found in ${inputs.join(', ')}`, 'give image files (.tif, .png, .jpg) or folders that hold them');
  }
  const [{ segmentFiles }, { writeFileAtomic }, { VERSION }, { planWorkers }] = await Promise.all([
    import('../engine/batch/segment-files.js'),
    import('../engine/io/atomic.js'),
    import('../version.js'),
    import('../engine/pipeline/run-memory.js'),
  ]);
  // one worker per core, fewer when the memory holds fewer (as `scopepilot run`)
  const plan = await planWorkers(files, {
    cores: availableParallelism(),
    model: model !== undefined,
    ...(o.workers !== undefined ? { asked: Math.max(1, Math.floor(o.workers)) } : {}),
  });
  if (plan.note) process.stderr.write(`note: ${plan.note}\n`);
  const workers = plan.workers;
  const progress = progressWriter(o.progress !== false);
  for (const m of missing) progress.error(`${m}: file or folder not found - check the path`);
  const results = await segmentFiles(
    files,
    { outDir: out, segment: options },
    {
      workers,
      onResult: (r) => {
        if (!r.ok) progress.error(r.error ?? `${r.file}: failed`);
      },
      onProgress: (p) => progress.update(p.done, p.total, relative(process.cwd(), p.label ?? '') || (p.label ?? ''), false),
    },
  );
  const ok = results.filter((r) => r.ok);
  const failures = [
    ...missing.map((m) => ({ file: m, error: `${m}: file or folder not found` })),
    ...results.filter((r) => !r.ok).map((r) => ({ file: r.file, error: r.error ?? 'failed' })),
  ];
  const wallMs = Math.round(performance.now() - t0);
  const summary = {
    images: files.length + missing.length,
    segmented: ok.length,
    failed: failures.length,
    objects: ok.reduce((s, r) => s + (r.objects ?? 0), 0),
    workers: Math.min(workers, Math.max(1, files.length)),
    wallMs,
  };
  const doc = {
    tool: 'scopepilot segment',
    version: VERSION,
    created: new Date().toISOString(),
    inputs,
    method: model ? 'model' : 'classical',
    options: { ...options, workers, ...(model ? { model: model.record } : {}) },
    summary,
    images: ok.map(({ index: _i, ok: _ok, output, ...r }) => ({ ...r, labels: output ? relative(out, output) : undefined })),
    failures,
  };
  await writeFileAtomic(join(out, 'segment.json'), `${JSON.stringify(doc, null, 2)}\n`);
  if (o.json) process.stdout.write(`${JSON.stringify(doc)}\n`);
  else {
    process.stdout.write(
      `${summary.segmented} of ${summary.images} images segmented, ${summary.objects} objects, ${(wallMs / 1000).toFixed(2)} s -> ${join(out, 'labels')}\n`,
    );
    if (failures.length) process.stdout.write(`${failures.length} failed (listed in ${join(out, 'segment.json')})\n`);
  }
  if (failures.length) process.exitCode = 1;
}

export function build(): Command {
  return new Command('segment')
    .description('Find nuclei in images and write one instance label TIFF per image (0 = background)')
    .argument('<input...>', 'image files and/or folders of images (never written to)')
    .requiredOption('--out <dir>', 'output folder: labels/<name>.tif and segment.json')
    .option('--diameter <px>', 'typical nucleus diameter in pixels, or "auto" to estimate it per image', 'auto')
    .option('--threshold <name>', 'threshold method: otsu-sqrt (default), otsu, otsu3, li, triangle, yen, ... or a number')
    .addOption(
      new Option('--declump <how>', 'split touching nuclei by shape, by intensity, or not').choices(['shape', 'intensity', 'none']),
    )
    .option('--min-diameter <px>', 'discard objects smaller than this diameter (pixels)', positive('--min-diameter'))
    .option('--max-diameter <px>', 'discard objects larger than this diameter (pixels)', positive('--max-diameter'))
    .option(
      '--model <builtin|path>',
      'find nuclei with a deep-learning model: "builtin" (ScopePilot\'s nuclei U-Net) or a BioImage Model Zoo package (folder, .zip, rdf.yaml or .onnx)',
    )
    .option('--workers <n>', 'parallel workers (default: one per core, fewer when the memory holds fewer)', positive('--workers'))
    .option('--json', 'print segment.json to stdout instead of a summary')
    .option('--no-progress', 'no progress on stderr')
    .action(action);
}
