/**
 * PNG previews: the image with automatic contrast (0.5th to 99.5th percentile mapped to black and
 * white, as Fiji's "Auto" does with 0.35% saturation), optionally with object outlines drawn in
 * colour. Used by the wizard's thumbnails and the run's previews/ folder.
 */
import type { Labels, Plane } from '../types.js';

export interface PreviewOptions {
  /** Object outlines to draw (same size as the plane). */
  labels?: Labels;
  /** Output width in pixels (height keeps the aspect ratio); default the plane's width. */
  width?: number;
  /** Outline colour as '#rrggbb' or [r, g, b]; default yellow '#ffd400'. */
  outlineColor?: string | [number, number, number];
  /** Contrast percentiles; default [0.5, 99.5]. */
  percentiles?: [number, number];
}

/** The values at percentiles `lo` and `hi` (0..100) of a plane. Integer data: exact, by histogram; float: from a sample. */
export function percentileRange(plane: Plane, lo = 0.5, hi = 99.5): [number, number] {
  const d = plane.data;
  const n = d.length;
  if (n === 0) return [0, 1];
  if (d instanceof Float32Array) {
    const step = Math.max(1, Math.floor(n / 200_000));
    const s: number[] = [];
    for (let i = 0; i < n; i += step) if (Number.isFinite(d[i]!)) s.push(d[i]!);
    if (s.length === 0) return [0, 1];
    s.sort((a, b) => a - b);
    const at = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.round((p / 100) * (s.length - 1))))]!;
    return [at(lo), at(hi)];
  }
  const hist = new Uint32Array(d instanceof Uint8Array ? 256 : 65536);
  for (let i = 0; i < n; i++) hist[d[i]!]!++;
  const find = (p: number) => {
    const target = (p / 100) * (n - 1);
    let acc = 0;
    for (let v = 0; v < hist.length; v++) {
      acc += hist[v]!;
      if (acc > target) return v;
    }
    return hist.length - 1;
  };
  return [find(lo), find(hi)];
}

function parseColor(c: PreviewOptions['outlineColor']): [number, number, number] {
  if (Array.isArray(c)) return c;
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(c ?? '#ffd400');
  if (!m) return [255, 212, 0];
  return [Number.parseInt(m[1]!, 16), Number.parseInt(m[2]!, 16), Number.parseInt(m[3]!, 16)];
}

/**
 * Render a plane as an 8-bit PNG with percentile auto-contrast; with `labels`, draw each object's
 * outline (its pixels that touch another label or background, 4-neighbourhood, at output size).
 * A constant image renders black. Never modifies its inputs.
 */
export async function renderPreview(plane: Plane, opts: PreviewOptions = {}): Promise<Buffer> {
  const sharp = await loadSharp();
  const { width: w, height: h } = plane;
  const [p0, p1] = opts.percentiles ?? [0.5, 99.5];
  const [lo, hiRaw] = percentileRange(plane, p0, p1);
  const hi = hiRaw > lo ? hiRaw : lo + 1;
  const ow = Math.max(1, Math.round(opts.width ?? w));
  const oh = Math.max(1, Math.round((h * ow) / w));
  let g: Uint8Array;
  if (ow <= w && oh <= h) g = shrinkToGray(plane, ow, oh, lo, 255 / (hi - lo));
  else {
    // enlarging (tiny images): sharp's interpolation
    const gray = shrinkToGray(plane, w, h, lo, 255 / (hi - lo));
    const r = await sharp(gray, { raw: { width: w, height: h, channels: 1 } })
      .resize(ow, oh, { fit: 'fill' })
      .toColourspace('b-w')
      .raw()
      .toBuffer();
    g = new Uint8Array(r.buffer, r.byteOffset, r.length);
  }
  const rgb = new Uint8Array(ow * oh * 3);
  for (let i = 0, j = 0; i < ow * oh; i++, j += 3) rgb[j] = rgb[j + 1] = rgb[j + 2] = g[i]!;
  if (opts.labels) drawOutlines(rgb, ow, oh, opts.labels, parseColor(opts.outlineColor));
  // level 3: 5% larger files than level 6 at less than half the time (6.6 vs 16 ms for 512 px)
  return sharp(rgb, { raw: { width: ow, height: oh, channels: 3 } })
    .png({ compressionLevel: 3 })
    .toBuffer();
}

let sharpModule: Promise<typeof import('sharp')> | undefined;
async function loadSharp(): Promise<typeof import('sharp').default> {
  sharpModule ??= import('sharp');
  return (await sharpModule).default;
}

/**
 * Contrast-stretch a plane to 8 bits at `ow` x `oh` (at most its own size), each output pixel the
 * mean of the source pixels whose centres fall in it (area averaging, as Fiji's "Averaging when
 * downsizing"). By hand rather than with sharp's resize: one pass over the 16-bit data does the
 * stretch and the shrink together, where sharp would need a full-size 8-bit copy first and a hop
 * to its thread pool; in the runner's workers that was 33 ms of a 50 ms preview, now about 5 ms.
 */
function shrinkToGray(plane: Plane, ow: number, oh: number, lo: number, scale: number): Uint8Array {
  const { width: w, height: h, data } = plane;
  const out = new Uint8Array(ow * oh);
  const colOf = new Int32Array(w);
  const perCol = new Float64Array(ow);
  for (let x = 0; x < w; x++) {
    const c = Math.min(ow - 1, Math.floor((x * ow) / w));
    colOf[x] = c;
    perCol[c] = perCol[c]! + 1;
  }
  const acc = new Float64Array(ow);
  let rows = 0;
  let oy = 0;
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let x = 0; x < w; x++) {
      const c = colOf[x]!;
      acc[c] = acc[c]! + data[row + x]!;
    }
    rows++;
    const next = y + 1 < h ? Math.min(oh - 1, Math.floor(((y + 1) * oh) / h)) : -1;
    if (next === oy) continue;
    const o = oy * ow;
    for (let c = 0; c < ow; c++) {
      const v = (acc[c]! / (perCol[c]! * rows) - lo) * scale;
      out[o + c] = v <= 0 || Number.isNaN(v) ? 0 : v >= 255 ? 255 : Math.round(v);
      acc[c] = 0;
    }
    rows = 0;
    oy = next;
  }
  return out;
}

function drawOutlines(rgb: Uint8Array, ow: number, oh: number, labels: Labels, [r, g, b]: [number, number, number]): void {
  const { width: lw, height: lh, data: ld } = labels;
  // nearest-neighbour label at output resolution
  const xs = new Int32Array(ow);
  for (let x = 0; x < ow; x++) xs[x] = Math.min(lw - 1, Math.floor(((x + 0.5) * lw) / ow));
  const lab = new Int32Array(ow * oh);
  for (let y = 0; y < oh; y++) {
    const row = Math.min(lh - 1, Math.floor(((y + 0.5) * lh) / oh)) * lw;
    for (let x = 0; x < ow; x++) lab[y * ow + x] = ld[row + xs[x]!]!;
  }
  for (let y = 0; y < oh; y++) {
    for (let x = 0; x < ow; x++) {
      const i = y * ow + x;
      const v = lab[i]!;
      if (v === 0) continue;
      const edge =
        x === 0 ||
        y === 0 ||
        x === ow - 1 ||
        y === oh - 1 ||
        lab[i - 1] !== v ||
        lab[i + 1] !== v ||
        lab[i - ow] !== v ||
        lab[i + ow] !== v;
      if (edge) {
        rgb[i * 3] = r;
        rgb[i * 3 + 1] = g;
        rgb[i * 3 + 2] = b;
      }
    }
  }
}
