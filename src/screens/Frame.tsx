/** The frame of every step: title and progress, body, message line, and the keymap footer. */
import { Box, Text, useStdout } from 'ink';
import type { ReactNode } from 'react';
import { footerEntries } from '../wizard/keymap.js';
import { WIZARD_STEPS } from '../wizard/steps.js';
import type { WizardState } from '../wizard/types.js';
import { useDisplay } from './display.js';

/** Progress through the steps: ● accepted, ◐ to re-check, ○ to do; the current one is bracketed. */
export function progressText(state: WizardState): string {
  return WIZARD_STEPS.map((s) => {
    const st = state.session.status[s.id];
    const ch = st === 'accepted' ? '●' : st === 'recheck' ? '◐' : '○';
    return s.id === state.session.step ? `[${ch}]` : ch;
  }).join('');
}

export function Footer({ state }: { state: WizardState }) {
  const { color } = useDisplay();
  const parts = footerEntries(state);
  return (
    <Box flexWrap="wrap" columnGap={2}>
      {parts.map((p) => (
        <Text key={p.key}>
          <Text bold color={color ? 'cyan' : undefined}>
            {p.key}
          </Text>{' '}
          {p.label}
        </Text>
      ))}
    </Box>
  );
}

export function Frame({ state, children }: { state: WizardState; children: ReactNode }) {
  const { color } = useDisplay();
  const { stdout } = useStdout();
  const i = WIZARD_STEPS.findIndex((s) => s.id === state.session.step);
  const spec = WIZARD_STEPS[i]!;
  // two rows short of the terminal: Ink adds a final newline, and a frame as tall as the
  // terminal makes Ink clear and rewrite the screen, which scrolls the title away
  const rows = Math.max(16, (stdout.rows || 24) - 2);
  return (
    <Box flexDirection="column" width={79} height={rows} overflow="hidden">
      <Box justifyContent="space-between">
        <Text bold color={color ? 'green' : undefined}>
          ScopePilot {i + 1}/{WIZARD_STEPS.length} {spec.title}
        </Text>
        <Text>{progressText(state)}</Text>
      </Box>
      <Text dimColor>{spec.help}</Text>
      <Box flexDirection="column" flexGrow={1} flexShrink={1} overflow="hidden">
        {children}
      </Box>
      {state.ui.message ? <Text color={color ? 'yellow' : undefined}>{state.ui.message}</Text> : null}
      <Footer state={state} />
    </Box>
  );
}
