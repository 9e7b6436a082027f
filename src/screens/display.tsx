/**
 * How the terminal can show things: pictures or text only, colour or not, and how pictures are drawn.
 * Text only with --no-images, TERM=dumb, NO_COLOR (no colour implies no coloured blocks) or
 * SCOPEPILOT_IMAGES=none. Pictures are real images through kitty's graphics protocol where the
 * terminal is known to show them (see pictureMode), coloured half-blocks everywhere else.
 */
import { execFileSync } from 'node:child_process';
import { createContext, useContext } from 'react';
import { KittyImages } from './kitty.js';

export interface Display {
  images: boolean;
  color: boolean;
  /** Set when pictures go through kitty's graphics protocol; half-blocks otherwise. */
  kitty?: KittyImages;
}

/** How pictures are drawn: kitty graphics protocol, coloured half-blocks, or none (text). */
export type PictureMode = 'kitty' | 'blocks' | 'none';

/** What tmux says about the terminal it runs in (its client) and the pane's passthrough setting. */
export interface TmuxClient {
  /** TERM of the outer terminal, e.g. xterm-kitty. */
  termname: string;
  /** tmux sends 24-bit colours to it as they are (otherwise it maps them to 256 colours). */
  rgb: boolean;
  /** allow-passthrough: on, all or off. */
  passthrough: string;
}

/** Terminals with kitty's graphics protocol and its Unicode placeholders (kitty >= 0.28, Ghostty >= 1.0). */
const KITTY_TERMS = new Set(['xterm-kitty', 'xterm-ghostty']);
const KITTY_PROGRAMS = new Set(['kitty', 'ghostty']);

/**
 * Whether tmux's report on its terminals (`tmux show-messages -T`) gives the terminal on `tty` a
 * setrgbf capability: then tmux passes 24-bit colours on (from terminfo Tc/RGB/setrgbf or an
 * override), else it maps them to the 256-colour palette.
 */
export function tmuxTerminalHasRgb(report: string, tty: string): boolean {
  let mine = false;
  for (const line of report.split('\n')) {
    if (line.startsWith('Terminal ')) mine = tty !== '' && line.includes(` for ${tty},`);
    else if (mine && /^\s*\d+: setrgbf: \(string\)/.test(line)) return true;
  }
  return false;
}

/**
 * Ask the tmux server this process runs under (TMUX, TMUX_PANE) about its client terminal and
 * passthrough (asked only when that terminal could show kitty pictures; else reported off);
 * undefined when tmux does not answer (not running, older than 3.3, no client).
 */
export function probeTmux(env: NodeJS.ProcessEnv = process.env): TmuxClient | undefined {
  const pane = env.TMUX_PANE ? ['-t', env.TMUX_PANE] : [];
  const run = (...args: string[]) =>
    execFileSync('tmux', args, { encoding: 'utf8', env, timeout: 2000, stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  try {
    const [termname = '', tty = '', features = ''] = run(
      'display-message',
      '-p',
      ...pane,
      '#{client_termname}\t#{client_tty}\t#{client_termfeatures}',
    ).split('\t');
    // the rest matters only for a terminal that can show the pictures (saves two tmux calls)
    if (!KITTY_TERMS.has(termname)) return { termname, rgb: false, passthrough: 'off' };
    const passthrough = run('show-options', '-Apv', ...pane, 'allow-passthrough');
    const rgb = features.split(',').includes('RGB') || tmuxTerminalHasRgb(run('show-messages', '-T'), tty);
    return { termname, rgb, passthrough };
  } catch {
    return undefined;
  }
}

/**
 * How to draw pictures, from the environment. SCOPEPILOT_IMAGES=kitty|blocks|none decides when
 * set. Otherwise kitty only where it is known to work: TERM xterm-kitty or xterm-ghostty,
 * TERM_PROGRAM ghostty, or KITTY_WINDOW_ID with an xterm TERM and no other TERM_PROGRAM; inside
 * tmux only when tmux's client is such a terminal, passthrough is on and 24-bit colour reaches it
 * (the image id travels as a colour). Half-blocks everywhere else, including iTerm2: its inline
 * images are drawn at the cursor and take no cells, with nothing like placeholders to hold their
 * place, so Ink's layout would not make room for them and each re-render would draw over them.
 * `tmux` says the sequences need tmux's passthrough.
 */
export function pictureMode(
  env: NodeJS.ProcessEnv = process.env,
  probe: () => TmuxClient | undefined = () => probeTmux(env),
): { mode: PictureMode; tmux: boolean } {
  const inTmux = Boolean(env.TMUX);
  const override = env.SCOPEPILOT_IMAGES;
  if (override === 'none' || override === 'blocks') return { mode: override, tmux: false };
  if (override === 'kitty') return { mode: 'kitty', tmux: inTmux };
  const blocks = { mode: 'blocks', tmux: false } as const;
  if (inTmux) {
    const c = probe();
    const ok = c !== undefined && KITTY_TERMS.has(c.termname) && (c.passthrough === 'on' || c.passthrough === 'all') && c.rgb;
    return ok ? { mode: 'kitty', tmux: true } : blocks;
  }
  const term = env.TERM ?? '';
  // GNU screen, Zellij or another multiplexer in between: it would not pass the pictures on
  if (env.STY || env.ZELLIJ !== undefined || /^(screen|tmux)/.test(term)) return blocks;
  const program = env.TERM_PROGRAM;
  // another terminal (iTerm2, WezTerm, VS Code, Apple Terminal) that may have inherited kitty's variables
  if (program && !KITTY_PROGRAMS.has(program)) return blocks;
  if (KITTY_TERMS.has(term) || program === 'ghostty') return { mode: 'kitty', tmux: false };
  if (env.KITTY_WINDOW_ID && term.startsWith('xterm')) return { mode: 'kitty', tmux: false };
  return blocks;
}

/**
 * The display for this process: text only with --no-images, TERM=dumb, NO_COLOR or
 * SCOPEPILOT_IMAGES=none; otherwise pictures, through kitty's protocol when pictureMode says so.
 */
export function displayFromEnv(
  o: { noImages?: boolean },
  env: NodeJS.ProcessEnv = process.env,
  probe?: () => TmuxClient | undefined,
): Display {
  const color = env.NO_COLOR === undefined || env.NO_COLOR === '';
  const dumb = env.TERM === 'dumb';
  const images = !o.noImages && !dumb && color;
  if (!images) return { images, color: color && !dumb };
  const p = pictureMode(env, probe);
  if (p.mode === 'none') return { images: false, color };
  return p.mode === 'kitty' ? { images, color, kitty: new KittyImages({ tmux: p.tmux }) } : { images, color };
}

export const DisplayContext = createContext<Display>({ images: false, color: false });
export const useDisplay = () => useContext(DisplayContext);
