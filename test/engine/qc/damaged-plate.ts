/**
 * A test plate made from BBBC039 fields (../shared/data), some damaged the way real screens go
 * wrong: out of focus, saturated, empty, bright debris, uneven illumination, lossy / 8-bit / RGB
 * exports. Written to a temp folder at test time; the shared data is never copied into the repo.
 */
import { readdirSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { readPlane } from '../../../src/engine/io/read.js';
import { encodeTiff } from '../../../src/engine/io/tiff-write.js';
import { gaussian } from '../../../src/engine/ops/gaussian.js';
import { otsuThreshold } from '../../../src/engine/ops/threshold/otsu.js';
import { rng } from '../../../src/engine/results/stats-math.js';
import type { Plane } from '../../../src/engine/types.js';
import { BBBC039 } from '../../helpers/shared-data.js';

export type Damage = 'blur' | 'saturation' | 'empty' | 'debris' | 'illumination' | 'lossy' | '8bit' | 'rgb';
export interface PlateField {
  path: string;
  /** undefined for a normal field */
  damage?: Damage;
  /** the QC reason (check name) that must flag it */
  expected?: string;
}

function gauss(r: () => number): number {
  return Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r());
}

function stats(p: Plane): { bg: number; bgSd: number; fg: number } {
  const t = otsuThreshold(p.data);
  const fg: number[] = [];
  const bg: number[] = [];
  for (let i = 0; i < p.data.length; i += 7) (p.data[i]! > t ? fg : bg).push(p.data[i]!);
  fg.sort((a, b) => a - b);
  bg.sort((a, b) => a - b);
  const med = (a: number[]): number => a[a.length >> 1] ?? 0;
  const bgm = med(bg);
  const dev = bg.map((v) => Math.abs(v - bgm)).sort((a, b) => a - b);
  return { bg: bgm, bgSd: 1.4826 * med(dev), fg: med(fg) };
}

function clip12(v: number): number {
  return Math.max(0, Math.min(4095, Math.round(v)));
}

/** Apply one damage to a 12-bit plane (returns a new Uint16 plane). */
export function damage(p: Plane, kind: Exclude<Damage, 'lossy' | '8bit' | 'rgb'>, seed = 1): Plane {
  const { width: w, height: h } = p;
  const out = new Uint16Array(w * h);
  const s = stats(p);
  const r = rng(seed);
  if (kind === 'blur') {
    const g = gaussian(p, 4);
    for (let i = 0; i < out.length; i++) out[i] = clip12(g.data[i]!);
  } else if (kind === 'saturation') {
    for (let i = 0; i < out.length; i++) out[i] = clip12(s.bg + (p.data[i]! - s.bg) * 10);
  } else if (kind === 'empty') {
    for (let i = 0; i < out.length; i++) out[i] = clip12(s.bg + s.bgSd * gauss(r));
  } else if (kind === 'debris') {
    out.set(p.data);
    const peak = 12 * (s.fg - s.bg); // far brighter than nuclei; cores clip at 4095 as real debris does
    for (let k = 0; k < 12; k++) {
      const cx = 20 + r() * (w - 40);
      const cy = 20 + r() * (h - 40);
      const sig = 2 + r() * 2.5;
      for (let y = Math.floor(cy - 4 * sig); y <= cy + 4 * sig; y++) {
        for (let x = Math.floor(cx - 4 * sig); x <= cx + 4 * sig; x++) {
          const d2 = (x - cx) ** 2 + (y - cy) ** 2;
          const i = y * w + x;
          out[i] = clip12(Math.max(out[i]!, s.bg + peak * Math.exp(-d2 / (2 * sig * sig))));
        }
      }
    }
  } else {
    // illumination: light falls off to 20% towards the left edge (vignetting / misaligned lamp)
    for (let y = 0, i = 0; y < h; y++) {
      for (let x = 0; x < w; x++, i++) {
        const g = 0.2 + 0.8 * (x / (w - 1)) ** 0.7;
        out[i] = clip12(s.bg * 0.8 + (p.data[i]! - s.bg * 0.8) * g);
      }
    }
  }
  return { width: w, height: h, data: out, bitDepth: 12 };
}

/** 8-bit copy scaled min..max (what "export as 8-bit" does). */
function to8bit(p: Plane): Buffer {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of p.data) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const out = Buffer.alloc(p.data.length);
  for (let i = 0; i < out.length; i++) out[i] = Math.round(((p.data[i]! - lo) / (hi - lo)) * 255);
  return out;
}

/**
 * Write the plate: `normal` untouched fields (as 16-bit TIFF) plus one field per damage kind, each
 * made from a different source field (`rotate` shifts which source fields are used). Returns every
 * field with its expected QC reason.
 */
export async function makeDamagedPlate(dir: string, normal = 14, rotate = 0): Promise<PlateField[]> {
  await mkdir(dir, { recursive: true });
  const names = readdirSync(join(BBBC039, 'images'))
    .filter((n) => n.endsWith('.tif'))
    // F22_s6 is genuinely saturated in BBBC039 (0.28% of pixels at 4095): QC rightly flags it, so it
    // is no "normal" source field. (Measured with scopepilot qc on the original.)
    .filter((n) => !n.startsWith('IXMtest_F22_s6'))
    // F13_s7 is genuinely empty (noise only) in BBBC039: no normal source either.
    .filter((n) => !n.startsWith('IXMtest_F13_s7'))
    .sort();
  const fields: PlateField[] = [];
  const kinds: [Damage, string][] = [
    ['blur', 'blur'],
    ['saturation', 'saturation'],
    ['empty', 'empty'],
    ['debris', 'debris'],
    ['illumination', 'illumination'],
    ['lossy', 'format'],
    ['8bit', 'format'],
    ['rgb', 'format'],
  ];
  for (let k = 0; k < normal + kinds.length; k++) {
    const src = join(BBBC039, 'images', names[(k + rotate) % names.length]!);
    const p = await readPlane(src);
    const base = names[(k + rotate) % names.length]!.split('_w1')[0]!;
    if (k < normal) {
      const path = join(dir, `${base}_normal.tif`);
      await writeFile(path, encodeTiff([{ width: p.width, height: p.height, data: p.data as Uint16Array }]));
      fields.push({ path });
      continue;
    }
    const [kind, expected] = kinds[k - normal]!;
    let path: string;
    if (kind === 'lossy') {
      path = join(dir, `${base}_${kind}.jpg`);
      await sharp(to8bit(p), { raw: { width: p.width, height: p.height, channels: 1 } })
        .jpeg({ quality: 70 })
        .toFile(path);
    } else if (kind === '8bit') {
      path = join(dir, `${base}_${kind}.tif`);
      await writeFile(path, encodeTiff([{ width: p.width, height: p.height, data: new Uint8Array(to8bit(p)) }]));
    } else if (kind === 'rgb') {
      path = join(dir, `${base}_${kind}.png`);
      const g = to8bit(p);
      const rgb = Buffer.alloc(g.length * 3);
      for (let i = 0; i < g.length; i++) rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = g[i]!;
      await sharp(rgb, { raw: { width: p.width, height: p.height, channels: 3 } })
        .png()
        .toFile(path);
    } else {
      path = join(dir, `${base}_${kind}.tif`);
      const d = damage(p, kind, k);
      await writeFile(path, encodeTiff([{ width: d.width, height: d.height, data: d.data as Uint16Array }]));
    }
    fields.push({ path, damage: kind, expected });
  }
  return fields;
}
