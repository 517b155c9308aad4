#!/usr/bin/env bash
# The original Dataset Distillation code (Wang et al. 2018, github.com/SsnL/dataset-distillation,
# HEAD 24e6958) run as the peer of scripts/reproduce/dd_mnist_fixed_seeds.dd (issue 19): MNIST,
# LeNet, 10 distilled images (one per class), one GD step repeated for 3 epochs, a fixed known
# initialisation, evaluated from that same initialisation (the README's "fixed known
# initialization" setting, ≈ 94 % after its whole schedule). For each seed S it runs, on the CPU
# and single-threaded,
#
#   python main.py --mode distill_basic --dataset MNIST --arch LeNet --distill_steps 1 \
#       --distill_epochs 3 --train_nets_type known_init --n_nets 1 \
#       --test_nets_type same_as_train --base_seed S --epochs ceil(N / 59) \
#       --device_id -1 --num_workers 0 --dataset_root $TMP/data --results_dir $OUT/seedS
#
# with everything else at the reference's defaults: Adam (lr 0.01, betas 0.5, 0.999) on the
# images and the 3 step sizes (softplus, initial 0.02), StepLR x0.5 every 40 epochs, real
# batches of 1,024 (59 per epoch: the last one holds 608 images), Xavier-normal weights with zero
# biases, distilled images started from N(0, 1). `--test_nets_type same_as_train` is the
# README's; without it the reference evaluates on a fresh random network each time, not on the
# known one. The seed draws the known network, the starting images and the batch order.
#
# Stopping at N iterations (edit 3 below): the reference counts epochs, so the run is started
# for ceil(N / 59) epochs and a cap stops it after exactly N optimiser steps (1,000 = 16 whole
# epochs + 56 batches of the 17th); then the reference's own end runs (results.pth, and the test
# on all 10,000 test images from the known initialisation). The learning-rate schedule is the
# reference's, cut off, not rescaled: its first halving is at epoch 40 (iteration 2,360), so a
# run of up to 2,360 iterations uses Adam at a constant 0.01 (as ours does at 1,000). The whole
# reference schedule would be --its 23600 (400 epochs x 59).
#
# Speed (torch 2.15 CPU, one thread, both cores otherwise busy): about 0.55 s per iteration
# (0.2-0.3 s loading the batch through torchvision's per-image PIL transforms, 0.25-0.35 s the
# three unrolled steps and their backward), plus about 15 s per run (start, the epoch-0 and
# epoch-10 checks on 1,024 test images, the final test on all 10,000 images, which is ~8 s as
# the data path is per image). 1,000 iterations: about 10 minutes per seed, 50 for five seeds.
#
# The reference is never copied into the project: each run exports the mirror's HEAD into a
# temporary directory (git archive), patches the copy there, and gunzips MNIST beside it as a
# torchvision MNIST/raw folder (read with download=False). Edits (each checked to apply exactly
# once per site, so a changed mirror fails loudly):
#   1. train_distilled_image.py: optimizer.zero_grad() -> zero_grad(set_to_none=False). Since
#      torch 2.0 zero_grad() sets .grad to None, and the reference then adds into d.grad in place
#      (accumulate_grad), which fails with "'NoneType' object has no attribute 'add_'".
#   2. train_distilled_image.py: skip the reference's scheduler.step() at the start of epoch 0.
#      In torch <= 1.0 (the reference's era) the StepLR constructor left last_epoch at -1 and that
#      first step() made it 0; since torch 1.1 the constructor takes the first step itself, so the
#      unpatched code would run one epoch ahead (halving at epochs 39, 79, ... instead of 40, 80,
#      ...). With the skip the rate in epoch e is 0.01 x 0.5^floor(e / 40), as in torch 1.0.
#      (Moot for runs of at most 2,360 iterations, which never decay.)
#   3. train_distilled_image.py: stop after DD_MAX_ITERS optimiser steps (environment variable,
#      set by this driver; unset or 0 = the reference's epoch count). Run control, not
#      compatibility: the loop breaks when batch N + 1 arrives (loaded, never used), then the
#      reference's own end follows. Logs "Stopped after N iterations", which the driver checks.
#   4. base_options.py: yaml.load(f) -> yaml.load(f, Loader=yaml.Loader) (2 sites). PyYAML 6
#      requires the Loader argument; the full Loader is the old default. Reached only when a
#      results folder already holds opt.yaml (this driver starts each seed in a clean one).
#   5. datasets/__init__.py: datasets.MNIST(..., download=True) -> download=False (2 sites,
#      MNIST and MNIST_RGB): never touch the network; the files are given.
# Not edited: the CPU path needs no change (--device_id -1 is the reference's own switch;
# torch.cuda.manual_seed is a no-op without a GPU; pin_memory only warns). --num_workers 0 keeps
# the data loading in the one process (the default 8 workers would take the busy cores).
#
# Needs, in $PY: torch 2.x and torchvision (any pair that imports together), numpy, pyyaml,
# tqdm, six, matplotlib (the reference plots its images at epochs 0, 10 and the end). For
# /tmp/exportvenv (torch 2.15): pip install torchvision==0.29.2 pyyaml tqdm six matplotlib
# (adds packages, changes none).
#
# Usage:
#   scripts/peer/dd_reference.sh                                  # seeds 0..4, 1,000 iterations
#   scripts/peer/dd_reference.sh --its 20 --seeds 0 --out /tmp/dd-ref-smoke   # smoke test
#   scripts/peer/dd_reference.sh --summary [--out DIR]            # only the summary
# Options: --its N (default 1000), --seeds "0 1 2 3 4" (default), --out DIR (default
# /tmp/dd-reference). Env: PY (default /tmp/exportvenv/bin/python), MNIST_ROOT (default
# ../shared/data/mnist beside the project, the four .gz IDX files), MIRROR (default
# /work/.mirror/SsnL+dataset-distillation/repo; its .git is used when present), EXTRA (more
# arguments for main.py, e.g. EXTRA="--log_interval 1" to log every iteration's data and train
# time; the reference rejects an option given twice).
# Output in $OUT: seedS.log (the reference's whole log), seedS/ (its results folder: opt.yaml,
# results.pth with the learned images and step sizes, PNGs), and one JSON line per seed in
# results.jsonl: {"seed", "iterations", "acc" (final test accuracy, 0..1, all 10,000 test
# images), "seconds" (wall time of the whole run), "acc_before" (the known net untrained),
# "lrs" (the learned step sizes)}. A (seed, iterations) pair already there is not run again, so
# an interrupted job resumes. At the end: mean ± sample std (n - 1) over the seeds in
# results.jsonl with these iterations.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
PY="${PY:-/tmp/exportvenv/bin/python}"
MNIST_ROOT="${MNIST_ROOT:-$HERE/../../../shared/data/mnist}"
MIRROR="${MIRROR:-/work/.mirror/SsnL+dataset-distillation/repo}"
ITS=1000
SEEDS="0 1 2 3 4"
OUT=/tmp/dd-reference
SUMMARY_ONLY=0
while [[ $# -gt 0 ]]; do
    case "$1" in
        --its) ITS="$2"; shift 2 ;;
        --seeds) SEEDS="$2"; shift 2 ;;
        --out) OUT="$2"; shift 2 ;;
        --summary) SUMMARY_ONLY=1; shift ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done
