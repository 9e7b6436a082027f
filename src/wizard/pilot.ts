/**
 * The pilot's statistics on the subset, for the statistics step: per condition the mean count
 * and its variability, the effect versus control, and a rough number of samples needed to
 * resolve the expected change. A pilot on a handful of images is a sketch, and says so.
 */
import type { StepContext } from './fields.js';
import { resolvedValue } from './steps.js';
import type { StageFacts } from './types.js';

function meanSd(xs: number[]): { mean: number; sd: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  const sd = xs.length > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1)) : 0;
  return { mean, sd };
}

/**
 * Samples per condition to detect a relative change `effect` (fraction) with coefficient of
 * variation `cv` at two-sided alpha 0.05 and power 0.8: n = 2 (1.96 + 0.84)^2 (cv / effect)^2.
 * @see Cohen J. (1988) Statistical power analysis for the behavioral sciences.
 */
export function samplesNeeded(cv: number, effect: number): number {
  if (!(effect > 0)) return Number.POSITIVE_INFINITY;
  return Math.max(2, Math.ceil(2 * (1.96 + 0.8416) ** 2 * (cv / effect) ** 2));
}

export function pilotStatistics(ctx: StepContext): StageFacts {
  const per = ctx.facts.objects?.value.perImage ?? [];
  const effect = Number(resolvedValue(ctx, 'question', 'effect')) / 100;
  const unit = String(resolvedValue(ctx, 'statistics', 'unit'));
  const controls = new Set((ctx.facts.scan?.value.wells ?? []).filter((w) => w.control && w.condition).map((w) => w.condition!));
  const groups = new Map<string, number[]>();
  for (const p of per) {
    const k = p.condition ?? 'all images';
    groups.set(k, [...(groups.get(k) ?? []), p.values.count ?? 0]);
  }
  const lines: string[] = [`Pilot on ${per.length} subset images (nuclei per image); the unit chosen for the full run is: ${unit}.`];
  if (per.length === 0)
    return { previews: [], summary: ['No objects were found on the subset, so there is no pilot to show.'], recommend: {} };
  const all = meanSd(per.map((p) => p.values.count ?? 0));
  const cv = all.mean > 0 ? all.sd / all.mean : 0;
  const ctrlName = [...groups.keys()].find((k) => controls.has(k));
  const ctrl = ctrlName ? meanSd(groups.get(ctrlName)!) : undefined;
  for (const [k, xs] of [...groups.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const m = meanSd(xs);
    const vs =
      ctrl && k !== ctrlName && ctrl.mean > 0
        ? `, ${m.mean >= ctrl.mean ? '+' : ''}${Math.round(((m.mean - ctrl.mean) / ctrl.mean) * 100)}% vs ${ctrlName}`
        : '';
    lines.push(`${k}${controls.has(k) ? ' (control)' : ''}: ${xs.length} images, mean ${m.mean.toFixed(1)} ± ${m.sd.toFixed(1)}${vs}`);
  }
  const withinCv = (() => {
    const cvs = [...groups.values()]
      .filter((xs) => xs.length > 1)
      .map((xs) => meanSd(xs))
      .filter((m) => m.mean > 0)
      .map((m) => m.sd / m.mean);
    return cvs.length ? cvs.reduce((a, b) => a + b, 0) / cvs.length : cv;
  })();
  const n = samplesNeeded(withinCv, effect);
  lines.push(`Variability between images: ${Math.round(withinCv * 100)}% (coefficient of variation).`);
  lines.push(
    Number.isFinite(n)
      ? `To see a ${Math.round(effect * 100)}% change reliably you need about ${n} ${unit === 'object' ? 'objects' : `${unit}s`} per condition (rough, from this pilot).`
      : 'No expected change was given, so no sample size can be estimated.',
  );
  if (!ctrl) lines.push('No control wells are marked, so effects are not computed here.');
  return { previews: [], summary: lines, recommend: {} };
}
