/** The step's settings: one line each with its value; the highlighted one says why we suggest its value. */
import { Box, Text } from 'ink';
import TextInput from 'ink-text-input';
import { useState } from 'react';
import { choiceLabel, effective, type FieldSpec } from '../wizard/fields.js';
import type { WizardAction, WizardState } from '../wizard/types.js';
import { useDisplay } from './display.js';

function EditLine({ field, initial, dispatch }: { field: FieldSpec; initial: string; dispatch: (a: WizardAction) => void }) {
  const [text, setText] = useState(initial);
  return (
    <Box>
      <Text>{field.label}: </Text>
      <TextInput
        value={text}
        onChange={setText}
        focus
        onSubmit={(v) => {
          const t = v.trim();
          const n = Number(t);
          dispatch({ type: 'set', field: field.id, value: t !== '' && Number.isFinite(n) && field.id === 'pixelSize' ? n : t });
          dispatch({ type: 'edit', on: false });
        }}
      />
    </Box>
  );
}

export function Fields({ state, fields, dispatch }: { state: WizardState; fields: FieldSpec[]; dispatch: (a: WizardAction) => void }) {
  const { color } = useDisplay();
  const s = state.session;
  const focused = state.ui.focus === 'fields';
  if (fields.length === 0) return null;
  const cur = fields[state.ui.field];
  const width = Math.min(28, Math.max(...fields.map((f) => f.label.length)) + 1);
  return (
    <Box flexDirection="column">
      {fields.map((f, i) => {
        const v = effective(s, s.step, f);
        const here = focused && i === state.ui.field;
        const changed = s.values[s.step]?.[f.id] !== undefined;
        if (here && state.ui.editing) return <EditLine key={f.id} field={f} initial={String(v)} dispatch={dispatch} />;
        return (
          <Text key={f.id} wrap="truncate">
            <Text color={here && color ? 'cyan' : undefined}>{here ? '› ' : '  '}</Text>
            {f.label.padEnd(width)}
            <Text bold={here}>
              {f.kind === 'choice' && here ? '‹ ' : ''}
              {choiceLabel(f, v)}
              {f.kind === 'choice' && here ? ' ›' : ''}
            </Text>
            <Text dimColor>{changed ? '  (changed)' : '  (suggested)'}</Text>
            {f.required && v === '' ? <Text color={color ? 'red' : undefined}> required</Text> : null}
          </Text>
        );
      })}
      {cur && focused ? (
        <Text dimColor wrap="truncate-end">
          {s.values[s.step]?.[cur.id] === undefined ? `We suggest this because ${cur.recommend.why}.` : cur.help}
        </Text>
      ) : null}
    </Box>
  );
}

/** The `?` panel: the expert terms behind the step and the highlighted setting. */
export function HelpPanel({ expert, field }: { expert: string; field: FieldSpec | undefined }) {
  return (
    <Box flexDirection="column" borderStyle="round" paddingX={1}>
      <Text>{expert}</Text>
      {field ? (
        <>
          <Text>
            {field.label}: {field.help}
          </Text>
          <Text dimColor>{field.expert}</Text>
          {(field.choices ?? [])
            .filter((c) => c.help)
            .slice(0, 6)
            .map((c) => (
              <Text key={String(c.value)} dimColor wrap="truncate">
                {c.label}: {c.help}
              </Text>
            ))}
        </>
      ) : null}
    </Box>
  );
}
