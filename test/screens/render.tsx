import { render as inkRender } from 'ink-testing-library';
import type { ReactElement } from 'react';
import { vi } from 'vitest';
import { type Display, DisplayContext } from '../../src/screens/display.js';

const KEYS: Record<string, string> = {
  enter: '\r',
  esc: '\u001B',
  up: '\u001B[A',
  down: '\u001B[B',
  right: '\u001B[C',
  left: '\u001B[D',
  tab: '\t',
};

/** Let React commit and run effects: two turns of the event loop (no fixed delay). */
const settle = () => new Promise<void>((resolve) => setImmediate(() => setImmediate(resolve)));

/** Render an Ink tree; press(key) types a key (enter, esc, up, down, left, right, tab, or text); waitForText polls the last frame. */
export function render(tree: ReactElement, display: Display = { images: false, color: false }) {
  const r = inkRender(<DisplayContext.Provider value={display}>{tree}</DisplayContext.Provider>);
  const frame = () => r.lastFrame() ?? '';
  return {
    ...r,
    frame,
    /** Type a key once React has run its effects (so the focused input's listener is attached). */
    press: async (key: string) => {
      await settle();
      r.stdin.write(KEYS[key] ?? key);
    },
    waitForText: (text: string | RegExp, timeout = 5000) =>
      vi.waitFor(
        () => {
          const f = frame();
          if (typeof text === 'string' ? !f.includes(text) : !text.test(f))
            throw new Error(`waiting for ${String(text)}; screen is:\n${f}`);
        },
        { timeout, interval: 10 },
      ),
  };
}
