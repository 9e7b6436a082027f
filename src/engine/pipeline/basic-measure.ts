/**
 * Basic per-object measurements, used only when the measure layer (measureObjects) is not in
 * the build: area, centroid, and mean / integrated intensity per channel, with CellProfiler
 * names. One pass over the pixels; no allocation per pixel.
 */
import type { Labels, Plane } from '../types.js';

/** Row-major object table: rows[i] is object i+1. */
export interface BasicTable {
  columns: string[];
  rows: number[][];
}

/**
 * Measure every object of `labels` (1..count). Columns: ObjectNumber, AreaShape_Area (px),
 * Location_Center_X/Y (px, pixel centres at integer coordinates),
 * Intensity_MeanIntensity_<ch>, Intensity_IntegratedIntensity_<ch> (raw values).
 * Planes of another size than the labels are skipped.
 */
export function basicMeasure(labels: Labels, channels: Record<string, Plane>): BasicTable {
  const n = labels.count;
  const { width, data } = labels;
  const area = new Float64Array(n + 1);
  const sx = new Float64Array(n + 1);
  const sy = new Float64Array(n + 1);
  for (let i = 0; i < data.length; i++) {
    const l = data[i]!;
    if (l <= 0) continue;
    area[l]!++;
    sx[l]! += i % width;
    sy[l]! += Math.floor(i / width);
  }
  const names = Object.keys(channels).filter((c) => channels[c]!.width === labels.width && channels[c]!.height === labels.height);
  const sums = names.map((c) => {
    const s = new Float64Array(n + 1);
    const px = channels[c]!.data;
    for (let i = 0; i < data.length; i++) {
      const l = data[i]!;
      if (l > 0) s[l]! += px[i]!;
    }
    return s;
  });
  const columns = ['ObjectNumber', 'AreaShape_Area', 'Location_Center_X', 'Location_Center_Y'];
  for (const c of names) columns.push(`Intensity_MeanIntensity_${c}`, `Intensity_IntegratedIntensity_${c}`);
  const rows: number[][] = [];
  for (let l = 1; l <= n; l++) {
    const a = area[l]!;
    const row = [l, a, a ? sx[l]! / a : 0, a ? sy[l]! / a : 0];
    for (const s of sums) row.push(a ? s[l]! / a : 0, s[l]!);
    rows.push(row);
  }
  return { columns, rows };
}
