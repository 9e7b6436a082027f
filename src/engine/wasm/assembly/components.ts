// The largest distance of each 8-connected component, on runs of foreground pixels (the method
// is described in src/engine/segment/diameter.ts).

@inline function i32At(base: usize, i: i32): i32 {
  return load<i32>(base + (<usize>i << 2));
}

@inline function setI32(base: usize, i: i32, v: i32): void {
  store<i32>(base + (<usize>i << 2), v);
}

/** Root of `a` in the union-find forest `parent`, with path halving. */
@inline function root(parent: usize, a: i32): i32 {
  while (i32At(parent, a) !== a) {
    const g = i32At(parent, i32At(parent, a));
    setI32(parent, a, g);
    a = g;
  }
  return a;
}

/**
 * Peaks of `dist` (f32) per 8-connected component of `mask` (u8, w x h) into `out` (f32), in
 * order of each component's first run. Scratch: start, end, parent (i32) and peak (f32), each with
 * room for every run (at most ceil(w / 2) per row). Returns the number of components.
 */
export function componentPeaks(mask: usize, dist: usize, w: i32, h: i32, start: usize, end: usize, parent: usize, peak: usize, out: usize): i32 {
  let runs = 0;
  let prevFrom = 0;
  let prevTo = 0;
  for (let y = 0; y < h; y++) {
    const row = y * w;
    const rowFrom = runs;
    let p = prevFrom;
    let x = 0;
    while (x < w) {
      if (load<u8>(mask + <usize>(row + x)) === 0) {
        x++;
        continue;
      }
      const a = x;
      let top = load<f32>(dist + (<usize>(row + x) << 2));
      while (x + 1 < w && load<u8>(mask + <usize>(row + x + 1)) !== 0) {
        x++;
        const d = load<f32>(dist + (<usize>(row + x) << 2));
        if (d > top) top = d;
      }
      const b = x;
      x++;
      const r = runs++;
      setI32(start, r, a);
      setI32(end, r, b);
      setI32(parent, r, r);
      store<f32>(peak + (<usize>r << 2), top);
      // runs above that touch [a - 1, b + 1]; runs are in x order
      while (p < prevTo && i32At(end, p) < a - 1) p++;
      for (let q = p; q < prevTo && i32At(start, q) <= b + 1; q++) {
        const rq = root(parent, q);
        const rr = root(parent, r);
        if (rq !== rr) {
          // keep the earlier run as root; carry the larger peak
          const lo = rq < rr ? rq : rr;
          const hi = rq < rr ? rr : rq;
          setI32(parent, hi, lo);
          const ph = load<f32>(peak + (<usize>hi << 2));
          if (ph > load<f32>(peak + (<usize>lo << 2))) store<f32>(peak + (<usize>lo << 2), ph);
        }
      }
    }
    prevFrom = rowFrom;
    prevTo = runs;
  }
  let c = 0;
  for (let r = 0; r < runs; r++) {
    if (i32At(parent, r) === r) {
      store<f32>(out + (<usize>c << 2), load<f32>(peak + (<usize>r << 2)));
      c++;
    }
  }
  return c;
}
