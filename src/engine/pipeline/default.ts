/**
 * defaultRecipe: the recipe that accepting every recommendation in the wizard gives for a
 * scanned folder and a question. Mirrors the wizard's recommendations (src/wizard/recommend.ts,
 * src/wizard/steps.ts) for what can be known from the scan alone; recommendations that need
 * the subset previews (estimated diameter, background) stay 'auto' / 'none' here.
 */
import { UserError } from '../errors.js';
import { parseRecipe, QUESTION_TYPES, RECIPE_VERSION, type Recipe } from './recipe.js';

/** The part of a scan (dataset/scanFolder ScanResult) a default recipe needs. */
export interface ScanLike {
  root: string;
  preset?: { id: string; name?: string; confidence?: number };
  channels: string[];
  wells?: string[];
  plates?: string[];
  /** A plate map found or given (path, or an object with a path). */
  plateMap?: unknown;
  plateMapPath?: string;
  pixelSizeUm?: number;
  summary?: { pixelSizeUm?: number };
}

/** Channel names that look like a DNA stain (same rule as the wizard's DNA channel recommendation). */
const DNA_NAMES = /dapi|hoechst|dna|nuc|draq5|syto|w1|ch0?1\b|c0?1\b|blue/i;

function plateMapPath(scan: ScanLike): string | undefined {
  if (typeof scan.plateMapPath === 'string' && scan.plateMapPath) return scan.plateMapPath;
  const pm = scan.plateMap;
  if (typeof pm === 'string' && pm) return pm;
  if (pm && typeof pm === 'object' && typeof (pm as { path?: unknown }).path === 'string') return (pm as { path: string }).path;
  return undefined;
}

function hasControls(scan: ScanLike): boolean {
  const pm = scan.plateMap as { rows?: { control?: unknown }[]; controls?: unknown[] } | undefined;
  if (!pm || typeof pm !== 'object') return false;
  if (Array.isArray(pm.controls) && pm.controls.length > 0) return true;
  return Array.isArray(pm.rows) && pm.rows.some((r) => r.control === true || r.control === 'true' || r.control === 1);
}

/**
 * The recipe every recommendation gives. `question` is one of count, size, intensity, coloc,
 * phenotype (default count). Validated with the schema, so it is a complete Recipe.
 */
export function defaultRecipe(scan: ScanLike, o: { question?: string } = {}): Recipe {
  const q = o.question && o.question.length > 0 ? o.question : 'count';
  if (!(QUESTION_TYPES as readonly string[]).includes(q))
    throw new UserError(`unknown question "${q}"`, `choose one of ${QUESTION_TYPES.join(', ')}`);
  if (scan.channels.length === 0)
    throw new UserError(`no channels were found in ${scan.root}`, 'check the folder and the file naming preset');
  const dna = scan.channels.find((c) => DNA_NAMES.test(c)) ?? scan.channels[0]!;
  const marker = scan.channels.find((c) => c !== dna);
  const compartment = q === 'intensity' || q === 'coloc' ? 'nucleus' : undefined;
  // the wizard asks for cell outlines only for phenotypes or a compartment beyond the nucleus (default: nucleus)
  const cells = q === 'phenotype' ? (marker ? 'propagate' : 'expand') : 'none';
  const effect = 20;
  const unit = (scan.wells?.length ?? 0) > 1 ? 'well' : 'image';
  const pm = plateMapPath(scan);
  const pixelSizeUm = scan.pixelSizeUm ?? scan.summary?.pixelSizeUm;
  return parseRecipe({
    version: RECIPE_VERSION,
    input: {
      root: scan.root,
      ...(scan.preset?.id ? { preset: scan.preset.id } : {}),
      ...(pm ? { plateMap: pm } : {}),
      channels: { dna, ...(marker ? { marker } : {}) },
      ...(pixelSizeUm ? { pixelSizeUm } : {}),
    },
    question: {
      type: q,
      ...(compartment ? { compartment } : {}),
      expectedEffectPct: effect,
      toleratedErrorPct: Math.max(1, Math.round(effect / 3)),
      unit,
    },
    stages: {
      qc: { policy: 'exclude-fail' },
      preprocess: { background: 'none', smoothing: 'auto' },
      objects: { nuclei: { diameter: 'auto', threshold: 'otsu-sqrt', declump: 'shape', sizeFilter: 'auto' }, cells },
      measure: {
        shape: true,
        intensity: q === 'intensity' || q === 'coloc' || q === 'phenotype' || marker !== undefined,
        texture: q === 'phenotype',
        coloc: q === 'coloc',
      },
    },
    statistics: { unit, normalisation: hasControls(scan) ? 'percent-of-control' : 'none' },
  });
}
