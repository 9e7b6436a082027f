/** How the statistics of a run are configured by its recipe. */
import type { Recipe } from '../pipeline/recipe.js';
import type { SummariseOptions } from '../results/stats.js';

/** Summary options from a recipe (unit, normalisation, controls, question, marker). */
export function statsOptionsFromRecipe(r: Recipe | undefined): SummariseOptions {
  if (!r) return {};
  const o: SummariseOptions = {
    unit: r.statistics.unit,
    normalisation: r.statistics.normalisation,
    question: { type: r.question.type },
  };
  if (r.statistics.controls.length) o.controls = [...r.statistics.controls];
  if (r.question.expectedEffectPct !== undefined) o.question!.expectedEffectPct = r.question.expectedEffectPct;
  if (r.question.toleratedErrorPct !== undefined) o.question!.toleratedErrorPct = r.question.toleratedErrorPct;
  if (r.input.channels.marker) o.marker = r.input.channels.marker;
  return o;
}
