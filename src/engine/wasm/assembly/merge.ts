// The pixel passes of the neck test that re-joins over-split objects (the rule and the merge
// order are in src/engine/segment/merge.ts, which calls these).

/** Highest `dist` (f32) per label (i32 labels, n pixels) into `peak` (f32, nl + 1, zeroed here). */
export function labelPeaks(labels: usize, dist: usize, n: i32, peak: usize, nl: i32): void {
  memory.fill(peak, 0, <usize>(nl + 1) << 2);
  for (let i = 0; i < n; i++) {
    const l = load<i32>(labels + (<usize>i << 2));
    if (l <= 0) continue;
    const d = load<f32>(dist + (<usize>i << 2));
    const at = peak + (<usize>l << 2);
    if (d > load<f32>(at)) store<f32>(at, d);
  }
}

/**
 * For every pair of different labels a < b that touch (4-neighbours), the highest min(dist) over
 * their touching pixel pairs (the saddle), in an open-addressing table of `cap` = 2^bits slots:
 * keys (f64, a * stride + b, -1 = empty) and saddles (f32). Returns the number of pairs.
 */
export function neckSaddles(labels: usize, dist: usize, w: i32, h: i32, stride: i32, keys: usize, vals: usize, bits: i32): i32 {
  const cap = 1 << bits;
  const mask = cap - 1;
  for (let s = 0; s < cap; s++) store<f64>(keys + (<usize>s << 3), -1);
  let used = 0;
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let x = 0; x < w; x++) {
      const i = row + x;
      const a = load<i32>(labels + (<usize>i << 2));
      if (a === 0) continue;
      for (let side = 0; side < 2; side++) {
        if (side === 0 ? x + 1 >= w : y + 1 >= h) continue;
        const j = side === 0 ? i + 1 : i + w;
        const b = load<i32>(labels + (<usize>j << 2));
        if (b === 0 || b === a) continue;
        const da = load<f32>(dist + (<usize>i << 2));
        const db = load<f32>(dist + (<usize>j << 2));
        const v = da < db ? da : db;
        const key = a < b ? <f64>a * <f64>stride + <f64>b : <f64>b * <f64>stride + <f64>a;
        let slot = <i32>(<u32>((<i32><i64>key) * <i32>0x9e3779b1) >> (32 - bits)); // Fibonacci hashing
        for (;;) {
          const k = load<f64>(keys + (<usize>slot << 3));
          if (k === key) {
            if (v > load<f32>(vals + (<usize>slot << 2))) store<f32>(vals + (<usize>slot << 2), v);
            break;
          }
          if (k === -1) {
            store<f64>(keys + (<usize>slot << 3), key);
            store<f32>(vals + (<usize>slot << 2), v);
            used++;
            break;
          }
          slot = (slot + 1) & mask;
        }
      }
    }
  }
  return used;
}

/**
 * Relabel through `root` (i32 per label: the label it was merged into) and number the merged
 * objects 1..count in raster order of their first pixel; `map` (i32, nl + 1) is zeroed here.
 * Returns count.
 */
export function relabelRoots(labels: usize, root: usize, map: usize, out: usize, n: i32, nl: i32): i32 {
  memory.fill(map, 0, <usize>(nl + 1) << 2);
  let count = 0;
  for (let i = 0; i < n; i++) {
    const l = load<i32>(labels + (<usize>i << 2));
    if (l === 0) {
      store<i32>(out + (<usize>i << 2), 0);
      continue;
    }
    const r = load<i32>(root + (<usize>l << 2));
    let f = load<i32>(map + (<usize>r << 2));
    if (f === 0) {
      f = ++count;
      store<i32>(map + (<usize>r << 2), f);
    }
    store<i32>(out + (<usize>i << 2), f);
  }
  return count;
}
