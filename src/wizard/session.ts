/**
 * Session persistence: the session is saved as JSON (atomically) under the output folder, and a
 * pointer to the last session is kept in the user's config (conf), so `scopepilot` can offer to
 * resume after `q` or a dropped SSH connection.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../engine/errors.js';
import { writeFileAtomic } from '../engine/io/atomic.js';
import { type Session, STEP_IDS } from './types.js';

/** Where a session is saved inside its output folder. */
export function sessionPath(out: string): string {
  return join(out, '.scopepilot', 'session.json');
}

async function store() {
  const { default: Conf } = await import('conf');
  const cwd = process.env.SCOPEPILOT_CONFIG_DIR;
  return new Conf<{ lastSession?: string }>({ projectName: 'scopepilot', ...(cwd ? { cwd } : {}) });
}

/** Save the session (atomic write) and remember it as the last session. */
export async function saveSession(session: Session, now: string = new Date().toISOString()): Promise<string> {
  const path = sessionPath(session.out);
  await writeFileAtomic(path, `${JSON.stringify({ ...session, updatedAt: now }, null, 2)}\n`);
  (await store()).set('lastSession', path);
  return path;
}

/** Read a saved session; a damaged or foreign file is a UserError. */
export async function loadSession(path: string): Promise<Session> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new UserError(`cannot read the saved session ${path}: ${(err as Error).message}`, 'start a new analysis instead');
  }
  const s = raw as Partial<Session>;
  if (s.version !== 1 || typeof s.input !== 'string' || typeof s.out !== 'string' || !STEP_IDS.includes(s.step as never)) {
    throw new UserError(`${path} is not a ScopePilot session (or from an incompatible version)`, 'start a new analysis instead');
  }
  return s as Session;
}

/** The last saved session, if its file still exists and is readable. */
export async function lastSession(): Promise<Session | undefined> {
  const p = (await store()).get('lastSession');
  if (!p) return undefined;
  try {
    return await loadSession(p);
  } catch {
    return undefined;
  }
}

/** Forget the last session pointer (after it finished). */
export async function forgetLastSession(): Promise<void> {
  (await store()).delete('lastSession');
}
