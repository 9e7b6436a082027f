/**
 * Synthetic fluorescence fields for the demo plate: elliptical nuclei (some touching) with a
 * DNA channel and a marker channel (nuclear + dim cytoplasm), optics blur, vignetting, shot and
 * read noise, a 12-bit camera; plus the ground-truth instance labels. Deterministic per seed.
 */
import { gaussianF32 } from '../ops/gaussian.js';
import type { Labels } from '../types.js';
import type { Rng } from './random.js';

export interface FieldSpec {
  width: number;
  height: number;
  /** Number of nuclei to place (fewer when the field is too crowded). */
  nuclei: number;
  /** Mean nucleus radius in pixels (area = pi r^2). */
  radius: number;
  /** Mean DNA level above background (camera counts). */
  dnaLevel: number;
  /** Mean nuclear marker level above background. */
  markerLevel: number;
  /** Optics blur sigma in pixels (an out-of-focus field has a large one). */
  blur: number;
  /** Exposure multiplier (a saturated field has a large one). */
  gain: number;
  /** Place a bright piece of debris. */
  debris: boolean;
}

export interface Field {
  dna: Uint16Array;
  marker: Uint16Array;
  labels: Labels;
  /** Per placed nucleus: area in pixels and marker level (ground truth). */
  areas: number[];
  markers: number[];
}

const CAMERA_MAX = 4095;
const BACKGROUND = 300;
const READ_NOISE = 6;

interface Nucleus {
  x: number;
  y: number;
  a: number;
  b: number;
  cos: number;
  sin: number;
  dna: number;
  marker: number;
}

function place(spec: FieldSpec, r: Rng): Nucleus[] {
  const out: Nucleus[] = [];
  let tries = 0;
  while (out.length < spec.nuclei && tries < spec.nuclei * 60) {
    tries++;
    const rad = Math.max(3, spec.radius * (1 + 0.12 * r.normal()));
    const e = 1 + 0.25 * r.next();
    const th = r.next() * Math.PI;
    // every fifth nucleus is placed touching the previous one (a clump to split)
    let x: number;
    let y: number;
    const prev = out[out.length - 1];
    if (prev && out.length % 5 === 0) {
      const ang = r.next() * 2 * Math.PI;
      const d = (Math.sqrt(prev.a * prev.b) + rad) * 0.92;
      x = prev.x + d * Math.cos(ang);
      y = prev.y + d * Math.sin(ang);
    } else {
      x = r.next() * spec.width;
      y = r.next() * spec.height;
    }
    if (x < 0 || y < 0 || x >= spec.width || y >= spec.height) continue;
    const ok = out.every((n) => Math.hypot(n.x - x, n.y - y) > 0.9 * (Math.sqrt(n.a * n.b) + rad));
    if (!ok) continue;
    out.push({
      x,
      y,
      a: rad * e,
      b: rad / e,
      cos: Math.cos(th),
      sin: Math.sin(th),
      dna: spec.dnaLevel * Math.exp(0.15 * r.normal()),
      marker: spec.markerLevel * Math.exp(0.2 * r.normal()),
    });
  }
  return out;
}

/** Render one field. */
export function renderField(spec: FieldSpec, r: Rng): Field {
  const { width: w, height: h } = spec;
  const n = w * h;
  const nuclei = place(spec, r);
  const owner = new Int32Array(n);
  const bestD = new Float32Array(n).fill(Number.POSITIVE_INFINITY);
  const cyto = new Float32Array(n);
  for (let k = 0; k < nuclei.length; k++) {
    const q = nuclei[k]!;
    const reach = Math.ceil(q.a * 1.8) + 1;
    const x0 = Math.max(0, Math.floor(q.x - reach));
    const x1 = Math.min(w - 1, Math.ceil(q.x + reach));
    const y0 = Math.max(0, Math.floor(q.y - reach));
    const y1 = Math.min(h - 1, Math.ceil(q.y + reach));
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        const dx = x + 0.5 - q.x;
        const dy = y + 0.5 - q.y;
        const u = (dx * q.cos + dy * q.sin) / q.a;
        const v = (-dx * q.sin + dy * q.cos) / q.b;
        const d2 = u * u + v * v;
        const i = y * w + x;
        if (d2 < 1 && d2 < bestD[i]!) {
          bestD[i] = d2;
          owner[i] = k + 1;
        } else if (d2 < 3.2) {
          const c = 0.22 * q.marker;
          if (c > cyto[i]!) cyto[i] = c;
        }
      }
    }
  }
  // compact ids 1..count in placement order; areas per object
  const area = new Float64Array(nuclei.length + 1);
  for (let i = 0; i < n; i++) area[owner[i]!]!++;
  const remap = new Int32Array(nuclei.length + 1);
  const areas: number[] = [];
  const markers: number[] = [];
  for (let k = 1; k <= nuclei.length; k++) {
    if (area[k]! > 0) {
      areas.push(area[k]!);
      markers.push(nuclei[k - 1]!.marker);
      remap[k] = areas.length;
    }
  }
  const labels = new Int32Array(n);
  const dnaSig = new Float32Array(n);
  const markSig = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const k = owner[i]!;
    if (k > 0) {
      labels[i] = remap[k]!;
      const q = nuclei[k - 1]!;
      dnaSig[i] = q.dna * (1 - 0.35 * bestD[i]!);
      markSig[i] = q.marker;
    } else markSig[i] = cyto[i]!;
  }
  if (spec.debris) {
    // an irregular bright clump of dust, not a nucleus (absent from the labels)
    for (let j = 0; j < 4; j++) {
      const cx = w * (0.3 + 0.4 * r.next());
      const cy = h * (0.3 + 0.4 * r.next());
      const rad = 7 + 6 * r.next();
      for (let y = Math.max(0, Math.floor(cy - rad)); y < Math.min(h, cy + rad); y++)
        for (let x = Math.max(0, Math.floor(cx - rad)); x < Math.min(w, cx + rad); x++)
          if ((x - cx) ** 2 + (y - cy) ** 2 < rad * rad) {
            dnaSig[y * w + x] = 3.2 * spec.dnaLevel;
            markSig[y * w + x] = 2.5 * spec.markerLevel;
          }
    }
  }
  return {
    dna: camera(gaussianF32(dnaSig, w, h, spec.blur), w, h, spec.gain, r),
    marker: camera(gaussianF32(markSig, w, h, spec.blur), w, h, spec.gain, r),
    labels: { width: w, height: h, data: labels, count: areas.length },
    areas,
    markers,
  };
}

/** Vignetting, background, shot and read noise, 12-bit clipping. */
function camera(sig: Float32Array, w: number, h: number, gain: number, r: Rng): Uint16Array {
  const out = new Uint16Array(w * h);
  const cx = w / 2;
  const cy = h / 2;
  const rmax2 = cx * cx + cy * cy;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      const vig = 1 - 0.35 * (((x - cx) ** 2 + (y - cy) ** 2) / rmax2);
      const mean = vig * gain * (BACKGROUND + sig[i]!);
      // shot (Poisson ~ Gaussian, variance = mean) and read noise in one draw
      const v = mean + Math.sqrt(mean + READ_NOISE * READ_NOISE) * r.normal();
      out[i] = v <= 0 ? 0 : v >= CAMERA_MAX ? CAMERA_MAX : Math.round(v);
    }
  }
  return out;
}
