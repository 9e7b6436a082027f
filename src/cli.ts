#!/usr/bin/env node
/**
 * scopepilot: the command-line entry point. A thin shell: it finds the command, loads only that
 * command's module (so `segment` never loads the terminal UI), and turns errors into messages.
 */
import { setFlagsFromString } from 'node:v8';
import { Command } from 'commander';
import { COMMANDS } from './commands/index.js';
import { BugError, UserError } from './engine/errors.js';
import { restartWithGcFlag, wantsGcRestart, watchParent } from './reexec.js';
import { VERSION } from './version.js';

/** Commands that spend their time in pixel loops over many images. */
const PIXEL_COMMANDS = new Set(['segment', 'run', 'measure', 'qc']);

/**
 * Compile hot functions on the thread that runs them instead of a background thread. A batch
 * command's few dozen pixel loops each run hundreds of thousands of iterations on the first
 * image: waiting a few ms for the optimised code beats interpreting while a background compiler
 * competes for the same two cores. Measured on the 50 BBBC039 images with 2 lanes: 2.38 s -> 2.02 s
 * of CPU (hyperfine, 8 runs). Must run before worker threads start (V8 flags are per process).
 */
function tuneForPixelWork(): void {
  if (process.env.SCOPEPILOT_V8_DEFAULTS === '1') return;
  setFlagsFromString('--no-concurrent-osr');
  setFlagsFromString('--no-concurrent-recompilation');
  // feedback from the first call, so the first image's loops can be optimised at all
  setFlagsFromString('--no-lazy-feedback-allocation');
}

function topLevel(): Command {
  const program = new Command('scopepilot')
    .description('Turn a folder of microscopy images into answers the way a careful image analyst would.')
    .version(VERSION, '-V, --version')
    .addHelpText('after', '\nRun `scopepilot <command> --help` for the options of one command.');
  for (const c of COMMANDS) program.command(c.name).description(c.summary);
  return program;
}

async function main(argv: string[]): Promise<number> {
  const args = argv.slice(2);
  const name = args[0];
  const entry = name === undefined ? undefined : COMMANDS.find((c) => c.name === name);
  if (!entry) {
    const wizard = COMMANDS.find((c) => c.name === 'wizard');
    if (wizard && name === undefined) {
      const cmd = (await wizard.load()).build();
      await cmd.parseAsync([], { from: 'user' });
      return Number(process.exitCode ?? 0);
    }
    const program = topLevel();
    if (name === undefined) {
      program.outputHelp();
      return 0;
    }
    await program.parseAsync(argv);
    return Number(process.exitCode ?? 0);
  }
  if (wantsGcRestart(entry.name) && !args.includes('--help') && !args.includes('-h')) return restartWithGcFlag();
  watchParent();
  if (PIXEL_COMMANDS.has(entry.name)) tuneForPixelWork();
  const cmd = (await entry.load()).build();
  cmd.name(`scopepilot ${entry.name}`);
  cmd.exitOverride();
  try {
    await cmd.parseAsync(args.slice(1), { from: 'user' });
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'commander.helpDisplayed' || code === 'commander.version') return 0;
    if (typeof code === 'string' && code.startsWith('commander.')) return 2;
    throw err;
  }
  return Number(process.exitCode ?? 0);
}

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof UserError) {
      process.stderr.write(`scopepilot: ${err.message}\n${err.hint ? `  what to do: ${err.hint}\n` : ''}`);
      process.exitCode = 2;
    } else {
      const e = err instanceof Error ? err : new BugError(String(err));
      process.stderr.write(
        `scopepilot: unexpected error (this is a bug, please report it with the lines below)\n${e.stack ?? e.message}\n`,
      );
      process.exitCode = 70;
    }
  },
);
