#!/usr/bin/env python3
"""PyTorch (CPU) peer for the whole-workload rows of scripts/bench (Sources/Bench/DistillBenchmarks.swift):
one DC outer step at Fashion-MNIST IPC 10 (second-order gradient matching, DC's layer-wise distance).
Synthetic inputs of the right shapes, as ours. Written for this project; prints JSON rows like Bench.

Thread count: DISTILL_THREADS when set, otherwise every core. --only TEXT: rows whose name contains TEXT.
--cpu-time: process CPU seconds / threads. Timing: one warm-up, then the fastest of --runs runs.
"""
import json
import os
import resource
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

CPU_TIME = "--cpu-time" in sys.argv
ONLY = sys.argv[sys.argv.index("--only") + 1] if "--only" in sys.argv[:-1] else ""
RUNS = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv[:-1] else 2
THREADS = int(os.environ.get("DISTILL_THREADS") or os.cpu_count() or 1)
torch.set_num_threads(THREADS)
SOURCE = f"pytorch {torch.__version__.split('+')[0]} cpu"


def clock():
    return time.process_time() / THREADS if CPU_TIME else time.perf_counter()


def best_seconds(body, runs=RUNS):
    body()
    times = []
    for _ in range(runs):
        start = clock()
        body()
        times.append(clock() - start)
    return min(times)


def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def emit(name, shape, figure, unit):
    print(json.dumps({"name": name, "shape": shape, "figure": figure, "unit": unit, "source": SOURCE,
                      "peak_mb": round(peak_mb(), 1)}), flush=True)


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


def match_ours(gs, gr):
    """DC's layer-wise distance (dis_metric='ours'): rank-1 gradients contribute nothing."""
    total = 0
    for a, b in zip(gs, gr):
        if a.dim() == 1:
            continue
        a2, b2 = a.reshape(a.shape[0], -1), b.reshape(b.shape[0], -1)
        total = total + torch.sum(1 - torch.sum(a2 * b2, dim=-1) / (a2.norm(dim=-1) * b2.norm(dim=-1) + 1e-6))
    return total


def dc_outer_step(classes=10, ipc=10, batch_real=256):
    torch.manual_seed(31)
    net = convnet(1, 28, classes)
    params = list(net.parameters())
    real = torch.randn(classes * batch_real, 1, 28, 28)
    syn = torch.randn(classes * ipc, 1, 28, 28, requires_grad=True)

    def step():
        for c in range(classes):
            xr = real[c * batch_real:(c + 1) * batch_real]
            lr = F.cross_entropy(net(xr), torch.full((batch_real,), c))
            gr = [g.detach() for g in torch.autograd.grad(lr, params)]
            xs = syn[c * ipc:(c + 1) * ipc]
            ls = F.cross_entropy(net(xs), torch.full((ipc,), c))
            gs = torch.autograd.grad(ls, params, create_graph=True)
            loss = match_ours(gs, gr)
            torch.autograd.grad(loss, syn)

    t = best_seconds(step)
    emit("dc_outer_step", f"fashion-mnist ipc{ipc} convnet3 batch_real{batch_real} second-order", 1 / t, "steps/s")


ROWS = {"dc_outer_step": dc_outer_step}

if __name__ == "__main__":
    for name, row in ROWS.items():
        if ONLY in name:
            row()
