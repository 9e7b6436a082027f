import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { newSession } from '../../src/wizard/reducer.js';
import { lastSession, loadSession, saveSession, sessionPath } from '../../src/wizard/session.js';
import { parseTemplate } from '../../src/wizard/template.js';

describe('session persistence', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sp-session-'));
    process.env.SCOPEPILOT_CONFIG_DIR = join(dir, 'conf');
  });

  it('saves under the output folder and remembers it as the last session', async () => {
    const s = { ...newSession({ id: 'a', input: '/in', out: join(dir, 'out'), demo: true, now: 'T0' }), step: 'objects' as const };
    const path = await saveSession(s, 'T1');
    expect(path).toBe(sessionPath(join(dir, 'out')));
    const back = await loadSession(path);
    expect(back).toMatchObject({ step: 'objects', input: '/in', updatedAt: 'T1' });
    expect((await lastSession())?.id).toBe('a');
  });

  it('a damaged session file is refused with a message, not a crash', async () => {
    const p = join(dir, 'bad.json');
    await writeFile(p, '{"version": 9}');
    await expect(loadSession(p)).rejects.toThrow(/not a ScopePilot session/);
    await writeFile(p, '{trunc');
    await expect(loadSession(p)).rejects.toThrow(/cannot read the saved session/);
    expect(await readFile(p, 'utf8')).toBe('{trunc');
  });
});

describe('facility template', () => {
  it('reads questions, required metadata (shorthand), preset and outputs', () => {
    const t = parseTemplate(`
name: Core facility
questions:
  - { id: grant, label: Grant code, required: true }
  - { id: purpose, choices: [pilot, screen] }
metadata: [specimen, { id: objective, label: Objective lens, required: false }]
preset: incell
outputs: [objects.csv]
`);
    expect(t.questions).toEqual([
      { id: 'grant', label: 'Grant code', required: true },
      { id: 'purpose', label: 'Purpose', required: false, choices: ['pilot', 'screen'] },
    ]);
    expect(t.metadata).toEqual([
      { id: 'specimen', label: 'Specimen', required: true },
      { id: 'objective', label: 'Objective lens', required: false },
    ]);
    expect(t.preset).toBe('incell');
  });

  it('says which field is wrong', () => {
    expect(() => parseTemplate('questions: [{ label: x }]', 'fac.yaml')).toThrow(/fac.yaml: questions.0.id/);
    expect(() => parseTemplate('colour: blue')).toThrow(/colour|Unrecognized/);
    expect(() => parseTemplate('a: [')).toThrow(/not valid YAML/);
  });
});
