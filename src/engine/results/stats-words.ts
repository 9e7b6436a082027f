/**
 * Statistics in plain words: per-condition lines, effects with their intervals, and the
 * tolerance statement (can this analysis resolve the change the user expects?).
 */
import type { Effect, StatsResult, StatsUnit } from './stats.js';

/** Noun for `n` units ("well" / "wells"). */
export function describeUnit(unit: StatsUnit, n: number, images?: number, units?: number): string {
  const noun = n === 1 ? unit : `${unit}s`;
  if (images === undefined || units === undefined || units === 0) return noun;
  if (unit === 'well' || unit === 'replicate')
    return `${noun} (${units} ${unit}s from ${images} images; images averaged per well${unit === 'replicate' ? ', wells per replicate' : ''})`;
  if (unit === 'object') return `${noun} (${units} objects from ${images} images, treated as independent)`;
  return `${noun} (${units} images)`;
}

/** A number with 3 significant digits (integers as they are), for text. */
export function num(x: number): string {
  if (!Number.isFinite(x)) return x === Number.POSITIVE_INFINITY ? '∞' : x === Number.NEGATIVE_INFINITY ? '-∞' : 'n/a';
  if (Number.isInteger(x) && Math.abs(x) < 1e6) return String(x);
  const a = Math.abs(x);
  if (a >= 100) return x.toFixed(1);
  if (a >= 1) return x.toFixed(2);
  if (a === 0) return '0';
  return x.toPrecision(3);
}

/** Signed percentage with one decimal ("+30.0%"). */
export function pct(x: number): string {
  if (!Number.isFinite(x)) return 'n/a';
  return `${x >= 0 ? '+' : ''}${x.toFixed(1)}%`;
}

/** p-value in words ("p = 0.012", "p < 0.0001"). */
export function pValue(p: number): string {
  if (!Number.isFinite(p)) return 'p not computed (fewer than 2 units per group)';
  return p < 1e-4 ? 'p < 0.0001' : `p = ${p < 0.001 ? p.toFixed(4) : p.toFixed(3)}`;
}

function effectLine(e: Effect, r: StatsResult): string {
  const unitsTxt = `${e.n} vs ${e.nControl} ${r.unit}s`;
  const diffUnit = r.normalisation === 'percent-of-control' ? ' percentage points' : r.normalisation === 'robust-z' ? ' (robust z)' : '';
  return `${e.condition} vs ${e.control}: ${pct(e.pct)} (95% CI ${pct(e.pctCi[0])} to ${pct(e.pctCi[1])}), difference ${num(e.diff)}${diffUnit} (95% CI ${num(e.diffCi[0])} to ${num(e.diffCi[1])}), Hedges' g ${num(e.hedgesG)}, Welch's t-test ${pValue(e.welch.p)}, ${e.permutation.exact ? 'exact ' : ''}permutation test ${pValue(e.permutation.p)}${e.permutation.exact && e.permutation.smallestP > 0.01 ? ` (the smallest p possible with these units is ${num(e.permutation.smallestP)})` : ''}; ${unitsTxt}${e.tooFew ? ' (too few units: read with caution)' : ''}`;
}

/** One line per condition, per effect, Z' and QC note (in that order). */
export function effectLines(r: StatsResult): string[] {
  const lines = [
    `Measure: ${r.measure}; unit of comparison: ${r.unitNote}; normalisation: ${r.normalisation}${r.normalisation !== 'none' ? ` (per ${r.batch === 'plate' ? 'plate' : 'data set'}, to the median of the controls)` : ''}.`,
  ];
  for (const c of r.conditions)
    lines.push(
      `${c.condition}${c.role !== 'treatment' ? ` (${c.role})` : ''}: ${c.n} ${describeUnit(r.unit, c.n)}, mean ${num(c.mean)}${Number.isFinite(c.sd) ? ` ± ${num(c.sd)} SD` : ''}${Number.isFinite(c.cv) ? `, CV ${(100 * c.cv).toFixed(1)}%` : ''}`,
    );
  for (const e of r.effects) lines.push(effectLine(e, r));
  if (r.effectsWithoutFlagged) for (const e of r.effectsWithoutFlagged) lines.push(`Without the images failing QC: ${effectLine(e, r)}`);
  if (r.zPrime) lines.push(`Z'-factor (${r.zPrime.positive} vs ${r.zPrime.negative}): ${num(r.zPrime.value)}, ${r.zPrime.verdict}.`);
  lines.push(r.qc.note);
  return lines;
}

