#!/usr/bin/env bash
# The hidden-state speculation study of docs/speculation.md on one demo folder (issue 19):
# traces of the demo's training text with hidden-state features, traces of its held-out
# documents with the same feature basis, predictors trained with the defaults, every
# predictor and baseline scored on the held-out documents, and the summary table
# (recall@2 / exact-set, mean over source layers >= 1, and per source layer).
#
#   bench/hidden_state_heldout.sh SPECMOE DEMO_DIR OUT [TRAIN_TOKENS] [EPOCHS] [MODELS]
#
# SPECMOE: the CLI (build/app/specmoe). DEMO_DIR: a finished `specmoe demo --out DEMO_DIR`.
# TRAIN_TOKENS (default 1000000) tokens of training text are traced; EPOCHS (default 1);
# MODELS: `specmoe train --models` (default: the training default, all models).
# FEATURES (environment, default gate_logits:2+pca:40): the feature spec of the collection.
# One intra-op thread each; rerunnable: finished steps are kept (collect resumes a folder).
set -euo pipefail
specmoe=$(realpath "$1"); demo=$(realpath "$2"); out=$(realpath -m "$3")
tokens=${4:-1000000}; epochs=${5:-1}; models=${6:-}; features=${FEATURES:-gate_logits:2+pca:40}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
[ -f "$demo/model/config.json" ] || { echo "$demo: not a demo folder (model/config.json missing)" >&2; exit 2; }
mkdir -p "$out"
log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" | tee -a "$out/steps.log"; }

train_src=(); heldout_src=()
for d in "$demo"/corpus/train/*/; do
  n=$(basename "$d"); train_src+=(--source "$n=${d%/}:jsonl")
done
# The held-out text, tokenized by the collection like the training text: traces of both carry
# the same tokenizer fingerprint, which eval checks against the predictor's.
for d in "$demo"/corpus/heldout/*/; do
  n=$(basename "$d"); heldout_src+=(--source "$n=${d%/}:jsonl")
done
common=(--max-length 256 --long-docs split --batch-size 16 --device cpu --dtype float32 --lookahead 1,2 --threads 1)

timed() { # label, command...: runs it, logs wall and CPU seconds
  local label=$1; shift
  local t0; t0=$(date +%s.%N)
  /usr/bin/time -f "%U %S %M" -o "$out/.time" "$@" > "$out/$label.out" 2>&1 || { cat "$out/$label.out" >&2; exit 1; }
  read -r u s m < "$out/.time"
  log "$label: wall $(echo "$(date +%s.%N) - $t0" | bc) s, user $u s, system $s s, peak RSS $((m / 1024)) MiB"
}

log "start: $specmoe on $demo, features $features, $tokens tokens, $epochs epochs (load $(cut -d' ' -f1-3 /proc/loadavg))"
timed collect-train "$specmoe" collect --model "$demo/model" "${train_src[@]}" --out "$out/train" \
  --target-tokens "$tokens" --features "$features" "${common[@]}"
timed collect-heldout "$specmoe" collect --model "$demo/model" "${heldout_src[@]}" --out "$out/heldout" \
  --feature-basis "$out/train" "${common[@]}"
train_args=(--traces "$out/train" --out "$out/run" --epochs "$epochs" --batch-size 256 --threads 1)
[ -n "$models" ] && train_args+=(--models "$models")
[ -f "$out/run/best/config.json" ] || timed train "$specmoe" train "${train_args[@]}"
timed eval "$specmoe" eval --run "$out/run" --traces "$out/heldout" --split all --json "$out/heldout.json"
log "end (load $(cut -d' ' -f1-3 /proc/loadavg))"
/usr/bin/python3 "$here/hidden_state_summary.py" "$out/heldout.json" | tee "$out/summary.md"
