/**
 * BioImage Model Zoo (bioimage.io) model packages: read a folder, a .zip or an rdf.yaml, validate
 * what ScopePilot can run (2D, one input channel, ONNX weights, known pre/postprocessing) and
 * refuse the rest with a message saying why. A bare .onnx file is accepted too, assuming
 * percentile normalisation 1..99.8 and a sigmoid output (with a warning).
 * Reads format 0.4 (axes as "bcyx", test_inputs/test_outputs) and 0.5 (axes as objects,
 * test_tensor per tensor, preprocessing by `id`).
 * @see https://bioimage.io/docs/#/bioimageio_model_spec (model RDF 0.5)
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { UserError } from '../errors.js';
import { type NpyArray, readNpy } from './npy.js';
import { listZip, readZipEntry } from './zip.js';

/** One pre- or postprocessing step, e.g. {id: 'scale_range', kwargs: {min_percentile: 1, ...}}. */
export interface ProcessingStep {
  id: string;
  kwargs: Record<string, unknown>;
}

export interface TensorSpec {
  id: string;
  /** Axis letters in order, e.g. "bcyx". */
  axes: string;
  /** Channel count (1 when the tensor has no channel axis). */
  channels: number;
  channelNames?: string[];
  /** Spatial size must be a multiple of this (from the size step; 1 when free). */
  step: number;
  /** Smallest spatial size. */
  minSize: number;
}

export interface ModelPackage {
  /** The path given. */
  source: string;
  name: string;
  version?: string;
  description?: string;
  license?: string;
  formatVersion: string;
  authors: string[];
  cite: { text: string; doi?: string; url?: string }[];
  /** Training data, as the package describes it (free text). */
  trainingData?: string;
  weightsFile: string;
  weights: Uint8Array;
  /** SHA-256 of the weights (hex). */
  sha256: string;
  /** SHA-256 the package declares for the weights, if any. */
  declaredSha256?: string;
  input: TensorSpec;
  output: TensorSpec;
  preprocessing: ProcessingStep[];
  postprocessing: ProcessingStep[];
  testInput?: NpyArray;
  testOutput?: NpyArray;
  /**
   * Nucleus diameter (px) images are resampled to before the model, from `config.scopepilot`
   * `target_diameter` (or `training_diameter`); undefined = use images at their own scale.
   */
  trainingDiameter?: number;
  outputKind: 'foreground-distance' | 'foreground';
  /** Things the user should know (one sentence each). */
  warnings: string[];
}

const PRE = new Set(['scale_range', 'zero_mean_unit_variance', 'scale_linear', 'clip', 'ensure_dtype']);
const POST = new Set(['sigmoid', 'clip', 'scale_linear', 'ensure_dtype']);
const RDF_NAMES = ['rdf.yaml', 'bioimageio.yaml'];

type Reader = (rel: string) => Promise<Buffer>;

