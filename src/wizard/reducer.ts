/**
 * The wizard's pure reducer: (state, action) -> state. No I/O, no clock; the store
 * (src/wizard/store.ts) runs the engine and dispatches `loaded`/`failed`.
 */
import { choiceLabel, cycleValue, effective, type FieldSpec, type StepContext } from './fields.js';
import { dependents, stepIndex, stepSpec, WIZARD_STEPS } from './steps.js';
import {
  type Catalog,
  type Decision,
  type FacilityTemplate,
  type QcFacts,
  type Session,
  STEP_IDS,
  type StepId,
  type StepStatus,
  type Ui,
  type Value,
  type WizardAction,
  type WizardState,
} from './types.js';

const FRESH_UI: Ui = { focus: 'fields', field: 0, item: 0, help: false, reveal: false, editing: false };

/** A new session at the first step. */
export function newSession(o: {
  id: string;
  input: string;
  out: string;
  demo: boolean;
  now: string;
  template?: FacilityTemplate;
  modelPath?: string;
}): Session {
  const status = Object.fromEntries(STEP_IDS.map((s) => [s, 'todo'])) as Record<StepId, StepStatus>;
  return {
    version: 1,
    id: o.id,
    input: o.input,
    out: o.out,
    demo: o.demo,
    createdAt: o.now,
    updatedAt: o.now,
    step: 'question',
    status,
    values: {},
    excluded: {},
    kept: {},
    dropped: [],
    revealedAt: [],
    ...(o.template ? { template: o.template } : {}),
    ...(o.modelPath ? { modelPath: o.modelPath } : {}),
    decisions: [],
  };
}

export function initialState(session: Session, catalog: Catalog): WizardState {
  // A step that needs facts opens on the loading screen: drawing the step first would offer
  // "Enter accept" for the moment before its facts load, and an Enter then would be dropped.
  const upto = stepIndex(session.step);
  const first = WIZARD_STEPS.slice(0, upto + 1).find((spec) => spec.loads !== undefined && spec.inputs !== undefined);
  if (first?.loads !== undefined) {
    return {
      phase: 'loading',
      fact: first.loads,
      label: 'Getting ready',
      done: 0,
      total: 0,
      session,
      facts: {},
      catalog,
      ui: { ...FRESH_UI },
    };
  }
  return { phase: 'step', session, facts: {}, catalog, ui: { ...FRESH_UI } };
}

export function contextOf(state: WizardState): StepContext {
  return { session: state.session, facts: state.facts, catalog: state.catalog };
}

/** The settings of the current step, resolved. */
export function currentFields(state: WizardState): FieldSpec[] {
  return stepSpec(state.session.step).fields(contextOf(state));
}

/** True when the step loads nothing or its facts were computed from the current inputs. */
export function factsFresh(state: WizardState, step: StepId = state.session.step): boolean {
  const spec = stepSpec(step);
  if (!spec.loads || !spec.inputs) return true;
  const f = state.facts[spec.loads];
  return f !== undefined && f.key === spec.inputs(contextOf(state));
}

/** Whether a QC row is excluded: the policy decides, the user's choice overrides. */
export function isExcluded(session: Session, row: QcFacts, policy: Value): boolean {
  if (session.excluded[row.id] !== undefined) return true;
  if (session.kept[row.id] !== undefined) return false;
  if (row.worst === 'fail') return policy !== 'keep-all';
  if (row.worst === 'warn') return policy === 'exclude-warn';
  return false;
}

/** Number of items (subset picks, QC rows, or previews) the current step shows one at a time. */
export function itemCount(state: WizardState): number {
  const step = state.session.step;
  const items = stepSpec(step).items;
  if (items === 'subset') return state.facts.subset?.value.length ?? 0;
  if (items === 'qc') return state.facts.qc?.value.length ?? 0;
  if (step === 'preprocess' || step === 'objects' || step === 'statistics') return state.facts[step]?.value.previews.length ?? 0;
  return 0;
}

function markChanged(session: Session, step: StepId): Session {
  const status = { ...session.status };
  if (status[step] === 'accepted') status[step] = 'recheck';
  for (const d of dependents(step)) if (status[d] === 'accepted') status[d] = 'recheck';
  return { ...session, status };
}

function setValue(state: WizardState, field: FieldSpec, value: Value): WizardState {
  const s = state.session;
  const step = s.step;
  const own = { ...(s.values[step] ?? {}) };
  if (value === field.recommend.value) delete own[field.id];
  else own[field.id] = value;
  if (effective(s, step, field) === value) return state;
  const session = markChanged({ ...s, values: { ...s.values, [step]: own } }, step);
  return { ...state, session, ui: { ...state.ui, editing: false, message: undefined } };
}

