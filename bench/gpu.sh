#!/usr/bin/env bash
# GPU benchmarks, run on the lent GPU machine from the repository root (see
# ../shared/gpu/README.md): builds core + CLI against that machine's CUDA libtorch with
# Debian's HDF5, SentencePiece, PCRE2 and ICU unpacked from .debs/ (fetch them here first
# with `bash scripts/fetch-gpu-debs.sh`, 27 MB)
# then measures our runtime and transformers in the same call. One device call:
#   run(command="bash bench/gpu.sh", carry=[".debs"], timeout_s=600)
#   bench/gpu.sh [STAGE...]   default: build goldens ref ours qwen3 trainbench workflow
# Stages, in the order they run (seconds: estimate on an H100/H200; "meas." = from the 2026-11-26
# H200 run in docs/benchmarks.md, else a guess; each stage's real wall time is recorded):
#   build      configure, bench_runtime; CLI + bench_train in the background      ~150 (guess)
#   goldens    bench/hf_family_goldens.py: every family fixture vs transformers,   ~40 (7 tiny
#              CPU float32 (issue 21)                                               models + import)
#   check      CUDA correctness on the Mixtral fixture (gpu_check.sh)              <=240 (its timeout)
#   ref        transformers MixtralModel, 8x7B dims 8 layers, 16 x 512             ~45 (meas. 0.122 s
#              (REF_SMALL=1: also `small`, 64 x 256)                                a pass + init)
#   ours       our runtime on the same slice (m8, made in /dev/shm): MoE kernels   ~70 (load meas. 19 s,
#              auto, grouped, grouped_mm alternated on one load                     make ~40 s guess)
#              (OURS_VARIANTS=1: also chunked attention and `small`)
#   qwen3      Qwen3-30B-A3B dims, 8 layers, bf16, 16 x 512: ours and             ~90 (11 GB make +
#              transformers Qwen3MoeModel in the same call (issue 21)               load, 2 x 7 passes)
#   trainbench bench_train --device cuda per model (issue 22 item 1), the batch  60-150 (timeout)
#              thread and mixed precision each on and off
#   workflow   issue 22 item 4: collect 1 M tokens on cuda through m8, then       120-200 (timeouts)
#              synth 32-layer traces + train/eval/simulate (bench/workflow_1m.sh)
#   stream     streaming vs resident, 16 layers, 64 x 512                         ~200 (meas. load
#                                                                                   45 + 38 s, m16 make)
#   train      specmoe train on cuda and cpu (needs TRACES=DIR)                    ~120
# The default list adds up to about 9-10 minutes; BUDGET_S (default 540) guards it: a stage whose
# estimate no longer fits before the budget is skipped and logged, so what ran comes back, and
# trainbench and workflow shorten their timeouts to what is left.
# Results: $OUT/gpu-results.jsonl (or ./), log: gpu-log.txt. Models go to /dev/shm when it has
# room: writing 23 GB of random weights to disk costs minutes of device time, tmpfs seconds.
set -uo pipefail
out=${OUT:-$PWD}
res=$out/gpu-results.jsonl
log=$out/gpu-log.txt
stages=${*:-build goldens ref ours qwen3 trainbench workflow}
budget=${BUDGET_S:-540}
P=/tmp/specmoe-deps
B=build-gpu
models=/dev/shm/specmoe-models
[ "$(df --output=avail -k /dev/shm 2>/dev/null | tail -1)" -gt 50000000 ] 2>/dev/null || models=/tmp/specmoe-models
export PYTHONUNBUFFERED=1
t_start=$(date +%s)
note() { echo "== $(date +%T) $*" | tee -a "$log"; }
# Seconds a stage needs to be worth starting; trainbench and workflow then shorten their
# timeouts to what is left (cap).
declare -A est=([build]=150 [goldens]=40 [check]=240 [ref]=45 [ours]=70 [qwen3]=90 [trainbench]=60
                [workflow]=120 [stream]=200 [train]=120)
