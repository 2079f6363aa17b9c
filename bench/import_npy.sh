#!/usr/bin/env bash
# Import throughput of `specmoe traces import --format npy` at Qwen3-30B-A3B dims (128 experts,
# top-8, 48 MoE layers): numpy writes TOKENS routed tokens (int32 expert ids, distinct within
# each token's layer, int32 token ids, 512-1023-token sequences) into one stored .npz; the
# import (check every id, write id-only shards, verify the folder) runs RUNS times into a
# fresh folder, and the median MB/s of NPY input (10^6 B, the archive's size, over the
# import's own wall time, without process start) is quoted, with the median MB per CPU
# second (the process's CPU time over the same span, all threads), which stays meaningful
# when the machine is shared. Prints human lines and one JSON line.
#   bench/import_npy.sh [BUILD_DIR] [TOKENS] [RUNS]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="${1:-$here/../build}"
tokens="${2:-262144}"
runs="${3:-3}"
py="${PYTHON:-/usr/bin/python3}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

"$py" - "$tmp/routes.npz" "$tokens" <<'PY'
import sys

import numpy as np

path, n = sys.argv[1], int(sys.argv[2])
rng = np.random.default_rng(0)
layers, experts, k = 48, 128, 8
# k distinct ids per (token, layer): base + j * stride (mod 128) with an odd stride.
base = rng.integers(0, experts, size=(n, layers, 1), dtype=np.int32)
stride = rng.integers(0, experts // 2, size=(n, layers, 1), dtype=np.int32) * 2 + 1
ids = ((base + np.arange(k, dtype=np.int32) * stride) % experts).astype(np.int32)
lens = []
while sum(lens) < n:
    lens.append(int(rng.integers(512, 1024)))
lens[-1] -= sum(lens) - n
np.savez(path, expert_ids=ids, token_ids=rng.integers(0, 151000, size=n, dtype=np.int32),
         seq_lens=np.asarray(lens, dtype=np.int32))
PY
bytes=$(stat -c %s "$tmp/routes.npz")
rates=()
cpu=()
for i in $(seq 1 "$runs"); do
  rm -rf "$tmp/out"
  line=$("$build/app/specmoe" traces import --quiet --format npy --experts 128 --out "$tmp/out" "$tmp/routes.npz" |
    grep "MB/s")
  rate=$(echo "$line" | sed -E 's/.*\(([0-9.]+) MB\/s\).*/\1/')
  per_cpu=$(echo "$line" | sed -E 's/.*\(([0-9.]+) MB per CPU second\).*/\1/')
  echo "run $i: $line"
  rates+=("$rate")
  cpu+=("$per_cpu")
done
med() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
median=$(med "${rates[@]}")
median_cpu=$(med "${cpu[@]}")
echo "import npy: $tokens tokens, 128 experts, top-8, 48 layers, int32 ids: $(awk "BEGIN {print $bytes/1e6}") MB input, median $median MB/s over $runs runs (${rates[*]}); median $median_cpu MB per CPU second (${cpu[*]}); load average $(cut -d' ' -f1 /proc/loadavg) on $(nproc) cores"
echo "{\"bench\":\"import_npy\",\"tokens\":$tokens,\"input_bytes\":$bytes,\"runs\":[$(IFS=,; echo "${rates[*]}")],\"median_mb_s\":$median,\"mb_per_cpu_s\":[$(IFS=,; echo "${cpu[*]}")],\"median_mb_per_cpu_s\":$median_cpu}"
