/**
 * `scopepilot scan DIR`: what a folder holds (naming convention, plates, wells, sites,
 * channels, formats, bit depth, pixel size) and what is wrong with it, before any analysis.
 * Reads names and a sample of headers only; never writes anything.
 */
import { Command, InvalidArgumentError } from 'commander';

interface Options {
  json?: boolean;
  pattern?: string;
  plateMap?: string;
  probe?: number;
  presets?: boolean;
  progress?: boolean;
}

export function count(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${name} must be a whole number (0 or more)`);
    return n;
  };
}

/** Progress on stderr for interactive terminals only (JSON and pipes stay clean). */
export function stderrProgress(enabled: boolean) {
  const tty = process.stderr.isTTY === true && enabled;
  let last = 0;
  return {
    onProgress: (p: { done: number; total: number; label?: string }) => {
      if (!tty) return;
      const now = Date.now();
      if (p.done < p.total && now - last < 80) return;
      last = now;
      process.stderr.write(`\r${p.label ?? 'working'}: ${p.done}/${p.total}\x1b[K`);
    },
    end: () => {
      if (tty) process.stderr.write('\r\x1b[K');
    },
  };
}

async function action(dir: string, o: Options): Promise<void> {
  const { listPresets, scanFolder } = await import('../engine/dataset/index.js');
  if (o.presets) {
    process.stdout.write(
      listPresets()
        .map((p) => `${p.id.padEnd(15)} ${p.name}\n${''.padEnd(15)} e.g. ${p.example}\n`)
        .join(''),
    );
    return;
  }
  const progress = stderrProgress(o.progress !== false && !o.json);
  const scan = await scanFolder(dir, {
    ...(o.pattern ? { pattern: o.pattern } : {}),
    ...(o.plateMap ? { plateMap: o.plateMap } : {}),
    ...(o.probe !== undefined ? { probeSets: o.probe } : {}),
    onProgress: progress.onProgress,
  });
  progress.end();
  if (o.json) process.stdout.write(`${JSON.stringify(scan, null, 2)}\n`);
  else {
    const { formatScan } = await import('./scan-format.js');
    process.stdout.write(formatScan(scan));
  }
  if (scan.imageSets.length === 0) process.exitCode = 1;
}

export function build(): Command {
  return new Command('scan')
    .description('Show what a folder of images holds (plates, wells, sites, channels, formats) and what is wrong with it')
    .argument('[dir]', 'folder with the microscope export (searched recursively; never written to)', '.')
    .option(
      '--pattern <preset|regex>',
      'naming: a preset id (see --presets) or a regular expression with named groups, e.g. (?<well>[A-P]\\d{2})',
    )
    .option('--plate-map <csv>', 'plate map CSV (Metadata_Well plus condition, treatment, dose ... columns) to join')
    .option('--probe <n>', 'image sets whose headers are read (spread over the folder; default 24, 0 = none)', count('--probe'))
    .option('--presets', 'list the built-in naming presets and exit')
    .option('--json', 'print the full inventory as JSON (every file, image set and problem)')
    .option('--no-progress', 'no progress line on stderr')
    .addHelpText('after', '\nExit code 1 when no image sets were found. Label/mask folders (labels/, masks/) are skipped as ground truth.')
    .action(action);
}
