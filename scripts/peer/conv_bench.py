#!/usr/bin/env python3
"""PyTorch (CPU) peer for scripts/bench: the same sgemm and conv2d rows as Sources/Bench, as JSON lines.

Thread count: DISTILL_THREADS when set, otherwise every core, as the Swift side does.
--cpu-time: time in process CPU seconds / threads (for tuning on a busy machine).
--only TEXT: only rows whose name contains TEXT (Bench passes its --filter).
Timing: one warm-up, then the fastest of at least 3 runs and about 1.5 s (the machine is shared).
"""
import json
import os
import sys
import time

import torch
import torch.nn.functional as F


CPU_TIME = "--cpu-time" in sys.argv  # process CPU seconds / threads, as Bench --cpu-time
ONLY = sys.argv[sys.argv.index("--only") + 1] if "--only" in sys.argv[:-1] else ""  # as Bench --filter
THREADS = int(os.environ.get("DISTILL_THREADS") or os.cpu_count() or 1)


def clock():
    return time.process_time() / THREADS if CPU_TIME else time.perf_counter()


def best_seconds(body, budget=1.5, min_runs=3):
    body()
    times = []
    while len(times) < min_runs or sum(times) < budget:
        start = clock()
        body()
        times.append(clock() - start)
        if len(times) >= 50:
            break
    times.sort()
    return times[0]


SOURCE = f"pytorch {torch.__version__.split('+')[0]} cpu"


def wanted(name):
    return ONLY in name


def row(name, shape, figure, unit):
    print(json.dumps({"name": name, "shape": shape, "figure": float("%.4g" % figure), "unit": unit,
                      "peer": None, "peer_figure": None, "ratio": None, "source": SOURCE}), flush=True)


def sgemm(m, n, k):
    if not wanted("sgemm"):
        return
    a, b = torch.rand(m, k) * 2 - 1, torch.rand(k, n) * 2 - 1
    c = torch.empty(m, n)
    t = best_seconds(lambda: torch.mm(a, b, out=c))
    row("sgemm", f"m={m} n={n} k={k}", 2 * m * n * k / t / 1e9, "GFLOP/s")


def conv(n, c, h, w, oc, k, stride, padding):
    shape = f"x=[{n},{c},{h},{w}] w=[{oc},{c},{k},{k}] s={stride} p={padding}"
    x = torch.rand(n, c, h, w) * 2 - 1
    weight = torch.rand(oc, c, k, k) * 2 - 1
    bias = torch.rand(oc) * 2 - 1
    if wanted("conv2d_forward"):
        with torch.no_grad():
            t = best_seconds(lambda: F.conv2d(x, weight, bias, stride=stride, padding=padding))
        row("conv2d_forward", shape, n / t, "images/s")

    xg, wg, bg = x.clone().requires_grad_(), weight.clone().requires_grad_(), bias.clone().requires_grad_()
    dy = torch.rand(n, oc, (h + 2 * padding - k) // stride + 1, (w + 2 * padding - k) // stride + 1) * 2 - 1

    def step():
        y = F.conv2d(xg, wg, bg, stride=stride, padding=padding)
        torch.autograd.grad(y, (xg, wg, bg), dy)

    if wanted("conv2d_forward_backward"):
        t = best_seconds(step)
        row("conv2d_forward_backward", shape, n / t, "images/s")

    # The two gradients alone, through the same ATen kernel autograd calls.
    def backward(mask):
        return lambda: torch.ops.aten.convolution_backward(
            dy, x, weight, [oc], [stride, stride], [padding, padding], [1, 1], False, [0, 0], 1, mask)

    if wanted("conv2d_backward_input"):
        t = best_seconds(backward([True, False, False]))
        row("conv2d_backward_input", shape, n / t, "images/s")
    if wanted("conv2d_backward_weight"):
        t = best_seconds(backward([False, True, True]))
        row("conv2d_backward_weight", shape, n / t, "images/s")


def main():
    torch.set_num_threads(THREADS)
    torch.manual_seed(0)
    sgemm(2048, 2048, 2048)
    sgemm(128, 12544, 1152)
    for c, hw in [(3, 32), (128, 16), (128, 8)]:
        conv(256, c, hw, hw, 128, 3, 1, 1)
    conv(256, 1, 28, 28, 128, 3, 1, 3)  # Fashion-MNIST first layer


if __name__ == "__main__":
    main()
