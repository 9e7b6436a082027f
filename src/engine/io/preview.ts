/**
 * PNG previews: the image with automatic contrast (0.5th to 99.5th percentile mapped to black and
 * white, as Fiji's "Auto" does with 0.35% saturation), optionally with object outlines drawn in
 * colour. Used by the wizard's thumbnails and the run's previews/ folder.
 */
import type { Labels, Plane } from '../types.js';
import { encodePalettePng } from './png-encode.js';
import { loadSharp } from './sharp-load.js';

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
  const bins = d instanceof Uint8Array ? 256 : 65536;
  // four histograms interleaved, value v counted at 4v .. 4v + 3 in turn, so that a run of equal
  // values does not wait on one counter: measured 0.8-1.5 -> 0.7-1.1 ms for a 696 x 520 plane
  // (median ratio 0.76-0.93 in five interleaved A/B runs)
  const hist = new Uint32Array(4 * bins);
  const n4 = n - (n % 4);
  let i = 0;
  for (; i < n4; i += 4) {
    hist[d[i]! << 2]!++;
    hist[(d[i + 1]! << 2) | 1]!++;
    hist[(d[i + 2]! << 2) | 2]!++;
    hist[(d[i + 3]! << 2) | 3]!++;
  }
  for (; i < n; i++) hist[d[i]! << 2]!++;
  // both percentiles in one walk, without a closure (a call to one deoptimised the histogram loop
  // on every preview)
  const targetLo = (lo / 100) * (n - 1);
  const targetHi = (hi / 100) * (n - 1);
  let vLo = -1;
  let vHi = -1;
  let acc = 0;
  for (let v = 0; v < bins && (vLo < 0 || vHi < 0); v++) {
    const k = v << 2;
    acc += hist[k]! + hist[k + 1]! + hist[k + 2]! + hist[k + 3]!;
    if (vLo < 0 && acc > targetLo) vLo = v;
    if (vHi < 0 && acc > targetHi) vHi = v;
  }
  return [vLo < 0 ? bins - 1 : vLo, vHi < 0 ? bins - 1 : vHi];
}

function parseColor(c: PreviewOptions['outlineColor']): [number, number, number] {
  if (Array.isArray(c)) return c;
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(c ?? '#ffd400');
  if (!m) return [255, 212, 0];
  return [Number.parseInt(m[1]!, 16), Number.parseInt(m[2]!, 16), Number.parseInt(m[3]!, 16)];
}

/**
 * Render a plane as a palette PNG (see previewPalette) with percentile auto-contrast; with
 * `labels`, draw each object's outline (its pixels that touch another label or background,
 * 4-neighbourhood, at output size). A constant image renders black. Never modifies its inputs.
 */
export async function renderPreview(plane: Plane, opts: PreviewOptions = {}): Promise<Buffer> {
  const { width: w, height: h } = plane;
  const [p0, p1] = opts.percentiles ?? [0.5, 99.5];
  const [lo, hiRaw] = percentileRange(plane, p0, p1);
  const hi = hiRaw > lo ? hiRaw : lo + 1;
  const ow = Math.max(1, Math.round(opts.width ?? w));
  const oh = Math.max(1, Math.round((h * ow) / w));
  const scale = GREY_TOP / (hi - lo);
  let g: Uint8Array;
  if (ow <= w && oh <= h) g = shrinkToGray(plane, ow, oh, lo, hi, scale);
  else {
    // enlarging (tiny images): sharp's interpolation, kept to the grey indices
    const sharp = await loadSharp();
    const gray = shrinkToGray(plane, w, h, lo, hi, scale);
    const r = await sharp(gray, { raw: { width: w, height: h, channels: 1 } })
      .resize(ow, oh, { fit: 'fill' })
      .toColourspace('b-w')
      .raw()
      .toBuffer();
    g = new Uint8Array(r.buffer, r.byteOffset, r.length);
    for (let i = 0; i < g.length; i++) if (g[i]! > GREY_TOP) g[i] = GREY_TOP;
  }
  if (opts.labels) drawOutlines(g, ow, oh, opts.labels);
  return encodePalettePng(ow, oh, g, previewPalette(parseColor(opts.outlineColor)));
}

/**
 * Previews are palette PNGs (io/png-encode.ts): indices 0..254 are a grey ramp from black to
 * white, index 255 is the outline colour. 255 grey levels instead of 256 differ by less than
 * half a level anywhere, which no eye sees in a preview.
 */
