#!/usr/bin/python3
"""Golden values for ScopePilot's image operations, from Debian's scikit-image/scipy.

Run with Debian's interpreter (it has python3-skimage, python3-scipy):

    /usr/bin/python3 test/golden/make_golden.py

Writes test/golden/thresholds.json, filters.json and core-ops.json. Inputs are made here with a
fixed seed, so the files are reproducible; each JSON records the library versions it ran with.
Arrays are stored flat, row-major (data[y * width + x]).
"""
import json
import os
import sys

import numpy as np
import scipy
import scipy.ndimage as ndi
import skimage
from skimage import filters, measure, morphology, restoration, segmentation
from skimage.feature import peak_local_max

OUT = os.path.dirname(os.path.abspath(__file__))
VERSIONS = {
    'python': sys.version.split()[0],
    'skimage': skimage.__version__,
    'scipy': scipy.__version__,
    'numpy': np.__version__,
}


def blobs(rng, h, w, n, radius_range):
    """Sum of n soft discs (nucleus-like), values in [0, ~1]."""
    yy, xx = np.mgrid[0:h, 0:w]
    img = np.zeros((h, w))
    for _ in range(n):
        cy, cx = rng.uniform(0, h), rng.uniform(0, w)
        r = rng.uniform(*radius_range)
        d = np.hypot(yy - cy, xx - cx)
        img = np.maximum(img, 1 / (1 + np.exp((d - r) / 1.2)) * rng.uniform(0.6, 1.0))
    return img


def make_inputs():
    rng = np.random.RandomState(20261125)
    h, w = 48, 64
    base = blobs(rng, h, w, 9, (3, 7))
    # bimodal uint8: dark background ~30, nuclei ~170, noise
    u8 = np.clip(30 + 140 * base + rng.normal(0, 8, (h, w)), 0, 255).round().astype(np.uint8)
    # 12-bit camera: offset 100, dim gradient of illumination, nuclei up to ~3000
    yy, xx = np.mgrid[0:h, 0:w]
    illum = 1.0 + 0.4 * xx / w
    u12 = np.clip(100 + illum * (60 + 2800 * base ** 1.5) + rng.normal(0, 25, (h, w)), 0, 4095).round().astype(np.uint16)
    # float: skewed (few bright objects on a large background), as after background subtraction
    base2 = blobs(rng, h, w, 4, (2, 4))
    f32 = (0.05 + 0.9 * base2 + np.abs(rng.normal(0, 0.02, (h, w)))).astype(np.float32)
    return {'u8': u8, 'u12': u12, 'f32': f32}


def as_json_image(a, bit_depth):
    return {
        'width': int(a.shape[1]),
        'height': int(a.shape[0]),
        'dtype': str(a.dtype),
        'bitDepth': bit_depth,
        'data': [float(v) if a.dtype.kind == 'f' else int(v) for v in a.ravel()],
    }


def flt(a):
    return [float(v) for v in np.asarray(a, dtype=np.float64).ravel()]


