/**
 * How many workers the memory allows. One worker per core is the default, but on a cluster node
 * with many cores and a job's memory limit, as many workers on large images would be killed for
 * running out of memory (and a rerun with the same default would be killed again). So the
 * default is also capped by the memory the run may use, and a chosen --workers that may not fit
 * is said at the start.
 */
import { totalmem } from 'node:os';
import { imageDimensions } from '../io/probe.js';
import type { ImageSet } from '../types.js';

const MB = 2 ** 20;

/**
 * Peak memory one more worker adds, measured with --workers 2, 3 and 4 on 2 cores (run.json
 * peakRssMb.images): 46-48 MB for 696 x 520 images (BBBC039, one channel); for 2048 x 2048,
 * 203-256 MB (shape only), 236-259 MB (with intensity and texture), 148-154 MB with a second
 * channel and colocalisation (8 sets: the peaks are noisy). So 30 MB plus 58 bytes per pixel,
 * above every one of these.
 */
const WORKER_BASE_BYTES = 30 * MB;
const WORKER_BYTES_PER_PIXEL = 58;
/** Each further channel: its 16-bit plane and a float copy for its measurement (above what was measured). */
const EXTRA_CHANNEL_BYTES_PER_PIXEL = 12;
/**
 * A worker that finds nuclei with the model (onnxruntime's session and tensors) needs more: per
 * extra worker 112-246 MB for 696 x 520 images (40 sets), 472 MB for 2048 x 2048 (8 sets), i.e.
 * up to about 200 MB above the classical estimate; 220 MB is added.
 */
const MODEL_WORKER_BYTES = 220 * MB;
/**
 * The main thread, the tables and the report beside the workers (63-125 MB in the same runs),
 * plus one image set's label image and plane that the main thread holds while it writes them
 * (1 worker on 2 cores): 1 worker on 2048 x 2048 images peaked at 422 MB, under this + one worker.
 */
const MAIN_BYTES = 150 * MB;
const MAIN_BYTES_PER_PIXEL = 10;

/** Estimated peak bytes of the run besides its workers, for images of `pixels` pixels. */
const mainBytes = (pixels: number) => MAIN_BYTES + MAIN_BYTES_PER_PIXEL * pixels;
/** Share of the limit the run plans to use: the rest is for the system and estimates that are short. */
const USABLE_SHARE = 0.85;

/** The memory this process may use: a cgroup limit (a SLURM job's --mem, a container's) when there is one, else the machine's. */
export function memoryLimit(): { bytes: number; source: 'limit' | 'machine' } {
  const machine = totalmem();
  const constrained = typeof process.constrainedMemory === 'function' ? Number(process.constrainedMemory() ?? 0) : 0;
  return constrained > 0 && constrained < machine ? { bytes: constrained, source: 'limit' } : { bytes: machine, source: 'machine' };
}

/** Estimated peak bytes of one worker for image sets of `width` x `height` pixels and `channels` channels (`model`: nuclei found by the model). */
export function workerBytes(width: number, height: number, channels: number, model = false): number {
  const px = width * height;
  const classical = WORKER_BASE_BYTES + px * WORKER_BYTES_PER_PIXEL + px * EXTRA_CHANNEL_BYTES_PER_PIXEL * Math.max(0, channels - 1);
  return classical + (model ? MODEL_WORKER_BYTES : 0);
}

/** How many workers of `perWorkerBytes` fit in `limitBytes` beside the rest of the run (`otherBytes`); at least 1. */
export function workersThatFit(limitBytes: number, perWorkerBytes: number, otherBytes = MAIN_BYTES): number {
  return Math.max(1, Math.floor((limitBytes * USABLE_SHARE - otherBytes) / perWorkerBytes));
}

/**
 * Width, height and channel count of an image set, or of one image file (one channel), from its
 * first file's header (no pixels read); undefined when unreadable.
 */