[[ "$ITS" =~ ^[1-9][0-9]*$ ]] || { echo "--its wants a positive integer" >&2; exit 2; }
RESULTS="$OUT/results.jsonl"
mkdir -p "$OUT"
touch "$RESULTS"
# One thread everywhere (torch reads OMP_NUM_THREADS at start: torch.get_num_threads() == 1).
export OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1

ITERS_PER_EPOCH=59   # ceil(60,000 / 1,024): the reference's DataLoader keeps the last, partial batch
EPOCHS=$(( (ITS + ITERS_PER_EPOCH - 1) / ITERS_PER_EPOCH ))

summary() {
    "$PY" - "$RESULTS" "$ITS" <<'EOF'
import json, sys
import numpy as np
its = int(sys.argv[2])
rows = [r for r in map(json.loads, filter(str.strip, open(sys.argv[1]))) if r["iterations"] == its]
if not rows:
    print(f"no results with {its} iterations yet"); sys.exit(0)
rows.sort(key=lambda r: r["seed"])
for r in rows:
    lrs = " ".join(f"{x:.3f}" for x in r.get("lrs", []))
    print(f"seed {r['seed']}: {100 * r['acc']:.2f} %  ({r['seconds']:.0f} s, "
          f"{r['seconds'] / its:.3f} s per iteration overall; untrained {100 * r.get('acc_before', float('nan')):.2f} %; step sizes {lrs})")
accs = np.array([r["acc"] for r in rows]) * 100
std = accs.std(ddof=1) if len(accs) > 1 else float("nan")
print(f"DD reference, MNIST fixed init, {its} iterations, {len(rows)} seeds: "
      f"{accs.mean():.2f} ± {std:.2f} % (sample std)")
EOF
}

