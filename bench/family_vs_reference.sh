#!/usr/bin/env bash
# Routing-capture throughput of one family's small preset: specmoe's runtime
# (bench_routing) vs the eager reference written from transformers' modeling code
# (bench/reference/bench_reference.py), same checkpoint, batch and length, alternating
# PAIRS times (default 3). The reference runs at all cores and at one thread (OpenBLAS's pool
# at one thread too); its better median counts. Prints each run and a JSON summary line ({"bench":"family_vs_reference"}).
# REFERENCE=transformers makes the peer transformers itself (bench/reference/bench_transformers.py,
# sdpa attention, in the Debian sid chroot of scripts/sid-python.sh; needs root), with its experts
# kernel HF_EXPERTS (default eager: on this CPU 2,101 tokens/s vs grouped_mm's 1,132, one thread).
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
reference="${REFERENCE:-eager}"
peer=("$py" "$here/reference/bench_reference.py")
if [ "$reference" = transformers ]; then
  peer=(bash "$here/../scripts/sid-python.sh" "$here/reference/bench_transformers.py" --experts "${HF_EXPERTS:-eager}")
elif [ "$reference" != eager ]; then
  echo "REFERENCE is '$reference': eager (default) or transformers" >&2; exit 2
fi
tmp="$(mktemp -d /tmp/family_vs_reference.XXXXXX)" # under /tmp: the chroot sees it
trap 'rm -rf "$tmp"' EXIT
"$build/app/specmoe" make-model --family "$family" --preset small --dtype float32 --out "$tmp/m" --quiet >/dev/null
: >"$tmp/runs.jsonl"
for ((i = 1; i <= pairs; i++)); do
  ours="$("$build/bench/bench_routing" --model "$tmp/m" --batch "$batch" --seq "$seq" --iters "$iters" --threads 0)"
  ref_n="$("${peer[@]}" "$tmp/m" --batch "$batch" --seq "$seq" --iters "$iters" --threads "$(nproc)")"
  # One torch thread with OpenBLAS's own pool at one thread too: its idle workers otherwise
  # spin beside the single compute thread (3x slower on the shared 2-core machine).
  ref_1="$(OPENBLAS_NUM_THREADS=1 "${peer[@]}" "$tmp/m" --batch "$batch" --seq "$seq" --iters "$iters" --threads 1)"
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
print(json.dumps({"bench": "family_vs_reference", "family": sys.argv[2], "reference": runs[0][best].get("impl"),
                  "ours_tokens_per_s": med("ours"),
                  "reference_tokens_per_s": med(best), "reference_setting": best, "ratio": round(ratio, 2),
                  "pairs": len(runs)}))
PY
