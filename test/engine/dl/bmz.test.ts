import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadModelPackage } from '../../../src/engine/dl/bmz.js';
import { checkTestTensors } from '../../../src/engine/dl/check.js';
import { readNpy, writeNpy } from '../../../src/engine/dl/npy.js';
import { UserError } from '../../../src/engine/errors.js';
import { hasModel, MODEL_DIR, makeZip } from './helpers.js';

describe('npy', () => {
  it('writes and reads back a float32 tensor with its shape', () => {
    const data = Float32Array.from({ length: 24 }, (_, i) => i / 3 - 2);
    const back = readNpy(writeNpy({ shape: [1, 2, 3, 4], data }));
    expect(back.shape).toEqual([1, 2, 3, 4]);
    expect(Array.from(back.data)).toEqual(Array.from(data));
  });
  it('refuses a file that is not .npy', () => {
    expect(() => readNpy(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), 'x.npy')).toThrow(/not a NumPy/);
  });
});

describe.skipIf(!hasModel)('BioImage Model Zoo package (the shipped nuclei model)', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'sp-bmz-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const rdf = readFileSync(join(MODEL_DIR, 'rdf.yaml'), 'utf8');
  /** A copy of the package with its rdf.yaml edited. */
  const variant = (name: string, edit: (s: string) => string) => {
    const dir = join(tmp, name);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    for (const f of ['nuclei-unet.onnx', 'test-input.npy', 'test-output.npy']) copyFileSync(join(MODEL_DIR, f), join(dir, f));
    writeFileSync(join(dir, 'rdf.yaml'), edit(rdf));
    return dir;
  };

  it('reads name, tensors, processing, training size and checksum, and the test tensors reproduce', async () => {
    const pkg = await loadModelPackage(MODEL_DIR);
    expect(pkg.name).toBe('ScopePilot nuclei U-Net');
    expect(pkg.input.axes).toBe('bcyx');
    expect(pkg.output.channels).toBe(2);
    expect(pkg.preprocessing.map((s) => s.id)).toEqual(['scale_range']);
    expect(pkg.postprocessing.map((s) => s.id)).toEqual(['sigmoid']);
    expect(pkg.trainingDiameter).toBe(20);
    expect(pkg.sha256).toBe(pkg.declaredSha256);
    expect(pkg.license).toBe('MIT');
    const check = await checkTestTensors(pkg);
    expect(check.message).toMatch(/reproduce/);
    expect(check.ok).toBe(true);
    expect(check.maxAbsDiff).toBeLessThan(1e-3);
  });

  it('reads the same package from a .zip', async () => {
    const files: Record<string, Uint8Array> = {};
    for (const f of readdirSync(MODEL_DIR).filter((f) => /\.(yaml|onnx|npy)$/.test(f))) files[f] = readFileSync(join(MODEL_DIR, f));
    const zip = join(tmp, 'model.zip');
    writeFileSync(zip, makeZip(files));
    const pkg = await loadModelPackage(zip);
    expect(pkg.sha256).toBe((await loadModelPackage(MODEL_DIR)).sha256);
    expect((await checkTestTensors(pkg)).ok).toBe(true);
  });

  it('says when test outputs do not reproduce', async () => {
    const dir = variant('changed-output', (s) =>
      s.replace(/test_tensor: \{source: test-output\.npy, sha256: [0-9a-f]+\}/, 'test_tensor: {source: other.npy}'),
    );
    const exp = readNpy(readFileSync(join(MODEL_DIR, 'test-output.npy')));
    const wrong = exp.data.map((v) => 1 - v);
    writeFileSync(join(dir, 'other.npy'), writeNpy({ shape: exp.shape, data: wrong }));
    const check = await checkTestTensors(await loadModelPackage(dir));
    expect(check.ok).toBe(false);
    expect(check.message).toMatch(/do NOT reproduce/);
  });

  it('refuses clearly what it cannot run', async () => {
    const cases: [string, (s: string) => string, RegExp][] = [
      ['torch', (s) => s.replace(/weights:\n {2}onnx:/, 'weights:\n  pytorch_state_dict:'), /only ONNX weights.*pytorch_state_dict/],
      [
        '3d',
        (s) =>
          s.replace(
            '      - type: space\n        id: y\n        size: {min: 16',
            '      - type: space\n        id: z\n      - type: space\n        id: y\n        size: {min: 16',
          ),
        /3D/,
      ],
      ['noaxes', (s) => s.replace(/id: x\n {8}size: \{min/, 'id: q\n        size: {min'), /lack y and x/],
      [
        'sha',
        (s) => s.replace(/(onnx:\n {4}source: nuclei-unet.onnx\n {4}sha256: )[0-9a-f]+/, `$1${'0'.repeat(64)}`),
        /does not match its sha256/,
      ],
      ['dataset', (s) => s.replace('type: model', 'type: dataset'), /not a model/],
      ['preproc', (s) => s.replace('- id: scale_range', '- id: fancy_norm'), /"fancy_norm" is not supported/],
    ];
    for (const [name, edit, msg] of cases) {
      const err = await loadModelPackage(variant(name, edit)).catch((e: unknown) => e);
      expect(err, name).toBeInstanceOf(UserError);
      expect((err as Error).message, name).toMatch(msg);
    }
  });

  it('says what is missing for a folder without rdf.yaml', async () => {
    await expect(loadModelPackage(tmp)).rejects.toThrow(/no rdf.yaml/);
  });
});