if [[ $SUMMARY_ONLY == 1 ]]; then summary; exit 0; fi

done_already() {  # seed
    "$PY" -c 'import json,sys; sys.exit(0 if any((r["seed"], r["iterations"]) == (int(sys.argv[2]), int(sys.argv[3])) for r in map(json.loads, filter(str.strip, open(sys.argv[1])))) else 1)' "$RESULTS" "$1" "$ITS"
}

TODO=""
for S in $SEEDS; do
    if done_already "$S"; then echo "skip seed $S ($ITS iterations: already in $RESULTS)"; else TODO="$TODO $S"; fi
done
if [[ -z "$TODO" ]]; then summary; exit 0; fi

# --- the reference, exported and patched in a temporary directory -------------------------------
GIT_DIR="$MIRROR"
[[ -d "$MIRROR/.git" ]] && GIT_DIR="$MIRROR/.git"
TMP="$(mktemp -d "${TMPDIR:-/tmp}/dd-reference.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$TMP/ref" "$TMP/data/MNIST/raw"
git --git-dir="$GIT_DIR" archive HEAD | tar -x -C "$TMP/ref"
COMMIT="$(git --git-dir="$GIT_DIR" rev-parse --short HEAD)"

"$PY" - "$TMP/ref" <<'EOF'
# The edits listed in the header, each required to match exactly `count` times.
import sys, pathlib
root = pathlib.Path(sys.argv[1])
EDITS = [
    # 1. torch >= 2.0: zero_grad() sets grads to None; accumulate_grad adds into them in place.
    ("train_distilled_image.py", 1,
     "self.optimizer.zero_grad()",
     "self.optimizer.zero_grad(set_to_none=False)  # [dd_reference.sh edit 1]"),
    # 2. torch >= 1.1: StepLR's constructor already steps; skip the reference's epoch-0 step.
    ("train_distilled_image.py", 1,
     "            if it == 0:\n                self.scheduler.step()\n",
     "            if it == 0 and epoch > 0:  # [dd_reference.sh edit 2]\n"
     "                self.scheduler.step()\n"),
    # 3. stop after DD_MAX_ITERS optimiser steps.
    ("train_distilled_image.py", 1,
     "import logging\nimport time\n",
     "import logging\nimport os  # [dd_reference.sh edit 3]\nimport time\n"),
    ("train_distilled_image.py", 1,
     "        for epoch, it, (rdata, rlabel) in self.prefetch_train_loader_iter():\n",
     "        max_iters = int(os.environ.get('DD_MAX_ITERS', '0'))  # [dd_reference.sh edit 3]\n"
     "        for n_iter, (epoch, it, (rdata, rlabel)) in enumerate(self.prefetch_train_loader_iter()):\n"
     "            if max_iters > 0 and n_iter >= max_iters:\n"
     "                logging.info('Stopped after {} iterations (DD_MAX_ITERS)'.format(n_iter))\n"
     "                break\n"),
    # 4. PyYAML >= 6: load() needs a Loader.
    ("base_options.py", 2,
     "yaml.load(f)",
     "yaml.load(f, Loader=yaml.Loader)  # [dd_reference.sh edit 4]"),
    # 5. never download: MNIST is given as MNIST/raw under --dataset_root.
    ("datasets/__init__.py", 2,
     "datasets.MNIST(root, train=(phase == 'train'), download=True,",
     "datasets.MNIST(root, train=(phase == 'train'), download=False,  # [dd_reference.sh edit 5]"),
]
for name, count, old, new in EDITS:
    path = root / name
    text = path.read_text()
    found = text.count(old)
    if found != count:
        sys.exit(f"dd_reference.sh: expected {count} x {old!r} in {name}, found {found}")
    path.write_text(text.replace(old, new))
