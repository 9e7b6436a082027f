/**
 * `scopepilot wizard [DIR]` (and `scopepilot` with no arguments): the guided analysis. Heavy
 * modules (ink, react, the engine) are imported inside the action.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { Command } from 'commander';
import { UserError } from '../engine/errors.js';
import type { Session } from '../wizard/types.js';

interface Options {
  out?: string;
  images: boolean;
  template?: string;
  model?: string;
  demo?: boolean;
}

/** `scopepilot-<folder name>-<date>` in the current directory, numbered if taken by another analysis. */
export function defaultOutDir(input: string, now: Date, cwd: string = process.cwd()): string {
  const date = now.toISOString().slice(0, 10);
  const base = join(cwd, `scopepilot-${basename(resolve(input))}-${date}`);
  let out = base;
  for (let i = 2; existsSync(out) && !existsSync(join(out, '.scopepilot', 'session.json')); i++) out = `${base}-${i}`;
  return out;
}

/** Where the demo plate is generated on first use. */
export function demoDir(): string {
  const cache = process.env.SCOPEPILOT_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'scopepilot');
  return join(cache, 'demo-plate');
}

async function startMenu(last: Session | undefined) {
  const React = await import('react');
  const { render } = await import('ink');
  const { StartMenu } = await import('../screens/Start.js');
  const { stepSpec } = await import('../wizard/steps.js');
  let choice: import('../screens/Start.js').StartChoice = { kind: 'quit' };
  const app = render(
    React.createElement(StartMenu, {
      ...(last ? { last: { input: last.input, out: last.out, stepTitle: stepSpec(last.step).title } } : {}),
      onDone: (c) => {
        choice = c;
      },
    }),
  );
  await app.waitUntilExit();
  return choice as import('../screens/Start.js').StartChoice;
}

async function action(dir: string | undefined, opts: Options): Promise<void> {
  if (!process.stdin.isTTY) {
    throw new UserError(
      'the wizard needs an interactive terminal',
      'for scripts use `scopepilot recipe DIR --out recipe.json` and `scopepilot run recipe.json`',
    );
  }
  // Ink draws only the final frame when CI or CONTINUOUS_INTEGRATION is set (its is-in-ci check,
  // read once when ink is first imported): a person at this terminal would see a blank screen.
  // The wizard runs only on a real terminal (checked above), so draw live whatever those say.
  if (process.stdout.isTTY) {
    delete process.env.CI;
    delete process.env.CONTINUOUS_INTEGRATION;
  }
  const { lastSession, loadSession, sessionPath } = await import('../wizard/session.js');
  const { newSession } = await import('../wizard/reducer.js');
  const { createEngine, ensureDemoPlate } = await import('../wizard/engine.js');
  const template = opts.template ? await (await import('../wizard/template.js')).loadTemplate(opts.template) : undefined;

  const modelPath = opts.model ? resolve(opts.model) : undefined;
  if (modelPath && !existsSync(modelPath))
    throw new UserError(
      `model not found: ${modelPath}`,
      'give the folder or .zip of a BioImage Model Zoo package (`scopepilot model inspect PATH` checks one)',
    );
  let session: Session | undefined;
  let input: string | undefined = dir;
  let demo = opts.demo === true;
  if (input === undefined && !demo) {
    const last = await lastSession();
    const c = await startMenu(last);
    if (c.kind === 'quit') return;
    if (c.kind === 'resume') session = last;
    if (c.kind === 'demo') demo = true;
    if (c.kind === 'folder') input = c.path;
  }
  if (!session) {
    if (demo) input = await ensureDemoPlate(demoDir());
    const abs = resolve(input!);
    if (!existsSync(abs)) throw new UserError(`folder not found: ${abs}`, 'check the path (Tab completes folder names in the start menu)');
    const out = resolve(opts.out ?? defaultOutDir(demo ? 'demo' : abs, new Date()));
    if (existsSync(sessionPath(out))) {
      const prev = await loadSession(sessionPath(out));
      if (prev.input === abs) session = prev;
    }
    session ??= newSession({
      id: randomBytes(6).toString('hex'),
      input: abs,
      out,
      demo,
      now: new Date().toISOString(),
      ...(template ? { template } : {}),
      ...(modelPath ? { modelPath } : {}),
    });
  }
  // a resumed session takes the --model given now
  if (modelPath && session && session.modelPath !== modelPath) session = { ...session, modelPath };
  await runWizard(session, opts.images === false, createEngine);
}

async function runWizard(
  session: Session,
  noImages: boolean,
  createEngine: typeof import('../wizard/engine.js').createEngine,
): Promise<void> {
  const React = await import('react');
  const { render } = await import('ink');
  const { WizardApp } = await import('../screens/App.js');
  const { DisplayContext, displayFromEnv } = await import('../screens/display.js');
  const { WizardStore } = await import('../wizard/store.js');
  const { initialState } = await import('../wizard/reducer.js');
  const { saveSession, forgetLastSession } = await import('../wizard/session.js');
  const { stepSpec } = await import('../wizard/steps.js');
  const engine = createEngine({ out: session.out });
  const catalog = await engine.catalog();
  const resumed = session.status.question !== 'todo';
  let state = initialState(session, catalog);
  if (resumed) state = { ...state, ui: { ...state.ui, message: `Resumed at: ${stepSpec(session.step).title}` } };
  let lastError: string | undefined;
  const store = new WizardStore(engine, state, {
    save: (s) => saveSession(s),
    onError: (err) => {
      lastError = err instanceof Error ? err.message : String(err);
    },
  });
  await saveSession(session);
  const display = displayFromEnv({ noImages });
  const app = render(React.createElement(DisplayContext.Provider, { value: display }, React.createElement(WizardApp, { store })), {
    exitOnCtrlC: false,
  });
  // a dropped SSH connection: the session was saved after the last change; save once more and leave
  process.once('SIGHUP', () => store.dispatch({ type: 'quit' }));
  const end = await store.closed;
  await store.flush();
  app.unmount();
  await app.waitUntilExit();
  // kitty pictures live in the terminal's memory until deleted
  display.kitty?.dispose();
  if (lastError) process.stderr.write(`scopepilot: could not save everything: ${lastError}\n`);
  if (end.phase === 'finished') {
    await forgetLastSession();
    process.stdout.write(`\nOutputs: ${session.out}\nRe-run: scopepilot run ${join(session.out, 'recipe.json')}\n`);
  } else {
    process.stdout.write(`\nSaved. Run \`scopepilot\` to resume at "${stepSpec(end.session.step).title}".\n`);
  }
}

export function build(): Command {
  return new Command('wizard')
    .description('Guided analysis: from your question to a recipe, results and a methods record')
    .argument('[dir]', 'folder with the images (never written to)')
    .option('--out <dir>', 'output folder (default: scopepilot-<folder>-<date> here)')
    .option('--no-images', 'text summaries and PNG paths instead of pictures')
    .option('--template <file>', 'facility intake template (YAML)')
    .option('--model <path>', 'a BioImage Model Zoo package (folder or zip) to offer instead of the built-in model')
    .option('--demo', 'use the built-in demo plate (generated on first use)')
    .action(action);
}
