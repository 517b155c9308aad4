#!/usr/bin/env python3
"""PyTorch peer for whole-data training (issue 3's real-data check): ConvNet-3 (instance norm,
padding 3 on the first layer for 28x28 grey input) trained on MNIST / Fashion-MNIST with the
evaluation optimiser (SGD lr 0.01, momentum 0.9, weight decay 5e-4, batch 256), timed over
`--steps` steps after one warm-up step. Written for this project; prints one JSON row.

usage: train_epoch.py [--steps N] [--threads T] [--data DIR] [--mean M --std S]
"""
import argparse, json, os, time
import numpy as np
import torch
import torch.nn.functional as F

from common import convnet, idx

p = argparse.ArgumentParser()
p.add_argument("--steps", type=int, default=20)
p.add_argument("--threads", type=int, default=os.cpu_count())
p.add_argument("--data", default="/work/shared/data/mnist")
p.add_argument("--mean", type=float, default=0.1307)
p.add_argument("--std", type=float, default=0.3081)
a = p.parse_args()
torch.set_num_threads(a.threads)
torch.manual_seed(0)

images = idx(os.path.join(a.data, "train-images-idx3-ubyte.gz")).astype(np.float32) / 255
labels = torch.from_numpy(idx(os.path.join(a.data, "train-labels-idx1-ubyte.gz")).astype(np.int64))
x_all = torch.from_numpy((images - a.mean) / a.std).unsqueeze(1)

net = convnet(1, 28)
opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)
order = torch.randperm(x_all.shape[0])

def step(i):
    b = order[(i * 256) % (x_all.shape[0] - 256):][:256]
    loss = F.cross_entropy(net(x_all[b]), labels[b])
    opt.zero_grad(); loss.backward(); opt.step()

step(0)
t = time.perf_counter()
for i in range(1, a.steps + 1):
    step(i)
dt = time.perf_counter() - t
ips = a.steps * 256 / dt
print(json.dumps({"workload": "train ConvNet-3 28x28 batch 256", "threads": a.threads, "steps": a.steps,
                  "images_per_s": round(ips, 1), "epoch_s_60000": round(60000 / ips, 1)}))
