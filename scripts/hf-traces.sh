#!/usr/bin/env bash
# Traces the CLI collects, checked against transformers itself (bench/hf_trace_check.py in the
# Debian sid chroot of scripts/sid-python.sh): for every family fixture, 14 sequences of 9-39
# random token ids (jsonl-ids, max length 32: some are truncated) are collected three ways,
# resident float32 with router logits, streaming float32 in batches of 5, and bfloat16, and
# every stored top-k set is compared with transformers' model run on that sequence alone. The
# float32 traces must agree on every set (their logits within float16 storage rounding); the
# bfloat16 ones report their agreement rate. One JSON line per trace, then a summary line.
#   scripts/hf-traces.sh [BUILD_DIR]      (default: build)
# Exit: 0 all float32 traces agree, 1 one does not (or a collection failed), 3 no chroot.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$(cd "${1:-$repo/build}" && pwd)"
cli="$build/app/specmoe"
[ -x "$cli" ] || { echo "hf-traces: no $cli: build first" >&2; exit 1; }
tmp="$(mktemp -d /tmp/hf-traces.XXXXXX)" # under /tmp: the chroot sees it
trap 'rm -rf "$tmp"' EXIT
bash "$repo/scripts/sid-python.sh" -c "import transformers, h5py" || exit $?
status=0
: >"$tmp/results.jsonl"
for fx in "$repo"/tests/fixtures/*-tiny "$repo/tests/data/hf-tiny-mixtral"; do
  name=$(basename "$fx")
  /usr/bin/python3 - "$fx/config.json" >"$tmp/$name.jsonl" <<'PY'
import json, random, sys
vocab = json.load(open(sys.argv[1]))["vocab_size"]
r = random.Random(7)
for _ in range(14):
    print(json.dumps({"input_ids": [r.randrange(3, vocab) for _ in range(r.randrange(9, 40))]}))
PY
  for way in "resident float32 --logits" "streaming float32 --batch-size 5" "resident bfloat16"; do
    read -r residency dtype extra <<<"$way"
    out="$tmp/$name-$residency-$dtype"
    if ! "$cli" collect --model "$fx" --source "c=$tmp/$name.jsonl:jsonl-ids" --out "$out" --max-length 32 \
         --device cpu --residency "$residency" --dtype "$dtype" $extra --quiet >"$out.log" 2>&1; then
      echo "hf-traces: collect of $name ($way) failed: $(tail -1 "$out.log")" >&2
      status=1
      continue
    fi
    min=1
    [ "$dtype" = bfloat16 ] && min=0
    rc=0
    bash "$repo/scripts/sid-python.sh" "$repo/bench/hf_trace_check.py" "$out" "$fx" --min-agree "$min" \
      2>"$out.err" | sed "s/^{/{\"fixture\": \"$name\", \"residency\": \"$residency\", /" | tee -a "$tmp/results.jsonl" || rc=$?
    [ "$rc" = 0 ] || { status=1; tail -3 "$out.err" >&2; }
    [ -s "$tmp/results.jsonl" ] || { echo "hf-traces: no result for $name ($way)" >&2; status=1; }
  done
done
/usr/bin/python3 - "$tmp/results.jsonl" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
f32 = [r for r in rows if r["trace_dtype"] == "float32"]
bf = [r for r in rows if r["trace_dtype"] == "bfloat16"]
print(json.dumps({"bench": "hf_traces", "traces": len(rows), "float32_pass": sum(r["pass"] for r in f32),
                  "float32": len(f32), "bfloat16_rate": {r["family"]: round(r["topk_rate"], 4) for r in bf},
                  "transformers": rows[0]["transformers"] if rows else None}))
PY
exit $status