const GREY_TOP = 254;
const OUTLINE = 255;

function previewPalette([r, g, b]: [number, number, number]): Uint8Array {
  const pal = new Uint8Array(768);
  for (let i = 0; i <= GREY_TOP; i++) pal[i * 3] = pal[i * 3 + 1] = pal[i * 3 + 2] = Math.round((i * 255) / GREY_TOP);
  pal[OUTLINE * 3] = r;
  pal[OUTLINE * 3 + 1] = g;
  pal[OUTLINE * 3 + 2] = b;
  return pal;
}

/**
 * Contrast-stretch a plane to grey indices 0..GREY_TOP at `ow` x `oh` (at most its own size),
 * each output pixel the mean of the source pixels whose centres fall in it (area averaging, as
 * Fiji's "Averaging when downsizing"). By hand rather than with sharp's resize: one pass over the
 * 16-bit data does the stretch and the shrink together, where sharp would need a full-size 8-bit
 * copy first and a hop to its thread pool; in the runner's workers that was 33 ms of a 50 ms
 * preview, now 2-3 ms for a 696 x 520 image.
 */
function shrinkToGray(plane: Plane, ow: number, oh: number, lo: number, hi: number, scale: number): Uint8Array {
  const { width: w, height: h, data } = plane;
  // its table has 4 (hi - lo) + 1 entries, each computed as a pixel is here: only when that is
  // less than half the output
  if (!(data instanceof Float32Array) && w <= 2 * ow && h <= 2 * oh && 4 * (hi - lo) < (ow * oh) / 2) {
    return shrinkByTwoToGray(data, w, h, ow, oh, lo, hi, scale);
  }
  const out = new Uint8Array(ow * oh);
  // output column c covers source columns start[c] .. start[c + 1] - 1 (at least one when shrinking)
  const start = new Int32Array(ow + 1);
  const perCol = new Float64Array(ow);
  for (let x = w - 1; x >= 0; x--) {
    const c = Math.min(ow - 1, Math.floor((x * ow) / w));
    start[c] = x;
    perCol[c] = perCol[c]! + 1;
  }
  start[ow] = w;
  const acc = new Float64Array(ow);
  let rows = 0;
  let oy = 0;
  for (let y = 0; y < h; y++) {
    const row = y * w;
    // each output column's pixels summed in a local first, then added to acc[c]
    for (let c = 0; c < ow; c++) {
      let sum = 0;
      const end = row + start[c + 1]!;
      for (let i = row + start[c]!; i < end; i++) sum += data[i]!;
      acc[c] = acc[c]! + sum;
    }
    rows++;
    const next = y + 1 < h ? Math.min(oh - 1, Math.floor(((y + 1) * oh) / h)) : -1;
    if (next === oy) continue;
    const o = oy * ow;
    for (let c = 0; c < ow; c++) {
      const v = (acc[c]! / (perCol[c]! * rows) - lo) * scale;
      // (v + 0.5) | 0 rounds as Math.round does for 0 < v < GREY_TOP and gives 0 for NaN; with
      // Math.round and Number.isNaN this loop took 4 ms of a preview, now 1 ms
      out[o + c] = v <= 0 ? 0 : v >= GREY_TOP ? GREY_TOP : (v + 0.5) | 0;
      acc[c] = 0;
    }
    rows = 0;
    oy = next;
  }
  return out;
}

/**
 * `shrinkToGray` for integer planes shrunk by at most 2 in each direction (e.g. 696 x 520 to
 * 512 x 383), with the same bytes. Each output pixel covers 1 or 2 source columns and 1 or 2
 * source rows, so it is read as a 2 x 2 block whose second column and row are masked to 0 where
 * it covers one, and its count k is 1, 2 or 4: its mean sum / k is the quarter step q / 4 with
 * q = sum * 4 / k (the same double: both are the one real number, correctly rounded). The grey
 * index of every quarter step from `lo` to `hi` comes from a table made once per call, so the
 * per-pixel division and rounding are gone. Measured for 696 x 520 -> 512 x 383: 2.2-4.1 ->
 * 2.0-3.6 ms (median ratio 0.85-0.90), the whole preview 0.93x (five interleaved A/B runs each).
 * `lo` and `hi` are integers (histogram bins); below `lo` is black, above `hi` white.
 */
