#!/usr/bin/python3
"""Train ScopePilot's small nuclei U-Net on CPU and export it to ONNX.

Data (CC0, read from ../shared/data, never copied): BBBC039 dev (50 U2OS Hoechst fields) and DSB2018
stage1_train dev (50 fluorescence images). Each set is sorted by file name; the first 40 images
train, the last 10 are held out for measurement (list written to split.json).

Model: U-Net, 3 levels (16-32-64 channels, two 3x3 conv + BatchNorm + ReLU per block), 1 input
channel (the image after 1..99.8 percentile normalisation), 2 output channels (logits):
  0  foreground (nucleus vs background)
  1  normalised distance: distance to the object's own border / the object's largest distance
     (0 at borders and between touching nuclei, 1 at each centre), so its cores are the seeds.
Every image is presented at the scale where its median nucleus diameter is TARGET_DIAMETER px
(diameter = 2 x median inscribed radius + 1, as src/engine/segment/diameter.ts estimates it),
jittered by a factor exp(U(-0.3, 0.3)). Augmentation: random crop, flips, 90-degree rotations,
intensity gain/offset and Gaussian noise.

Usage (CPU, one thread; the run is bounded by wall time):
  nice -n 10 /usr/bin/python3 models/nuclei/train.py --minutes 35 > /tmp/train.log 2>&1
  /usr/bin/python3 models/nuclei/train.py --export-only      # ONNX + BMZ test tensors from ckpt.pt
"""
import argparse
import glob
import json
import math
import os
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from scipy import ndimage as ndi

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, '..', '..'))
DATA = os.path.abspath(os.path.join(ROOT, '..', 'shared', 'data'))
TARGET_DIAMETER = 16.0
CROP = 128
SEED = 20261125
P_LOW, P_HIGH = 1.0, 99.8


def normalise(img):
    img = img.astype(np.float32)
    lo, hi = np.percentile(img, [P_LOW, P_HIGH])
    return (img - lo) / max(hi - lo, 1e-6)


def median_diameter(lab):
    radii = []
    for i, sl in enumerate(ndi.find_objects(lab)):
        if sl is None:
            continue
        radii.append(ndi.distance_transform_edt(np.pad(lab[sl] == i + 1, 1)).max())
    return 2 * float(np.median(radii)) + 1 if radii else TARGET_DIAMETER


def targets(lab):
    """Foreground and per-object normalised distance to the object's own border."""
    fg = (lab > 0).astype(np.float32)
    nd = np.zeros(lab.shape, np.float32)
    for i, sl in enumerate(ndi.find_objects(lab)):
        if sl is None:
            continue
        m = lab[sl] == i + 1
        d = ndi.distance_transform_edt(np.pad(m, 1))[1:-1, 1:-1]
        mx = d.max()
        if mx > 0:
            nd[sl][m] = (d[m] / mx).astype(np.float32)
    return fg, nd


def load_sets():
    import tifffile
    from skimage import io

    sets = {}
    files = sorted(glob.glob(os.path.join(DATA, 'bbbc039-dev', 'images', '*.tif')))
    items = []
    for f in files:
        name = os.path.basename(f)
        lab = tifffile.imread(os.path.join(DATA, 'bbbc039-dev', 'labels', name)).astype(np.int32)
        items.append((name, tifffile.imread(f), lab))
    sets['bbbc039-dev'] = items
    files = sorted(glob.glob(os.path.join(DATA, 'dsb2018-dev', 'images', '*.png')))
    items = []
    for f in files:
        name = os.path.basename(f)
        im = io.imread(f)
        im = im[..., 0] if im.ndim == 3 else im
        masks = sorted(glob.glob(os.path.join(DATA, 'dsb2018-dev', 'masks', name[:-4], '*.png')))
        lab = np.zeros(im.shape, np.int32)
        for k, p in enumerate(masks):
            m = io.imread(p)
            m = m[..., 0] if m.ndim == 3 else m
            lab[m > 0] = k + 1
        items.append((name, im, lab))
    sets['dsb2018-dev'] = items
    return sets


def block(cin, cout):
    return nn.Sequential(
        nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True),
        nn.Conv2d(cout, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True),
    )


class UNet(nn.Module):
    def __init__(self, c=(16, 32, 64)):
        super().__init__()
        self.e1 = block(1, c[0])
        self.e2 = block(c[0], c[1])
        self.b = block(c[1], c[2])
        self.u2 = nn.ConvTranspose2d(c[2], c[1], 2, stride=2)
        self.d2 = block(2 * c[1], c[1])
        self.u1 = nn.ConvTranspose2d(c[1], c[0], 2, stride=2)
        self.d1 = block(2 * c[0], c[0])
        self.out = nn.Conv2d(c[0], 2, 1)

    def forward(self, x):
        e1 = self.e1(x)
        e2 = self.e2(F.max_pool2d(e1, 2))
        b = self.b(F.max_pool2d(e2, 2))
        d2 = self.d2(torch.cat([self.u2(b), e2], 1))
        d1 = self.d1(torch.cat([self.u1(d2), e1], 1))
        return self.out(d1)


