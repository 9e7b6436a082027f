import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, extname, join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { build } from '../../src/commands/segment.js';
import { UserError } from '../../src/engine/errors.js';
import { readMaskFolder } from '../../src/engine/io/mask-folder.js';
import { readPlane } from '../../src/engine/io/read.js';
import { scoreSegmentation } from '../../src/engine/results/score.js';
import type { Labels } from '../../src/engine/types.js';
import { hasModel, MODEL_DIR } from '../engine/dl/helpers.js';
import { BBBC039, DSB2018, hasSharedData } from '../helpers/shared-data.js';

const root = mkdtempSync(join(tmpdir(), 'sp-seg-model-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Held-out images of models/nuclei/split.json (never used to train the model). */
const split = hasModel ? JSON.parse(readFileSync(join(MODEL_DIR, 'split.json'), 'utf8')) : {};
const bbbc: string[] = hasModel ? split['bbbc039-dev'].heldout.slice(0, 2) : [];
const dsb: string[] = hasModel ? split['dsb2018-dev'].heldout.slice(0, 1) : [];

async function run(args: string[]): Promise<{ out: string; err: string }> {
  const o = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  const e = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    await build().parseAsync(['node', 'segment', ...args]);
    return { out: o.mock.calls.map((c) => String(c[0])).join(''), err: e.mock.calls.map((c) => String(c[0])).join('') };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

async function asLabels(path: string): Promise<Labels> {
  const p = await readPlane(path);
  const data = Int32Array.from(p.data);
  let count = 0;
  for (const v of data) if (v > count) count = v;
  return { width: p.width, height: p.height, data, count };
}

/** Mean F1@0.5 of the label TIFFs in `out` against the ground truth of the inputs. */
async function meanF1(out: string): Promise<number> {
  const f1: number[] = [];
  for (const f of bbbc) {
    const stem = basename(f, extname(f));
    f1.push(
      scoreSegmentation(await asLabels(join(out, 'labels', `${stem}.tif`)), await asLabels(join(BBBC039, 'labels', `${stem}.tif`))).f1,
    );
  }
  for (const f of dsb) {
    const stem = basename(f, extname(f));
    f1.push(scoreSegmentation(await asLabels(join(out, 'labels', `${stem}.tif`)), await readMaskFolder(join(DSB2018, 'masks', stem))).f1);
  }
  return f1.reduce((a, b) => a + b, 0) / f1.length;
}

describe.skipIf(!hasModel || !hasSharedData)('scopepilot segment --model', () => {
  const inputs = () => [...bbbc.map((f) => join(BBBC039, 'images', f)), ...dsb.map((f) => join(DSB2018, 'images', f))];

  it('segments held-out images with the built-in model as well as the classical method, and records the model', async () => {
    process.exitCode = undefined;
    const outM = join(root, 'model');
    await run([...inputs(), '--out', outM, '--model', 'builtin', '--workers', '1', '--no-progress']);
    expect(process.exitCode ?? 0).toBe(0);
    const doc = JSON.parse(readFileSync(join(outM, 'segment.json'), 'utf8'));
    expect(doc.method).toBe('model');
    expect(doc.summary.segmented).toBe(3);
    expect(doc.options.model).toMatchObject({ spec: 'builtin', name: 'ScopePilot nuclei U-Net', version: '1.0.0', source: MODEL_DIR });
    expect(doc.options.model.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(doc.options.model.trainingData).toMatch(/BBBC039/);
    expect(doc.images[0].params).toMatchObject({ method: 'model', modelSha256: doc.options.model.sha256 });

    const outC = join(root, 'classical');
    await run([...inputs(), '--out', outC, '--workers', '1', '--no-progress']);
    const classical = JSON.parse(readFileSync(join(outC, 'segment.json'), 'utf8'));
    expect(classical.method).toBe('classical');
    expect(classical.options.model).toBeUndefined();

    const [fModel, fClassical] = [await meanF1(outM), await meanF1(outC)];
    console.log(`[segment --model] mean F1@0.5 on 3 held-out images: model ${fModel.toFixed(3)}, classical ${fClassical.toFixed(3)}`);
    expect(fModel).toBeGreaterThanOrEqual(0.9);
    expect(fModel).toBeGreaterThanOrEqual(fClassical - 0.02);
  }, 60_000);

  it('a model path that is not a package: a UserError saying what to give instead, nothing segmented', async () => {
    const out = join(root, 'bad');
    const err = await run([inputs()[0]!, '--out', out, '--model', join(root, 'no-such-model')]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toMatch(/--model .*no-such-model: .*no such file or folder/);
    expect((err as UserError).hint).toMatch(/--model builtin/);
  });

  it('refuses classical-only options with --model', async () => {
    const err = await run([inputs()[0]!, '--out', join(root, 'x'), '--model', 'builtin', '--threshold', 'li']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toMatch(/--threshold only applies to the classical method/);
  });
});
