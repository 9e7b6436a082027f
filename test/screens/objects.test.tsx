/**
 * The objects step without label images: the classical and the model outlines side by side,
 * each captioned with its method and count (the chosen method's marked), and the counts compared
 * on one line.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanup } from 'ink-testing-library';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { WizardApp } from '../../src/screens/App.js';
import { StepBody } from '../../src/screens/bodies.js';
import { initialState, newSession } from '../../src/wizard/reducer.js';
import { WizardStore } from '../../src/wizard/store.js';
import type { PreviewRef, StageFacts, WizardState } from '../../src/wizard/types.js';
import { fakeEngine } from '../wizard/fake-engine.js';
import { CATALOG, feed, play, start } from '../wizard/fixtures.js';
import { render } from './render.js';

afterEach(() => cleanup());

/** Objects facts whose one preview has both methods' outlines (PNGs written to `dir`). */
async function sideBySide(dir: string): Promise<StageFacts> {
  const png = async (name: string, r: number) => {
    const path = join(dir, name);
    await sharp({ create: { width: 32, height: 32, channels: 3, background: { r, g: 40, b: 40 } } })
      .png()
      .toFile(path);
    return path;
  };
  const classical = await png('A01_s1-classical.png', 200);
  const model = await png('A01_s1-model.png', 90);
  const preview: PreviewRef = {
    id: 'A01_s1',
    png: await png('A01_s1.png', 10),
    overlayPng: classical,
    caption: 'image',
    stats: { nuclei: 96 },
    methods: [
      { method: 'classical', png: classical, count: 96 },
      { method: 'model', png: model, count: 102 },
    ],
  };
  return {
    previews: [preview],
    summary: ['Compare the outlines: classical 96 nuclei, model 102 (+6%) on 1 image', '96-96 nuclei per image on 1 images (classical).'],
    recommend: {},
  };
}

/** The wizard at the objects step, with the side-by-side objects facts. */
async function atObjects(): Promise<{ state: WizardState; dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'sp-pair-'));
  const facts = await sideBySide(dir);
  const s = play(feed(start()), ...Array<'accept'>(5).fill('accept'));
  expect(s.session.step).toBe('objects');
  return { state: { ...s, facts: { ...s.facts, objects: { key: s.facts.objects?.key ?? '', value: facts } } }, dir };
}

describe('objects step, no label images', () => {
  it('pictures on: both outlines side by side, captioned with method and count, and the count comparison', async () => {
    const { state } = await atObjects();
    const t = render(<StepBody state={state} />, { images: true, color: true });
    await t.waitForText('▄');
    // both thumbnails drawn (no placeholder left), their captions on one row, in this order; the
    // chosen method (classical, the default without label images) marked, fitted to 24 columns
    await t.waitForText(/✓ classical: 96 \(chosen\) +model: 102 nuclei/);
    expect(t.frame()).not.toContain('drawing…');
    expect(t.frame()).not.toMatch(/^image\b/m);
    expect(t.frame()).toContain('classical 96 nuclei, model 102 (+6%)');
    for (const line of t.frame().split('\n')) expect(line.length).toBeLessThanOrEqual(80);
  });

  it('pictures off (--no-images): both captions and both PNG paths, side by side', async () => {
    const { state, dir } = await atObjects();
    const t = render(<StepBody state={state} />);
    await t.waitForText(/\[✓ classical: 96 nuclei \(chosen\)\] +\[model: 102 nuclei\]/);
    expect(t.frame()).toMatch(/A01_s1-classical\.png +\S*A01_s1-model\.png/);
    expect(t.frame()).not.toContain(join(dir, 'A01_s1.png'));
    expect(t.frame()).toContain('classical 96 nuclei, model 102 (+6%)');
  });

  it('the Method setting moves the mark: → picks the model, whose outlines are then marked (chosen)', async () => {
    const facts = await sideBySide(await mkdtemp(join(tmpdir(), 'sp-pair-')));
    const fake = fakeEngine();
    fake.engine.objects = async () => facts;
    const session = newSession({ id: 't', input: '/data', out: '/tmp/out', demo: false, now: 'T0' });
    const store = new WizardStore(fake.engine, initialState(session, CATALOG), { save: async () => {} });
    const t = render(<WizardApp store={store} />);
    for (const title of ['What do you want', 'Your images', 'A small set', 'Image quality', 'Cleaning up']) {
      await t.waitForText(title);
      await t.waitForText('Enter accept');
      await t.press('enter');
    }
    await t.waitForText('Finding the nuclei');
    await t.waitForText(/\[✓ classical: 96 nuclei \(chosen\)\] +\[model: 102 nuclei\]/);
    expect(t.frame()).not.toMatch(/model: 102 nuclei \(chosen\)/);
    await t.press('right'); // Method is the highlighted setting
    await t.waitForText(/\[classical: 96 nuclei\] +\[✓ model: 102 nuclei \(chosen\)\]/);
    expect(t.frame().match(/\(chosen\)/g)).toHaveLength(1);
    expect(store.state.session.values.objects?.method).toBe('model');
  });
});
