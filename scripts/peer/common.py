"""Shared pieces of the PyTorch peer scripts (written for this project): the IDX reader,
ConvNet-3 of the DC/DM papers and one Siamese DSA draw. The scripts in this folder import it
(Python puts a script's own folder first on its path)."""
import gzip
import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def idx(path):
    """An IDX file (MNIST layout, gzip or not) as a numpy array."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        raw = f.read()
    ndim = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(raw, np.uint8, offset=4 + 4 * ndim).reshape(dims)


def convnet(channels, size, classes=10, width=128, depth=3):
    """ConvNet-3 of the DC/DM papers: conv 3x3 (padding 3 on 28x28 so the net sees 32x32),
    instance norm (GroupNorm with one group per channel, affine), ReLU, 2x2 average pooling; linear head."""
    layers, c, s = [], channels, size
    for d in range(depth):
        pad = 3 if (d == 0 and size == 28) else 1
        layers += [nn.Conv2d(c, width, 3, padding=pad), nn.GroupNorm(width, width, affine=True), nn.ReLU(), nn.AvgPool2d(2, 2)]
        s = (s + 2 * pad - 2) // 2
        c = width
    return nn.Sequential(*layers, nn.Flatten(), nn.Linear(width * s * s, classes))


def dsa(x, g):
    """One Siamese DSA draw from generator g (color, crop, cutout, flip, scale, rotate), shared by the batch."""
    op = ["color", "crop", "cutout", "flip", "scale", "rotate"][int(torch.randint(0, 6, (1,), generator=g))]
    n, _, h, w = x.shape
    u = lambda: float(torch.rand(1, generator=g))
    if op == "color":
        x = x + (u() - 0.5)
        m = x.mean(dim=1, keepdim=True); x = (x - m) * (u() * 2) + m
        m = x.mean(dim=[1, 2, 3], keepdim=True); x = (x - m) * (u() + 0.5) + m
    elif op == "crop":
        s = int(h * 0.125 + 0.5); ty, tx = [int(torch.randint(-s, s + 1, (1,), generator=g)) for _ in range(2)]
        x = torch.roll(F.pad(x, [s, s, s, s]), shifts=(-ty, -tx), dims=(2, 3))[:, :, s:s + h, s:s + w]
    elif op == "cutout":
        cs = int(h * 0.5 + 0.5); oy, ox = [int(torch.randint(0, h, (1,), generator=g)) for _ in range(2)]
        mask = torch.ones(1, 1, h, w)
        mask[:, :, max(0, oy - cs // 2):oy + cs // 2, max(0, ox - cs // 2):ox + cs // 2] = 0
        x = x * mask
    elif op == "flip":
        if u() < 0.5: x = x.flip(3)
    else:
        if op == "scale":
            sx, sy = [u() * (1.2 - 1 / 1.2) + 1 / 1.2 for _ in range(2)]
            theta = torch.tensor([[sx, 0, 0], [0, sy, 0]], dtype=torch.float)
        else:
            t = (u() - 0.5) * 2 * 15 / 180 * math.pi
            theta = torch.tensor([[math.cos(t), -math.sin(t), 0], [math.sin(t), math.cos(t), 0]], dtype=torch.float)
        grid = F.affine_grid(theta.expand(n, 2, 3), x.shape, align_corners=True)
        x = F.grid_sample(x, grid, align_corners=True)
    return x