/**
 * Compare the measured effect with the expected effect and the tolerated error, in words:
 * whether the interval includes the expected change, the smallest change the design can detect,
 * whether the analysis error is within the tolerance, and the units needed.
 */
export function toleranceStatement(
  r: StatsResult,
  q: { expectedEffectPct?: number; toleratedErrorPct?: number },
  analysisErrorPct?: number,
): string {
  const s: string[] = [];
  const E = q.expectedEffectPct;
  const T = q.toleratedErrorPct;
  const treat = r.effects.filter((e) => !r.positiveControls.includes(e.condition));
  if (E === undefined) s.push('No expected effect was given, so whether the analysis can resolve it cannot be judged.');
  for (const e of treat) {
    if (!Number.isFinite(e.pct)) continue;
    const [lo, hi] = e.pctCi;
    let rel = '';
    if (E !== undefined && Number.isFinite(lo)) {
      const inc = (x: number) => x >= lo && x <= hi;
      rel =
        inc(E) || inc(-E)
          ? ` The interval includes the expected ${E}% change.`
          : lo > E || hi < -E
            ? ` The interval lies beyond the expected ${E}% change.`
            : ` The interval excludes the expected ${E}% change${lo > 0 || hi < 0 ? ' (the change is real but smaller)' : ''}.`;
      if (lo <= 0 && hi >= 0) rel += ' It also includes no change.';
    }
    s.push(
      `${e.condition} changed ${r.measure} by ${pct(e.pct)} versus ${e.control} (95% CI ${pct(lo)} to ${pct(hi)}; ${e.n} vs ${e.nControl} ${r.unit}s).${rel}`,
    );
  }
  const p = r.power;
  if (p) {
    s.push(
      `With ${p.nPerGroup} ${p.nPerGroup === 1 ? r.unit : `${r.unit}s`} per condition and ${(100 * p.cv).toFixed(1)}% variability between ${r.unit}s, changes of about ${p.detectablePct.toFixed(p.detectablePct < 10 ? 1 : 0)}% or more can be detected (80% power, two-sided 5%)${E !== undefined ? `, ${p.detectablePct <= E ? 'below' : 'above'} the expected ${E}%` : ''}.`,
    );
    if (E !== undefined && p.neededForExpected !== undefined && Number.isFinite(p.neededForExpected))
      s.push(
        `About ${p.neededForExpected} ${r.unit}s per condition would be needed to detect a ${E}% change reliably (rough estimate from this data).`,
      );
  }
  if (T !== undefined) {
    if (analysisErrorPct !== undefined)
      s.push(
        `The measured analysis error (${analysisErrorPct.toFixed(1)}%, against hand-made labels) is ${analysisErrorPct <= T ? 'within' : 'above'} the tolerated ${T}%.`,
      );
    else s.push(`The analysis error was not measured against hand-made labels; the tolerated error was ${T}%.`);
  }
  if (E !== undefined && p) {
    const errOk = analysisErrorPct === undefined || T === undefined || analysisErrorPct <= T;
    const tolOk = T === undefined || T < E;
    const ok = p.detectablePct <= E && errOk && tolOk;
    s.push(
      ok
        ? `In short: this analysis can resolve the expected ${E}% change${analysisErrorPct === undefined ? ' (if the segmentation error is within the tolerance)' : ''}.`
        : `In short: this analysis cannot reliably resolve the expected ${E}% change (${[
            p.detectablePct > E ? 'too few units for the variability' : '',
            errOk ? '' : 'analysis error above the tolerance',
            tolOk ? '' : 'the tolerated error is as large as the effect',
          ]
            .filter(Boolean)
            .join('; ')}).`,
    );
  }
  return s.join(' ');
}
