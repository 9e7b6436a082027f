"""Write TIFF/PNG/JPEG variants for test/engine/io (run by the tests with /usr/bin/python3 OUTDIR).

Every plane k holds f(y, x, k) = (7x + 13y + 101k) % 251, scaled per dtype, so the TypeScript
tests can recompute the expected values. Needs numpy, tifffile and Pillow (Debian packages).
"""
import json
import sys

import numpy as np
import tifffile
from PIL import Image

out = sys.argv[1]
H, W = 12, 10


def f(k, h=H, w=W):
    y, x = np.mgrid[0:h, 0:w]
    return (7 * x + 13 * y + 101 * k) % 251


def save(name, arr, **kw):
    tifffile.imwrite(f"{out}/{name}", arr, **kw)


save("u8.tif", f(0).astype("uint8"), metadata=None)
save("u16.tif", (f(0) * 257).astype("uint16"), metadata=None)
save("u16_be.tif", (f(0) * 257).astype("uint16"), byteorder=">", metadata=None)
save("i16.tif", (f(0) - 100).astype("int16"), metadata=None)
save("u32.tif", (f(0) * 70000).astype("uint32"), metadata=None)
save("f32.tif", (f(0) * 0.5).astype("float32"), metadata=None)
save("multi3.tif", np.stack([(f(k) * 257).astype("uint16") for k in range(3)]), photometric="minisblack", metadata=None)
save("tiled.tif", (f(0, 40, 36) * 257).astype("uint16"), tile=(16, 16), metadata=None)
save("deflate.tif", (f(0) * 257).astype("uint16"), compression="zlib", metadata=None)
Image.fromarray((f(0) * 257).astype("uint16")).save(f"{out}/lzw.tif", compression="tiff_lzw")
Image.fromarray((f(0) * 257).astype("uint16")).save(f"{out}/packbits.tif", compression="packbits")
Image.fromarray(f(0).astype("uint8")).save(f"{out}/lzw8.tif", compression="tiff_lzw")

# ImageJ hyperstack T=2, Z=3, C=2: plane (t, z, c) holds f(k) with k = (t*3 + z)*2 + c (canonical order)
T, Z, C = 2, 3, 2
ij = np.zeros((T, Z, C, H, W), "uint16")
for t in range(T):
    for z in range(Z):
        for c in range(C):
            ij[t, z, c] = f((t * Z + z) * C + c) * 257
save("ij.tif", ij, imagej=True, resolution=(4.0, 4.0), metadata={"axes": "TZCYX", "spacing": 0.5, "unit": "um"})

# OME-TIFF C=2, Z=3 written CZYX (z fastest in the file): canonical k = z*2 + c
ome = np.zeros((C, Z, H, W), "uint16")
for c in range(C):
    for z in range(Z):
        ome[c, z] = f(z * C + c) * 257
save(
    "ome.ome.tif",
    ome,
    ome=True,
    metadata={"axes": "CZYX", "PhysicalSizeX": 0.325, "PhysicalSizeXUnit": "µm", "PhysicalSizeY": 0.325, "Channel": {"Name": ["DAPI", "GFP"]}},
)

g = f(0).astype("uint8")
save("rgb_equal.tif", np.stack([g, g, g], -1), photometric="rgb", metadata=None)
save("rgb_color.tif", np.stack([g, f(1).astype("uint8"), f(2).astype("uint8")], -1), photometric="rgb", metadata=None)

Image.fromarray((f(0) * 257).astype("uint16")).save(f"{out}/png16.png")
Image.fromarray(np.stack([g, g, g, np.full_like(g, 255)], -1), "RGBA").save(f"{out}/rgba_equal.png")
Image.fromarray(np.stack([g, f(1).astype("uint8"), f(2).astype("uint8")], -1), "RGB").save(f"{out}/rgb_color.png")
Image.fromarray(g).save(f"{out}/gray.jpg", quality=90)

# clipped: 5% of pixels at 4095 in a 12-bit image
clip = (np.arange(100 * 100).reshape(100, 100) % 4000 + 50).astype("uint16")
clip.flat[::20] = 4095
save("clipped.tif", clip, metadata=None)

print(json.dumps({"numpy": np.__version__, "tifffile": tifffile.__version__}))
