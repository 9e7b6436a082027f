/**
 * `scopepilot subset DIR`: the representative subset the wizard would prototype on, with the
 * reason for every pick. Reads the feature channel of at most max(48, 6n) images.
 */
import { Command, InvalidArgumentError } from 'commander';
import { count, stderrProgress } from './scan.js';

interface Options {
  n: number;
  seed: number;
  channel?: string;
  pattern?: string;
  plateMap?: string;
  json?: boolean;
  progress?: boolean;
}

function positive(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('--n must be a whole number of at least 1');
  return n;
}

async function action(dir: string, o: Options): Promise<void> {
  const { pickSubset, requireImages, scanFolder } = await import('../engine/dataset/index.js');
  const { UserError } = await import('../engine/errors.js');
  const progress = stderrProgress(o.progress !== false && !o.json);
  const scan = await scanFolder(dir, {
    ...(o.pattern ? { pattern: o.pattern } : {}),
    ...(o.plateMap ? { plateMap: o.plateMap } : {}),
    probeSets: 0,
    onProgress: progress.onProgress,
  });
  requireImages(scan);
  if (o.channel && !scan.channels.includes(o.channel))
    throw new UserError(`--channel ${o.channel} is not in the folder`, `choose one of: ${scan.channels.join(', ')}`);
  const picks = await pickSubset(scan, {
    n: o.n,
    seed: o.seed,
    ...(o.channel ? { channel: o.channel } : {}),
    onProgress: progress.onProgress,
  });
  progress.end();
  if (o.json) {
    const byId = new Map(scan.imageSets.map((s) => [s.id, s] as const));
    const rows = picks.map((p) => ({ ...p, meta: byId.get(p.imageSetId)?.meta, channels: byId.get(p.imageSetId)?.channels }));
    process.stdout.write(`${JSON.stringify({ root: scan.root, n: o.n, seed: o.seed, picks: rows }, null, 2)}\n`);
    return;
  }
  process.stdout.write(`${picks.length} of ${scan.imageSets.length} image sets in ${scan.root} (seed ${o.seed}):\n`);
  const w = Math.max(...picks.map((p) => p.imageSetId.length));
  for (const p of picks) process.stdout.write(`  ${p.imageSetId.padEnd(w)}  ${p.role === 'design' ? 'design ' : 'variety'}  ${p.reason}\n`);
}

export function build(): Command {
  return new Command('subset')
    .description('Pick a small set of images that represents the whole experiment, and say why each was picked')
    .argument('[dir]', 'folder with the images (never written to)', '.')
    .option('--n <n>', 'how many image sets', positive, 8)
    .option('--seed <n>', 'random seed (same seed, same picks)', count('--seed'), 1)
    .option('--channel <name>', 'channel whose pixels give the image features (default: the DNA-looking one)')
    .option('--pattern <preset|regex>', 'naming preset id or regular expression (as in `scopepilot scan`)')
    .option('--plate-map <csv>', 'plate map CSV: picks then cover the conditions')
    .option('--json', 'print the picks with their metadata and features as JSON')
    .option('--no-progress', 'no progress line on stderr')
    .action(action);
}