def thresholds(inputs):
    out = {}
    for name, img in inputs.items():
        r = {}
        r['otsu'] = float(filters.threshold_otsu(img))
        r['otsu_sqrt'] = float(filters.threshold_otsu(np.sqrt(img.astype(np.float64)))) ** 2
        mo = filters.threshold_multiotsu(img, classes=3)
        r['multiotsu3'] = [float(v) for v in mo]
        r['li'] = float(filters.threshold_li(img))
        r['triangle'] = float(filters.threshold_triangle(img))
        r['yen'] = float(filters.threshold_yen(img))
        r['local_gaussian_15'] = flt(filters.threshold_local(img, 15, 'gaussian', offset=0))
        r['local_mean_15_offset'] = flt(filters.threshold_local(img, 15, 'mean', offset=float(np.std(img)) * 0.1))
        r['local_mean_15_offset_value'] = float(np.std(img)) * 0.1
        # the same methods on the pixels of a mask (left 40% of the image), as img[mask]
        sub = img[:, : img.shape[1] * 2 // 5]
        r['masked_width'] = int(sub.shape[1])
        r['masked'] = {
            'otsu': float(filters.threshold_otsu(sub)),
            'li': float(filters.threshold_li(sub)),
            'triangle': float(filters.threshold_triangle(sub)),
            'yen': float(filters.threshold_yen(sub)),
            'multiotsu3': [float(v) for v in filters.threshold_multiotsu(sub, classes=3)],
        }
        out[name] = r
    return out


def filters_golden(inputs):
    out = {}
    for name in ('u8', 'u12', 'f32'):
        img = inputs[name]
        r = {}
        r['median_disk2'] = flt(filters.median(img, morphology.disk(2)))
        r['median_square1'] = flt(filters.median(img, morphology.square(3)))
        r['tophat_disk5'] = flt(morphology.white_tophat(img, morphology.disk(5)))
        r['rollingball_bg_5'] = flt(restoration.rolling_ball(img, radius=5))
        r['rollingball_bg_12'] = flt(restoration.rolling_ball(img, radius=12))
        out[name] = r
    # binary morphology on the Otsu mask of u8
    mask = inputs['u8'] > filters.threshold_otsu(inputs['u8'])
    m = {'mask': [int(v) for v in mask.ravel()], 'width': mask.shape[1], 'height': mask.shape[0]}
    for rad in (1, 2, 3):
        fp = morphology.disk(rad)
        m[f'erosion_{rad}'] = [int(v) for v in morphology.binary_erosion(mask, fp).ravel()]
        m[f'dilation_{rad}'] = [int(v) for v in morphology.binary_dilation(mask, fp).ravel()]
        m[f'opening_{rad}'] = [int(v) for v in morphology.binary_opening(mask, fp).ravel()]
        m[f'closing_{rad}'] = [int(v) for v in morphology.binary_closing(mask, fp).ravel()]
    out['binary'] = m
    return out


def core_ops(inputs):
    """EDT, labelling, maxima and watershed on small masks (the lead's ops)."""
    out = {}
    # labelling: a hand-made mask with diagonal touches and a hole
    lab = np.array([
        [1, 1, 0, 0, 0, 1, 0, 0],
        [1, 0, 0, 0, 1, 0, 0, 1],
        [0, 0, 1, 1, 0, 0, 0, 1],
        [0, 1, 1, 1, 1, 0, 0, 0],
        [0, 1, 0, 0, 1, 0, 1, 1],
        [0, 1, 1, 1, 1, 0, 0, 1],
        [1, 0, 0, 0, 0, 0, 0, 1],
    ], dtype=bool)
    mask = inputs['u8'] > filters.threshold_otsu(inputs['u8'])
    masks = {'hand': lab, 'otsu_u8': mask}
    for name, m in masks.items():
        r = {'width': int(m.shape[1]), 'height': int(m.shape[0]), 'mask': [int(v) for v in m.ravel()]}
        r['label4'] = [int(v) for v in measure.label(m, connectivity=1).ravel()]
        r['label8'] = [int(v) for v in measure.label(m, connectivity=2).ravel()]
        r['edt'] = flt(ndi.distance_transform_edt(m))
        r['fill_holes'] = [int(v) for v in ndi.binary_fill_holes(m).ravel()]
        l8 = measure.label(m, connectivity=2)
        cleared = segmentation.relabel_sequential(segmentation.clear_border(l8))[0]
        r['clear_border'] = [int(v) for v in cleared.ravel()]
        r['clear_border_removed'] = int(l8.max() - cleared.max())
        kept = segmentation.relabel_sequential(morphology.remove_small_objects(l8, min_size=5))[0]
        r['remove_small_5'] = [int(v) for v in kept.ravel()]
        out[name] = r
    # maxima + watershed on a tie-free surface: smoothed image plus a tiny ramp (unique values)
    img = inputs['u12'].astype(np.float64)
    sm = ndi.gaussian_filter(img, 2, mode='nearest', truncate=4.0)
    h, w = sm.shape
    sm = sm + np.arange(h * w).reshape(h, w) * 1e-6
    sm = sm.astype(np.float32)
    fg = sm > filters.threshold_otsu(sm)
    r = {'width': w, 'height': h, 'surface': flt(sm), 'mask': [int(v) for v in fg.ravel()],
         'threshold': float(filters.threshold_otsu(sm))}
    for md in (2, 4):
        pk = peak_local_max(sm, min_distance=md, threshold_abs=float(filters.threshold_otsu(sm)),
                            exclude_border=False)
        order = np.lexsort((pk[:, 1], pk[:, 0]))
        r[f'peaks_min{md}'] = [[int(p[0]), int(p[1])] for p in pk[order]]
    # markers = peaks with min_distance 4, numbered in raster order
    pk = np.array(r['peaks_min4'])
    markers = np.zeros((h, w), dtype=np.int32)
    for i, (y, x) in enumerate(pk):
        markers[y, x] = i + 1
    r['markers'] = [int(v) for v in markers.ravel()]
    r['watershed_intensity'] = [int(v) for v in segmentation.watershed(-sm, markers, mask=fg).ravel()]
    dist = ndi.distance_transform_edt(fg).astype(np.float32)
    r['edt_of_mask'] = flt(dist)
    r['watershed_distance'] = [int(v) for v in segmentation.watershed(-dist, markers, mask=fg).ravel()]
    out['surface'] = r
    # Gaussian smoothing as scipy.ndimage.gaussian_filter(mode='nearest', truncate=4) on the 12-bit image
    g = {}
    for sigma in (1.5, 4):
        g[f'sigma_{sigma}'] = flt(ndi.gaussian_filter(inputs['u12'].astype(np.float64), sigma, mode='nearest', truncate=4.0))
    out['gaussian_u12'] = g
    return out


def main():
    inputs = make_inputs()
    bits = {'u8': 8, 'u12': 12, 'f32': 32}
    images = {k: as_json_image(v, bits[k]) for k, v in inputs.items()}
    files = {
        'thresholds.json': {'versions': VERSIONS, 'images': images, 'expected': thresholds(inputs)},
        'filters.json': {'versions': VERSIONS, 'images': images, 'expected': filters_golden(inputs)},
        'core-ops.json': {'versions': VERSIONS, 'expected': core_ops(inputs)},
    }
    for fname, content in files.items():
        with open(os.path.join(OUT, fname), 'w') as f:
            json.dump(content, f, separators=(',', ':'))
            f.write('\n')
        print('wrote', fname)


if __name__ == '__main__':
    main()
