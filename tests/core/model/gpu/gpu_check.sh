#!/usr/bin/env bash
# Builds gpu_check against the machine's CUDA libtorch and runs it (bench/gpu.sh stage check):
#   bash tests/core/model/gpu/gpu_check.sh [gpu_check options]
# With the core libraries of a CMake build (SPECMOE_BUILD, default build-gpu, which gpu.sh's
# build stage makes) only gpu_check.cpp is compiled and linked against them; without one, the
# runtime's sources are compiled here (no CMake: the GPU machine lacks HDF5 and SentencePiece,
# which this check does not need). PYTHON (python3) names the python whose torch is used;
# TORCH_LIBS overrides the libtorch link flags (e.g. "-ltorch -lc10" for a CPU-only link check).
set -euo pipefail
cd "$(dirname "$0")/../../../.."
out="${OUT:-/tmp}/gpu-check-build"
mkdir -p "$out"
py=${PYTHON:-python3}
inc=$($py -c 'import torch.utils.cpp_extension as c; print(" ".join("-isystem " + p for p in c.include_paths()))')
lib=$($py -c 'import torch, os; print(os.path.join(os.path.dirname(torch.__file__), "lib"))')
abi=$($py -c 'import torch; print(int(torch._C._GLIBCXX_USE_CXX11_ABI))')
cuda_inc=/usr/local/cuda/include
flags="-O2 -std=c++17 -fPIC -DSPECMOE_WITH_CUDA=1 -D_GLIBCXX_USE_CXX11_ABI=$abi -I. $inc -isystem $cuda_inc -w"
torch_libs=${TORCH_LIBS:-"-ltorch -ltorch_cpu -ltorch_cuda -lc10 -lc10_cuda -L/usr/local/cuda/lib64 -lcudart"}
core=${SPECMOE_BUILD:-build-gpu}/core
if [ -f "$core/libspecmoe_model.a" ]; then
  srcs="tests/core/model/gpu/gpu_check.cpp"
  libs="$core/libspecmoe_model.a $core/libspecmoe_tensor.a $core/libspecmoe_safetensors.a $core/libspecmoe_util.a"
else
  # What libspecmoe_model needs (core/CMakeLists.txt), without the tokenizer (SentencePiece).
  # shellcheck disable=SC2010  # plain file names
  srcs="$(ls core/model/*.cpp core/model/family/*.cpp core/safetensors/*.cpp core/tensor/*.cpp core/util/*.cpp |
          grep -v 'core/model/tokenizer.cpp') tests/core/model/gpu/gpu_check.cpp"
  libs=
fi
rm -f "$out"/*.o
pids=()
for s in $srcs; do
  o="$out/$(echo "$s" | tr '/' '_').o"
  # shellcheck disable=SC2086  # word lists
  g++ $flags -c "$s" -o "$o" &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p"; done
# shellcheck disable=SC2086  # word lists
g++ -o "$out/gpu_check" "$out"/*.o $libs -L"$lib" -Wl,-rpath,"$lib" $torch_libs -lz -ldl -lpthread
nvidia-smi --query-gpu=name,memory.used,memory.total --format=csv,noheader || true
"$out/gpu_check" tests/data/hf-tiny-mixtral "$@"
