#!/usr/bin/env bash
# Routing-capture throughput: specmoe's runtime vs the Hugging Face eager algorithm in
# PyTorch (hf_eager_reference.py), on the same small-preset checkpoint written by
# `specmoe make-model`, same batch, same thread count, in one run. Prints both figures,
# the ratio, and each process's total CPU seconds (load + warm-up + iterations), which
# stays meaningful when the machine is shared and wall time is not.
#   bench/routing_vs_hf.sh [BUILD_DIR] [BATCH] [SEQ] [ITERS]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="${1:-$here/../build}"
batch="${2:-8}"
seq="${3:-256}"
iters="${4:-5}"
threads="${THREADS:-$(nproc)}"
ref="${HF_REFERENCE:-/work/shared/bench/hf_eager_reference.py}"
py="${PYTHON:-/usr/bin/python3}" # Debian's python3 with python3-torch
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

"$build/app/specmoe" make-model --preset small --dtype float32 --seed 0 --out "$tmp/small" --quiet >/dev/null
ours="$(/usr/bin/time -f '%U %S' -o "$tmp/ours.cpu" "$build/bench/bench_routing" --model "$tmp/small" \
        --batch "$batch" --seq "$seq" --iters "$iters" --threads "$threads")"
theirs="$(/usr/bin/time -f '%U %S' -o "$tmp/ref.cpu" "$py" "$ref" "$tmp/small" \
          --batch "$batch" --seq "$seq" --iters "$iters" --threads "$threads")"
echo "specmoe:       $ours"
echo "hf reference:  $theirs"
echo "load average:  $(cut -d' ' -f1-3 /proc/loadavg)"
"$py" - "$ours" "$theirs" "$(cat "$tmp/ours.cpu")" "$(cat "$tmp/ref.cpu")" <<'PY'
import json, sys
a, b = json.loads(sys.argv[1]), json.loads(sys.argv[2])
ca, cb = (sum(map(float, s.split())) for s in sys.argv[3:5])
print(f"tokens/s: specmoe {a['tokens_per_s']:.1f}, reference {b['tokens_per_s']:.1f}, "
      f"ratio {a['tokens_per_s'] / b['tokens_per_s']:.2f}x (threads {a['threads']}, batch {a['batch']} x {a['seq']})")
print(f"process CPU seconds: specmoe {ca:.1f}, reference {cb:.1f}, ratio {cb / ca:.2f}x")
PY