/** Open a package folder, zip, rdf.yaml or bare .onnx file. */
export async function loadModelPackage(path: string): Promise<ModelPackage> {
  const abs = resolve(path);
  const st = await stat(abs).catch(() => undefined);
  if (!st)
    throw new UserError(`${path}: no such file or folder`, 'give a BioImage Model Zoo package (folder, .zip or rdf.yaml) or an .onnx file');
  if (st.isFile() && abs.toLowerCase().endsWith('.onnx')) return bareOnnx(path, abs);
  let reader: Reader;
  let rdfName: string;
  if (st.isDirectory()) {
    reader = (rel) => readFile(join(abs, rel));
    rdfName = await firstExisting(abs);
  } else if (abs.toLowerCase().endsWith('.zip')) {
    const buf = await readFile(abs);
    const entries = listZip(buf, path);
    const names = [...entries.keys()];
    const found = names.find((n) => RDF_NAMES.includes(n)) ?? names.find((n) => n.endsWith('.bioimageio.yaml') && !n.includes('/'));
    if (!found) throw new UserError(`${path}: the zip holds no rdf.yaml`, 'is this a BioImage Model Zoo model package?');
    rdfName = found;
    reader = async (rel) => {
      const e = entries.get(rel.replace(/^\.\//, ''));
      if (!e) throw new UserError(`${path}: the package names ${rel} but the zip does not contain it`, 'download the package again');
      return readZipEntry(buf, e, path);
    };
  } else {
    reader = (rel) => readFile(join(dirname(abs), rel));
    rdfName = basename(abs);
  }
  const text = (await reader(rdfName)).toString('utf8');
  let rdf: Record<string, unknown>;
  try {
    rdf = parseYaml(text) as Record<string, unknown>;
  } catch (err) {
    throw new UserError(`${path}: ${rdfName} is not valid YAML (${(err as Error).message.split('\n')[0]})`, 'fix or replace the rdf.yaml');
  }
  return fromRdf(path, rdf ?? {}, reader);
}

async function firstExisting(dir: string): Promise<string> {
  for (const n of RDF_NAMES) if (await stat(join(dir, n)).catch(() => undefined)) return n;
  const { readdir } = await import('node:fs/promises');
  const alt = (await readdir(dir)).find((n) => n.endsWith('.bioimageio.yaml'));
  if (alt) return alt;
  throw new UserError(`${dir}: no rdf.yaml in this folder`, 'give the folder of a BioImage Model Zoo package, its .zip, or an .onnx file');
}

const asObj = (v: unknown): Record<string, unknown> =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
const asArr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);

async function fromRdf(path: string, rdf: Record<string, unknown>, read: Reader): Promise<ModelPackage> {
  const warnings: string[] = [];
  const type = str(rdf.type);
  if (type !== 'model')
    throw new UserError(`${path}: rdf.yaml describes a ${type ?? 'resource of no type'}, not a model`, 'give a model package');
  const formatVersion = str(rdf.format_version) ?? '?';
  const weightsAll = asObj(rdf.weights);
  const onnx = asObj(weightsAll.onnx);
  if (!weightsAll.onnx) {
    const formats = Object.keys(weightsAll);
    throw new UserError(
      `${path}: only ONNX weights can run here; this package has ${formats.length ? formats.join(', ') : 'no weights'}`,
      'convert the model to ONNX (bioimageio.core can), or pick a package that includes ONNX weights',
    );
  }
  const weightsFile = str(onnx.source);
  if (!weightsFile) throw new UserError(`${path}: the ONNX weights entry has no source file`, 'fix the rdf.yaml');
  if (/^https?:/.test(weightsFile))
    throw new UserError(
      `${path}: the weights are a URL (${weightsFile}); nothing is downloaded`,
      'download the file next to rdf.yaml and point source at it',
    );
  const inputs = asArr(rdf.inputs);
  const outputs = asArr(rdf.outputs);
  if (inputs.length !== 1)
    throw new UserError(`${path}: the model has ${inputs.length} inputs; only one-input models can run here`, 'pick a single-input model');
  if (outputs.length < 1) throw new UserError(`${path}: the model declares no output`, 'fix the rdf.yaml');
  if (outputs.length > 1)
    warnings.push(
      `the model has ${outputs.length} outputs; only the first (${str(asObj(outputs[0]).id ?? asObj(outputs[0]).name)}) is used`,
    );
  const inRaw = asObj(inputs[0]);
  const outRaw = asObj(outputs[0]);
  const input = tensorSpec(path, inRaw, 'input');
  const output = tensorSpec(path, outRaw, 'output');
  if (input.channels !== 1)
    throw new UserError(
      `${path}: the model expects ${input.channels} input channels; only one-channel (grayscale) models can run here`,
      'pick a nuclei model with one input channel',
    );
  const preprocessing = steps(path, inRaw.preprocessing, PRE, 'preprocessing');
  const postprocessing = steps(path, outRaw.postprocessing, POST, 'postprocessing');

  const weights = new Uint8Array(await read(weightsFile));
  const sha256 = createHash('sha256').update(weights).digest('hex');
  const declaredSha256 = str(onnx.sha256);
  if (declaredSha256 && declaredSha256.toLowerCase() !== sha256) {
    throw new UserError(
      `${path}: the weights file ${weightsFile} does not match its sha256 in rdf.yaml`,
      'the file is damaged or was replaced: get the package again',
    );
  }
  const testIn = str(asObj(inRaw.test_tensor).source) ?? str(asArr(rdf.test_inputs)[0]);
  const testOut = str(asObj(outRaw.test_tensor).source) ?? str(asArr(rdf.test_outputs)[0]);
  const testInput = testIn ? readNpy(new Uint8Array(await read(testIn)), testIn) : undefined;
  const testOutput = testOut ? readNpy(new Uint8Array(await read(testOut)), testOut) : undefined;
  if (!testInput || !testOutput) warnings.push('the package has no test tensors: whether it runs as intended here cannot be checked');

  const sp = asObj(asObj(rdf.config).scopepilot);
  // the size images are resampled to: target_diameter when given, else the training size
  const size = typeof sp.target_diameter === 'number' ? sp.target_diameter : sp.training_diameter;
  const trainingDiameter = typeof size === 'number' && size > 0 ? size : undefined;
  const kind = str(sp.output);
  const outputKind = kind === 'foreground-distance' || (kind === undefined && output.channels === 2) ? 'foreground-distance' : 'foreground';
  if (output.channels > 2 || (kind === undefined && output.channels === 2)) {
    warnings.push(
      `the output has ${output.channels} channels with no ScopePilot description; objects are found from channel 0 as foreground probability${output.channels === 2 ? ' and channel 1 as distance to the border' : ''}`,
    );
  }
  if (trainingDiameter === undefined)
    warnings.push(
      'the package does not say at what nucleus size it was trained: images are used at their own scale unless a scale is given',
    );
  const training = asArr(rdf.training_data).length ? asArr(rdf.training_data) : rdf.training_data ? [rdf.training_data] : [];
  const trainingData =
    str(sp.training_data) ??
    (training
      .map((t) => str(asObj(t).id) ?? str(asObj(t).name) ?? str(t))
      .filter(Boolean)
      .join('; ') ||
      undefined);
  return {
    source: path,
    name: str(rdf.name) ?? 'unnamed model',
    version: str(rdf.version),
    description: str(rdf.description),
    license: str(rdf.license),
    formatVersion,
    authors: asArr(rdf.authors).map((a) => str(asObj(a).name) ?? str(a) ?? '?'),
    cite: asArr(rdf.cite).map((c) => ({ text: str(asObj(c).text) ?? '', doi: str(asObj(c).doi), url: str(asObj(c).url) })),
    trainingData,
    weightsFile,
    weights,
    sha256,
    declaredSha256,
    input,
    output,
    preprocessing,
    postprocessing,
    testInput,
    testOutput,
    trainingDiameter,
    outputKind,
    warnings,
  };
}

function tensorSpec(path: string, t: Record<string, unknown>, what: string): TensorSpec {
  const id = str(t.id) ?? str(t.name) ?? what;
  let axes = '';
  let channels = 1;
  let channelNames: string[] | undefined;
  let step = 1;
  let minSize = 1;
  if (typeof t.axes === 'string') {
    axes = t.axes.toLowerCase();
    const shape = asObj(t.shape);
    const minArr = asArr(shape.min);
    const stepArr = asArr(shape.step);
    const fixed = asArr(t.shape);
    const ci = axes.indexOf('c');
    if (ci >= 0 && typeof fixed[ci] === 'number') channels = fixed[ci] as number;
    if (ci >= 0 && typeof minArr[ci] === 'number') channels = minArr[ci] as number;
    const yi = axes.indexOf('y');
    if (typeof stepArr[yi] === 'number' && (stepArr[yi] as number) > 0) step = stepArr[yi] as number;
    if (typeof minArr[yi] === 'number') minSize = minArr[yi] as number;
  } else {
    for (const a of asArr(t.axes)) {
      const ax = asObj(a);
      const type = str(ax.type);
      const aid = str(ax.id);
      if (type === 'batch') axes += 'b';
      else if (type === 'channel') {
        axes += 'c';
        channelNames = asArr(ax.channel_names).map((n) => str(n) ?? '?');
        channels = channelNames.length || 1;
      } else if (type === 'space' || type === 'index') {
        axes += aid ?? '?';
        const size = asObj(ax.size);
        if (typeof size.step === 'number' && size.step > 0) step = Math.max(step, size.step);
        if (typeof size.min === 'number') minSize = Math.max(minSize, size.min);
      } else if (type === 'time') axes += 't';
      else axes += '?';
    }
  }
  if (axes.includes('z')) throw new UserError(`${path}: the ${what} is 3D (has a z axis); only 2D models can run here`, 'pick a 2D model');
  if (axes.includes('t')) throw new UserError(`${path}: the ${what} has a time axis; only 2D models can run here`, 'pick a 2D model');
  if (!axes.includes('y') || !axes.includes('x')) {
    throw new UserError(`${path}: the ${what} axes "${axes || 'none'}" lack y and x`, 'the rdf.yaml must give the axes of every tensor');
  }
  if (!/^b?c?yx$/.test(axes))
    throw new UserError(
      `${path}: ${what} axes "${axes}" are not supported (expected b,c,y,x in that order)`,
      'pick a model with bcyx tensors',
    );
  return { id, axes, channels, channelNames, step, minSize };
}

function steps(path: string, v: unknown, known: Set<string>, what: string): ProcessingStep[] {
  const out: ProcessingStep[] = [];
  for (const s of asArr(v)) {
    const o = asObj(s);
    const id = str(o.id) ?? str(o.name) ?? '?';
    if (!known.has(id)) {
      throw new UserError(`${path}: ${what} step "${id}" is not supported`, `supported: ${[...known].join(', ')}`);
    }
    if (id !== 'ensure_dtype') out.push({ id, kwargs: asObj(o.kwargs) });
  }
  return out;
}

async function bareOnnx(path: string, abs: string): Promise<ModelPackage> {
  const weights = new Uint8Array(await readFile(abs));
  const spec = (id: string, channels: number): TensorSpec => ({ id, axes: 'bcyx', channels, step: 8, minSize: 8 });
  return {
    source: path,
    name: basename(abs, '.onnx'),
    formatVersion: 'none (bare ONNX)',
    authors: [],
    cite: [],
    weightsFile: basename(abs),
    weights,
    sha256: createHash('sha256').update(weights).digest('hex'),
    input: spec('input', 1),
    output: spec('output', 2),
    preprocessing: [{ id: 'scale_range', kwargs: { min_percentile: 1, max_percentile: 99.8 } }],
    postprocessing: [{ id: 'sigmoid', kwargs: {} }],
    trainingDiameter: 20,
    outputKind: 'foreground-distance',
    warnings: [
      'no rdf.yaml: assumed ScopePilot conventions (1..99.8 percentile normalisation, sigmoid, foreground + distance outputs, nuclei resampled to 20 px)',
    ],
  };
}
