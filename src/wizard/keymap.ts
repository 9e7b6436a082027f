/**
 * The ONE keymap of the wizard: the screens' input handler and the footer are both generated
 * from this table, so what the footer says is what the keys do. Pure data (no Ink).
 */
import { itemCount } from './reducer.js';
import { stepSpec } from './steps.js';
import type { WizardAction, WizardState } from './types.js';

/** The parts of a key press the wizard looks at (Ink's `Key` is compatible). */
export interface KeyPress {
  return?: boolean;
  escape?: boolean;
  upArrow?: boolean;
  downArrow?: boolean;
  leftArrow?: boolean;
  rightArrow?: boolean;
  tab?: boolean;
  ctrl?: boolean;
}

export interface KeyBinding {
  /** How the key is written in the footer. */
  key: string;
  /** What it does, in two or three words (may depend on the state). */
  label: (s: WizardState) => string;
  /** When the binding is active (and shown). */
  when: (s: WizardState) => boolean;
  match: (input: string, key: KeyPress) => boolean;
  action: (s: WizardState) => WizardAction;
}

const inStep = (s: WizardState) => s.phase === 'step' && !s.ui.editing;
const fieldCount = (s: WizardState) => stepSpec(s.session.step).fields({ session: s.session, facts: s.facts, catalog: s.catalog }).length;
const fieldKind = (s: WizardState) =>
  stepSpec(s.session.step).fields({ session: s.session, facts: s.facts, catalog: s.catalog })[s.ui.field]?.kind;

export const KEYMAP: readonly KeyBinding[] = [
  {
    key: 'Enter',
    label: (s) => (s.session.step === 'done' ? 'finish' : s.session.step === 'run' ? 'accept and run' : 'accept'),
    when: inStep,
    match: (_i, k) => k.return === true,
    action: () => ({ type: 'accept' }),
  },
  {
    // while a text field is edited the text input handles Enter (this row is for the footer)
    key: 'Enter',
    label: () => 'save',
    when: (s) => s.phase === 'step' && s.ui.editing,
    match: () => false,
    action: () => ({ type: 'edit', on: false }),
  },
  {
    key: 'Esc',
    label: (s) => (s.ui.help ? 'close help' : s.ui.editing ? 'cancel' : s.phase === 'loading' ? 'stop' : 'back'),
    when: (s) => s.phase !== 'quit' && s.phase !== 'finished',
    match: (_i, k) => k.escape === true,
    action: () => ({ type: 'back' }),
  },
  {
    key: '↑↓',
    label: (s) => (s.ui.focus === 'items' ? 'choose image' : 'choose setting'),
    when: (s) => inStep(s) && (s.ui.focus === 'items' ? itemCount(s) > 1 : fieldCount(s) > 1),
    match: (_i, k) => k.upArrow === true || k.downArrow === true,
    action: () => ({ type: 'move', delta: 1 }),
  },
  {
    key: '←→',
    label: () => 'change',
    when: (s) => inStep(s) && s.ui.focus === 'fields' && fieldKind(s) === 'choice',
    match: (_i, k) => k.leftArrow === true || k.rightArrow === true,
    action: () => ({ type: 'cycle', delta: 1 }),
  },
  {
    key: 'e',
    label: () => 'edit',
    when: (s) => inStep(s) && s.ui.focus === 'fields' && fieldKind(s) === 'text',
    match: (i) => i === 'e',
    action: () => ({ type: 'edit', on: true }),
  },
  {
    key: 'Tab',
    label: (s) => (s.ui.focus === 'fields' ? 'go to images' : 'go to settings'),
    when: (s) => inStep(s) && stepSpec(s.session.step).items !== undefined,
    match: (_i, k) => k.tab === true,
    action: () => ({ type: 'toggleFocus' }),
  },
  {
    key: 'x',
    label: (s) => (stepSpec(s.session.step).items === 'qc' ? 'exclude/keep' : 'drop/restore'),
    when: (s) => inStep(s) && s.ui.focus === 'items',
    match: (i) => i === 'x',
    action: () => ({ type: 'toggleItem' }),
  },
  {
    key: 'n',
    label: () => 'next image',
    when: (s) => inStep(s) && s.ui.focus === 'fields' && itemCount(s) > 1,
    match: (i) => i === 'n',
    action: () => ({ type: 'nextImage' }),
  },
  {
    key: 'c',
    label: (s) => (s.ui.reveal ? 'hide conditions' : 'show conditions'),
    when: (s) => inStep(s) && stepSpec(s.session.step).blind === true,
    match: (i) => i === 'c',
    action: () => ({ type: 'reveal' }),
  },
  {
    key: 'r',
    label: () => 'retry',
    when: (s) => s.phase === 'error',
    match: (i) => i === 'r',
    action: () => ({ type: 'retry' }),
  },
  {
    key: '?',
    label: (s) => (s.ui.help ? 'hide help' : 'help'),
    when: (s) => !s.ui.editing,
    match: (i) => i === '?',
    action: () => ({ type: 'help' }),
  },
  {
    key: 'q',
    label: () => 'save & quit',
    when: (s) => !s.ui.editing && s.phase !== 'quit' && s.phase !== 'finished',
    match: (i, k) => i === 'q' || (k.ctrl === true && i === 'c'),
    action: () => ({ type: 'quit' }),
  },
];

/** The action for a key press in this state, or undefined when no active binding matches. */
export function actionForKey(state: WizardState, input: string, key: KeyPress): WizardAction | undefined {
  for (const b of KEYMAP) {
    if (b.when(state) && b.match(input, key)) {
      const a = b.action(state);
      // the arrow bindings carry their direction
      if (a.type === 'move') return { type: 'move', delta: key.upArrow ? -1 : 1 };
      if (a.type === 'cycle') return { type: 'cycle', delta: key.leftArrow ? -1 : 1 };
      return a;
    }
  }
  return undefined;
}

/** The footer's entries for this state: the active bindings, in table order. */
export function footerEntries(state: WizardState): { key: string; label: string }[] {
  return KEYMAP.filter((b) => b.when(state)).map((b) => ({ key: b.key, label: b.label(state) }));
}