def sample_batch(stack, diam, rng, n):
    """Random crops at a jittered scale, with flips and 90-degree rotations, via one grid_sample."""
    xs, ts = [], []
    for _ in range(n):
        k = int(rng.integers(len(stack)))
        t = stack[k]
        _, h, w = t.shape
        s = TARGET_DIAMETER / diam[k] * math.exp(rng.uniform(-0.3, 0.3))
        size = CROP / s  # source pixels covered by the crop
        cy = rng.uniform(min(size / 2, h / 2), max(h - size / 2, h / 2))
        cx = rng.uniform(min(size / 2, w / 2), max(w - size / 2, w / 2))
        # affine from output grid (-1..1) to input normalised coordinates
        sx, sy = size / w, size / h
        rot = int(rng.integers(4))
        flip = 1.0 if rng.random() < 0.5 else -1.0
        c, si = [(1, 0), (0, 1), (-1, 0), (0, -1)][rot]
        a = torch.tensor([[flip * c * sx, -si * sx, (2 * cx / w) - 1], [flip * si * sy, c * sy, (2 * cy / h) - 1]], dtype=torch.float32)
        grid = F.affine_grid(a[None], (1, 3, CROP, CROP), align_corners=False)
        out = F.grid_sample(t[None], grid, mode='bilinear', padding_mode='reflection', align_corners=False)[0]
        img = out[0:1] * rng.uniform(0.7, 1.3) + rng.uniform(-0.1, 0.1)
        img = img + torch.randn_like(img) * rng.uniform(0, 0.05)
        xs.append(img)
        ts.append(out[1:3])
    return torch.stack(xs), torch.stack(ts)


def export(model, out_dir, example):
    model.eval()
    onnx_path = os.path.join(out_dir, 'nuclei-unet.onnx')
    dummy = torch.zeros(1, 1, 64, 64)
    torch.onnx.export(
        model, dummy, onnx_path, input_names=['input'], output_names=['output'], opset_version=13,
        dynamic_axes={'input': {0: 'batch', 2: 'height', 3: 'width'}, 'output': {0: 'batch', 2: 'height', 3: 'width'}},
    )
    # BMZ convention: the test input is raw (before preprocessing), the test output is after
    # postprocessing (sigmoid); preprocessing scale_range uses the percentiles of this tensor
    with torch.no_grad():
        y = torch.sigmoid(model(torch.from_numpy(normalise(example)))).numpy()
    np.save(os.path.join(out_dir, 'test-input.npy'), example.astype(np.float32))
    np.save(os.path.join(out_dir, 'test-output.npy'), y.astype(np.float32))
    print('exported', onnx_path, os.path.getsize(onnx_path), 'bytes', flush=True)
    write_rdf(out_dir)


def sha256(path):
    import hashlib
    with open(path, 'rb') as fh:
        return hashlib.sha256(fh.read()).hexdigest()


