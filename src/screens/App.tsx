/**
 * The wizard's root component: renders the current state and turns key presses into actions
 * through the one keymap. Only this component listens, and not while a text field is edited
 * (then the text input has the focus).
 */
import { Box, Text, useApp, useInput } from 'ink';
import { useEffect, useSyncExternalStore } from 'react';
import { actionForKey } from '../wizard/keymap.js';
import { currentFields } from '../wizard/reducer.js';
import { stepSpec } from '../wizard/steps.js';
import type { WizardStore } from '../wizard/store.js';
import type { WizardState } from '../wizard/types.js';
import { StepBody } from './bodies.js';
import { Fields, HelpPanel } from './Fields.js';
import { Frame } from './Frame.js';

function bar(done: number, total: number, width = 30): string {
  if (total <= 0) return '';
  const k = Math.round((done / total) * width);
  return `[${'#'.repeat(k)}${'.'.repeat(width - k)}] ${done}/${total}`;
}

function Screen({ state, dispatch }: { state: WizardState; dispatch: WizardStore['dispatch'] }) {
  const spec = stepSpec(state.session.step);
  const fields = currentFields(state);
  if (state.phase === 'loading') {
    return (
      <Box flexDirection="column">
        <Text>{state.label}…</Text>
        <Text>{bar(state.done, state.total)}</Text>
      </Box>
    );
  }
  if (state.phase === 'error') {
    return (
      <Box flexDirection="column">
        <Text>Something went wrong: {state.error}</Text>
        <Text dimColor>r tries again, Esc goes back, q saves and quits.</Text>
      </Box>
    );
  }
  return (
    <Box flexDirection="column">
      {state.ui.help ? <HelpPanel expert={spec.expert} field={fields[state.ui.field]} /> : <StepBody state={state} />}
      <Fields state={state} fields={fields} dispatch={dispatch} />
    </Box>
  );
}

export function WizardApp({ store }: { store: WizardStore }) {
  const state = useSyncExternalStore(
    (fn) => store.subscribe(fn),
    () => store.state,
  );
  const { exit } = useApp();
  useEffect(() => {
    store.start();
    void store.closed.then(() => exit());
  }, [store, exit]);
  useInput(
    (input, key) => {
      const a = actionForKey(store.state, input, key);
      if (a) store.dispatch(a);
    },
    { isActive: !state.ui.editing },
  );
  // text editing: Esc cancels (the text input itself does not handle Esc)
  useInput(
    (_i, key) => {
      if (key.escape) store.dispatch({ type: 'edit', on: false });
    },
    { isActive: state.ui.editing },
  );
  // the command prints the closing lines (where the outputs are, or how to resume)
  if (state.phase === 'quit' || state.phase === 'finished') return null;
  return (
    <Frame state={state}>
      <Screen state={state} dispatch={store.dispatch} />
    </Frame>
  );
}
