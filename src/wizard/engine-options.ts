/**
 * The engine options for the wizard's decisions: the background correction, the classical
 * segmentNuclei options and the segmentModel options, as the runner derives them from the recipe.
 */
import type { StepContext } from './fields.js';
import { resolvedValue } from './steps.js';

/**
 * The background correction of the wizard's decisions, with the runner's radius rule
 * (backgroundOptions in src/engine/pipeline/recipe.ts): the nucleus diameter when given, else 50 px.
 */
export function backgroundFor(ctx: StepContext): { method: 'rolling-ball' | 'tophat'; radius: number } | undefined {
  const bg = String(resolvedValue(ctx, 'preprocess', 'background'));
  if (bg !== 'rolling-ball' && bg !== 'tophat') return undefined;
  const d = resolvedValue(ctx, 'objects', 'diameter');
  return { method: bg, radius: d === 'auto' || !(Number(d) > 0) ? 50 : Number(d) };
}

/** The segmentModel options for the wizard's decisions (the `--model` package or the built-in model; its diameter). */
export function modelOptions(ctx: StepContext): Record<string, unknown> {
  const d = resolvedValue(ctx, 'objects', 'diameter');
  return { model: ctx.session.modelPath ?? 'builtin', diameter: d === 'auto' ? 'auto' : Number(d) };
}

/**
 * The segmentNuclei options for the wizard's decisions (SegmentOptions in CONTRACTS.md), also
 * while the model is chosen (its classical settings are hidden then, but still compared).
 */
export function segmentOptions(ctx0: StepContext): Record<string, unknown> {
  const own = ctx0.session.values.objects ?? {};
  const ctx: StepContext = {
    ...ctx0,
    session: { ...ctx0.session, values: { ...ctx0.session.values, objects: { ...own, method: 'classical' } } },
  };
  const v = (f: string) => resolvedValue(ctx, 'objects', f);
  const bg = String(resolvedValue(ctx, 'preprocess', 'background'));
  const sm = resolvedValue(ctx, 'preprocess', 'smoothing');
  return {
    threshold: String(v('threshold')),
    diameter: v('diameter') === 'auto' ? 'auto' : Number(v('diameter')),
    declump: String(v('declump')),
    smoothing: sm === 'auto' ? 'auto' : Number(sm),
    background: bg,
    ...(v('sizeFilter') === 'off' ? { minDiameter: 0, maxDiameter: Number.POSITIVE_INFINITY } : {}),
  };
}
