import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanup } from 'ink-testing-library';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { displayFromEnv } from '../../src/screens/display.js';
import { plateGridLines } from '../../src/screens/PlateGrid.js';
import { completePath, type StartChoice, StartMenu } from '../../src/screens/Start.js';
import { Thumb } from '../../src/screens/Thumb.js';
import { FACTS } from '../wizard/fixtures.js';
import { render } from './render.js';

afterEach(() => cleanup());

describe('display', () => {
  it('pictures unless --no-images, TERM=dumb or NO_COLOR', () => {
    expect(displayFromEnv({}, { TERM: 'xterm-256color' })).toEqual({ images: true, color: true });
    expect(displayFromEnv({ noImages: true }, { TERM: 'xterm' }).images).toBe(false);
    expect(displayFromEnv({}, { TERM: 'dumb' })).toEqual({ images: false, color: false });
    expect(displayFromEnv({}, { TERM: 'xterm', NO_COLOR: '1' })).toEqual({ images: false, color: false });
  });
});

describe('plate grid', () => {
  it('marks wells with images by their count and empty wells with a dot', () => {
    const lines = plateGridLines(FACTS.scan.value, 'P1');
    expect(lines).toHaveLength(9);
    expect(lines[0]).toMatch(/^\s+1\s+2\s+3 .* 12$/);
    expect(lines[1]).toMatch(/^A\s+2\s+2\s+·/);
    expect(lines[8]).toMatch(/^H(\s+·){12}$/);
  });

  it('fits small terminals: only rows with images (naming the empty ones), one character per well when narrow', () => {
    const tall = plateGridLines(FACTS.scan.value, 'P1', { maxLines: 8 });
    expect(tall.length).toBeLessThan(9);
    expect(tall[1]).toMatch(/^A\s+2/);
    expect(tall.at(-1)).toMatch(/^\(rows .*–H: no images\)$/);
    const narrow = plateGridLines(FACTS.scan.value, 'P1', { maxWidth: 30 });
    expect(narrow[0]).toBe('   123456789012');
    for (const l of narrow) expect(l.length).toBeLessThanOrEqual(30);
  });
});

describe('thumbnail', () => {
  it('draws half-blocks with pictures on, and the caption and path without', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sp-thumb-'));
    const png = join(dir, 'cell.png');
    await sharp({ create: { width: 32, height: 32, channels: 3, background: { r: 200, g: 30, b: 30 } } })
      .png()
      .toFile(png);
    const a = render(<Thumb path={png} caption="image" width={8} height={4} />, { images: true, color: true });
    await a.waitForText('▄');
    expect(a.frame()).toContain('image');
    a.unmount();
    const b = render(<Thumb path={png} caption="image" width={40} height={4} />, { images: false, color: false });
    await b.waitForText('cell.png');
    expect(b.frame()).not.toContain('▄');
    expect(b.frame()).toContain('[image]');
  });
});

describe('start menu', () => {
  it('offers resume first when there is a last session; Enter picks it', async () => {
    let got: StartChoice | undefined;
    const t = render(<StartMenu last={{ input: '/data/plate1', out: '/o', stepTitle: 'Finding the nuclei' }} onDone={(c) => (got = c)} />);
    await t.waitForText('Resume: plate1 at "Finding the nuclei"');
    expect(t.frame()).toContain('Try the demo plate');
    await t.press('enter');
    await vitestWait(() => got?.kind === 'resume');
  });

  it('analyse a folder: typed path with Tab completion', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sp-start-'));
    await mkdir(join(dir, 'plate-2024'));
    expect(completePath(`${dir}/pla`)).toBe(`${dir}/plate-2024/`);
    expect(completePath(`${dir}/zzz`)).toBe(`${dir}/zzz`);
    let got: StartChoice | undefined;
    const t = render(<StartMenu onDone={(c) => (got = c)} />);
    await t.waitForText('Analyse a folder');
    await t.press('enter');
    await t.waitForText('Folder with your images');
    await t.press(`${dir}/pla`);
    await t.waitForText(`${dir}/pla`);
    await t.press('tab');
    await t.waitForText('plate-2024/');
    await t.press('enter');
    await vitestWait(() => got?.kind === 'folder');
    expect(got).toEqual({ kind: 'folder', path: `${dir}/plate-2024/` });
  });
});

async function vitestWait(pred: () => boolean) {
  const { vi } = await import('vitest');
  await vi.waitFor(() => {
    if (!pred()) throw new Error('not yet');
  });
}
