import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Box } from 'ink';
import { cleanup } from 'ink-testing-library';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { displayFromEnv, pictureMode, type TmuxClient, tmuxTerminalHasRgb } from '../../src/screens/display.js';
import { KittyImages, PLACEHOLDER, placeholderRows } from '../../src/screens/kitty.js';
import { Thumb } from '../../src/screens/Thumb.js';
import { render } from './render.js';

afterEach(() => cleanup());

const kittyClient: TmuxClient = { termname: 'xterm-kitty', rgb: true, passthrough: 'on' };
const noTmux = () => {
  throw new Error('tmux must not be asked outside tmux');
};

describe('picture mode from the environment', () => {
  it('kitty in kitty and Ghostty', () => {
    expect(pictureMode({ TERM: 'xterm-kitty' }, noTmux)).toEqual({ mode: 'kitty', tmux: false });
    expect(pictureMode({ TERM: 'xterm-256color', KITTY_WINDOW_ID: '3' }, noTmux)).toEqual({ mode: 'kitty', tmux: false });
    expect(pictureMode({ TERM: 'xterm-ghostty', TERM_PROGRAM: 'ghostty' }, noTmux)).toEqual({ mode: 'kitty', tmux: false });
    expect(pictureMode({ TERM: 'xterm-256color', TERM_PROGRAM: 'ghostty' }, noTmux).mode).toBe('kitty');
    // over SSH the TERM comes along, and so do the pictures (sent in the escape codes)
    expect(pictureMode({ TERM: 'xterm-kitty', SSH_CONNECTION: '10.0.0.1 5 10.0.0.2 22' }, noTmux).mode).toBe('kitty');
  });

  it('half-blocks in other terminals, including iTerm2 and ones that inherited kitty’s variables', () => {
    expect(pictureMode({ TERM: 'xterm-256color' }, noTmux).mode).toBe('blocks');
    expect(pictureMode({ TERM: 'xterm-256color', TERM_PROGRAM: 'iTerm.app' }, noTmux).mode).toBe('blocks');
    expect(pictureMode({ TERM: 'xterm-256color', TERM_PROGRAM: 'vscode', KITTY_WINDOW_ID: '1' }, noTmux).mode).toBe('blocks');
    expect(pictureMode({ TERM: 'xterm-kitty', TERM_PROGRAM: 'WezTerm' }, noTmux).mode).toBe('blocks');
    expect(pictureMode({ TERM: 'alacritty', KITTY_WINDOW_ID: '1' }, noTmux).mode).toBe('blocks');
    expect(pictureMode({ TERM: 'xterm-kitty', ZELLIJ: '0' }, noTmux).mode).toBe('blocks');
    expect(pictureMode({ TERM: 'screen.xterm-256color', STY: '1.pts-0.host', KITTY_WINDOW_ID: '1' }, noTmux).mode).toBe('blocks');
  });

  it('inside tmux: kitty through passthrough only when tmux’s client is kitty, passthrough is on and RGB reaches it', () => {
    const env = { TERM: 'tmux-256color', TMUX: '/tmp/tmux-1/default,1,0', TMUX_PANE: '%1', TERM_PROGRAM: 'tmux' };
    expect(pictureMode(env, () => kittyClient)).toEqual({ mode: 'kitty', tmux: true });
    expect(pictureMode(env, () => ({ ...kittyClient, passthrough: 'all' })).mode).toBe('kitty');
    expect(pictureMode(env, () => ({ ...kittyClient, termname: 'xterm-ghostty' })).mode).toBe('kitty');
    expect(pictureMode(env, () => ({ ...kittyClient, passthrough: 'off' })).mode).toBe('blocks');
    expect(pictureMode(env, () => ({ ...kittyClient, rgb: false })).mode).toBe('blocks');
    expect(pictureMode(env, () => ({ ...kittyClient, termname: 'xterm-256color' })).mode).toBe('blocks');
    expect(pictureMode({ ...env, KITTY_WINDOW_ID: '1' }, () => undefined).mode).toBe('blocks'); // tmux did not answer
  });

  it('reads from tmux’s terminal report whether 24-bit colours (the image id) reach the client unchanged', () => {
    const report = [
      'Terminal 0: xterm-256color for /dev/pts/4, flags=0x20:',
      '   208: setrgbf: [missing]',
      'Terminal 1: xterm-kitty for /dev/pts/2, flags=0x30:',
      '   207: setrgbb: (string) \\033[48:2:%p1%d:%p2%d:%p3%dm',
      '   208: setrgbf: (string) \\033[38:2:%p1%d:%p2%d:%p3%dm',
    ].join('\n');
    expect(tmuxTerminalHasRgb(report, '/dev/pts/2')).toBe(true);
    expect(tmuxTerminalHasRgb(report, '/dev/pts/4')).toBe(false);
    expect(tmuxTerminalHasRgb(report, '')).toBe(false);
  });

  it('SCOPEPILOT_IMAGES=kitty|blocks|none decides', () => {
    expect(pictureMode({ TERM: 'xterm', SCOPEPILOT_IMAGES: 'kitty' }, noTmux)).toEqual({ mode: 'kitty', tmux: false });
    expect(pictureMode({ TERM: 'screen', TMUX: '/tmp/t,1,0', SCOPEPILOT_IMAGES: 'kitty' }, noTmux)).toEqual({ mode: 'kitty', tmux: true });
    expect(pictureMode({ TERM: 'xterm-kitty', SCOPEPILOT_IMAGES: 'blocks' }, noTmux).mode).toBe('blocks');
    expect(pictureMode({ TERM: 'xterm-kitty', SCOPEPILOT_IMAGES: 'none' }, noTmux).mode).toBe('none');
  });

  it('the display: kitty pictures only when pictures are on; --no-images, TERM=dumb and NO_COLOR still mean text', () => {
    const k = displayFromEnv({}, { TERM: 'xterm-kitty' }, noTmux);
    expect(k.images).toBe(true);
    expect(k.kitty).toBeInstanceOf(KittyImages);
    expect(k.kitty?.tmux).toBe(false);
    expect(displayFromEnv({}, { TERM: 'tmux-256color', TMUX: '/t,1,0' }, () => kittyClient).kitty?.tmux).toBe(true);
    expect(displayFromEnv({}, { TERM: 'xterm-256color' }, noTmux)).toEqual({ images: true, color: true });
    expect(displayFromEnv({ noImages: true }, { TERM: 'xterm-kitty' }, noTmux)).toEqual({ images: false, color: true });
    expect(displayFromEnv({}, { TERM: 'xterm-kitty', NO_COLOR: '1', SCOPEPILOT_IMAGES: 'kitty' }, noTmux)).toEqual({
      images: false,
      color: false,
    });
    expect(displayFromEnv({}, { TERM: 'dumb', SCOPEPILOT_IMAGES: 'kitty' }, noTmux)).toEqual({ images: false, color: false });
    expect(displayFromEnv({}, { TERM: 'xterm-kitty', SCOPEPILOT_IMAGES: 'none' }, noTmux)).toEqual({ images: false, color: true });
  });
});

