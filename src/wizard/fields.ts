/**
 * The field model of wizard steps: a field is one setting with its choices and a recommendation
 * that says why. Resolving a field's value: the user's value if they changed it, else the
 * recommendation (so recommendations follow upstream changes until the user overrides them).
 */
import type { Catalog, Facts, Session, StepId, Value } from './types.js';

/** What a step's logic may look at: the decisions so far, the engine's facts, the engine's catalogue. */
export interface StepContext {
  session: Session;
  facts: Facts;
  catalog: Catalog;
}

export interface Choice {
  value: Value;
  label: string;
  help?: string;
}

export interface Recommendation {
  value: Value;
  /** Plain words: "we suggest Otsu because ...". */
  why: string;
}

/** One setting of a step. */
export interface FieldSpec {
  id: string;
  /** Novice words. */
  label: string;
  /** One line for the novice. */
  help: string;
  /** The expert term, shown behind `?`. */
  expert: string;
  /** choice: cycled with the arrow keys; text: typed after `e`. */
  kind: 'choice' | 'text';
  choices?: Choice[];
  required?: boolean;
  recommend: Recommendation;
}

/** Look up a field's effective value in a list of resolved fields. */
export function effective(session: Session, step: StepId, field: FieldSpec): Value {
  const v = session.values[step]?.[field.id];
  return v === undefined ? field.recommend.value : v;
}

/** The label of a choice value (or the value itself for text fields). */
export function choiceLabel(field: FieldSpec, value: Value): string {
  const c = field.choices?.find((x) => x.value === value);
  return c ? c.label : value === '' ? '(not set)' : String(value);
}

/** Next choice value in `delta` direction, wrapping around. Text fields are unchanged. */
export function cycleValue(field: FieldSpec, current: Value, delta: 1 | -1): Value {
  const cs = field.choices;
  if (!cs || cs.length === 0) return current;
  const i = cs.findIndex((c) => c.value === current);
  const n = cs.length;
  const next = i < 0 ? 0 : (i + delta + n) % n;
  return cs[next]!.value;
}

/** Shorthand for yes/no choice lists. */
export const YES_NO: Choice[] = [
  { value: 'yes', label: 'yes' },
  { value: 'no', label: 'no' },
];