left() { echo $((budget - ($(date +%s) - t_start))); }
cap() { local l=$(($(left) - 15)); if [ "$l" -lt "$1" ]; then echo "$l"; else echo "$1"; fi; }
stage_t0=
# has STAGE: the stage was asked for and its estimate fits in what is left of the budget. Also
# records the previous stage's wall time.
has() {
  [[ " $stages " == *" $1 "* ]] || return 1
  end_stage
  local left
  left=$(left)
  if [ "$1" != build ] && [ "${est[$1]:-60}" -gt "$left" ]; then
    note "skip $1: estimate ${est[$1]} s, ${left} s of BUDGET_S=$budget left"
    echo "{\"bench\": \"gpu_stage\", \"stage\": \"$1\", \"skipped\": true, \"left_s\": $left}" >>"$res"
    return 1
  fi
  stage_name=$1 stage_t0=$(date +%s)
}
end_stage() {
  [ -n "$stage_t0" ] || return 0
  echo "{\"bench\": \"gpu_stage\", \"stage\": \"$stage_name\", \"wall_s\": $(($(date +%s) - stage_t0))}" >>"$res"
  stage_t0=
}
build_failed() {
  note "build failed at $1; the python-only stages still run"
  grep -m 20 -A10 -E 'error|Error' "$log" | head -120
  echo "{\"bench\": \"error\", \"name\": \"build\", \"step\": \"$1\"}" >>"$res"
}
wait_cli() {
  [ -n "${cli_build:-}" ] || return 0
  note "waiting for the CLI build"
  wait "$cli_build"
  cli_build=
  tail -3 "$out/gpu-build-cli.txt"
}

