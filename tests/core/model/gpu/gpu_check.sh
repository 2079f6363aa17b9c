#!/usr/bin/env bash
# Builds the model runtime against the machine's CUDA libtorch (no CMake: the GPU machine
# lacks HDF5 and SentencePiece, which this check does not need) and runs gpu_check.
set -euo pipefail
cd "$(dirname "$0")/../../../.."
out="${OUT:-/tmp}/gpu-check-build"
mkdir -p "$out"
py=python3
inc=$($py -c 'import torch.utils.cpp_extension as c; print(" ".join("-isystem " + p for p in c.include_paths()))')
lib=$($py -c 'import torch, os; print(os.path.join(os.path.dirname(torch.__file__), "lib"))')
abi=$($py -c 'import torch; print(int(torch._C._GLIBCXX_USE_CXX11_ABI))')
cuda_inc=/usr/local/cuda/include
flags="-O2 -std=c++17 -fPIC -DSPECMOE_WITH_CUDA=1 -D_GLIBCXX_USE_CXX11_ABI=$abi -I. $inc -isystem $cuda_inc -w"
srcs="core/model/config.cpp core/model/memory.cpp core/safetensors/safetensors.cpp core/safetensors/safetensors_writer.cpp
      core/model/runtime.cpp core/model/make_model.cpp core/tensor/torch_compat.cpp core/util/progress.cpp core/util/sysmem.cpp core/util/blas_threads.cpp
      tests/core/model/gpu/gpu_check.cpp"
pids=()
for s in $srcs; do
  o="$out/$(echo "$s" | tr '/' '_').o"
  g++ $flags -c "$s" -o "$o" &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p"; done
g++ -o "$out/gpu_check" "$out"/*.o -L"$lib" -Wl,-rpath,"$lib" -ltorch -ltorch_cpu -ltorch_cuda -lc10 -lc10_cuda \
    -L/usr/local/cuda/lib64 -lcudart
nvidia-smi --query-gpu=name,memory.used,memory.total --format=csv,noheader
"$out/gpu_check" tests/data/hf-tiny-mixtral "$@"