function shrinkByTwoToGray(
  data: Uint8Array | Uint16Array,
  w: number,
  h: number,
  ow: number,
  oh: number,
  lo: number,
  hi: number,
  scale: number,
): Uint8Array {
  const out = new Uint8Array(ow * oh);
  // output column c covers x0[c] and, if it covers two, x0[c] + 1 = x1[c] (else x1[c] = x0[c], masked)
  const x0 = new Int32Array(ow);
  const cols = new Int32Array(ow);
  for (let x = w - 1; x >= 0; x--) {
    const c = Math.min(ow - 1, Math.floor((x * ow) / w));
    x0[c] = x;
    cols[c]!++;
  }
  const x1 = new Int32Array(ow);
  const mask = new Int32Array(ow);
  // q = sum << shift: 4 / k as a power of two, for one source row (one less for two rows)
  const shift = new Int32Array(ow);
  for (let c = 0; c < ow; c++) {
    const two = cols[c]! > 1;
    x1[c] = two ? x0[c]! + 1 : x0[c]!;
    mask[c] = two ? -1 : 0;
    shift[c] = two ? 1 : 2;
  }
  // grey[j]: index of the mean (4 lo + j) / 4, by shrinkToGray's formula
  const q0 = 4 * lo;
  const top = 4 * (hi - lo);
  const grey = new Uint8Array(top + 1);
  for (let j = 0; j <= top; j++) {
    const v = ((q0 + j) / 4 - lo) * scale;
    grey[j] = v <= 0 ? 0 : v >= GREY_TOP ? GREY_TOP : (v + 0.5) | 0;
  }
  let y = 0;
  for (let oy = 0; oy < oh; oy++) {
    // source row y starts output row oy; row y + 1 belongs to it too when it maps there
    const twoRows = y + 1 < h && Math.floor(((y + 1) * oh) / h) === oy;
    const r0 = y * w;
    const r1 = twoRows ? r0 + w : r0;
    const rowMask = twoRows ? -1 : 0;
    const down = twoRows ? 1 : 0;
    const o = oy * ow;
    for (let c = 0; c < ow; c++) {
      const a = x0[c]!;
      const b = x1[c]!;
      const m = mask[c]!;
      const sum = data[r0 + a]! + (data[r0 + b]! & m) + ((data[r1 + a]! + (data[r1 + b]! & m)) & rowMask);
      const j = (sum << (shift[c]! - down)) - q0;
      out[o + c] = j <= 0 ? 0 : j >= top ? GREY_TOP : grey[j]!; // grey[0] is 0, grey[top] GREY_TOP
    }
    y += twoRows ? 2 : 1;
  }
  return out;
}

/**
 * Set the outline pixels of `labels` (scaled to ow x oh, nearest neighbour) to the OUTLINE index
 * in `index`: a labelled pixel on the border, or inside one whose 4 neighbours are not all its
 * label. Every label is read from `labels` at its sampled position, without a label image at
 * output size: measured 1.4-2.5 -> 0.9-1.4 ms at 512 x 383 (median ratio 0.56-0.63 in five
 * interleaved A/B runs).
 */
function drawOutlines(index: Uint8Array, ow: number, oh: number, labels: Labels): void {
  const { width: lw, height: lh, data: ld } = labels;
  // output pixel (x, y) shows the label at ld[rows[y] + xs[x]]
  const xs = new Int32Array(ow);
  for (let x = 0; x < ow; x++) xs[x] = Math.min(lw - 1, Math.floor(((x + 0.5) * lw) / ow));
  const rows = new Int32Array(oh);
  for (let y = 0; y < oh; y++) rows[y] = Math.min(lh - 1, Math.floor(((y + 0.5) * lh) / oh)) * lw;
  for (let y = 0; y < oh; y++) {
    const row = rows[y]!;
    const o = y * ow;
    if (y === 0 || y === oh - 1 || ow < 3) {
      for (let x = 0; x < ow; x++) if (ld[row + xs[x]!] !== 0) index[o + x] = OUTLINE;
      continue;
    }
    const up = rows[y - 1]!;
    const down = rows[y + 1]!;
    let left = ld[row + xs[0]!]!;
    let v = ld[row + xs[1]!]!;
    if (left !== 0) index[o] = OUTLINE;
    for (let x = 1; x < ow - 1; x++) {
      const right = ld[row + xs[x + 1]!]!;
      if (v !== 0 && (left !== v || right !== v || ld[up + xs[x]!] !== v || ld[down + xs[x]!] !== v)) index[o + x] = OUTLINE;
      left = v;
      v = right;
    }
    if (v !== 0) index[o + ow - 1] = OUTLINE;
  }
}
