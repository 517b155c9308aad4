#!/usr/bin/env python3
"""PyTorch (CPU) and scikit-learn peer for the whole-workload rows of scripts/bench
(Sources/Bench/DistillBenchmarks.swift, ModelBenchmarks.swift): one DM iteration, one DC outer step
(second-order gradient matching), DC's inner loop, ConvNet-3's no-gradient forward, one evaluation
run and k-means. Synthetic inputs of the right shapes, as ours. Written for this project; prints
JSON rows like Bench, each with the process's peak resident memory (run one row per process for
a row's own peak: scripts/bench does).

Thread count: DISTILL_THREADS when set, otherwise every core. --only TEXT: rows whose name contains TEXT.
--cpu-time: process CPU seconds / threads. Timing: one warm-up, then the fastest of --runs runs.
"""
import json
import os
import resource
import sys
import time

import torch
import torch.nn.functional as F

from common import convnet, dsa

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


def dc_inner_loop(count=100, epochs=50):
    torch.manual_seed(33)
    net = convnet(1, 28)
    x = torch.randn(count, 1, 28, 28)
    y = torch.arange(count) % 10
    opt = torch.optim.SGD(net.parameters(), lr=0.01)

    def loop():
        for _ in range(epochs):
            opt.zero_grad()
            F.cross_entropy(net(x), y).backward()
            opt.step()

    t = best_seconds(loop)
    emit("dc_inner_loop", f"fashion-mnist {count} images convnet3 {epochs} epochs", 1 / t, "loops/s")


def dm_iteration(classes=10, ipc=10, batch_real=256, per_class=600):
    """DM (Zhao & Bilen, WACV 2023): a fresh ConvNet-3 embedding, per class the mean embedding of
    256 augmented real images (no grad) against that of the 10 synthetic ones; one SGD step on the images."""
    torch.manual_seed(34)
    real = torch.randn(classes * per_class, 1, 28, 28)
    syn = torch.randn(classes * ipc, 1, 28, 28, requires_grad=True)
    opt = torch.optim.SGD([syn], lr=1.0, momentum=0.5)
    gen = torch.Generator().manual_seed(1)
    it = [0]

    def iteration():
        it[0] += 1
        net = convnet(1, 28)[:-1]  # the embedding: everything before the linear head
        for p_ in net.parameters():
            p_.requires_grad_(False)
        loss = torch.tensor(0.0)
        for c in range(classes):
            idx = torch.randperm(per_class, generator=gen)[:batch_real] * classes + c
            seed = 1000 * it[0] + c
            with torch.no_grad():
                er = net(dsa(real[idx], torch.Generator().manual_seed(seed))).mean(0)
            es = net(dsa(syn[c * ipc:(c + 1) * ipc], torch.Generator().manual_seed(seed))).mean(0)
            loss = loss + ((er - es) ** 2).sum()
        opt.zero_grad()
        loss.backward()
        opt.step()

    t = best_seconds(iteration, runs=max(RUNS, 3))
    emit("dm_iteration", f"fashion-mnist ipc{ipc} convnet3 batch_real{batch_real} dsa", 1 / t, "iterations/s")


def convnet3_forward(batch=256):
    torch.manual_seed(35)
    net = convnet(3, 32)
    x = torch.randn(batch, 3, 32, 32)

    def forward():
        with torch.no_grad():
            net(x)

    t = best_seconds(forward, runs=max(RUNS, 5))
    emit("convnet3_forward", f"cifar [{batch},3,32,32] convnet3 no-grad", batch / t, "images/s")


def evaluation(count=100, test_count=10000):
    """The evaluation recipe: SGD lr 0.01, momentum 0.9, weight decay 5e-4, batch 256, lr x0.1 at
    epoch E/2 + 1, no augmentation; then accuracy on 10,000 images in batches of 500."""
    epochs = int(os.environ.get("BENCH_EVAL_EPOCHS") or 60)
    torch.manual_seed(38)
    x, test = torch.randn(count, 1, 28, 28), torch.randn(test_count, 1, 28, 28)
    y, test_y = torch.arange(count) % 10, torch.arange(test_count) % 10

    def run():
        net = convnet(1, 28)
        opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9, weight_decay=5e-4)
        sched = torch.optim.lr_scheduler.MultiStepLR(opt, [epochs // 2 + 1], 0.1)
        for _ in range(epochs):
            perm = torch.randperm(count)
            for lo in range(0, count, 256):
                idx = perm[lo:lo + 256]
                opt.zero_grad()
                F.cross_entropy(net(x[idx]), y[idx]).backward()
                opt.step()
            sched.step()
        with torch.no_grad():
            correct = sum(int((net(test[lo:lo + 500]).argmax(1) == test_y[lo:lo + 500]).sum()) for lo in range(0, test_count, 500))
        return correct / test_count

    t = best_seconds(run)
    emit("evaluation", f"convnet3 {count} images {epochs} epochs batch256 + test {test_count}", 1 / t, "runs/s")


def kmeans_fit(n=5000, d=2048, k=128, iterations=20):
    """scikit-learn KMeans as ours: k-means++ (greedy), one initialisation, Lloyd, at most 20 rounds, tol 0."""
    import numpy as np
    from sklearn.cluster import KMeans
    rng = np.random.default_rng(40)
    z = rng.standard_normal((n, 8)).astype(np.float32)
    w = rng.standard_normal((8, d)).astype(np.float32)
    x = np.ascontiguousarray(np.maximum(z @ w, 0) + 0.1 * rng.standard_normal((n, d)).astype(np.float32), dtype=np.float32)
    t = best_seconds(lambda: KMeans(n_clusters=k, init="k-means++", n_init=1, max_iter=iterations, tol=0.0,
                                    algorithm="lloyd", random_state=41).fit(x), runs=max(RUNS, 3))
    import sklearn
    print(json.dumps({"name": "kmeans_fit", "shape": f"{n}x{d} k={k} iters={iterations}", "figure": 1 / t, "unit": "fits/s",
                      "source": f"scikit-learn {sklearn.__version__}", "peak_mb": round(peak_mb(), 1)}), flush=True)


ROWS = {"dm_iteration": dm_iteration, "dc_outer_step": dc_outer_step, "dc_inner_loop": dc_inner_loop,
        "convnet3_forward": convnet3_forward, "evaluation": evaluation, "kmeans_fit": kmeans_fit}

if __name__ == "__main__":
    for name, row in ROWS.items():
        if ONLY in name:
            row()
