"""DD (Wang et al. 2018) on MNIST with a fixed, known initialisation, written for this project as a
peer to `distill(data, method="dd", init="fixed", ...)`: LeNet, 10 distilled images (one per
class), `steps` x `epochs` unrolled GD steps with softplus step sizes, Adam (0.01, betas 0.5,
0.999) on images and step sizes, real batches of 1,024, optional step decay (x0.5 every
`--decay` iterations). Prints test accuracy of the learned steps from the same initialisation
every `--every` iterations.

    python3 scripts/peer/dd_mnist.py --root ../shared/data/mnist --its 2000 --init xavier
"""
import argparse
import os
import time

import numpy as np
import torch
import torch.nn.functional as F

from common import idx


def lenet_params(init, g):
    """LeNet-5 weights (conv 6, conv 16, 120, 84, 10); `xavier`: Xavier-normal weights and zero
    biases (the DD reference); `default`: PyTorch's default (uniform within 1/sqrt(fan_in))."""
    shapes = [(6, 1, 5, 5), (6,), (16, 6, 5, 5), (16,), (120, 400), (120,), (84, 120), (84,), (10, 84), (10,)]
    params = []
    for i in range(0, len(shapes), 2):
        ws, bs = shapes[i], shapes[i + 1]
        fan_in = int(np.prod(ws[1:]))
        fan_out = ws[0] * int(np.prod(ws[2:]))
        if init == "xavier":
            w = torch.randn(ws, generator=g) * (2.0 / (fan_in + fan_out)) ** 0.5
            b = torch.zeros(bs)
        else:
            bound = 1 / fan_in ** 0.5
            w = (torch.rand(ws, generator=g) * 2 - 1) * bound
            b = (torch.rand(bs, generator=g) * 2 - 1) * bound
        params += [w, b]
    return params


def lenet(x, p):
    x = F.max_pool2d(F.relu(F.conv2d(x, p[0], p[1], padding=2)), 2)
    x = F.max_pool2d(F.relu(F.conv2d(x, p[2], p[3])), 2)
    x = x.flatten(1)
    x = F.relu(F.linear(x, p[4], p[5]))
    x = F.relu(F.linear(x, p[6], p[7]))
    return F.linear(x, p[8], p[9])


def unroll(start, images, labels, lrs, create_graph):
    theta = list(start)
    for lr in lrs:
        loss = F.cross_entropy(lenet(images, theta), labels)
        grads = torch.autograd.grad(loss, theta, create_graph=create_graph)
        theta = [t - lr * gr for t, gr in zip(theta, grads)]
    return theta


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", default="../shared/data/mnist")
    ap.add_argument("--its", type=int, default=2000)
    ap.add_argument("--every", type=int, default=500)
    ap.add_argument("--init", choices=["xavier", "default"], default="xavier")
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--decay", type=int, default=0, help="halve Adam's rate every this many iterations (0: never)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    g = torch.Generator().manual_seed(a.seed)

    def load(stem):
        for name in (stem, stem + ".gz"):
            path = os.path.join(a.root, name)
            if os.path.exists(path):
                return idx(path)
        raise SystemExit(f"missing {stem} under {a.root}")

    norm = lambda u8: (torch.tensor(u8, dtype=torch.float32).unsqueeze(1) / 255 - 0.1307) / 0.3081
    xtr, ytr = norm(load("train-images-idx3-ubyte")), torch.tensor(load("train-labels-idx1-ubyte"), dtype=torch.long)
    xte, yte = norm(load("t10k-images-idx3-ubyte")), torch.tensor(load("t10k-labels-idx1-ubyte"), dtype=torch.long)

    start = lenet_params(a.init, g)
    images = torch.randn(10, 1, 28, 28, generator=g).requires_grad_()
    labels = torch.arange(10)
    raw = torch.full((a.epochs,), float(np.log(np.expm1(0.02)))).requires_grad_()
    opt = torch.optim.Adam([images, raw], lr=0.01, betas=(0.5, 0.999))
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=a.decay, gamma=0.5) if a.decay > 0 else None
    start_req = [p.clone().requires_grad_() for p in start]

    def accuracy():
        with torch.no_grad():
            pass
        theta = unroll(start_req, images.detach(), labels, F.softplus(raw.detach()), create_graph=False)
        with torch.no_grad():
            pred = torch.cat([lenet(xte[i:i + 2000], theta).argmax(1) for i in range(0, len(xte), 2000)])
        return float((pred == yte).float().mean())

    t0 = time.time()
    for it in range(1, a.its + 1):
        pick = torch.randperm(len(xtr), generator=g)[:1024]
        theta = unroll(start_req, images, labels, F.softplus(raw), create_graph=True)
        loss = F.cross_entropy(lenet(xtr[pick], theta), ytr[pick])
        opt.zero_grad()
        gi, gr = torch.autograd.grad(loss, [images, raw])
        images.grad, raw.grad = gi, gr
        opt.step()
        if sched:
            sched.step()
        if it % a.every == 0 or it == a.its:
            print(f"it {it} loss {loss.item():.4f} acc {accuracy():.4f} lrs {F.softplus(raw).tolist()} ({time.time() - t0:.0f} s)", flush=True)


if __name__ == "__main__":
    main()
