/**
 * The reference tools some tests cross-check against (Debian's python3-tifffile, ImageJ under
 * xvfb-run). A user's fresh clone may lack them: a test asks `python3Tifffile()` or `imagej()`,
 * and skips with a message when it is undefined. CI installs both.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** /usr/bin/python3 when it imports tifffile, else undefined (after a warning naming `what`). */
export function python3Tifffile(what: string): string | undefined {
  const py = '/usr/bin/python3';
  try {
    if (existsSync(py)) {
      execFileSync(py, ['-c', 'import tifffile'], { stdio: 'ignore' });
      return py;
    }
  } catch {
    // not installed: skipped below
  }
  console.warn(`python3-tifffile not installed: ${what} skipped`);
  return undefined;
}

/** ImageJ's jar when it, xvfb-run and java are there, else undefined (after a warning naming `what`). */
export function imagej(what: string): string | undefined {
  const jar = '/usr/share/java/ij.jar';
  if (existsSync(jar) && spawnSync('sh', ['-c', 'command -v xvfb-run && command -v java'], { stdio: 'ignore' }).status === 0) return jar;
  console.warn(`ImageJ not available (${jar}, xvfb-run, java): ${what} skipped`);
  return undefined;
}
