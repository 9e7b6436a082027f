// Objects made once per image set share V8's hidden classes (maps). In Node 20's V8 an object
// literal that spreads and then adds (`{ ...a, ...b }`, `{ ...a, x }`, conditional spreads) gets
// a hidden class of its own every time: a 20,000-set scan kept 20,000 of them (27.3 MB against
// 22.5-22.9 MB) and took about a third longer (0.92-1.05 s against 0.67-0.78 s); code reading
// such objects sees a new class each time. These tests
// ask V8 itself (%HaveSameMap, with --allow-natives-syntax set at run time).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { afterAll, describe, expect, it } from 'vitest';
import { scanFolder } from '../../src/engine/dataset/scan.js';
import { encodeTiff } from '../../src/engine/io/tiff-write.js';
import { measureImageQuality } from '../../src/engine/measure/quality.js';
import type { Plane } from '../../src/engine/types.js';

function natives(): ((a: object, b: object) => boolean) | undefined {
  try {
    setFlagsFromString('--allow-natives-syntax');
    return new Function('a', 'b', 'return %HaveSameMap(a, b)') as (a: object, b: object) => boolean;
  } catch {
    return undefined;
  }
}
const sameMap = natives();
if (!sameMap) console.log('hidden-classes: skipped, this V8 does not take --allow-natives-syntax at run time');

const tmp = mkdtempSync(join(tmpdir(), 'sp-maps-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function plane(seed: number, w = 96, h = 80): Plane {
  const data = new Uint16Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const spot = (x - 30 - seed) ** 2 + (y - 40) ** 2 < 120 || (x - 70) ** 2 + (y - 20 - seed) ** 2 < 90;
      data[y * w + x] = 200 + ((x * 7 + y * 13 + seed) % 23) + (spot ? 1500 : 0);
    }
  }
  return { width: w, height: h, data, bitDepth: 16 } as Plane;
}

describe.runIf(sameMap)('hidden classes of per-image-set objects', () => {
  it("a scan's image sets share one hidden class for their metadata", async () => {
    const root = join(tmp, 'plate');
    mkdirSync(root, { recursive: true });
    const tif = encodeTiff([{ width: 8, height: 8, data: new Uint16Array(64).fill(100) }]);
    const names: string[] = [];
    // more than 8 sets: V8 builds the first few of any literal without feedback, and those share
    for (const well of ['A01', 'A02', 'A03', 'A04', 'B01', 'B02', 'B03', 'B04']) {
      for (let s = 1; s <= 4; s++) names.push(`P1_${well}_s${s}_w100000000-0000-0000-0000-00000000000${s}.tif`);
    }
    for (const n of names) writeFileSync(join(root, n), tif);
    const { imageSets } = await scanFolder(root, { probeSets: 0 });
    expect(imageSets).toHaveLength(32);
    expect(imageSets[0]!.meta).toMatchObject({ well: 'A01', row: 'A', column: 1, site: 1 });
    for (const s of imageSets) expect(sameMap!(s.meta, imageSets[0]!.meta)).toBe(true);
  });

  it("measureImageQuality's metrics share one hidden class, on either of its paths", () => {
    // (a few calls first: a field that held only small integers and then gets a fraction moves to
    // a new hidden class once, by design)
    const runs = [0, 5, 9, 2, 7, 3].map((seed) => measureImageQuality(plane(seed)));
    const [a, b] = runs.slice(-2) as [object, object];
    expect(Object.keys(a)).toEqual(Object.keys(b));
    expect(sameMap!(a, b)).toBe(true);
    const flat = (v: number) => ({ width: 16, height: 16, data: new Uint16Array(256).fill(v), bitDepth: 16 }) as Plane;
    const flats = [7, 9, 11, 13].map((v) => measureImageQuality(flat(v)));
    expect(sameMap!(flats[2]!, flats[3]!)).toBe(true);
  });
});
