/**
 * Classical versus deep-learning model on the pilot images the user has label images for: both
 * scores against the tolerated error of the question step, and which method to recommend (the
 * one within tolerance; classical when both are, as it is simpler and needs no model).
 */
import type { Value } from './types.js';

/** Mean scores of one method over the images with labels. */
export interface MethodScore {
  images: number;
  f1: number;
  /** Mean |count - true count| / true count, in %. */
  countErrorPct: number;
}

export type MethodId = 'classical' | 'model';

export const METHOD_LABEL: Record<MethodId, string> = { classical: 'classical', model: 'deep-learning model' };

/** Mean F1 and count error (%) over per-image scores; undefined for none. */
export function meanScore(scores: { f1: number; countError: number }[]): MethodScore | undefined {
  if (scores.length === 0) return undefined;
  return {
    images: scores.length,
    f1: scores.reduce((a, b) => a + b.f1, 0) / scores.length,
    countErrorPct: (100 * scores.reduce((a, b) => a + b.countError, 0)) / scores.length,
  };
}

const verdict = (x: MethodScore, tol: number) => (x.countErrorPct <= tol ? 'ok' : 'over');

/**
 * Summary lines (each under 80 columns; 'over' = count error above the tolerance) and the
 * recommended method. `model` undefined with
 * `modelError`: the model could not run (the line says why; classical is recommended).
 */
export function compareMethods(
  classical: MethodScore | undefined,
  model: MethodScore | undefined,
  tol: number,
  modelError?: string,
): { lines: string[]; recommend?: { value: Value; why: string } } {
  if (!classical) return { lines: [] };
  const okC = classical.countErrorPct <= tol;
  if (!model) {
    return {
      lines: [
        `Checked against your label images on ${classical.images} images: F1 ${classical.f1.toFixed(2)}, count error ${classical.countErrorPct.toFixed(1)}% (tolerated ${tol}%: ${okC ? 'small enough' : 'too large; adjust the settings'}).`,
        ...(modelError ? [`The deep-learning model could not run: ${modelError}`] : []),
      ],
      recommend: { value: 'classical', why: modelError ? 'the deep-learning model could not run here' : 'it is the default' },
    };
  }
  const okM = model.countErrorPct <= tol;
  let value: MethodId;
  let why: string;
  if (okC && okM) {
    value = 'classical';
    why = `both are within your ${tol}% tolerance on your label images, and classical needs no model`;
  } else if (okC || okM) {
    value = okC ? 'classical' : 'model';
    const other: MethodId = okC ? 'model' : 'classical';
    why = `only the ${METHOD_LABEL[value]} is within your ${tol}% tolerance on your label images (the ${METHOD_LABEL[other]}'s count error is ${(okC ? model : classical).countErrorPct.toFixed(1)}%)`;
  } else {
    value = model.countErrorPct < classical.countErrorPct ? 'model' : 'classical';
    why = `neither is within your ${tol}% tolerance; the ${METHOD_LABEL[value]} has the smaller count error - check the outlines`;
  }
  // one line (the screen is 80x24); the tolerance and the reason are in the method field's "why"
  return {
    lines: [
      `Labels: classical F1 ${classical.f1.toFixed(2)}, count error ${classical.countErrorPct.toFixed(1)}% ${verdict(classical, tol)}; model F1 ${model.f1.toFixed(2)}, ${model.countErrorPct.toFixed(1)}% ${verdict(model, tol)}`,
    ],
    recommend: { value, why },
  };
}

/**
 * One line comparing the two methods' object counts on the pilot images, for when no label images
 * can say which is right: "Compare the outlines: classical 96 nuclei, model 102 (+6%) on 4 images".
 * The difference is relative to classical, in whole %; left out when classical found none.
 */
export function countComparison(classical: number, model: number, images: number): string {
  const pct = () => Math.abs(Math.round((100 * (model - classical)) / classical));
  const diff = classical === 0 ? '' : model === classical ? ' (same)' : ` (${model > classical ? '+' : '-'}${pct()}%)`;
  return `Compare the outlines: classical ${classical} nuclei, model ${model}${diff} on ${images} image${images === 1 ? '' : 's'}`;
}
