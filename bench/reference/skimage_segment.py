"""The classic scikit-image nucleus pipeline, as the reference ScopePilot is compared with.

Usage: /usr/bin/python3 skimage_segment.py IMAGES_DIR OUT_DIR [MIN_DISTANCE]
For every .tif/.png image: Otsu threshold, fill holes, Euclidean distance transform, its peaks
(min_distance, default 10 px: the best single value on BBBC039 dev of 5, 7, 10, 15) as markers, watershed on the negated distance within the mask,
objects smaller than 10 px removed. Writes OUT_DIR/<name>.tif (uint16/uint32 labels).
Same fixed settings for every image, as a user of the classic recipe would run it.
"""
import os
import sys

import numpy as np
import tifffile
from scipy import ndimage as ndi
from skimage import filters, io, measure, morphology, segmentation
from skimage.feature import peak_local_max

src, out = sys.argv[1], sys.argv[2]
min_distance = int(sys.argv[3]) if len(sys.argv) > 3 else 10
os.makedirs(out, exist_ok=True)
for name in sorted(os.listdir(src)):
    stem, ext = os.path.splitext(name)
    if ext.lower() not in (".tif", ".tiff", ".png"):
        continue
    img = io.imread(os.path.join(src, name))
    if img.ndim == 3:
        img = img[..., 0]
    mask = img > filters.threshold_otsu(img)
    mask = ndi.binary_fill_holes(mask)
    dist = ndi.distance_transform_edt(mask)
    coords = peak_local_max(dist, min_distance=min_distance, labels=measure.label(mask))
    markers = np.zeros(dist.shape, dtype=np.int32)
    markers[tuple(coords.T)] = np.arange(1, len(coords) + 1)
    labels = segmentation.watershed(-dist, markers, mask=mask)
    labels = morphology.remove_small_objects(labels, min_size=10)
    labels, _, _ = segmentation.relabel_sequential(labels)
    dtype = np.uint16 if labels.max() <= 65535 else np.uint32
    tifffile.imwrite(os.path.join(out, stem + ".tif"), labels.astype(dtype))
