#!/usr/bin/env bash
# GPU benchmarks, run on the lent GPU machine from the repository root (see
# ../shared/gpu/README.md): builds core + CLI against that machine's CUDA libtorch with
# Debian's HDF5/SentencePiece unpacked from .debs/ (fetch them here first with
#   mkdir -p .debs && (cd .debs && apt-get download libhdf5-dev libhdf5-103-1 libhdf5-cpp-103-1 \
#     libhdf5-hl-100 libhdf5-hl-cpp-100 libsz2 libaec0 libaec-dev libsentencepiece-dev \
#     libsentencepiece0 nlohmann-json3-dev zlib1g-dev))
# then measures our runtime and transformers in the same call.
#   bench/gpu.sh [STAGE...]   stages: build check ref ours stream trainbench train (default: all)
# Results: $OUT/gpu-results.jsonl (or ./), log: gpu-log.txt. Optional: TRACES=DIR (a trace
# folder, e.g. carried from a demo run) for the CUDA training stage.
# Models go to /dev/shm when it has room: writing 45 GB of random weights to disk costs
# minutes of device time, tmpfs seconds.
set -uo pipefail
out=${OUT:-$PWD}
res=$out/gpu-results.jsonl
log=$out/gpu-log.txt
stages=${*:-build check ref ours stream trainbench train}
P=/tmp/specmoe-deps
B=build-gpu
models=/dev/shm/specmoe-models
[ "$(df --output=avail -k /dev/shm 2>/dev/null | tail -1)" -gt 50000000 ] 2>/dev/null || models=/tmp/specmoe-models
export PYTHONUNBUFFERED=1
note() { echo "== $(date +%T) $*" | tee -a "$log"; }
has() { [[ " $stages " == *" $1 "* ]]; }

if has build; then
  note "unpack deps"
  mkdir -p $P && for f in .debs/*.deb; do dpkg -x "$f" $P; done
fi
export LD_LIBRARY_PATH=$P/usr/lib/x86_64-linux-gnu:$P/usr/lib/x86_64-linux-gnu/hdf5/serial:${LD_LIBRARY_PATH:-}
export PKG_CONFIG_PATH=$P/usr/lib/x86_64-linux-gnu/pkgconfig PKG_CONFIG_SYSROOT_DIR=$P
if has build; then
  note "configure"
  nvidia-smi --query-gpu=name,memory.total,memory.used --format=csv | tee -a "$log"
  tp=$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)')
  cmake -S . -B $B -G Ninja -DCMAKE_BUILD_TYPE=Release -DSPECMOE_BUILD_GUI=OFF \
    -DSPECMOE_BUILD_TESTS=OFF -DSPECMOE_DEPS_PREFIX=$P -DCMAKE_PREFIX_PATH="$tp" \
    -DCMAKE_CUDA_ARCHITECTURES=90 >>"$log" 2>&1 || { tail -40 "$log"; exit 1; }
  note "build bench_runtime"
  ninja -C $B bench_runtime >>"$log" 2>&1 || { grep -B2 -A12 'error' "$log" | head -80; exit 1; }
  # The CLI and bench_train (CUDA training) build in the background while the runtime is measured.
  (ninja -C $B -j10 specmoe bench_train >"$out/gpu-build-cli.txt" 2>&1; echo "exit $?" >>"$out/gpu-build-cli.txt") &
  cli_build=$!
fi
bench=$B/bench/bench_runtime
# Machine record (date, load, cores, commit when .git came along, GPU name) for report.py.
python3 bench/report.py machine | python3 -c 'import json, sys; r = json.load(sys.stdin); r["gpu"] = sys.argv[1]; print(json.dumps(r))' \
  "$(nvidia-smi --query-gpu=name,memory.total --format=csv,noheader 2>/dev/null | head -1)" >>"$res"

if has check; then
  note "CUDA correctness against the transformers fixture (all modes, dtypes, kernels)"
  OUT=$out timeout 240 bash tests/core/model/gpu/gpu_check.sh 2>&1 | tail -45 | tee -a "$log"
fi
if has ref; then
  note "transformers references"
  python3 bench/gpu_hf_reference.py --preset small --batch 64 --seq 256 | tee -a "$res"
  python3 bench/gpu_hf_reference.py --preset mixtral-8x7b --layers 8 --batch 16 --seq 512 | tee -a "$res"
fi
if has ours; then
  mkdir -p $models
  note "ours: small (default kernels, then chunked attention + grouped MoE), 8x7B dims 8 layers"
  $bench --make-preset small --model $models/small --device cuda --dtype bfloat16 --batch 64 --seq 256 | tee -a "$res"
  $bench --model $models/small --device cuda --dtype bfloat16 --batch 64 --seq 256 --attention chunked --moe grouped | tee -a "$res"
  $bench --make-preset mixtral-8x7b --make-layers 8 --model $models/m8 --device cuda --dtype bfloat16 --batch 16 --seq 512 | tee -a "$res"
  $bench --model $models/m8 --device cuda --dtype bfloat16 --batch 16 --seq 512 --attention chunked | tee -a "$res"
  rm -rf $models/m8
fi
if has stream; then
  note "streaming (pinned host cache) vs resident, 8x7B dims 16 layers, 64 x 512"
  $bench --make-preset mixtral-8x7b --make-layers 16 --model $models/m16 --device cuda --dtype bfloat16 --residency streaming --host-cache 1 --batch 64 --seq 512 --warmup 1 --repeats 3 | tee -a "$res"
  $bench --model $models/m16 --device cuda --dtype bfloat16 --residency resident --batch 64 --seq 512 --warmup 1 --repeats 3 | tee -a "$res"
  rm -rf $models/m16
fi
if has trainbench; then
  [ -n "${cli_build:-}" ] && { note "waiting for the CLI build"; wait $cli_build; cli_build=; }
  if [ -x $B/bench/bench_train ]; then
    note "bench_train per model on cuda (synthetic Mixtral-shaped routing)"
    timeout 300 $B/bench/bench_train --device cuda --repeats 2 --big 2 2>&1 | grep '^{' | tee -a "$res"
  fi
fi
if has train && [ -n "${TRACES:-}" ]; then
  [ -n "${cli_build:-}" ] && { note "waiting for the CLI build"; wait $cli_build; }
  tail -3 "$out/gpu-build-cli.txt" 2>/dev/null
  if [ -x $B/app/specmoe ]; then
    for dev in cuda cpu; do
      note "specmoe train on $dev"
      $B/app/specmoe train --traces "$TRACES" --out /tmp/specmoe-train-$dev --overwrite --device $dev --epochs 2 2>&1 | tail -12 | tee -a "$log"
    done
  fi
fi
python3 bench/report.py machine --end >>"$res"
note "done"