function decisionsFor(state: WizardState): Decision[] {
  const s = state.session;
  const step = s.step;
  const out: Decision[] = currentFields(state).map((f) => {
    const value = effective(s, step, f);
    const recommended = f.recommend.value;
    const changed = value !== recommended;
    return {
      step,
      field: f.id,
      label: f.label,
      value,
      recommended,
      changed,
      why: changed ? `changed by the user (we had suggested ${choiceLabel(f, recommended)}: ${f.recommend.why})` : f.recommend.why,
    };
  });
  const spec = stepSpec(step);
  if (spec.blind) {
    const revealed = s.revealedAt.includes(step);
    out.push({
      step,
      field: 'blinding',
      label: 'Conditions hidden while judging',
      value: revealed ? 'revealed' : 'blind',
      recommended: 'blind',
      changed: revealed,
      why: revealed
        ? 'the user revealed the conditions while judging this step'
        : 'choices were made without seeing which condition an image belongs to',
    });
  }
  if (spec.items === 'subset') {
    for (const id of s.dropped)
      out.push({
        step,
        field: `drop:${id}`,
        label: `Dropped ${id}`,
        value: 'dropped',
        recommended: 'kept',
        changed: true,
        why: 'dropped by the user',
      });
  }
  if (spec.items === 'qc') {
    const policy = effective(s, 'qc', currentFields(state).find((f) => f.id === 'policy')!);
    for (const row of state.facts.qc?.value ?? []) {
      const ex = isExcluded(s, row, policy);
      if (!ex && row.worst === 'ok') continue;
      const worst = row.verdicts.find((v) => v.level === row.worst)?.message ?? row.worst;
      const userWhy = s.excluded[row.id] ?? s.kept[row.id];
      out.push({
        step,
        field: `image:${row.id}`,
        label: `${ex ? 'Excluded' : 'Kept'} ${row.id}`,
        value: ex ? 'excluded' : 'kept',
        recommended: isExcluded({ ...s, excluded: {}, kept: {} }, row, policy) ? 'excluded' : 'kept',
        changed: userWhy !== undefined,
        why: userWhy ?? `${worst} (policy: ${String(policy)})`,
      });
    }
  }
  return out;
}

function go(state: WizardState, step: StepId, message?: string): WizardState {
  return { ...state, phase: 'step', session: { ...state.session, step }, ui: { ...FRESH_UI, ...(message ? { message } : {}) } };
}

function toggleItem(state: WizardState): WizardState {
  const s = state.session;
  const items = stepSpec(s.step).items;
  if (items === 'subset') {
    const pick = state.facts.subset?.value[state.ui.item];
    if (!pick) return state;
    const dropped = s.dropped.includes(pick.id) ? s.dropped.filter((x) => x !== pick.id) : [...s.dropped, pick.id];
    return { ...state, session: markChanged({ ...s, dropped }, s.step) };
  }
  if (items === 'qc') {
    const row = state.facts.qc?.value[state.ui.item];
    if (!row) return state;
    const policy = effective(s, 'qc', currentFields(state).find((f) => f.id === 'policy')!);
    const excluded = { ...s.excluded };
    const kept = { ...s.kept };
    const worst = row.verdicts.find((v) => v.level === row.worst)?.message;
    if (isExcluded(s, row, policy)) {
      delete excluded[row.id];
      if (isExcluded({ ...s, excluded }, row, policy)) kept[row.id] = `kept by the user despite: ${worst ?? row.worst}`;
    } else {
      delete kept[row.id];
      if (!isExcluded({ ...s, kept }, row, policy)) excluded[row.id] = `excluded by the user on inspection${worst ? ` (${worst})` : ''}`;
    }
    return { ...state, session: markChanged({ ...s, excluded, kept }, s.step) };
  }
  return state;
}

