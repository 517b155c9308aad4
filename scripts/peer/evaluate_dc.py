#!/usr/bin/env python3
"""PyTorch peer of DatasetCondensation's DC evaluation (written for this project, not copied):
trains fresh ConvNet-3 networks on a set exported by `export(set, "X.npz")` and tests them on
the full real test split, as the reference does for a set under `--method DC`.

What it reproduces (VICO-UoE/DatasetCondensation, commit 53f63a6):
- utils.py:337-361 `evaluate_synset`: SGD(lr 0.01, momentum 0.9, weight decay 5e-4), cross
  entropy, a shuffled DataLoader of batch 256 (`batch_train`, main.py:27); `range(Epoch+1)`
  epochs, i.e. Epoch + 1; after the epoch `ep == Epoch//2+1` the rate is multiplied by 0.1 and
  the SGD re-created (momentum restarts). Every training batch is augmented (aug=True).
- utils.py:297-333 `epoch`: the augmentation is applied to the batch before the forward pass;
  the test pass is unaugmented, batch 256 (utils.py:100), accuracy over the whole test split.
- utils.py:365-424 `augment`, with utils.py:428-445 `get_daparam` (crop 4, scale 0.2, rotate 45,
  noise 0.001; strategy `crop_scale_rotate` for MNIST, `none` otherwise): channel means over the
  whole batch first; then one op per image drawn uniformly from the strategy:
    crop   pad 4 px with the channel mean, cut 28x28 at row/column offsets uniform in 0..7;
    scale  nearest resize (F.interpolate default) to int(U(0.8,1.2)*H) x int(U(0.8,1.2)*H),
           centred on a zero canvas of side max(h, w, H, W), centre cut;
    rotate scipy.ndimage.rotate by an integer angle in [-45, 44] (reshape, cubic spline,
           constant fill = mean of the channel means), centre cut;
    noise  + 0.001 * N(0, 1).
- main.py:111-123: Epoch = 1000 when the augmentation is active, 300 otherwise.
- networks.py:36-110 ConvNet (width 128, depth 3, instance norm, ReLU, avg pooling; padding 3
  on the first conv for 1-channel input): `common.convnet`. PyTorch default initialisation.
- utils.py:12-33 `get_dataset`: ToTensor then Normalize, MNIST 0.1307/0.3081, Fashion-MNIST
  0.2861/0.3530.

Seeding (the reference seeds from the clock): run k of a set uses seed + k for torch (init,
shuffle) and numpy (augmentation draws).

usage: evaluate_dc.py --data mnist|fashion-mnist [--epochs E] [--aug dc|none] [--runs N]
                      [--seed S] [--threads 1] [--root DIR] SET.npz [SET.npz ...]
Prints one JSON line per run, one per set (mean, population std as the reference's np.std),
and one over all runs when several sets are given.
"""
import argparse
import json
import os
import time
import zipfile

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from common import convnet, idx

try:
    from scipy import ndimage
except ImportError:  # the rotation needs scipy; the other ops do not
    ndimage = None

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = {  # root (override with --root), mean, std
    "mnist": (os.path.join(HERE, "../../../shared/data/mnist"), 0.1307, 0.3081),
    "fashion-mnist": ("/usr/share/datasets/fashion-mnist", 0.2861, 0.3530),
}
DC_PARAM = {"crop": 4, "scale": 0.2, "rotate": 45, "noise": 0.001}  # utils.py:433-436


def dc_augment(x, strategy, p=DC_PARAM):
    """DC's `augment` (utils.py:365-424) on a batch x [n, c, h, w] of normalised images; a new
    tensor, the random draws from numpy's global generator."""
    ops = [] if strategy in ("", "none") else strategy.split("_")
    if not ops:
        return x
    n, c, h, w = x.shape
    means = [float(x[:, k].mean()) for k in range(c)]
    out = x.clone()
    for i in range(n):
        op = ops[np.random.randint(len(ops))]
        img = out[i]
        if op == "crop":
            k = p["crop"]
            canvas = torch.tensor(means, dtype=img.dtype).view(c, 1, 1).repeat(1, h + 2 * k, w + 2 * k)
            canvas[:, k:k + h, k:k + w] = img
            r, q = np.random.randint(2 * k), np.random.randint(2 * k)
            out[i] = canvas[:, r:r + h, q:q + w]
        elif op == "scale":
            s = p["scale"]
            th = int(np.random.uniform(1 - s, 1 + s) * h)
            tw = int(np.random.uniform(1 - s, 1 + s) * h)  # the reference scales both by H
            small = F.interpolate(img[None], size=[th, tw])[0]  # mode "nearest"
            side = max(th, tw, h, w)
            canvas = torch.zeros(c, side, side, dtype=img.dtype)
            r0, c0 = (side - th) // 2, (side - tw) // 2
            canvas[:, r0:r0 + th, c0:c0 + tw] = small
            r0, c0 = (side - h) // 2, (side - w) // 2
            out[i] = canvas[:, r0:r0 + h, c0:c0 + w]
        elif op == "rotate":
            if ndimage is None:
                raise SystemExit("evaluate_dc.py: the rotate op needs scipy (pip install scipy)")
            angle = np.random.randint(-p["rotate"], p["rotate"])
            rot = ndimage.rotate(img.numpy(), angle=angle, axes=(-2, -1), reshape=True, order=3,
                                 mode="constant", cval=float(np.mean(means)))
            r0, c0 = (rot.shape[-2] - h) // 2, (rot.shape[-1] - w) // 2
            out[i] = torch.from_numpy(np.ascontiguousarray(rot[:, r0:r0 + h, c0:c0 + w])).float()
        elif op == "noise":
            out[i] = img + p["noise"] * torch.randn(c, h, w)
        else:
            raise SystemExit(f"evaluate_dc.py: unknown augmentation op {op!r}")
    return out


