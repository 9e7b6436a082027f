"""Golden values for src/engine/measure/quality.ts and spectrum.ts.

Run with Debian's python: /usr/bin/python3 test/golden/measure/make_quality_golden.py
The power-spectrum slope follows CellProfiler 4 MeasureImageQuality + centrosome's
radial_power_spectrum.rps (re-typed here, numpy FFT); FocusScore is CellProfiler's normalized
variance on 0..1-scaled data; LocalFocusScore and Correlation as CellProfiler's test
(test_measureimagequality.py: var / median of tile normalized variances) and Haralick H3 (8 levels).
"""
import base64
import json
import sys

import numpy as np
import scipy
import scipy.ndimage
from scipy import ndimage as ndi


def rps(img):
    radii2 = (np.arange(img.shape[0]).reshape((img.shape[0], 1)) ** 2) + (np.arange(img.shape[1]) ** 2)
    radii2 = np.minimum(radii2, np.flipud(radii2))
    radii2 = np.minimum(radii2, np.fliplr(radii2))
    maxwidth = min(img.shape[0], img.shape[1]) / 8.0
    if np.ptp(img) > 0:
        img = img / np.median(abs(img - img.mean()))
    mag = abs(np.fft.fft2(img - np.mean(img)))
    power = mag ** 2
    radii = np.floor(np.sqrt(radii2) / maxwidth * 100).astype(int) + 1
    labels = np.arange(2, np.floor(maxwidth)).astype(int).tolist()
    magsum = ndi.sum(mag, radii, labels)
    powersum = ndi.sum(power, radii, labels)
    return np.array(labels), np.array(magsum), np.array(powersum)


def slope(pixels):
    radii, magnitude, power = rps(pixels)
    if sum(magnitude) > 0 and len(np.unique(pixels)) > 1:
        valid = magnitude > 0
        radii = radii[valid].reshape((-1, 1))
        power = power[valid].reshape((-1, 1))
        if radii.shape[0] > 1:
            idx = np.isfinite(np.log(power))
            A = np.hstack((np.log(radii)[idx][:, np.newaxis], np.ones(radii.shape)[idx][:, np.newaxis]))
            return float(np.linalg.lstsq(A, np.log(power)[idx], rcond=None)[0][0])
    return 0.0


def local_focus(img, scale=20):
    """CellProfiler MeasureImageQuality LocalFocusScore: var / median of tile normalized variances."""
    pixel = img.astype(float) / 65535
    shape = pixel.shape
    i, j = np.mgrid[0:shape[0], 0:shape[1]].astype(float)
    m, n = (np.array(shape) + scale - 1) // scale
    i = (i * float(m) / float(shape[0])).astype(int)
    j = (j * float(n) / float(shape[1])).astype(int)
    grid = i * n + j + 1
    grid_range = np.arange(1, m * n + 1, dtype=np.int32)
    local_means = ndi.mean(pixel, grid, grid_range)
    local_sq = (pixel - np.concatenate([[0], local_means])[grid]) ** 2
    local_vars = ndi.mean(local_sq, grid, grid_range)
    local_means[local_means == 0] = 1
    nv = local_vars / local_means
    return float(np.var(nv) / np.median(nv)) if np.median(nv) > 0 else 0.0


def haralick_correlation(img, scale=20, levels=8):
    """Haralick H3 of horizontal pairs `scale` apart, image scaled to 8 levels over min..max."""
    f = img.astype(float)
    q = np.minimum(levels - 1, np.floor((f - f.min()) * levels / (f.max() - f.min()))).astype(int)
    a, b = q[:, :-scale].ravel(), q[:, scale:].ravel()
    P = np.zeros((levels, levels))
    np.add.at(P, (a, b), 1)
    P /= P.sum()
    ii, jj = np.mgrid[0:levels, 0:levels]
    mx, my = (ii * P).sum(), (jj * P).sum()
    vx, vy = ((ii - mx) ** 2 * P).sum(), ((jj - my) ** 2 * P).sum()
    return float(((ii - mx) * (jj - my) * P).sum() / np.sqrt(vx * vy))


def make(h, w, sigma, seed):
    rng = np.random.default_rng(seed)
    img = np.zeros((h, w))
    for _ in range(int(25 * h * w / (96 * 128))):
        y, x = rng.integers(0, h), rng.integers(0, w)
        r = rng.integers(4, 9)
        yy, xx = np.ogrid[:h, :w]
        img[(yy - y) ** 2 + (xx - x) ** 2 <= r * r] = 1500 + rng.integers(0, 800)
    if sigma > 0:
        img = ndi.gaussian_filter(img, sigma)
    img = img + 120 + rng.normal(0, 8, img.shape)
    return np.clip(np.round(img), 0, 4095).astype(np.uint16)


def main(out):
    cases = []
    for (h, w, sigma, seed) in [(200, 232, 0, 1), (200, 232, 3, 1), (64, 64, 1, 2)]:
        img = make(h, w, sigma, seed)
        f = img.astype(float) / 65535
        cases.append({
            'width': w, 'height': h, 'sigma': sigma,
            'pixels_u16le_base64': base64.b64encode(img.astype('<u2').tobytes()).decode('ascii'),
            'PowerLogLogSlope': slope(img.astype(float)),
            'FocusScore': float(f.var() / f.mean()),
            'LocalFocusScore': local_focus(img),
            'Correlation': haralick_correlation(img),
            'PercentMaximal': float(100 * np.mean(img == img.max())),
            'PercentMinimal': float(100 * np.mean(img == img.min())),
            'MADIntensity': float(np.median(np.abs(img - np.median(img)))),
            'MedianIntensity': float(np.median(img)),
            'StdIntensity': float(img.std()),
        })
    doc = {
        'generator': 'test/golden/measure/make_quality_golden.py',
        'versions': {'python': sys.version.split()[0], 'numpy': np.__version__, 'scipy': scipy.__version__},
        'cases': cases,
    }
    with open(out, 'w') as fh:
        json.dump(doc, fh)
        fh.write('\n')


if __name__ == '__main__':
    main(sys.argv[1] if len(sys.argv) > 1 else 'test/golden/measure/quality.json')
