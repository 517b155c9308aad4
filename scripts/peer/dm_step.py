#!/usr/bin/env python3
"""PyTorch peer for one DM iteration (Zhao & Bilen, WACV 2023) on Fashion-MNIST, IPC 10,
ConvNet-3 (instance norm), batch_real 256 per class, Siamese DSA: the workload Distillery's
scripts/bench measures for itself. Written for this project; prints one JSON row.

usage: dm_step.py [--iterations N] [--threads T] [--data DIR]
"""
import argparse, gzip, json, math, os, time
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

p = argparse.ArgumentParser()
p.add_argument("--iterations", type=int, default=3)
p.add_argument("--threads", type=int, default=os.cpu_count())
p.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
a = p.parse_args()
torch.set_num_threads(a.threads)
torch.manual_seed(0)

def idx(path):
    with gzip.open(path) as f:
        raw = f.read()
    ndim = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(raw, np.uint8, offset=4 + 4 * ndim).reshape(dims)

images = idx(os.path.join(a.data, "train-images-idx3-ubyte.gz")).astype(np.float32) / 255
labels = idx(os.path.join(a.data, "train-labels-idx1-ubyte.gz"))
real = torch.from_numpy((images - 0.2861) / 0.3530).unsqueeze(1)
by_class = [np.nonzero(labels == c)[0] for c in range(10)]

def convnet():
    layers, c = [], 1
    for d in range(3):
        layers += [nn.Conv2d(c, 128, 3, padding=3 if d == 0 else 1), nn.GroupNorm(128, 128, affine=True),
                   nn.ReLU(inplace=True), nn.AvgPool2d(2, 2)]
        c = 128
    return nn.Sequential(*layers, nn.Flatten())

def dsa(x, g):
    """One Siamese DSA draw from generator g, shared by the whole batch."""
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

syn = torch.cat([real[torch.from_numpy(np.random.default_rng(c).permutation(by_class[c])[:10])] for c in range(10)]).clone()
syn.requires_grad_(True)
opt = torch.optim.SGD([syn], lr=1.0, momentum=0.5)
rng = np.random.default_rng(1)

def iteration(it):
    net = convnet()
    for p_ in net.parameters(): p_.requires_grad_(False)
    loss = torch.tensor(0.0)
    for c in range(10):
        xr = real[torch.from_numpy(rng.permutation(by_class[c])[:256])]
        seed = 1000 * it + c
        with torch.no_grad():
            er = net(dsa(xr, torch.Generator().manual_seed(seed))).mean(0)
        es = net(dsa(syn[c * 10:(c + 1) * 10], torch.Generator().manual_seed(seed))).mean(0)
        loss = loss + ((er - es) ** 2).sum()
    opt.zero_grad(); loss.backward(); opt.step()
    return float(loss)

iteration(0)  # warm-up
t0 = time.perf_counter()
for it in range(1, a.iterations + 1):
    iteration(it)
dt = (time.perf_counter() - t0) / a.iterations
print(json.dumps({"name": "dm_iteration", "shape": "fashion-mnist ipc10 convnet3 batch_real256 dsa",
                  "figure": round(dt, 3), "unit": "s/iteration", "peer": "pytorch " + torch.__version__,
                  "threads": a.threads}))
