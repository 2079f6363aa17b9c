#!/usr/bin/env bash
# Compiles the engine's libtorch sources syntax-only against a newer libtorch's headers, CUDA
# branches on: the 2.x and CUDA code (core/tensor/torch_compat, grouped_mm, the CUDA caching
# allocator, autocast) otherwise compiles only on a lent GPU machine, where a build error costs
# its device time. The headers come from Debian sid's libtorch-dev (2.14 when written), fetched
# with apt into a private state folder (nothing is installed); CUDA headers from
# /usr/local/cuda/include when present. Nothing links: sid's libraries need sid's glibc.
#   scripts/torch2-syntax.sh [--all | FILE-SUBSTRING...]   (default: the files with 2.x/CUDA branches)
# Needs a configured build folder (BUILD, default build) for its compile_commands.json.
# Exit: 0 all compiled, 1 a file failed, 3 the headers could not be fetched (no network).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
build=${BUILD:-build}
cache=${TORCH2_CACHE:-$HOME/.cache/specmoe-torch2}
[ -f "$build/compile_commands.json" ] || { echo "torch2-syntax: no $build/compile_commands.json: configure first" >&2; exit 1; }
mkdir -p "$cache"
if [ ! -f "$cache/x/usr/include/torch/headeronly/version.h" ] && [ ! -f "$cache/x/usr/include/torch/csrc/api/include/torch/version.h" ]; then
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian sid main" >"$cache/sources.list"
  mkdir -p "$cache/state/lists/partial" "$cache/apt/archives/partial"
  apt_opts=(-o "Dir::Etc::sourcelist=$cache/sources.list" -o Dir::Etc::sourceparts=- -o "Dir::State=$cache/state"
            -o "Dir::Cache=$cache/apt" -o Dir::State::status=/var/lib/dpkg/status -o APT::Sandbox::User=root)
  if ! apt-get "${apt_opts[@]}" -qq update >/dev/null 2>&1 || \
     ! (cd "$cache" && apt-get "${apt_opts[@]}" -qq download libtorch-dev >/dev/null 2>&1); then
    echo "torch2-syntax: could not fetch Debian sid's libtorch-dev (network?)" >&2
    exit 3
  fi
  rm -rf "$cache/x" && dpkg -x "$cache"/libtorch-dev_*.deb "$cache/x" && rm -f "$cache"/libtorch-dev_*.deb
fi
inc=$cache/x/usr/include
ver=$(grep -hE 'define TORCH_VERSION_(MAJOR|MINOR)' "$inc"/torch/headeronly/version.h "$inc"/torch/csrc/api/include/torch/version.h 2>/dev/null | awk '{printf "%s%s", sep, $3; sep="."}')
echo "libtorch headers $ver ($inc)"
if [ $# -eq 0 ]; then
  # The files whose code differs by libtorch version or CUDA.
  mapfile -t files < <(grep -rlE 'SPECMOE_WITH_CUDA|SPECMOE_TORCH_AT_LEAST|compat::' core app bench --include='*.cpp' | sort)
  set -- "${files[@]}"
fi
exec /usr/bin/python3 scripts/torch2_syntax.py "$build" "$inc" "$@"