RDF = '''# BioImage Model Zoo model description (format 0.5), written by train.py --export-only
type: model
format_version: 0.5.3
name: ScopePilot nuclei U-Net
version: 1.0.0
description: >-
  Small 2D U-Net (3 levels, 16-32-64 channels) for fluorescent nuclei. Outputs per pixel the
  foreground probability and the distance to the nucleus' own border divided by its largest
  distance; ScopePilot turns them into instances with a seeded watershed.
authors:
  - name: ScopePilot contributors
license: MIT
documentation: README.md
tags: [nuclei, segmentation, fluorescence, 2d, unet, onnx]
cite:
  - text: 'Caicedo et al., Evaluation of deep learning strategies for nucleus segmentation in fluorescence images, Cytometry A 95:952 (2019) (BBBC039)'
    doi: 10.1002/cyto.a.23863
  - text: 'Caicedo et al., Nucleus segmentation across imaging experiments: the 2018 Data Science Bowl, Nat Methods 16:1247 (2019) (BBBC038)'
    doi: 10.1038/s41592-019-0612-7
  - text: 'Ronneberger et al., U-Net: Convolutional Networks for Biomedical Image Segmentation, MICCAI 2015'
    doi: 10.1007/978-3-319-24574-4_28
inputs:
  - id: input
    description: one grayscale fluorescence plane, resampled so nuclei are about 16 px across
    axes:
      - type: batch
      - type: channel
        channel_names: [nuclei]
      - type: space
        id: y
        size: {min: 16, step: 8}
      - type: space
        id: x
        size: {min: 16, step: 8}
    test_tensor: {source: test-input.npy, sha256: %(tin)s}
    preprocessing:
      - id: scale_range
        kwargs: {axes: [channel, y, x], min_percentile: 1.0, max_percentile: 99.8, eps: 1.0e-6}
outputs:
  - id: output
    axes:
      - type: batch
      - type: channel
        channel_names: [foreground, normalised_distance]
      - type: space
        id: y
        size: {tensor_id: input, axis_id: y}
      - type: space
        id: x
        size: {tensor_id: input, axis_id: x}
    test_tensor: {source: test-output.npy, sha256: %(tout)s}
    postprocessing:
      - id: sigmoid
weights:
  onnx:
    source: nuclei-unet.onnx
    sha256: %(onnx)s
    opset_version: 13
config:
  scopepilot:
    output: foreground-distance
    # nuclei were presented at 16 px (x0.74..1.35) in training; images are resampled so nuclei
    # are 20 px at inference (chosen on training images: fewer merges on BBBC039 than at 16 px)
    training_diameter: 16
    target_diameter: 20
    training_data: 'BBBC039 v1 training split (first 40 of 50 dev images by name) and DSB2018 stage1_train (first 40 of 50 dev images by name), CC0; see split.json'
'''


def write_rdf(out_dir):
    with open(os.path.join(out_dir, 'rdf.yaml'), 'w') as fh:
        fh.write(RDF % {
            'tin': sha256(os.path.join(out_dir, 'test-input.npy')),
            'tout': sha256(os.path.join(out_dir, 'test-output.npy')),
            'onnx': sha256(os.path.join(out_dir, 'nuclei-unet.onnx')),
        })


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--minutes', type=float, default=35)
    ap.add_argument('--steps', type=int, default=0, help='fixed number of steps (overrides --minutes)')
    ap.add_argument('--batch', type=int, default=8)
    ap.add_argument('--lr', type=float, default=3e-3)
    ap.add_argument('--export-only', action='store_true')
    args = ap.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(SEED)
    rng = np.random.default_rng(SEED)
    model = UNet()
    ckpt = os.path.join(HERE, 'ckpt.pt')

    sets = load_sets()
    split = {name: {'train': [i[0] for i in items[:40]], 'heldout': [i[0] for i in items[40:]]} for name, items in sets.items()}
    with open(os.path.join(HERE, 'split.json'), 'w') as fh:
        json.dump(split, fh, indent=1)
    # BMZ test tensor: a raw 128x128 crop of the first held-out BBBC039 image
    first = sets['bbbc039-dev'][40][1]
    example = first[196:324, 284:412][None, None].astype(np.float32)
    if args.export_only:
        model.load_state_dict(torch.load(ckpt))
        export(model, HERE, example)
        return

    stack, diam = [], []
    for items in sets.values():
        for name, im, lab in items[:40]:
            fg, nd = targets(lab)
            stack.append(torch.from_numpy(np.stack([normalise(im), fg, nd])))
            diam.append(median_diameter(lab))
    print('training images', len(stack), 'diameters', np.round(diam, 1).tolist(), flush=True)

    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=1e-4)
    t0 = time.time()
    budget = args.minutes * 60
    step = 0
    avg = None
    while True:
        frac = step / args.steps if args.steps else (time.time() - t0) / budget
        if frac >= 1:
            break
        for g in opt.param_groups:
            g['lr'] = args.lr * (0.02 + 0.98 * 0.5 * (1 + math.cos(math.pi * frac))) * min(1.0, (step + 1) / 50)
        model.train()
        x, t = sample_batch(stack, diam, rng, args.batch)
        y = model(x)
        loss = F.binary_cross_entropy_with_logits(y[:, 0], t[:, 0]) + 2 * F.binary_cross_entropy_with_logits(y[:, 1], t[:, 1])
        opt.zero_grad()
        loss.backward()
        opt.step()
        avg = loss.item() if avg is None else 0.98 * avg + 0.02 * loss.item()
        step += 1
        if step % 25 == 0:
            print(f'step {step} loss {avg:.4f} lr {opt.param_groups[0]["lr"]:.5f} elapsed {time.time() - t0:.0f}s', flush=True)
        if step % 200 == 0:
            torch.save(model.state_dict(), ckpt)
    torch.save(model.state_dict(), ckpt)
    print(f'done: {step} steps in {time.time() - t0:.0f}s, final loss {avg:.4f}', flush=True)
    export(model, HERE, example)


if __name__ == '__main__':
    main()
