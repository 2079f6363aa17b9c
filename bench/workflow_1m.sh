#!/usr/bin/env bash
# The whole research workflow's time at Mixtral-8x7B dims (issue 22 item 4): 1 M tokens of
# traces (32 MoE layers, 8 experts, top-2), predictor training with the defaults (all models
# that the traces allow), evaluation on the test split, and a simulation sweep (the default
# cache sizes, policies and predictors, three link bandwidths). Collecting 1 M tokens from
# the real 47 B-parameter model needs a GPU (bench/gpu.sh measures that stage); on a CPU the
# traces come from `traces synth` at the same dims, which writes the same shard format.
# Each stage's wall and CPU seconds are printed, then one JSON line.
#   bench/workflow_1m.sh [BUILD_DIR] [TOKENS] [EPOCHS] [WORK_DIR]
# EPOCHS defaults to train's default (8); WORK_DIR (default: a temporary folder, removed)
# keeps the traces and the run when given. TRAIN_ARGS, EVAL_ARGS, SIM_ARGS (environment) are
# appended to those commands, e.g. TRAIN_ARGS="--device cuda" (bench/gpu.sh stage workflow).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="$(cd "${1:-$here/../build}" && pwd)"
tokens="${2:-1000000}"
epochs="${3:-}"
work="${4:-}"
cli="$build/app/specmoe"
[ -x "$cli" ] || { echo "workflow_1m: no $cli (build first)" >&2; exit 1; }
if [ -z "$work" ]; then
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
fi
mkdir -p "$work"
json="{\"tokens\": $tokens"

# stage NAME CMD...: runs CMD, prints wall and CPU seconds, appends them to the JSON line.
stage() {
  local name="$1"; shift
  local t0 t1
  t0=$(date +%s.%N)
  /usr/bin/time -f '%U %S %M' -o "$work/$name.time" "$@" > "$work/$name.log" 2>&1 \
    || { echo "workflow_1m: stage $name failed (log: $work/$name.log)" >&2; tail -5 "$work/$name.log" >&2; exit 1; }
  t1=$(date +%s.%N)
  read -r user sys rss < "$work/$name.time"
  local wall cpu
  wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", b-a}')
  cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN{printf "%.1f", u+s}')
  printf '%-10s wall %8s s   cpu %8s s   peak RSS %6d MiB\n' "$name" "$wall" "$cpu" $((rss / 1024))
  json="$json, \"${name}_wall_s\": $wall, \"${name}_cpu_s\": $cpu, \"${name}_rss_mib\": $((rss / 1024))"
}

echo "workflow_1m: $tokens tokens at mixtral-8x7b dims in $work ($(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg))"
stage traces "$cli" traces synth --preset mixtral-8x7b --tokens "$tokens" --out "$work/traces" --overwrite --quiet
train_args=(--traces "$work/traces" --out "$work/run" --overwrite --quiet)
[ -n "$epochs" ] && train_args+=(--epochs "$epochs")
# shellcheck disable=SC2086  # the *_ARGS are word lists on purpose
stage train "$cli" train "${train_args[@]}" ${TRAIN_ARGS:-}
# shellcheck disable=SC2086
stage eval "$cli" eval --run "$work/run" --split test ${EVAL_ARGS:-}
# shellcheck disable=SC2086
stage simulate "$cli" simulate --traces "$work/traces" --predictors "frequency,markov,$work/run" --split test \
  --link-gbps 16,32,64 --out "$work/sim" --quiet ${SIM_ARGS:-}
grep -h "samples/s\|recall" "$work/train.log" | tail -2 || true
echo "$json, \"epochs\": \"${epochs:-default}\", \"train_args\": \"${TRAIN_ARGS:-}\", \"eval_args\": \"${EVAL_ARGS:-}\", \"sim_args\": \"${SIM_ARGS:-}\"}"
