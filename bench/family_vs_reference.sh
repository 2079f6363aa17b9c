#!/usr/bin/env bash
# Routing-capture throughput of one family's small preset: specmoe's runtime
# (bench_routing) vs the eager reference written from transformers' modeling code
# (bench/reference/bench_reference.py), same checkpoint, batch and length, alternating
# PAIRS times (default 3). The reference runs at all cores and at one thread (OpenBLAS's pool
# at one thread too); its better median counts. Prints each run and a JSON summary line ({"bench":"family_vs_reference"}).
#   bench/family_vs_reference.sh FAMILY [BUILD_DIR] [BATCH] [SEQ] [ITERS] [PAIRS]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
family="${1:?family, e.g. qwen3_moe}"
build="${2:-$here/../build}"
batch="${3:-8}"
seq="${4:-256}"
iters="${5:-3}"
pairs="${6:-3}"
py="${PYTHON:-/usr/bin/python3}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
"$build/app/specmoe" make-model --family "$family" --preset small --dtype float32 --out "$tmp/m" --quiet >/dev/null
: >"$tmp/runs.jsonl"
for ((i = 1; i <= pairs; i++)); do
  ours="$("$build/bench/bench_routing" --model "$tmp/m" --batch "$batch" --seq "$seq" --iters "$iters" --threads 0)"
  ref_n="$("$py" "$here/reference/bench_reference.py" "$tmp/m" --batch "$batch" --seq "$seq" --iters "$iters" --threads "$(nproc)")"
  # One torch thread with OpenBLAS's own pool at one thread too: its idle workers otherwise
  # spin beside the single compute thread (3x slower on the shared 2-core machine).
  ref_1="$(OPENBLAS_NUM_THREADS=1 "$py" "$here/reference/bench_reference.py" "$tmp/m" --batch "$batch" --seq "$seq" --iters "$iters" --threads 1)"
  echo "pair $i specmoe: $ours"
  echo "pair $i reference, $(nproc) threads: $ref_n"
  echo "pair $i reference, 1 thread: $ref_1"
  printf '{"ours": %s, "all": %s, "one": %s}\n' "$ours" "$ref_n" "$ref_1" >>"$tmp/runs.jsonl"
done
echo "load average:  $(cut -d' ' -f1-3 /proc/loadavg)"
"$py" - "$tmp/runs.jsonl" "$family" <<'PY'
import json, statistics, sys
runs = [json.loads(l) for l in open(sys.argv[1])]
med = lambda k: statistics.median(r[k]["tokens_per_s"] for r in runs)
best = max(("all", "one"), key=med)
ratio = statistics.median(r["ours"]["tokens_per_s"] / r[best]["tokens_per_s"] for r in runs)
print(json.dumps({"bench": "family_vs_reference", "family": sys.argv[2], "ours_tokens_per_s": med("ours"),
                  "reference_tokens_per_s": med(best), "reference_setting": best, "ratio": round(ratio, 2),
                  "pairs": len(runs)}))
PY
