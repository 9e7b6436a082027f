/**
 * `scopepilot run` starts itself once more with V8's garbage collector on the JavaScript threads
 * only (--single-threaded-gc). The runner keeps every core busy with worker threads; V8's
 * background GC threads then compete with them for the same cores. On 200 BBBC039 image sets
 * (2 cores): 1 worker 25.8-27.1 s instead of 28.0-29.1 s, 2 workers 13.3-14.7 s instead of
 * 15.3-17.5 s. The flag can only be given at start-up (setting it later crashes V8), hence the
 * second process. SCOPEPILOT_V8_DEFAULTS=1 turns this off.
 */
import { spawn } from 'node:child_process';

const FLAG = '--single-threaded-gc';

/** True when this process should hand the command over to a child started with FLAG. */
export function wantsGcRestart(command: string): boolean {
  return command === 'run' && !process.execArgv.includes(FLAG) && process.env.SCOPEPILOT_V8_DEFAULTS !== '1';
}

/**
 * Run the same command line in a child process with FLAG; resolves with its exit code. The child
 * shares the terminal (progress bar, Ctrl-C); signals sent to this process alone are passed on
 * (the run counts signals that arrive together, as from a terminal or scancel, as one); if this
 * process is killed outright, the child notices the closed channel and stops too.
 */
export function restartWithGcFlag(): Promise<number> {
  const child = spawn(process.execPath, [FLAG, ...process.execArgv, ...process.argv.slice(1)], {
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, SCOPEPILOT_PARENT_WATCH: '1' },
  });
  const forward = (sig: NodeJS.Signals) => () => child.kill(sig);
  const onInt = forward('SIGINT');
  const onTerm = forward('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  return new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      resolve(code ?? (signal === 'SIGINT' || signal === 'SIGTERM' ? 130 : 1));
    });
    child.on('error', (err) => {
      process.stderr.write(
        `scopepilot: could not start the run's process: ${err.message}\n  what to do: rerun with SCOPEPILOT_V8_DEFAULTS=1 (runs in this process, without the GC setting)\n`,
      );
      resolve(70);
    });
  });
}

/** In the child: stop when the parent is gone (killed with -9), so no orphan goes on writing. */
export function watchParent(): void {
  if (process.env.SCOPEPILOT_PARENT_WATCH !== '1' || !process.channel) return;
  process.channel.unref();
  process.on('disconnect', () => process.exit(137));
}
