"""Golden values for src/engine/measure/objects.ts (measureObjects).

Run with Debian's python: /usr/bin/python3 test/golden/measure/make_golden.py
Writes test/golden/measure/objects.json: the inputs (labels, two channels) and, per object,
scikit-image regionprops values plus numpy reference values for the CellProfiler-style columns
that regionprops lacks (quartiles, MAD, edge intensities, Pearson, Manders, Feret on the hull of
pixel centres) and Haralick texture of the DNA channel (scale 3, 256 levels over the image's
min..max, pairs inside the object, four directions).
"""
import json
import math
import sys

import numpy as np
import scipy
import skimage
from scipy import ndimage as ndi
from scipy.spatial import ConvexHull
from skimage.draw import disk, ellipse, polygon
from skimage.measure import regionprops


def make_labels():
    h, w = 72, 90
    lab = np.zeros((h, w), np.int32)
    rr, cc = disk((12, 12), 8, shape=lab.shape); lab[rr, cc] = 1
    rr, cc = ellipse(14, 40, 6, 14, shape=lab.shape, rotation=0.5); lab[rr, cc] = 2
    lab[5:15, 62:80] = 3                                   # rectangle
    rr, cc = polygon([30, 30, 52, 52, 46, 46], [5, 25, 25, 19, 19, 5], shape=lab.shape); lab[rr, cc] = 4  # L
    rr, cc = disk((40, 45), 9, shape=lab.shape); lab[rr, cc] = 5
    rr, cc = disk((40, 45), 3, shape=lab.shape); lab[rr, cc] = 0  # hole
    rr, cc = disk((40, 89), 7, shape=lab.shape); lab[rr, cc] = 6  # touches right border
    lab[60, 10] = 7                                         # single pixel
    lab[58:70, 30] = 8                                      # vertical line
    rr, cc = ellipse(62, 62, 5, 12, shape=lab.shape, rotation=-1.1); lab[rr, cc] = 9
    for i in range(8):                                      # diagonal staircase
        lab[55 + i, 75 + i] = 11
        lab[55 + i, 76 + i] = 11
    # label 10 intentionally absent
    return lab


def outline8(lab):
    """CellProfiler's outline: pixels whose label differs from an 8-neighbour, plus the image edge."""
    p = np.pad(lab, 1, mode='constant', constant_values=-1)
    h, w = lab.shape
    diff = np.zeros(lab.shape, bool)
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            if dy == 0 and dx == 0:
                continue
            diff |= p[1 + dy:1 + dy + h, 1 + dx:1 + dx + w] != lab
    return diff & (lab > 0)


def feret(coords_xy):
    pts = np.unique(coords_xy, axis=0).astype(float)
    if len(pts) == 1:
        return 0.0, 0.0
    d = np.sqrt(((pts[:, None, :] - pts[None, :, :]) ** 2).sum(-1))
    fmax = float(d.max())
    try:
        hull = ConvexHull(pts)
    except Exception:
        return fmax, 0.0
    v = pts[hull.vertices]
    fmin = math.inf
    for i in range(len(v)):
        a, b = v[i], v[(i + 1) % len(v)]
        e = b - a
        n = np.hypot(*e)
        dist = np.abs((v[:, 0] - a[0]) * e[1] - (v[:, 1] - a[1]) * e[0]) / n
        fmin = min(fmin, float(dist.max()))
    return fmax, fmin


def texture(q, lab, label, dx, dy, levels=256):
    """Haralick features of pairs (p, p + (dx, dy)) inside object `label` (non-symmetric GLCM)."""
    h, w = lab.shape
    ys, xs = np.nonzero(lab == label)
    y2, x2 = ys + dy, xs + dx
    ok = (x2 >= 0) & (x2 < w) & (y2 >= 0) & (y2 < h)
    ys, xs, y2, x2 = ys[ok], xs[ok], y2[ok], x2[ok]
    inside = lab[y2, x2] == label
    a = q[ys[inside], xs[inside]].astype(int)
    b = q[y2[inside], x2[inside]].astype(int)
    if a.size == 0:
        return None
    P = np.zeros((levels, levels))
    np.add.at(P, (a, b), 1)
    P /= P.sum()
    i, j = np.mgrid[0:levels, 0:levels]
    mx, my = (i * P).sum(), (j * P).sum()
    vx, vy = ((i - mx) ** 2 * P).sum(), ((j - my) ** 2 * P).sum()
    nz = P[P > 0]
    return {
        'Contrast': float(((i - j) ** 2 * P).sum()),
        'Correlation': float(((i - mx) * (j - my) * P).sum() / np.sqrt(vx * vy)) if vx > 0 and vy > 0 else None,
        'Entropy': float(-(nz * np.log2(nz)).sum()),
        'AngularSecondMoment': float((P ** 2).sum()),
        'InverseDifferenceMoment': float((P / (1 + (i - j) ** 2)).sum()),
    }


