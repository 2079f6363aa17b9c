#!/usr/bin/env bash
# Routing throughput on the CPU of an otherwise idle machine: specmoe (built here against
# the machine's libtorch) vs hf_eager_reference.py (REF_DIR, default /work/shared/bench) on the same small
# checkpoint, same torch, same threads. Used where the shared dev machine is too loaded.
set -euo pipefail
cd "$(dirname "$0")/../../../.."
out="${OUT:-/tmp}/cpu-bench-build"
mkdir -p "$out"
py=python3
inc=$($py -c 'import torch.utils.cpp_extension as c; print(" ".join("-isystem " + p for p in c.include_paths()))')
lib=$($py -c 'import torch, os; print(os.path.join(os.path.dirname(torch.__file__), "lib"))')
abi=$($py -c 'import torch; print(int(torch._C._GLIBCXX_USE_CXX11_ABI))')
flags="-O2 -std=c++17 -fPIC -D_GLIBCXX_USE_CXX11_ABI=$abi -I. $inc -w"
srcs="core/model/config.cpp core/model/memory.cpp core/safetensors/safetensors.cpp core/safetensors/safetensors_writer.cpp
      core/model/runtime.cpp core/model/make_model.cpp core/tensor/torch_compat.cpp core/util/progress.cpp
      bench/bench_routing.cpp"
pids=()
for s in $srcs; do g++ $flags -c "$s" -o "$out/$(echo "$s" | tr '/' '_').o" & pids+=($!); done
for p in "${pids[@]}"; do wait "$p"; done
g++ -o "$out/bench_routing" "$out"/*.o -L"$lib" -Wl,-rpath,"$lib" -ltorch -ltorch_cpu -lc10
"$out/bench_routing" --make-model /tmp/small --iters 1 --threads 2 >/dev/null
for t in ${THREADS:-2 16}; do
  echo "threads $t:"
  "$out/bench_routing" --model /tmp/small --iters 5 --threads "$t"
  CUDA_VISIBLE_DEVICES= $py "${REF_DIR:-/work/shared/bench}"/hf_eager_reference.py /tmp/small --iters 5 --threads "$t"
done