print(f"patched {len(EDITS)} sites")
EOF

# torchvision's MNIST reads the four unpacked IDX files from <root>/MNIST/raw.
for f in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
    gunzip -c "$MNIST_ROOT/$f.gz" > "$TMP/data/MNIST/raw/$f"
done

# --- one run per seed --------------------------------------------------------------------------
for S in $TODO; do
    LOG="$OUT/seed$S.log"
    RUN_DIR="$OUT/seed$S"
    rm -rf "$RUN_DIR"
    echo "seed $S: $ITS iterations ($EPOCHS epochs started, capped), reference $COMMIT, log $LOG"
    T0=$(date +%s.%N)
    (cd "$TMP/ref" && DD_MAX_ITERS="$ITS" "$PY" main.py --mode distill_basic --dataset MNIST --arch LeNet \
        --distill_steps 1 --distill_epochs 3 --train_nets_type known_init --n_nets 1 \
        --test_nets_type same_as_train --base_seed "$S" --epochs "$EPOCHS" \
        --device_id -1 --num_workers 0 --dataset_root "$TMP/data" --results_dir "$RUN_DIR" ${EXTRA:-}) \
        > "$LOG" 2>&1 || { echo "seed $S failed; the end of $LOG:" >&2; tail -20 "$LOG" >&2; exit 1; }
    T1=$(date +%s.%N)
    # The final test is the table logged after "distilled with 1 steps and 3 epochs": one row per
    # tested step (0 = the known net untrained, 3 = after the three learned steps), accuracy in %.
    "$PY" - "$LOG" "$RUN_DIR" "$S" "$ITS" "$T0" "$T1" >> "$RESULTS" <<'EOF'
import glob, json, re, sys
import torch
log, run_dir, seed, its, t0, t1 = sys.argv[1:]
text = open(log, encoding="utf-8").read()
if f"Stopped after {its} iterations" not in text:
    sys.exit(f"{log}: the run did not stop at {its} iterations")
final = text.rsplit("distilled with 1 steps and 3 epochs", 1)[-1]
rows = {}
for m in re.finditer(r"(before steps|step\s+(\d+) \(lr=[^)]*\))\s+([0-9.]+) ±", final):
    rows[int(m.group(2) or 0)] = float(m.group(3)) / 100
if 3 not in rows:
    sys.exit(f"{log}: no final test result found")
saved = glob.glob(f"{run_dir}/**/results.pth", recursive=True)
saved = [p for p in saved if "/checkpoints/" not in p]
lrs = [float(lr) for _, _, lr in torch.load(saved[0])] if saved else []
print(json.dumps({"seed": int(seed), "iterations": int(its), "acc": round(rows[3], 6),
                  "seconds": round(float(t1) - float(t0), 1), "acc_before": round(rows.get(0, float("nan")), 6),
                  "lrs": [round(x, 5) for x in lrs]}))
EOF
    tail -1 "$RESULTS"
done

summary
