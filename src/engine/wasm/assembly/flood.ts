// Flooding kernels: the bucket-queue watershed and hole filling. The algorithms and their
// references are documented beside their JavaScript wrappers (src/engine/ops/watershed.ts,
// src/engine/ops/fill-holes.ts); these are the same loops over the module's memory.

@inline function i32At(base: usize, i: i32): i32 {
  return load<i32>(base + (<usize>i << 2));
}

@inline function setI32(base: usize, i: i32, v: i32): void {
  store<i32>(base + (<usize>i << 2), v);
}

/** Queue pixel j at its level (bucket lists head/tail/next); returns the lowest queued level. */
@inline function enqueue(j: i32, lv: i32, current: i32, head: usize, tail: usize, next: usize): i32 {
  setI32(next, j, -1);
  const t = i32At(tail, lv);
  if (t === -1) setI32(head, lv, j);
  else setI32(next, t, j);
  setI32(tail, lv, j);
  return lv < current ? lv : current;
}

@inline function flood(j: i32, l: i32, current: i32, out: usize, mask: usize, levels: usize, head: usize, tail: usize, next: usize): i32 {
  if (i32At(out, j) !== 0) return current;
  if (mask !== 0 && load<u8>(mask + <usize>j) === 0) return current;
  setI32(out, j, l);
  return enqueue(j, i32At(levels, j), current, head, tail, next);
}

/**
 * Watershed on integer levels 0..nLevels-1 (lower first; ties first in, first out) from the
 * labelled markers (i32), within `mask` (u8, or 0 for none). head/tail: nLevels i32 each; next
 * and out: w x h i32. Returns the largest marker label.
 */
export function watershedLevels(
  levels: usize,
  nLevels: i32,
  markers: usize,
  mask: usize,
  out: usize,
  head: usize,
  tail: usize,
  next: usize,
  w: i32,
  h: i32,
): i32 {
  const n = w * h;
  memory.fill(out, 0, <usize>n << 2);
  memory.fill(head, 0xff, <usize>nLevels << 2);
  memory.fill(tail, 0xff, <usize>nLevels << 2);
  let current = nLevels;
  let count = 0;
  for (let i = 0; i < n; i++) {
    const l = i32At(markers, i);
    if (l === 0 || (mask !== 0 && load<u8>(mask + <usize>i) === 0)) continue;
    setI32(out, i, l);
    if (l > count) count = l;
    current = enqueue(i, i32At(levels, i), current, head, tail, next);
  }
  for (;;) {
    while (current < nLevels && i32At(head, current) === -1) current++;
    if (current >= nLevels) break;
    const i = i32At(head, current);
    const nx = i32At(next, i);
    setI32(head, current, nx);
    if (nx === -1) setI32(tail, current, -1);
    const l = i32At(out, i);
    const x = i % w;
    // neighbours in raster order: up, left, right, down
    if (i >= w) current = flood(i - w, l, current, out, mask, levels, head, tail, next);
    if (x > 0) current = flood(i - 1, l, current, out, mask, levels, head, tail, next);
    if (x < w - 1) current = flood(i + 1, l, current, out, mask, levels, head, tail, next);
    if (i < n - w) current = flood(i + w, l, current, out, mask, levels, head, tail, next);
  }
  return count;
}

/**
 * Fill holes: `out` (u8) = 1 except background reachable from the image border through
 * 4-connected background of `mask` (u8). `stack`: i32 scratch of w x h + 2 (w + h) entries.
 */
export function fillHoles(mask: usize, out: usize, stack: usize, w: i32, h: i32): void {
  const n = w * h;
  memory.fill(out, 1, <usize>n);
  let sp = 0;
  for (let x = 0; x < w; x++) {
    setI32(stack, sp++, x);
    setI32(stack, sp++, (h - 1) * w + x);
  }
  for (let y = 1; y < h - 1; y++) {
    setI32(stack, sp++, y * w);
    setI32(stack, sp++, y * w + w - 1);
  }
  while (sp > 0) {
    const i = i32At(stack, --sp);
    if (load<u8>(mask + <usize>i) !== 0 || load<u8>(out + <usize>i) === 0) continue;
    const row = i - (i % w);
    let a = i;
    while (a > row && load<u8>(mask + <usize>(a - 1)) === 0 && load<u8>(out + <usize>(a - 1)) === 1) a--;
    let b = i;
    while (b < row + w - 1 && load<u8>(mask + <usize>(b + 1)) === 0 && load<u8>(out + <usize>(b + 1)) === 1) b++;
    memory.fill(out + <usize>a, 0, <usize>(b - a + 1));
    for (let side = 0; side < 2; side++) {
      const off = side === 0 ? -w : w;
      const r2 = row + off;
      if (r2 < 0 || r2 >= n) continue;
      let inRun = false;
      for (let j = a + off; j <= b + off; j++) {
        const free = load<u8>(mask + <usize>j) === 0 && load<u8>(out + <usize>j) === 1;
        if (free && !inRun) setI32(stack, sp++, j);
        inRun = free;
      }
    }
  }
}

/** Pixel count per label (i32 labels, n pixels) into `areas` (maxLabel + 1 i32, zeroed here). */
export function labelAreas(labels: usize, n: i32, areas: usize, maxLabel: i32): void {
  memory.fill(areas, 0, <usize>(maxLabel + 1) << 2);
  for (let i = 0; i < n; i++) {
    const l = i32At(labels, i);
    setI32(areas, l, i32At(areas, l) + 1);
  }
}

/** out[i] = map[labels[i]] over n pixels (i32 throughout). */
export function relabel(labels: usize, map: usize, out: usize, n: i32): void {
  for (let i = 0; i < n; i++) setI32(out, i, i32At(map, i32At(labels, i)));
}

/** The largest value of n i32 labels (at least `floor`). */
export function maxLabel(labels: usize, n: i32, floor: i32): i32 {
  let m = floor;
  for (let i = 0; i < n; i++) {
    const l = i32At(labels, i);
    if (l > m) m = l;
  }
  return m;
}
