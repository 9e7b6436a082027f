/**
 * Drive a command in a detached tmux session of a given size, on a private tmux server, and
 * poll its screen with a deadline (never a fixed sleep).
 */
import { execFileSync, spawnSync } from 'node:child_process';

export const hasTmux = spawnSync('tmux', ['-V']).status === 0;

export class Tmux {
  private readonly socket: string;
  constructor(
    readonly name: string,
    readonly width = 80,
    readonly height = 24,
  ) {
    this.socket = `sp-e2e-${process.pid}-${name}`;
  }

  private tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, ...args], { encoding: 'utf8' });
  }

  /** Start `command` (a shell line) in `cwd` with `env`; the pane stays after it exits and shows EXIT=<code>. */
  start(command: string, cwd: string, env: Record<string, string>): void {
    const exports = Object.entries(env)
      .map(([k, v]) => `${k}='${v.replace(/'/g, "'\\''")}'`)
      .join(' ');
    const line = `cd '${cwd}' && env ${exports} ${command}; echo "EXIT=$?"; sleep 3600`;
    this.tmux('new-session', '-d', '-s', this.name, '-x', String(this.width), '-y', String(this.height), 'sh', '-c', line);
  }

  screen(): string {
    return this.tmux('capture-pane', '-p', '-t', this.name);
  }

  /** Keys in tmux send-keys syntax: Enter, Escape, Up, Down, Left, Right, Tab, q ... */
  send(...keys: string[]): void {
    this.tmux('send-keys', '-t', this.name, ...keys);
  }

  /** Poll the screen until `test` passes or the deadline passes (then throw with the screen). */
  async waitFor(test: string | RegExp | ((screen: string) => boolean), timeoutMs = 30_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    const ok = (s: string) => (typeof test === 'string' ? s.includes(test) : test instanceof RegExp ? test.test(s) : test(s));
    let last = '';
    while (Date.now() < deadline) {
      last = this.screen();
      if (ok(last)) return last;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`timed out waiting for ${String(test)}; the screen was:\n${last}`);
  }

  kill(): void {
    try {
      this.tmux('kill-server');
    } catch {
      // already gone
    }
  }
}
