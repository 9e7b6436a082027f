/**
 * Turning the engine's folder scan (and a header probe of one image) into the wizard's
 * ScanFacts: wells with counts and conditions, format problems with their consequence in
 * plain words, pixel size, plate map. Pure apart from looking for a plate map file.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ProbePort, ScanResultPort } from './ports.js';
import type { ScanFacts } from './types.js';

/** What a format problem means for the analysis, and what to do. */
export const CONSEQUENCE: Record<string, string> = {
  lossy: 'JPEG compression changes intensities; re-export as 16-bit TIFF if you can',
  '8bit-export': 'intensities are clipped and compressed; re-export as 16-bit TIFF if you can',
  'rgb-export': 'colour export mixes channels; export each channel as 16-bit grayscale TIFF',
  clipped: 'saturated pixels hide real differences in brightness; reduce exposure at the microscope',
  'no-pixel-size': 'sizes will be in pixels unless you type the pixel size below',
  unreadable: 'these images cannot be analysed; copy them again from the microscope export',
  empty: 'empty files are skipped',
};

/** Whether a well is a control: a plate-map control column, or a control-like condition name. */
export const isControl = (c: string | undefined, extra: Record<string, string> | undefined) =>
  /^(1|true|yes|control|ctrl|neg|pos)$/i.test(extra?.control ?? '') || /^(dmso|control|ctrl|mock|untreated|neg)/i.test(c ?? '');

/** A plate map CSV lying in the input folder, if any. */
export function findPlateMap(dir: string): string | undefined {
  return ['platemap.csv', 'plate-map.csv', 'plate_map.csv', 'platemap.CSV'].map((n) => join(dir, n)).find((p) => existsSync(p));
}

export function scanFacts(scan: ScanResultPort, probe: ProbePort | undefined): ScanFacts {
  const wells = new Map<string, ScanFacts['wells'][number]>();
  for (const s of scan.imageSets) {
    const plate = s.meta.plate ?? scan.plates[0] ?? 'plate';
    const well = s.meta.well;
    if (!well) continue;
    const k = `${plate}/${well}`;
    const cur = wells.get(k);
    if (cur) cur.count++;
    else
      wells.set(k, {
        plate,
        well,
        count: 1,
        ...(s.meta.condition ? { condition: s.meta.condition } : {}),
        control: isControl(s.meta.condition, s.meta.extra),
      });
  }
  const problems: ScanFacts['problems'] = scan.problems.map((p) => ({
    message: p.message,
    ...(p.hint || (p.code && CONSEQUENCE[p.code]) ? { consequence: p.hint ?? CONSEQUENCE[p.code!] } : {}),
    level: p.level === 'fail' || p.severity === 'error' ? 'fail' : 'warn',
  }));
  let format: string | undefined;
  let bitDepth: number | undefined;
  let pixelSizeUm: number | undefined = scan.imageSets.find((s) => s.meta.pixelSizeUm)?.meta.pixelSizeUm;
  if (probe) {
    format = probe.format;
    bitDepth = probe.bitDepth;
    pixelSizeUm ??= probe.pixelSizeUm;
    for (const p of probe.problems) {
      if (problems.some((x) => x.message === p.message)) continue;
      problems.push({
        message: p.message,
        consequence: CONSEQUENCE[p.code] ?? p.hint ?? '',
        level: p.code === 'unreadable' ? 'fail' : 'warn',
      });
    }
  }
  const plateMapPath = findPlateMap(scan.root);
  return {
    root: scan.root,
    presetId: scan.preset.id,
    presetName: scan.preset.name,
    confidence: scan.preset.confidence,
    presets: [{ id: scan.preset.id, name: scan.preset.name }],
    channels: scan.channels,
    imageSetCount: scan.imageSets.length,
    plates: scan.plates,
    wells: [...wells.values()],
    conditions: [...new Set(scan.imageSets.map((s) => s.meta.condition).filter((c): c is string => !!c))].sort(),
    problems,
    ...(pixelSizeUm ? { pixelSizeUm } : {}),
    ...(plateMapPath ? { plateMapPath } : {}),
    ...(format ? { format } : {}),
    ...(bitDepth ? { bitDepth } : {}),
  };
}
