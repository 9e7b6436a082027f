/**
 * Run a model package on its own test input and compare with its test output, as the
 * BioImage Model Zoo does before publishing: preprocessing, the network on the whole test
 * tensor (no tiling), postprocessing, then the largest difference.
 */
import { UserError } from '../errors.js';
import type { ModelPackage } from './bmz.js';
import { getSession, pointwise, preprocess } from './infer.js';

export interface TestTensorCheck {
  ok: boolean;
  /** Largest |got - expected|. */
  maxAbsDiff: number;
  /** Allowed difference: absolute + relative to the expected value. */
  atol: number;
  rtol: number;
  shape: number[];
  message: string;
}

/** Check that the package reproduces its own test output here (atol 1e-3 + rtol 1e-3 by default). */
export async function checkTestTensors(
  pkg: ModelPackage,
  o: { atol?: number; rtol?: number; threads?: number } = {},
): Promise<TestTensorCheck> {
  const atol = o.atol ?? 1e-3;
  const rtol = o.rtol ?? 1e-3;
  if (!pkg.testInput || !pkg.testOutput) {
    return { ok: false, maxAbsDiff: Number.NaN, atol, rtol, shape: [], message: 'no test tensors in the package' };
  }
  const ort = await import('onnxruntime-node');
  const session = await getSession(pkg, o.threads ?? 1);
  const inp = pkg.testInput;
  if (inp.shape.length !== pkg.input.axes.length) {
    throw new UserError(
      `${pkg.source}: the test input has ${inp.shape.length} axes but the input is "${pkg.input.axes}"`,
      'fix the package',
    );
  }
  const x = preprocess(inp.data, pkg.preprocessing);
  let res: Awaited<ReturnType<typeof session.run>>;
  try {
    res = await session.run({ [session.inputNames[0]!]: new ort.Tensor('float32', x, inp.shape) });
  } catch (err) {
    return {
      ok: false,
      maxAbsDiff: Number.NaN,
      atol,
      rtol,
      shape: inp.shape,
      message: `the model failed on its test input: ${(err as Error).message.split('\n')[0]}`,
    };
  }
  const t = res[session.outputNames[0]!]!;
  let got: Float32Array = Float32Array.from(t.data as Float32Array);
  for (const s of pkg.postprocessing) got = pointwise(got, s);
  const exp = pkg.testOutput.data;
  if (got.length !== exp.length) {
    return {
      ok: false,
      maxAbsDiff: Number.NaN,
      atol,
      rtol,
      shape: [...t.dims],
      message: `output shape ${t.dims.join('x')} differs from the test output ${pkg.testOutput.shape.join('x')}`,
    };
  }
  let max = 0;
  let bad = 0;
  for (let i = 0; i < exp.length; i++) {
    const d = Math.abs(got[i]! - exp[i]!);
    if (!(d <= atol + rtol * Math.abs(exp[i]!))) bad++;
    if (d > max || Number.isNaN(d)) max = Number.isNaN(d) ? Number.POSITIVE_INFINITY : d;
  }
  const ok = bad === 0;
  return {
    ok,
    maxAbsDiff: max,
    atol,
    rtol,
    shape: [...t.dims],
    message: ok
      ? `test tensors reproduce (largest difference ${max.toExponential(2)})`
      : `test tensors do NOT reproduce: ${bad} of ${exp.length} values differ by more than ${atol} + ${rtol} x value (largest ${max.toExponential(2)})`,
  };
}