describe('thumbnail in kitty mode', () => {
  async function png(name: string) {
    const dir = await mkdtemp(join(tmpdir(), 'sp-kthumb-'));
    const p = join(dir, name);
    await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 200, g: 30, b: 30 } } })
      .png()
      .toFile(p);
    return p;
  }
  const ESC = '\u001B';
  const strip = (s: string) => s.replace(new RegExp(`${ESC}\\[[0-9;]*m`, 'g'), '');
  /** Terminal columns of a frame line: placeholder cells and plain characters count one, combining marks none. */
  const columns = (line: string) => [...strip(line)].filter((c) => !/^\p{Mn}$/u.test(c)).length;

  it('draws the placeholder grid in the thumbnail’s box after sending the picture once', async () => {
    const path = await png('cell.png');
    const written: string[] = [];
    const kitty = new KittyImages({ write: (s) => written.push(s), firstId: 0x0a0b0c });
    const t = render(<Thumb path={path} caption="image" width={24} height={7} />, { images: true, color: true, kitty });
    await t.waitForText(PLACEHOLDER);
    expect(written).toHaveLength(1);
    expect(written[0]?.startsWith(`${ESC}_Ga=T,f=100,U=1,i=658188,c=24,r=7,C=1,q=2,m=0;iVBORw0KGgo`)).toBe(true);
    const lines = t.frame().split('\n');
    const grid = placeholderRows(0x0a0b0c, 24, 7);
    expect(lines.slice(0, 7).map(strip)).toEqual(grid.map(strip));
    for (const line of lines.slice(0, 7)) {
      expect(line).toContain(`${ESC}[38;2;10;11;12m`);
      expect(columns(line)).toBe(24);
    }
    expect(lines[7]).toBe('image');
    // a re-render with the same picture sends nothing again
    t.rerender(<Thumb path={path} caption="image, again" width={24} height={7} />);
    await t.waitForText('image, again');
    expect(written).toHaveLength(1);
  });

  it('puts image and overlay side by side within 80 columns, one picture each', async () => {
    const a = await png('image.png');
    const b = await png('overlay.png');
    const written: string[] = [];
    const kitty = new KittyImages({ write: (s) => written.push(s), firstId: 500 });
    const t = render(
      <Box>
        <Thumb path={a} caption="image" width={24} height={7} />
        <Box marginLeft={1}>
          <Thumb path={b} caption="overlay" width={24} height={7} />
        </Box>
      </Box>,
      { images: true, color: true, kitty },
    );
    await t.waitForText(/overlay/);
    await t.waitForText(`${ESC}[38;2;0;1;245m`); // id 501, the overlay
    await t.waitForText(`${ESC}[38;2;0;1;244m`); // id 500, the image
    expect(written).toHaveLength(2);
    const lines = t.frame().split('\n');
    for (const line of lines.slice(0, 7)) {
      expect(strip(line).split(PLACEHOLDER)).toHaveLength(49); // 24 + 24 cells
      expect(columns(line)).toBe(49); // 24, a space, 24
    }
    expect(lines[7]).toMatch(/^image\s+overlay$/);
  });

  it('falls back to the caption and path when the file cannot be read', async () => {
    const kitty = new KittyImages({ write: () => undefined, firstId: 1 });
    const t = render(<Thumb path="/nonexistent/x.png" caption="image" width={24} height={7} />, { images: true, color: true, kitty });
    await t.waitForText('/nonexistent/x.png');
    expect(t.frame()).toContain('[image]');
    expect(t.frame()).not.toContain(PLACEHOLDER);
  });
});
