import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { build } from '../../src/commands/model.js';
import { hasModel, MODEL_DIR } from '../engine/dl/helpers.js';

const root = mkdtempSync(join(tmpdir(), 'sp-model-cmd-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function run(args: string[]): Promise<{ out: string; err: string }> {
  const o = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  const e = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    await build().parseAsync(['node', 'model', ...args]);
    return { out: o.mock.calls.map((c) => String(c[0])).join(''), err: e.mock.calls.map((c) => String(c[0])).join('') };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

describe.skipIf(!hasModel)('scopepilot model inspect', () => {
  it('describes the built-in model and says its test tensors reproduce', async () => {
    process.exitCode = undefined;
    const r = await run(['inspect']);
    expect(r.out).toMatch(/ScopePilot nuclei U-Net/);
    expect(r.out).toMatch(/license MIT/);
    expect(r.out).toMatch(/test tensors reproduce/);
    expect(r.out).toMatch(/trained on .*BBBC039/);
    expect(process.exitCode ?? 0).toBe(0);
  });

  it('gives everything as JSON', async () => {
    const r = await run(['inspect', MODEL_DIR, '--json']);
    const doc = JSON.parse(r.out);
    expect(doc.testTensors.ok).toBe(true);
    expect(doc.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(doc.weights).toBeUndefined();
  });

  it('refuses a package with PyTorch weights only, saying why', async () => {
    const dir = join(root, 'torch');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(dir);
    writeFileSync(
      join(dir, 'rdf.yaml'),
      'type: model\nformat_version: 0.5.3\nname: x\nweights:\n  pytorch_state_dict:\n    source: w.pt\ninputs: []\noutputs: []\n',
    );
    await expect(run(['inspect', dir])).rejects.toThrow(/only ONNX weights/);
  });
});
