/**
 * The start menu of `scopepilot` with no arguments: resume the last session, analyse a folder
 * (typed path, Tab completes folder names), or try the demo plate.
 */
import { readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { Box, Text, useApp, useInput } from 'ink';
import SelectInput from 'ink-select-input';
import TextInput from 'ink-text-input';
import { useState } from 'react';

export type StartChoice = { kind: 'resume' } | { kind: 'folder'; path: string } | { kind: 'demo' } | { kind: 'quit' };

/** Complete a typed path to the longest common prefix of matching folder names. Pure except for reading the folder. */
export function completePath(typed: string, cwd: string = process.cwd()): string {
  const abs = resolve(cwd, typed || '.');
  const endsWithSep = typed.endsWith('/') || typed === '';
  const dir = endsWithSep ? abs : dirname(abs);
  const stem = endsWithSep ? '' : basename(abs);
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.startsWith(stem) && !n.startsWith('.') && statSync(join(dir, n)).isDirectory());
  } catch {
    return typed;
  }
  if (names.length === 0) return typed;
  let common = names[0]!;
  for (const n of names) while (!n.startsWith(common)) common = common.slice(0, -1);
  const base = endsWithSep ? typed : typed.slice(0, typed.length - stem.length);
  return names.length === 1 ? `${base}${common}/` : `${base}${common}`;
}

function FolderPrompt({ onDone }: { onDone: (c: StartChoice) => void }) {
  const [path, setPath] = useState('');
  const [key, setKey] = useState(0);
  useInput((_i, k) => {
    if (k.tab) {
      setPath((p) => completePath(p));
      setKey((x) => x + 1); // remount so the cursor goes to the end
    }
    if (k.escape) onDone({ kind: 'quit' });
  });
  return (
    <Box flexDirection="column">
      <Text>Folder with your images (Tab completes, Enter starts, Esc quits):</Text>
      <Box>
        <Text>› </Text>
        <TextInput key={key} value={path} onChange={setPath} onSubmit={(p) => p.trim() && onDone({ kind: 'folder', path: p.trim() })} />
      </Box>
    </Box>
  );
}

export function StartMenu({
  last,
  onDone,
}: {
  last?: { input: string; stepTitle: string; out: string };
  onDone: (c: StartChoice) => void;
}) {
  const { exit } = useApp();
  const [asking, setAsking] = useState(false);
  const finish = (c: StartChoice) => {
    onDone(c);
    exit();
  };
  useInput(
    (i, k) => {
      if (i === 'q' || k.escape) finish({ kind: 'quit' });
    },
    { isActive: !asking },
  );
  if (asking) return <FolderPrompt onDone={finish} />;
  const items = [
    ...(last ? [{ label: `Resume: ${basename(last.input)} at "${last.stepTitle}" (${last.out})`, value: 'resume' }] : []),
    { label: 'Analyse a folder of images', value: 'folder' },
    { label: 'Try the demo plate', value: 'demo' },
  ];
  return (
    <Box flexDirection="column">
      <Text bold>ScopePilot: from a folder of images to answers, step by step.</Text>
      <SelectInput
        items={items}
        isFocused={!asking}
        onSelect={(it) => {
          if (it.value === 'folder') setAsking(true);
          else finish({ kind: it.value === 'resume' ? 'resume' : 'demo' });
        }}
      />
      <Text dimColor>↑↓ choose · Enter start · q quit</Text>
    </Box>
  );
}