def main(out):
    rng = np.random.default_rng(4)
    lab = make_labels()
    h, w = lab.shape
    yy, xx = np.mgrid[0:h, 0:w]
    dna = (200 + 3000 * (lab > 0) * (1 + np.sin(xx / 5.0)) + rng.integers(0, 300, lab.shape)).astype(np.uint16)
    er = (100 + 40 * xx + rng.integers(0, 500, lab.shape)).astype(np.uint16)
    edge = outline8(lab)
    lo, hi = int(dna.min()), int(dna.max())
    q = np.floor((dna.astype(float) - lo) * 255 / (hi - lo)).astype(int)
    objs = []
    for rp, rp2 in zip(regionprops(lab, intensity_image=dna), regionprops(lab, intensity_image=er)):
        m = lab == rp.label
        v = dna[m].astype(float)
        e = er[m].astype(float)
        ev = dna[m & edge].astype(float)
        cy, cx = rp.centroid
        wy, wx = rp.weighted_centroid
        coords = np.argwhere(m)[:, ::-1]
        fmax, fmin = feret(coords)
        ta, tb = 0.15 * v.max(), 0.15 * e.max()
        on_a, on_b = v >= ta, e >= tb
        med = float(np.median(v))
        minr, minc, maxr, maxc = rp.bbox
        pear = float(np.corrcoef(v, e)[0, 1]) if v.std() > 0 and e.std() > 0 else None
        objs.append({
            'label': int(rp.label),
            'area': float(rp.area),
            'perimeter': float(rp.perimeter),
            'eccentricity': float(rp.eccentricity),
            'solidity': float(rp.solidity),
            'extent': float(rp.extent),
            'major_axis_length': float(rp.major_axis_length),
            'minor_axis_length': float(rp.minor_axis_length),
            'orientation': float(rp.orientation),
            'equivalent_diameter': float(rp.equivalent_diameter),
            'feret_diameter_max_skimage': float(rp.feret_diameter_max),
            'feret_max_centres': fmax,
            'feret_min_centres': fmin,
            'centroid_x': float(cx), 'centroid_y': float(cy),
            'bbox': [int(minc), int(minr), int(maxc), int(maxr)],
            'compactness': float(2 * math.pi * (((coords - coords.mean(0)) ** 2).sum(1).mean()) / rp.area),
            'dna': {
                'integrated': float(v.sum()), 'mean': float(rp.mean_intensity), 'std': float(v.std()),
                'min': float(rp.min_intensity), 'max': float(rp.max_intensity), 'median': med,
                'lq': float(np.percentile(v, 25)), 'uq': float(np.percentile(v, 75)),
                'mad': float(np.median(np.abs(v - med))),
                'cm_x': float(wx), 'cm_y': float(wy), 'mass_displacement': float(math.hypot(wx - cx, wy - cy)),
                'edge_integrated': float(ev.sum()), 'edge_mean': float(ev.mean()) if ev.size else None,
                'edge_std': float(ev.std()) if ev.size else None,
                'edge_min': float(ev.min()) if ev.size else None, 'edge_max': float(ev.max()) if ev.size else None,
            },
            'er_mean': float(rp2.mean_intensity),
            'texture_dna_3': {d: texture(q, lab, rp.label, dx, dy) for d, (dx, dy) in {'00': (3, 0), '01': (3, 3), '02': (0, 3), '03': (-3, 3)}.items()},
            'pearson_dna_er': pear,
            'manders_dna_er': float(v[on_a & on_b].sum() / v[on_a].sum()),
            'manders_er_dna': float(e[on_a & on_b].sum() / e[on_b].sum()),
        })
    doc = {
        'generator': 'test/golden/measure/make_golden.py',
        'versions': {'python': sys.version.split()[0], 'numpy': np.__version__, 'scipy': scipy.__version__, 'skimage': skimage.__version__},
        'width': w, 'height': h,
        'labels': lab.ravel().tolist(),
        'dna': dna.ravel().tolist(),
        'er': er.ravel().tolist(),
        'objects': objs,
    }
    with open(out, 'w') as f:
        json.dump(doc, f)
        f.write('\n')


if __name__ == '__main__':
    main(sys.argv[1] if len(sys.argv) > 1 else 'test/golden/measure/objects.json')