def load_set(path):
    with zipfile.ZipFile(path) as z:
        meta = json.loads(z.read("meta.json")) if "meta.json" in z.namelist() else {}
    arrays = np.load(path)
    return torch.from_numpy(arrays["images"].astype(np.float32)), torch.from_numpy(arrays["labels"].astype(np.int64)), meta


def load_test(name, root=None):
    default_root, mean, std = DATA[name]
    root = root or default_root
    pix = idx(os.path.join(root, "t10k-images-idx3-ubyte.gz")).astype(np.float32) / 255
    x = torch.from_numpy(((pix - np.float32(mean)) / np.float32(std))[:, None])
    y = torch.from_numpy(idx(os.path.join(root, "t10k-labels-idx1-ubyte.gz")).astype(np.int64))
    return x, y


def train_and_test(images, labels, test, epochs, strategy, seed):
    torch.manual_seed(seed)
    np.random.seed(seed)
    net = convnet(images.shape[1], images.shape[2], classes=int(labels.max()) + 1)
    lr = 0.01
    opt = torch.optim.SGD(net.parameters(), lr=lr, momentum=0.9, weight_decay=5e-4)
    loss_fn = nn.CrossEntropyLoss()
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(images, labels), batch_size=256, shuffle=True)
    drop_after = epochs // 2 + 1
    t0 = time.perf_counter()
    net.train()
    for ep in range(epochs + 1):
        seen = correct = 0
        loss_sum = 0.0
        for xb, yb in loader:
            xb = dc_augment(xb, strategy)
            logits = net(xb)
            loss = loss_fn(logits, yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            loss_sum += loss.item() * len(yb)
            correct += int((logits.argmax(1) == yb).sum())
            seen += len(yb)
        if ep == drop_after:
            lr *= 0.1
            opt = torch.optim.SGD(net.parameters(), lr=lr, momentum=0.9, weight_decay=5e-4)
    train_s = time.perf_counter() - t0
    net.eval()
    hits = 0
    with torch.no_grad():
        tx, ty = test
        for s in range(0, len(ty), 256):
            hits += int((net(tx[s:s + 256]).argmax(1) == ty[s:s + 256]).sum())
    return {"acc": hits / len(ty), "train_acc": correct / seen, "train_loss": loss_sum / seen,
            "train_s": round(train_s, 2), "total_s": round(time.perf_counter() - t0, 2)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("sets", nargs="+", help=".npz files written by export()")
    ap.add_argument("--data", required=True, choices=sorted(DATA))
    ap.add_argument("--aug", choices=["dc", "none"], help="default: dc for mnist, none otherwise (get_daparam)")
    ap.add_argument("--epochs", type=int, help="the reference's Epoch (E+1 are trained); default 1000 with aug, else 300")
    ap.add_argument("--runs", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--root", help="the folder of the IDX files (default: ../shared/data/mnist or Debian's Fashion-MNIST)")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    aug = a.aug or ("dc" if a.data == "mnist" else "none")
    strategy = "crop_scale_rotate" if aug == "dc" else "none"
    epochs = a.epochs if a.epochs is not None else (1000 if aug == "dc" else 300)
    test = load_test(a.data, a.root)
    everything = []
    for path in a.sets:
        images, labels, meta = load_set(path)
        if meta.get("dataset") and meta["dataset"] != a.data:
            raise SystemExit(f"evaluate_dc.py: {path} is a {meta['dataset']} set, not {a.data}")
        accs = []
        for k in range(a.runs):
            r = train_and_test(images, labels, test, epochs, strategy, a.seed + k)
            accs.append(r["acc"])
            print(json.dumps({"set": path, "data": a.data, "aug": strategy, "epochs": epochs, "run": k,
                              "seed": a.seed + k, **r}), flush=True)
        everything += accs
        print(json.dumps({"set": path, "summary": True, "runs": len(accs), "accs": accs,
                          "mean": float(np.mean(accs)), "std": float(np.std(accs))}), flush=True)
    if len(a.sets) > 1:
        print(json.dumps({"sets": len(a.sets), "summary": "all", "runs": len(everything),
                          "mean": float(np.mean(everything)), "std": float(np.std(everything))}), flush=True)


if __name__ == "__main__":
    main()
