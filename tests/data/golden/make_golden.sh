#!/usr/bin/env bash
# How the golden files here were made (see README.md): a tiny model, a trace of 30 short
# sequences with lookahead probes and router logits, a one-epoch training run, its test-split
# evaluation and the exported predictor. Kept as the record of the exact commands; the files
# are NOT to be remade when a test fails (that is what they are for), only with a migration
# written in README.md. Everything is made in a temporary folder (the paths the files record
# point there, as they would after moving a run to another machine), then copied.
#   tests/data/golden/make_golden.sh SPECMOE_CLI [OUT_DIR]   (default OUT_DIR: this folder)
set -euo pipefail
cli=$(realpath "$1")
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=$(realpath -m "${2:-$here}")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
g="$work/golden"
mkdir -p "$g/run" "$out"

# 30 sequences of 4..12 token ids (BOS 1, then ids 3..319), fixed by the seed.
/usr/bin/python3 - "$g/corpus.jsonl" <<'PY'
import json, random, sys
rng = random.Random(16)
with open(sys.argv[1], "w") as f:
    for i in range(30):
        n = rng.randint(4, 12)
        f.write(json.dumps({"input_ids": [1] + [rng.randint(3, 319) for _ in range(n - 1)]}) + "\n")
PY

"$cli" make-model --preset tiny --seed 16 --out "$work/model" --quiet
"$cli" collect --model "$work/model" --source "ids=$g/corpus.jsonl:jsonl-ids" --out "$work/collected" \
  --device cpu --dtype float32 --threads 1 --min-length 1 --max-length 32 --batch-size 8 \
  --shuffle-buffer 0 --lookahead 1,2 --logits --seed 0 --quiet
# Collected shards hold 8192-token chunks (700 kB for these few tokens): rewritten as two
# shards of 128-token chunks, by today's trace writer as well.
"$cli" traces reshard "$work/collected" "$g/trace" --size-mb 0.012 --chunk-tokens 128 --quiet
"$cli" train --traces "$g/trace" --out "$work/run" --epochs 1 --horizon 2 --batch-size 32 \
  --hidden 8 --embed 4 --train-fraction 0.6 --val-fraction 0.2 --max-val-tokens 0 --seed 16 \
  --threads 1 --quiet
"$cli" eval --run "$work/run" --split test --threads 1 --quiet
cp "$work/run/metrics.jsonl" "$work/run/report.json" "$work/run/evaluation-test.json" "$g/run/"
"$cli" export --run "$work/run" --out "$g/predictor"

rm -rf "$out/corpus.jsonl" "$out/trace" "$out/run" "$out/predictor"
cp -r "$g/corpus.jsonl" "$g/trace" "$g/run" "$g/predictor" "$out/"
