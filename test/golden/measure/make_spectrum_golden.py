"""Golden power-spectrum slopes for large planes, where src/engine/measure/spectrum-transform.ts
uses FFTs instead of Goertzel's recurrence. The planes come from integer-only formulas (no
random generator, no floating point), so the test rebuilds them exactly instead of storing
megabytes of pixels.

Run with Debian's python: /usr/bin/python3 test/golden/measure/make_spectrum_golden.py
The slope is CellProfiler 4's (numpy FFT; see make_quality_golden.py).
"""
import json
import sys

import numpy as np

sys.path.insert(0, __import__('os').path.dirname(__file__))
from make_quality_golden import slope  # noqa: E402


def formula_image(w, h, seed, blur):
    """120 + a position hash (0..22), then w*h/2000 discs from a Park-Miller sequence, then
    optionally a 5x5 box mean (edges clamped, floor division). Mirrored in the test."""
    y, x = np.mgrid[0:h, 0:w].astype(np.int64)
    img = 120 + (x * 7919 + y * 104729 + seed * 1299709) % 23
    s = seed
    for _ in range(w * h // 2000):
        vals = []
        for _k in range(4):
            s = (s * 48271) % 2147483647
            vals.append(s)
        cx, cy, r, v = vals[0] % w, vals[1] % h, 4 + vals[2] % 6, 1500 + vals[3] % 800
        img[(x - cx) ** 2 + (y - cy) ** 2 <= r * r] = v
    if blur:
        p = np.pad(img, 2, mode='edge')
        acc = np.zeros_like(img)
        for dy in range(5):
            for dx in range(5):
                acc += p[dy:dy + h, dx:dx + w]
        img = acc // 25
    return img.astype(np.uint16)


def main(out):
    cases = []
    for (w, h, seed, blur) in [(1024, 768, 11, 0), (1024, 768, 11, 1), (1000, 1000, 5, 0), (768, 1200, 3, 1)]:
        img = formula_image(w, h, seed, blur)
        cases.append({'width': w, 'height': h, 'seed': seed, 'blur': blur,
                      'sum': int(img.astype(np.int64).sum()), 'PowerLogLogSlope': slope(img.astype(float))})
    doc = {'generator': 'test/golden/measure/make_spectrum_golden.py',
           'versions': {'python': sys.version.split()[0], 'numpy': np.__version__}, 'cases': cases}
    with open(out, 'w') as fh:
        json.dump(doc, fh, indent=1)
        fh.write('\n')


if __name__ == '__main__':
    main(sys.argv[1] if len(sys.argv) > 1 else 'test/golden/measure/spectrum-large.json')
