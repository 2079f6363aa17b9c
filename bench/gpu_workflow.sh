#!/usr/bin/env bash
# Issue 22 item 4 on the GPU machine (bench/gpu.sh stage `workflow`):
#   bash bench/gpu_workflow.sh BUILD_DIR MODELS_DIR RESULTS_JSONL
# 1. Collection: WF_TOKENS (1,000,000) random token ids, 512 per sequence, collected with the
#    CLI's defaults on cuda through m8 = Mixtral-8x7B dims with 8 of the 32 layers (bf16, 23 GB;
#    made here unless bench/gpu.sh's `ours` stage left it). The whole 32-layer model is 93 GB in
#    bf16: more than the machine's disk (64 GB) or /dev/shm holds. Per token, every part of the
#    collection but the embedding and the LM head (left out of routing) scales with the layers:
#    loading, the forward pass and the trace written, so 32 layers take about 4x the slice's
#    time; the JSON line says so (`layers_scale`).
# 2. Training, evaluation and the simulation sweep: bench/workflow_1m.sh on 32-layer traces of
#    the same dims from `traces synth` (as on the CPU, so the two machines compare), train and
#    eval on cuda. To fit the device call, training reads WF_TRAIN_TOKENS (30,000) tokens for
#    WF_EPOCHS (1) epochs, evaluation and simulation WF_EVAL_TOKENS (30,000); their times scale
#    with tokens x epochs (train's samples/s is in the log). WF_TRAIN_TOKENS=0 WF_EVAL_TOKENS=0
#    WF_EPOCHS= runs the full 1 M tokens and 8 epochs.
# Appends two JSON lines to RESULTS_JSONL: workflow_gpu_collect and workflow_1m (device cuda).
# WF_BUDGET_S (370) bounds the whole script: collection gets up to 170 s of it, the rest the rest.
# WF_DEVICE=cpu with a small model in MODELS_DIR/m8 checks the script's steps without a GPU.
set -uo pipefail
B=$1 models=$2 res=$3
cli=$B/app/specmoe
tokens=${WF_TOKENS:-1000000}
dev=${WF_DEVICE:-cuda}
t_start=$(date +%s)
budget=${WF_BUDGET_S:-370}
collect_limit=$((budget - 60 < 170 ? budget - 60 : 170))
work=$models/workflow
[ -x "$cli" ] || { echo "gpu_workflow: no $cli (the CLI build failed?)" >&2; exit 1; }
rm -rf "$work" && mkdir -p "$work"
if [ ! -f "$models/m8/config.json" ]; then
  echo "gpu_workflow: making m8"
  "$cli" make-model --family mixtral --preset mixtral-8x7b --layers 8 --dtype bfloat16 --out "$models/m8" --quiet >"$work/make.log" 2>&1 \
    || { tail -5 "$work/make.log"; exit 1; }
fi
python3 - "$tokens" "$work/ids.jsonl" "$models/m8/config.json" <<'EOF'
import json, random, sys
tokens, path = int(sys.argv[1]), sys.argv[2]
vocab = json.load(open(sys.argv[3]))["vocab_size"]
rng = random.Random(22)
with open(path, "w") as f:
    for _ in range((tokens + 511) // 512):  # BOS, then ids above the special ones (0-2)
        f.write(json.dumps({"input_ids": [1] + [rng.randrange(3, vocab) for _ in range(511)]}) + "\n")
EOF
t0=$(date +%s.%N)
timeout "$collect_limit" "$cli" collect --model "$models/m8" --source "rand=$work/ids.jsonl:jsonl-ids" --out "$work/traces8" \
  --device "$dev" --max-length 512 --target-tokens "$tokens" --quiet >"$work/collect.log" 2>&1
rc=$?
wall=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}')
cat "$work/collect.log"
python3 - "$work/collect.log" "$wall" "$rc" "$tokens" >>"$res" <<'EOF'
import json, re, sys
text = open(sys.argv[1]).read()
m = re.search(r"(\d+) sequences, (\d+) tokens in ([\d.]+) s \((\d+) tokens/s\)", text)
b = re.search(r"batch (\d+) on (\S+), (\d+) passes", text)
r = dict(bench="workflow_gpu_collect", model="mixtral-8x7b dims, 8 of 32 layers, bf16", layers=8, layers_scale=4,
         tokens_asked=int(sys.argv[4]), wall_s=float(sys.argv[2]), rc=int(sys.argv[3]))
if m:
    r.update(tokens=int(m.group(2)), collect_s=float(m.group(3)), tokens_per_s=int(m.group(4)))
if b:
    r.update(batch=int(b.group(1)), device=b.group(2), passes=int(b.group(3)))
print(json.dumps(r))
EOF
rm -rf "$work/traces8"
TRAIN_ARGS="--device $dev --max-tokens ${WF_TRAIN_TOKENS:-30000}" \
EVAL_ARGS="--device $dev --max-tokens ${WF_EVAL_TOKENS:-30000}" \
SIM_ARGS="--device $dev --max-tokens ${WF_EVAL_TOKENS:-30000}" \
  timeout $((budget - ($(date +%s) - t_start))) bash bench/workflow_1m.sh "$B" "$tokens" "${WF_EPOCHS-1}" "$work/w32" >"$work/w32.log" 2>&1
rc=$?
cat "$work/w32.log"
python3 - "$work/w32.log" "$rc" "$dev" >>"$res" <<'EOF'
import json, re, sys
lines = open(sys.argv[1]).read().splitlines()
try:
    r = json.loads(lines[-1])
except (ValueError, IndexError):
    r = {}
r.update(bench="workflow_1m", device=sys.argv[3], rc=int(sys.argv[2]))
m = re.search(r"tokens: train (\d+), validation (\d+), test (\d+); (\d+) samples/s", "\n".join(lines))
if m:  # what train read and its speed: the figure for 1 M tokens x 8 epochs scales from these
    r.update(train_tokens=int(m.group(1)), val_tokens=int(m.group(2)), test_tokens=int(m.group(3)),
             train_samples_per_s=int(m.group(4)))
print(json.dumps(r))
EOF
rm -rf "$work"
