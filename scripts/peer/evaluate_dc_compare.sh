#!/usr/bin/env bash
# Ours against the PyTorch peer (evaluate_dc.py) under DatasetCondensation's DC evaluation, on
# the same random 10-per-class subsets. For each subset seed S in 1..N: our `subset(data, 10,
# seed=S)` is exported to $OUT/DATA_sS.npz, evaluated by ours (`evaluate(few, data,
# protocol="dc", runs=2, seed=S)`, optionally also protocol="standard") and by the peer (2 runs,
# seeds 100S, 100S+1) on that file. One training process at a time, single-threaded.
#
#   scripts/peer/evaluate_dc_compare.sh fashion-mnist 5        # DC: 300 epochs, no augmentation
#   STANDARD=1 scripts/peer/evaluate_dc_compare.sh mnist 3     # DC: crop_scale_rotate, 1000 epochs
#   scripts/peer/evaluate_dc_compare.sh --table                # the table of everything so far
#
# Results accumulate as JSON lines in $OUT/results.jsonl; a (data, subset, side) already there
# is not run again, so an interrupted comparison resumes. Env: DISTILL (default the release build,
# .build/release/distill), PY (default python3, with torch, numpy and scipy), OUT (default
# /tmp/peer-eval), RUNS (default 2),
# STANDARD=1 to add ours with protocol="standard" (300 epochs, no augmentation), EPOCHS=E to
# replace the protocols' epoch counts (for a quick smoke test; use a separate OUT).
# MNIST_ROOT: the MNIST folder (default ../shared/data/mnist beside the project). SIDE=ours or
# SIDE=peer runs one side only (two drivers, one per core; the peer side needs ours' .npz files,
# or FIRST=S to start at subset S).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
DISTILL="${DISTILL:-$HERE/../../.build/release/distill}"
PY="${PY:-python3}"
OUT="${OUT:-/tmp/peer-eval}"
RUNS="${RUNS:-2}"
RESULTS="$OUT/results.jsonl"
mkdir -p "$OUT"
touch "$RESULTS"
export DISTILL_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1

table() {
    "$PY" - "$RESULTS" <<'EOF'
import json, sys
import numpy as np
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
sides = ["ours-dc", "peer-dc", "ours-standard"]
for data in sorted({r["data"] for r in rows}):
    mine = [r for r in rows if r["data"] == data]
    present = [s for s in sides if any(r["side"] == s for r in mine)]
    print(f"\n{data}")
    print("subset | " + " | ".join(f"{s} runs (%) | {s} mean | s/run" for s in present))
    for sub in sorted({r["subset"] for r in mine}):
        cells = []
        for s in present:
            r = next((r for r in mine if r["subset"] == sub and r["side"] == s), None)
            if r is None:
                cells.append("- | - | -"); continue
            cells.append(" ".join(f"{100*a:.2f}" for a in r["accs"]) + f" | {100*np.mean(r['accs']):.2f} | {r['seconds_per_run']:.0f}")
        print(f"{sub} | " + " | ".join(cells))
    for s in present:
        accs = [a for r in mine if r["side"] == s for a in r["accs"]]
        secs = [r["seconds_per_run"] for r in mine if r["side"] == s]
        print(f"overall {s}: {100*np.mean(accs):.2f} ± {100*np.std(accs):.2f} % over {len(accs)} runs"
              f" ({len(secs)} subsets), {np.mean(secs):.0f} s per run")
EOF
}

if [[ "${1:-}" == "--table" ]]; then table; exit 0; fi
DATA="${1:?usage: evaluate_dc_compare.sh mnist|fashion-mnist [SUBSETS] | --table}"
SUBSETS="${2:-5}"
case "$DATA" in
    mnist) OPEN="dataset(\"mnist\", root=\"${MNIST_ROOT:-$HERE/../../../shared/data/mnist}\")" ;;
    fashion-mnist) OPEN='dataset("fashion-mnist")' ;;
    *) echo "unknown data set $DATA" >&2; exit 2 ;;
esac

done_already() {  # data subset side
    "$PY" -c 'import json,sys; sys.exit(0 if any((r["data"],r["subset"],r["side"])==(sys.argv[2],int(sys.argv[3]),sys.argv[4]) for r in map(json.loads, filter(str.strip, open(sys.argv[1])))) else 1)' "$RESULTS" "$@"
}

ours() {  # subset protocol side
    local s=$1 protocol=$2 side=$3 npz="$OUT/${DATA}_s$1.npz" dd="$OUT/${DATA}_s$1_$2.dd" log="$OUT/${DATA}_s$1_$3.log"
    done_already "$DATA" "$s" "$side" && { echo "skip $DATA s$s $side"; return; }
    cat > "$dd" <<EOF
data = $OPEN
few = subset(data, 10, seed=$s)
export(few, "$npz")
r = evaluate(few, data, protocol="$protocol", runs=$RUNS, seed=$s${EPOCHS:+, epochs=$EPOCHS})
print(r)
print("ACCS", r.accuracies)
EOF
    local t0 t1
    t0=$(date +%s.%N)
    "$DISTILL" run "$dd" >"$log" 2>&1
    t1=$(date +%s.%N)
    "$PY" - "$log" "$DATA" "$s" "$side" "$t0" "$t1" "$RUNS" >>"$RESULTS" <<'EOF'
import json, re, sys
log, data, s, side, t0, t1, runs = sys.argv[1:]
text = open(log).read()
accs = json.loads(re.findall(r"^ACCS (\[.*\])$", text, re.M)[-1])
print(json.dumps({"data": data, "subset": int(s), "side": side, "accs": accs,
                  "seconds_per_run": (float(t1) - float(t0)) / int(runs),
                  "summary": re.findall(r"^ConvNet-3.*$", text, re.M)[-1]}))
EOF
    tail -n 1 "$RESULTS"
}

peer() {  # subset
    local s=$1 npz="$OUT/${DATA}_s$1.npz" log="$OUT/${DATA}_s$1_peer-dc.log"
    done_already "$DATA" "$s" peer-dc && { echo "skip $DATA s$s peer-dc"; return; }
    [[ -f "$npz" ]] || { echo "missing $npz (ours writes it)" >&2; exit 1; }
    "$PY" "$HERE/evaluate_dc.py" --data "$DATA" --runs "$RUNS" --seed $((100 * s)) ${EPOCHS:+--epochs "$EPOCHS"} "$npz" >"$log" 2>&1
    "$PY" - "$log" "$DATA" "$s" >>"$RESULTS" <<'EOF'
import json, sys
log, data, s = sys.argv[1:]
runs = [json.loads(l) for l in open(log) if l.startswith("{") and '"run"' in l]
print(json.dumps({"data": data, "subset": int(s), "side": "peer-dc", "accs": [r["acc"] for r in runs],
                  "seconds_per_run": sum(r["total_s"] for r in runs) / len(runs),
                  "train_s": [r["train_s"] for r in runs], "epochs": runs[0]["epochs"], "aug": runs[0]["aug"]}))
EOF
    tail -n 1 "$RESULTS"
}

SIDE="${SIDE:-both}"
case "$SIDE" in both|ours|peer) ;; *) echo "SIDE must be both, ours or peer, not $SIDE" >&2; exit 2 ;; esac
for s in $(seq "${FIRST:-1}" "$SUBSETS"); do
    [[ "$SIDE" == peer ]] || ours "$s" dc ours-dc
    [[ "$SIDE" == ours ]] || peer "$s"
    if [[ "${STANDARD:-0}" == 1 && "$SIDE" != peer ]]; then ours "$s" standard ours-standard; fi
done
table
