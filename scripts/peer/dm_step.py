#!/usr/bin/env python3
"""PyTorch peer for one DM iteration (Zhao & Bilen, WACV 2023) on Fashion-MNIST, IPC 10,
ConvNet-3 (instance norm), batch_real 256 per class, Siamese DSA: the workload Distillery's
scripts/bench measures for itself. Written for this project; prints one JSON row.

usage: dm_step.py [--iterations N] [--threads T] [--data DIR]
"""
import argparse, json, os, time
import numpy as np
import torch

from common import convnet, dsa, idx

p = argparse.ArgumentParser()
p.add_argument("--iterations", type=int, default=3)
p.add_argument("--threads", type=int, default=os.cpu_count())
p.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
a = p.parse_args()
torch.set_num_threads(a.threads)
torch.manual_seed(0)

images = idx(os.path.join(a.data, "train-images-idx3-ubyte.gz")).astype(np.float32) / 255
labels = idx(os.path.join(a.data, "train-labels-idx1-ubyte.gz"))
real = torch.from_numpy((images - 0.2861) / 0.3530).unsqueeze(1)
by_class = [np.nonzero(labels == c)[0] for c in range(10)]

syn = torch.cat([real[torch.from_numpy(np.random.default_rng(c).permutation(by_class[c])[:10])] for c in range(10)]).clone()
syn.requires_grad_(True)
opt = torch.optim.SGD([syn], lr=1.0, momentum=0.5)
rng = np.random.default_rng(1)

def iteration(it):
    net = convnet(1, 28)[:-1]  # the embedding: everything before the linear head
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
    return float(loss.detach())

iteration(0)  # warm-up
t0 = time.perf_counter()
for it in range(1, a.iterations + 1):
    iteration(it)
dt = (time.perf_counter() - t0) / a.iterations
print(json.dumps({"name": "dm_iteration", "shape": "fashion-mnist ipc10 convnet3 batch_real256 dsa",
                  "figure": round(dt, 3), "unit": "s/iteration", "peer": "pytorch " + torch.__version__,
                  "threads": a.threads}))
