"""Reference for bench/sections/30-measure.mjs: scikit-image regionprops + CellProfiler-style
image QC in Python on the same images, timed in-process (reading excluded), as a user of
scikit-image would write it. `--quality-only IMAGE...`: the QC alone. Prints JSON: per image the time and per-object values.

usage: /usr/bin/python3 bench/reference/skimage_measure.py IMAGE LABELS [IMAGE LABELS ...]
"""
import json
import sys
import time

import numpy as np
import tifffile
from scipy import ndimage as ndi
from skimage.filters import threshold_otsu
from skimage.measure import regionprops

PROPS = ['area', 'perimeter', 'eccentricity', 'solidity', 'extent', 'major_axis_length', 'minor_axis_length',
         'orientation', 'equivalent_diameter', 'feret_diameter_max', 'centroid', 'bbox', 'mean_intensity',
         'min_intensity', 'max_intensity', 'weighted_centroid']


def rps_slope(img):
    img = img.astype(float)
    radii2 = (np.arange(img.shape[0]).reshape((img.shape[0], 1)) ** 2) + (np.arange(img.shape[1]) ** 2)
    radii2 = np.minimum(radii2, np.flipud(radii2))
    radii2 = np.minimum(radii2, np.fliplr(radii2))
    maxwidth = min(img.shape[0], img.shape[1]) / 8.0
    if np.ptp(img) > 0:
        img = img / np.median(abs(img - img.mean()))
    mag = abs(np.fft.fft2(img - np.mean(img)))
    power = mag ** 2
    radii = np.floor(np.sqrt(radii2) / maxwidth * 100).astype(int) + 1
    labels = np.arange(2, np.floor(maxwidth)).astype(int)
    magsum = ndi.sum(mag, radii, labels)
    powersum = ndi.sum(power, radii, labels)
    valid = magsum > 0
    x, y = np.log(labels[valid]), np.log(powersum[valid])
    return float(np.polyfit(x, y, 1)[0])


def local_focus(pixel, scale=20):
    shape = pixel.shape
    i, j = np.mgrid[0:shape[0], 0:shape[1]].astype(float)
    m, n = (np.array(shape) + scale - 1) // scale
    grid = (i * m / shape[0]).astype(int) * n + (j * n / shape[1]).astype(int) + 1
    rng = np.arange(1, m * n + 1)
    means = ndi.mean(pixel, grid, rng)
    var = ndi.mean((pixel - np.concatenate([[0], means])[grid]) ** 2, grid, rng)
    means[means == 0] = 1
    nv = var / means
    return float(np.var(nv) / np.median(nv))


def haralick_correlation(img, scale=20, levels=8):
    f = img.astype(float)
    q = np.minimum(levels - 1, np.floor((f - f.min()) * levels / (f.max() - f.min()))).astype(int)
    P = np.zeros((levels, levels))
    np.add.at(P, (q[:, :-scale].ravel(), q[:, scale:].ravel()), 1)
    P /= P.sum()
    ii, jj = np.mgrid[0:levels, 0:levels]
    mx, my = (ii * P).sum(), (jj * P).sum()
    return float(((ii - mx) * (jj - my) * P).sum() / np.sqrt(((ii - mx) ** 2 * P).sum() * ((jj - my) ** 2 * P).sum()))


def quality(img):
    f = img.astype(float) / 65535
    out = {'FocusScore': float(f.var() / f.mean())}
    out['LocalFocusScore'] = local_focus(f)
    out['Correlation'] = haralick_correlation(img)
    out['PowerLogLogSlope'] = rps_slope(img)
    out['PercentMaximal'] = float(100 * np.mean(img == img.max()))
    out['PercentMinimal'] = float(100 * np.mean(img == img.min()))
    med = np.median(img)
    out['MADIntensity'] = float(np.median(np.abs(img - med)))
    t = threshold_otsu(img)
    fg = img > t
    out['ThresholdOtsu'] = float(t)
    out['SignalToNoise'] = float((np.median(img[fg]) - np.median(img[~fg])) / max(np.median(np.abs(img[~fg] - np.median(img[~fg]))), 0.5))
    out['ObjectCount'] = int(np.sum(np.bincount(ndi.label(fg, np.ones((3, 3)))[0].ravel())[1:] >= 16))
    return out


def measure(img, lab):
    rows = []
    for rp in regionprops(lab, intensity_image=img):
        r = {p: rp[p] for p in PROPS}
        v = rp.intensity_image[rp.image].astype(float)
        r['std'] = float(v.std())
        r['median'] = float(np.median(v))
        r['lq'], r['uq'] = (float(q) for q in np.percentile(v, [25, 75]))
        rows.append(r)
    return rows


def main(args):
    out = []
    if args and args[0] == '--quality-only':
        for im_path in args[1:]:
            img = tifffile.imread(im_path)
            times = []
            for _ in range(3):
                t0 = time.perf_counter()
                q = quality(img)
                times.append((time.perf_counter() - t0) * 1000)
            out.append({'image': im_path, 'qms': sorted(times)[1], 'quality': q})
        print(json.dumps(out))
        return
    for im_path, lab_path in zip(args[0::2], args[1::2]):
        img = tifffile.imread(im_path)
        lab = tifffile.imread(lab_path).astype(np.int32)
        times = []
        qtimes = []
        for _ in range(3):
            t0 = time.perf_counter()
            rows = measure(img, lab)
            t1 = time.perf_counter()
            q = quality(img)
            times.append((time.perf_counter() - t0) * 1000)
            qtimes.append((time.perf_counter() - t1) * 1000)
        out.append({
            'image': im_path, 'ms': sorted(times)[1], 'qms': sorted(qtimes)[1], 'quality': q,
            'objects': [{'label': i, 'area': float(r['area']), 'perimeter': float(r['perimeter']),
                         'eccentricity': float(r['eccentricity']), 'solidity': float(r['solidity']),
                         'major': float(r['major_axis_length']), 'mean': float(r['mean_intensity']),
                         'median': r['median'], 'feret_skimage': float(r['feret_diameter_max'])}
                        for i, r in enumerate(rows)],
        })
    print(json.dumps(out))


if __name__ == '__main__':
    main(sys.argv[1:])
