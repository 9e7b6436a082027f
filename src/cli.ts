#!/usr/bin/env node
/**
 * scopepilot: the command-line entry point. A thin shell: it finds the command, loads only that
 * command's module (so `segment` never loads the terminal UI), and turns errors into messages.
 */
import { Command } from 'commander';
import { COMMANDS } from './commands/index.js';
import { BugError, UserError } from './engine/errors.js';
import { exposeGc, tuneForPixelWork } from './engine/jit.js';
import { restartWithGcFlag, wantsGcRestart, watchParent } from './reexec.js';
import { VERSION } from './version.js';

/** Commands that spend their time in pixel loops over many images. */
const PIXEL_COMMANDS = new Set(['segment', 'run', 'measure', 'qc']);
/** Commands that read whole result tables: their garbage is collected as they go (engine/jit.ts). */
const TABLE_COMMANDS = new Set(['report', 'merge']);

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
  if (TABLE_COMMANDS.has(entry.name)) exposeGc();
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

// output piped into a reader that stopped (`scopepilot scan DIR --json | head`): stop quietly, as
// Unix tools do, instead of a stack trace; what was written to files is complete
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
});

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