export async function imageSetSize(set: ImageSet | string): Promise<{ width: number; height: number; channels: number } | undefined> {
  const sources = typeof set === 'string' ? [set] : Object.values(set.channels);
  const first = sources[0];
  if (first === undefined) return undefined;
  if (typeof first !== 'string') return { width: first.width, height: first.height, channels: sources.length };
  const d = await imageDimensions(first);
  return d && d.width > 0 && d.height > 0 ? { ...d, channels: sources.length } : undefined;
}

/**
 * The number of workers for a run over `sets` (image sets, or image files for `scopepilot
 * segment`; the first one's size stands for all): `asked` (--workers) or one per core, the
 * default capped by the memory; `note` says why the default was lowered, or that `asked` may not fit.
 */
export async function planWorkers(
  sets: readonly (ImageSet | string)[],
  o: { asked?: number; cores: number; model?: boolean; limit?: { bytes: number; source: 'limit' | 'machine' } },
): Promise<{ workers: number; note?: string }> {
  const wanted = o.asked ?? o.cores;
  if (wanted <= 1 || sets.length <= 1) return { workers: wanted };
  const size = await imageSetSize(sets[0]!).catch(() => undefined);
  if (!size) return { workers: wanted };
  const limit = o.limit ?? memoryLimit();
  const each = workerBytes(size.width, size.height, size.channels, o.model);
  const fit = workersThatFit(limit.bytes, each, mainBytes(size.width * size.height));
  if (fit >= wanted) return { workers: wanted };
  const why =
    `each worker needs about ${Math.round(each / MB)} MB for ${size.width} x ${size.height} images` +
    `${size.channels > 1 ? ` with ${size.channels} channels` : ''}${o.model ? ' and the nuclei model' : ''}, and this run may use ${(limit.bytes / 2 ** 30).toFixed(1)} GB` +
    ` (${limit.source === 'limit' ? 'its memory limit, e.g. the SLURM job' : "the machine's memory"})`;
  if (o.asked === undefined)
    return {
      workers: fit,
      note: `${fit} worker${fit === 1 ? '' : 's'} instead of ${o.cores} (one per core): ${why}; --workers N to choose`,
    };
  return {
    workers: o.asked,
    note: `--workers ${o.asked} may need more memory than there is: ${why}; if the run is killed, rerun with --workers ${fit} (it resumes)`,
  };
}

/** SLURM's memory syntax (4G, 8000M, 8000 = MB) in bytes. */
export function slurmMemBytes(mem: string): number {
  const m = /^(\d+)([KMGT]?)$/i.exec(mem.trim());
  if (!m) return Number.NaN;
  const unit = { K: 2 ** 10, M: MB, G: 2 ** 30, T: 2 ** 40 }[(m[2] || 'M').toUpperCase() as 'K' | 'M' | 'G' | 'T'];
  return Number(m[1]) * unit;
}

/**
 * For `scopepilot slurm`: whether `cpus` workers per task fit in `mem` for image sets of `size`;
 * undefined when they do, else what to ask for instead.
 */
export function slurmMemoryNote(
  size: { width: number; height: number; channels: number },
  cpus: number,
  mem: string,
  model = false,
): string | undefined {
  const bytes = slurmMemBytes(mem);
  if (!Number.isFinite(bytes) || cpus <= 1) return undefined;
  const each = workerBytes(size.width, size.height, size.channels, model);
  const other = mainBytes(size.width * size.height);
  const fit = workersThatFit(bytes, each, other);
  if (fit >= cpus) return undefined;
  const needGb = Math.ceil((cpus * each + other) / USABLE_SHARE / 2 ** 30); // SLURM takes whole numbers
  return (
    `--cpus ${cpus} with --mem ${mem}: each worker needs about ${Math.round(each / MB)} MB for ${size.width} x ${size.height} images` +
    `${size.channels > 1 ? ` with ${size.channels} channels` : ''}${model ? ' and the nuclei model' : ''}, so ${fit} fit${fit === 1 ? 's' : ''}; ` +
    `ask for --mem ${needGb}G, or --cpus ${fit} (a task that runs out of memory is killed; resubmitting it resumes)`
  );
}