if has build; then
  do_build=1
  note "unpack deps"
  mkdir -p $P && for f in .debs/*.deb; do dpkg -x "$f" $P; done
fi
export LD_LIBRARY_PATH=$P/usr/lib/x86_64-linux-gnu:$P/usr/lib/x86_64-linux-gnu/hdf5/serial:${LD_LIBRARY_PATH:-}
export PKG_CONFIG_PATH=$P/usr/lib/x86_64-linux-gnu/pkgconfig PKG_CONFIG_SYSROOT_DIR=$P
if [ -n "${do_build:-}" ]; then
  note "configure"
  nvidia-smi --query-gpu=name,memory.total,memory.used --format=csv | tee -a "$log"
  tp=$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)')
  # A failed build is recorded and the stages that need only python (goldens, transformers'
  # references) still run: one device call must not come back empty.
  if ! cmake -S . -B $B -G Ninja -DCMAKE_BUILD_TYPE=Release -DSPECMOE_BUILD_GUI=OFF \
      -DSPECMOE_BUILD_TESTS=OFF -DSPECMOE_DEPS_PREFIX=$P -DCMAKE_PREFIX_PATH="$tp" \
      -DCMAKE_CUDA_ARCHITECTURES=90 >>"$log" 2>&1; then
    build_failed configure
  else
    note "build bench_runtime"
    if ! ninja -C $B bench_runtime >>"$log" 2>&1; then
      build_failed bench_runtime
    else
      # The CLI and bench_train (CUDA training) build in the background while the runtime is measured.
      (ninja -C $B -j10 specmoe bench_train >"$out/gpu-build-cli.txt" 2>&1; echo "exit $?" >>"$out/gpu-build-cli.txt") &
      cli_build=$!
    fi
  fi
fi
bench=$B/bench/bench_runtime
# Machine record (date, load, cores, commit when .git came along, GPU name) for report.py.
python3 bench/report.py machine | python3 -c 'import json, sys; r = json.load(sys.stdin); r["gpu"] = sys.argv[1]; print(json.dumps(r))' \
  "$(nvidia-smi --query-gpu=name,memory.total --format=csv,noheader 2>/dev/null | head -1)" >>"$res"

if has goldens; then
  note "family fixtures vs transformers (float32, CPU, eager)"
  timeout 120 python3 bench/hf_family_goldens.py 2>>"$log" | tee -a "$res"
  rc=${PIPESTATUS[0]}  # 1: a fixture failed (its line says how), 2: no transformers
  [ "$rc" = 0 ] || echo "{\"bench\": \"error\", \"name\": \"goldens\", \"rc\": $rc}" >>"$res"
fi
if has check; then
  note "CUDA correctness against the transformers fixture (all modes, dtypes, kernels)"
  OUT=$out timeout 240 bash tests/core/model/gpu/gpu_check.sh 2>&1 | tail -45 | tee -a "$log"
fi
if has ref; then
  note "transformers references"
  [ -n "${REF_SMALL:-}" ] && python3 bench/gpu_hf_reference.py --preset small --batch 64 --seq 256 | tee -a "$res"
  python3 bench/gpu_hf_reference.py --preset mixtral-8x7b --layers 8 --batch 16 --seq 512 | tee -a "$res"
fi
if [ ! -x $B/bench/bench_runtime ]; then
  for st in ours stream; do [[ " $stages " == *" $st "* ]] && note "skip $st: no $B/bench/bench_runtime"; done
  stages=" $stages "; stages=${stages// ours / }; stages=${stages// stream / }
fi
if has ours; then
  mkdir -p $models
  note "ours: 8x7B dims 8 layers, 16 x 512"
  if [ -n "${OURS_VARIANTS:-}" ]; then
    $bench --make-preset small --model $models/small --device cuda --dtype bfloat16 --batch 64 --seq 256 | tee -a "$res"
    $bench --model $models/small --device cuda --dtype bfloat16 --batch 64 --seq 256 --attention chunked --moe grouped | tee -a "$res"
  fi
  # auto, grouped (a host sync per layer) and grouped_mm (grouped GEMMs, no sync) alternate pass
  # by pass on one load: one record each, "moe_kernel" naming what ran (issue 22 item 2).
  $bench --make-preset mixtral-8x7b --make-layers 8 --model $models/m8 --device cuda --dtype bfloat16 --batch 16 --seq 512 \
    --moe auto,grouped,grouped_mm | tee -a "$res"
  [ -n "${OURS_VARIANTS:-}" ] && $bench --model $models/m8 --device cuda --dtype bfloat16 --batch 16 --seq 512 --attention chunked | tee -a "$res"
fi
if has qwen3; then
  mkdir -p $models
  note "Qwen3-30B-A3B dims, 8 of 48 layers, bf16, 16 x 512: ours, then transformers"
  [ -x $bench ] && $bench --make-family qwen3_moe --make-preset qwen3-30b-a3b --make-layers 8 --model $models/q8 --device cuda \
    --dtype bfloat16 --batch 16 --seq 512 | tee -a "$res"
  rm -rf $models/q8  # room for the transformers model and the later stages
  timeout 150 python3 bench/gpu_hf_reference.py --preset qwen3-30b-a3b --layers 8 --batch 16 --seq 512 | tee -a "$res"
fi
if has trainbench; then
  wait_cli
  if [ -x $B/bench/bench_train ]; then
    note "bench_train per model on cuda (synthetic Mixtral-shaped routing)"
    # shellcheck disable=SC2086  # TRAINBENCH_ARGS: KEY=VALUE worker options, e.g. "batch=4096"
    timeout "$(cap 150)" $B/bench/bench_train --device cuda --repeats 2 --big 2 ${TRAINBENCH_ARGS:-} 2>&1 | grep '^{' | tee -a "$res"
    # The batch thread on the device: the same run with batches made between the steps (0).
    for bt in 1 0 1 0; do
      timeout "$(cap 40)" $B/bench/bench_train worker 4 interlayer,statistics,ensemble cuda batch_thread=$bt ${TRAINBENCH_ARGS:-} 2>&1 | grep '^{' | tee -a "$res"
    done
    # Mixed precision (bfloat16 autocast, --mixed-precision): speed and the validation metrics
    # against float32 at equal epochs, at the default batch and at 4,096 tokens a step.
    for args in "mixed=1" "mixed=0" "mixed=1 batch=4096" "mixed=0 batch=4096"; do
      # shellcheck disable=SC2086
      timeout "$(cap 40)" $B/bench/bench_train worker 4 interlayer,statistics,ensemble cuda epochs=2 $args ${TRAINBENCH_ARGS:-} 2>&1 | grep '^{' | tee -a "$res"
    done
  fi
fi
if has workflow; then
  wait_cli
  note "workflow: 1 M tokens collected through m8 on cuda, then train/eval/simulate"
  WF_BUDGET_S=$(cap 200) bash bench/gpu_workflow.sh "$B" "$models" "$res" 2>&1 | tee -a "$log"
fi
# m8 (~23 GB, made by ours or workflow) leaves room for stream's m16 (~46 GB).
[ -n "${KEEP_MODELS:-}" ] || rm -rf $models/m8
if has stream; then
  note "streaming (pinned host cache) vs resident, 8x7B dims 16 layers, 64 x 512"
  $bench --make-preset mixtral-8x7b --make-layers 16 --model $models/m16 --device cuda --dtype bfloat16 --residency streaming --host-cache 1 --batch 64 --seq 512 --warmup 1 --repeats 3 | tee -a "$res"
  $bench --model $models/m16 --device cuda --dtype bfloat16 --residency resident --batch 64 --seq 512 --warmup 1 --repeats 3 | tee -a "$res"
  rm -rf $models/m16
fi
if [ -n "${TRACES:-}" ] && has train; then
  wait_cli
  if [ -x $B/app/specmoe ]; then
    for dev in cuda cpu; do
      note "specmoe train on $dev"
      $B/app/specmoe train --traces "$TRACES" --out /tmp/specmoe-train-$dev --overwrite --device $dev --epochs 2 2>&1 | tail -12 | tee -a "$log"
    done
  fi
fi
end_stage
python3 bench/report.py machine --end >>"$res"
note "done after $(($(date +%s) - t_start)) s"