/** The wizard's transition function. Pure; every action is handled (exhaustive switch). */
export function reduce(state: WizardState, action: WizardAction): WizardState {
  const s = state.session;
  switch (action.type) {
    case 'accept': {
      if (state.phase !== 'step' || state.ui.editing) return state;
      if (s.step === 'done') return state.facts.run ? { ...state, phase: 'finished' } : state;
      if (!factsFresh(state)) return { ...state, ui: { ...state.ui, message: 'Still working on this step; one moment.' } };
      const missing = currentFields(state).filter((f) => f.required && effective(s, s.step, f) === '');
      if (missing.length > 0)
        return { ...state, ui: { ...state.ui, message: `Please fill in: ${missing.map((f) => f.label).join(', ')} (e to edit)` } };
      const decisions = [...s.decisions.filter((d) => d.step !== s.step), ...decisionsFor(state)];
      const next = STEP_IDS[stepIndex(s.step) + 1] ?? 'done';
      const session: Session = { ...s, decisions, status: { ...s.status, [s.step]: 'accepted' } };
      return go({ ...state, session }, next, `Accepted: ${stepSpec(s.step).title}`);
    }
    case 'back': {
      if (state.ui.editing) return { ...state, ui: { ...state.ui, editing: false } };
      if (state.ui.help) return { ...state, ui: { ...state.ui, help: false } };
      const i = stepIndex(s.step);
      if (i === 0) return { ...state, phase: 'step', ui: { ...state.ui, message: 'This is the first step.' } };
      return go(state, STEP_IDS[i - 1]!);
    }
    case 'move': {
      if (state.phase !== 'step' || state.ui.editing) return state;
      const n = state.ui.focus === 'items' ? itemCount(state) : currentFields(state).length;
      if (n === 0) return state;
      const key = state.ui.focus === 'items' ? 'item' : 'field';
      const cur = state.ui[key];
      return { ...state, ui: { ...state.ui, [key]: Math.max(0, Math.min(n - 1, cur + action.delta)), message: undefined } };
    }
    case 'cycle': {
      if (state.phase !== 'step' || state.ui.editing || state.ui.focus !== 'fields') return state;
      const f = currentFields(state)[state.ui.field];
      if (f?.kind !== 'choice') return state;
      return setValue(state, f, cycleValue(f, effective(s, s.step, f), action.delta));
    }
    case 'set': {
      const f = currentFields(state).find((x) => x.id === action.field);
      if (!f) return state;
      return setValue(state, f, action.value);
    }
    case 'edit': {
      if (state.phase !== 'step') return state;
      const f = currentFields(state)[state.ui.field];
      if (action.on && (state.ui.focus !== 'fields' || f?.kind !== 'text')) return state;
      return { ...state, ui: { ...state.ui, editing: action.on } };
    }
    case 'toggleFocus': {
      if (!stepSpec(s.step).items || state.ui.editing) return state;
      return { ...state, ui: { ...state.ui, focus: state.ui.focus === 'fields' ? 'items' : 'fields' } };
    }
    case 'toggleItem':
      if (state.phase !== 'step' || state.ui.focus !== 'items') return state;
      return toggleItem(state);
    case 'nextImage': {
      const n = itemCount(state);
      if (n === 0) return state;
      return { ...state, ui: { ...state.ui, item: (state.ui.item + 1) % n } };
    }
    case 'help':
      return { ...state, ui: { ...state.ui, help: !state.ui.help } };
    case 'reveal': {
      if (!stepSpec(s.step).blind) return state;
      const reveal = !state.ui.reveal;
      const revealedAt = reveal && !s.revealedAt.includes(s.step) ? [...s.revealedAt, s.step] : s.revealedAt;
      return { ...state, session: { ...s, revealedAt }, ui: { ...state.ui, reveal } };
    }
    case 'quit':
      return { ...state, phase: 'quit' };
    case 'resume':
      return {
        ...state,
        phase: 'step',
        session: action.session,
        facts: {},
        ui: { ...FRESH_UI, message: `Resumed at: ${stepSpec(action.session.step).title}` },
      };
    case 'loadStart':
      return { ...state, phase: 'loading', fact: action.fact, label: action.label, done: 0, total: 0 };
    case 'progress':
      if (state.phase !== 'loading') return state;
      return { ...state, done: action.done, total: action.total, label: action.label ?? state.label };
    case 'loaded': {
      const facts = { ...state.facts, [action.fact]: action.value };
      const base = { session: s, facts, catalog: state.catalog, ui: state.ui };
      if (state.phase === 'loading' && state.fact === action.fact) {
        const next: WizardState = { ...base, phase: 'step' };
        return { ...next, ui: { ...next.ui, item: Math.min(next.ui.item, Math.max(0, itemCount(next) - 1)) } };
      }
      return { ...state, facts };
    }
    case 'failed':
      return {
        session: s,
        facts: state.facts,
        catalog: state.catalog,
        ui: state.ui,
        phase: 'error',
        fact: action.fact,
        error: action.error,
      };
    case 'retry':
      if (state.phase !== 'error') return state;
      return { session: s, facts: state.facts, catalog: state.catalog, ui: state.ui, phase: 'step' };
    default: {
      const never: never = action;
      throw new Error(`unhandled wizard action ${JSON.stringify(never)}`);
    }
  }
}
