import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { WizardApp } from '../../src/screens/App.js';
import { initialState, newSession } from '../../src/wizard/reducer.js';
import { WizardStore } from '../../src/wizard/store.js';
import type { Session } from '../../src/wizard/types.js';
import { fakeEngine } from '../wizard/fake-engine.js';
import { CATALOG } from '../wizard/fixtures.js';
import { render } from './render.js';

function setup() {
  const fake = fakeEngine();
  const saved: Session[] = [];
  const store = new WizardStore(
    fake.engine,
    initialState(newSession({ id: 't', input: '/data', out: '/tmp/out', demo: false, now: 'T0' }), CATALOG),
    {
      save: async (s) => saved.push(s),
    },
  );
  const r = render(<WizardApp store={store} />);
  return { ...r, store, fake, saved };
}

afterEach(() => cleanup());

describe('wizard screens', () => {
  it('the question step shows the recommendation, why, the implication, and a footer from the keymap', async () => {
    const t = setup();
    await t.waitForText('What do you want to learn?');
    const f = t.frame();
    expect(f).toContain('Count objects');
    expect(f).toContain('(suggested)');
    expect(f).toMatch(/We suggest this because counting/);
    expect(f).toMatch(/A 20% change needs measurement error well below 20%/);
    expect(f).toMatch(/Enter accept/);
    expect(f).toMatch(/Esc back/);
    expect(f).toMatch(/\? help/);
    expect(f).toMatch(/q save & quit/);
  });

  it('→ changes the highlighted setting, ? shows the expert terms, Enter goes to the data step with the plate grid', async () => {
    const t = setup();
    await t.waitForText('Count objects');
    await t.press('right');
    await t.waitForText('Size and shape');
    expect(t.frame()).toContain('(changed)');
    await t.press('?');
    await t.waitForText('detection/count');
    await t.press('?');
    await t.press('enter');
    await t.waitForText('Your images');
    await t.waitForText('Plate P1');
    const f = t.frame();
    expect(f).toContain('24 image sets');
    expect(f).toMatch(/A\s+2\s+2/); // wells A01, A02 with 2 images each
    expect(f).toContain('DNA channel');
    expect(f).toContain('DAPI');
  });

  it('QC is blind until c; x excludes or keeps the highlighted image; Esc goes back', async () => {
    const t = setup();
    await t.waitForText('Count objects');
    await t.press('enter');
    await t.waitForText('Plate P1');
    await t.press('enter');
    await t.waitForText('P1_A02_s1');
    await t.press('enter');
    await t.waitForText('Image quality');
    await t.waitForText('out of focus');
    expect(t.frame()).toContain('condition hidden');
    expect(t.frame()).not.toContain('DMSO');
    await t.press('c');
    await t.waitForText('DMSO');
    await t.press('tab');
    await t.waitForText('x exclude/keep');
    await t.press('down');
    await t.press('x');
    await t.waitForText(/P1_A02_s1 \[kept\]/);
    await t.press('esc');
    await t.waitForText('A small set of images');
  });

  it('e edits a text setting (pixel size); Enter stores it as a number and marks it changed', async () => {
    const t = setup();
    await t.waitForText('Count objects');
    await t.press('enter');
    await t.waitForText('Plate P1');
    for (let i = 0; i < 3; i++) await t.press('down');
    await t.waitForText('e edit');
    await t.press('e');
    await t.waitForText(/Pixel size \(µm\):/);
    expect(t.frame()).toMatch(/Enter save\s+Esc cancel/);
    await t.press('0.65');
    await t.waitForText('0.65');
    await t.press('enter');
    await t.waitForText(/Pixel size \(µm\)\s+0\.65\s+\(changed\)/);
    expect(t.store.state.session.values.data?.pixelSize).toBe(0.65);
  });

  it('q saves the session at the current step', async () => {
    const t = setup();
    await t.waitForText('Count objects');
    await t.press('enter');
    await t.waitForText('Plate P1');
    await t.press('q');
    expect((await t.store.closed).phase).toBe('quit');
    await t.store.flush();
    expect(t.saved.at(-1)?.step).toBe('data');
  });

  it('Enter alone reaches Done, which names the output folder, previews METHODS.md and says how to re-run', async () => {
    const t = setup();
    for (const title of [
      'What do you want',
      'Your images',
      'A small set',
      'Image quality',
      'Cleaning up',
      'Finding the nuclei',
      'What to measure',
      'Comparing',
      'Analyse every image',
    ]) {
      await t.waitForText(title);
      await t.waitForText('Enter accept');
      await t.press('enter');
    }
    await t.waitForText('Re-run: scopepilot run');
    expect(t.frame()).toContain('Outputs: /tmp/out');
    expect(t.frame()).toContain('── METHODS.md ──');
    expect(t.frame()).toContain('Re-run: scopepilot run /tmp/out/recipe.json');
    await t.press('enter');
    expect((await t.store.closed).phase).toBe('finished');
  });
});
