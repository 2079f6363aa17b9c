#!/usr/bin/env bash
# Runs every CPU benchmark in one go and keeps their output, with the machine's
# description, in bench/results/cpu-<date>.txt; docs/benchmarks.md quotes those files.
# GPU figures come from bench/gpu.sh on a GPU machine.
#   bench/run.sh [BUILD_DIR]      (default: build; run scripts/setup.sh first)
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$(realpath "${1:-$here/build}")
out="$here/bench/results/cpu-$(date -u +%Y%m%d-%H%M).txt"
mkdir -p "$here/bench/results"
{
  echo "# SpecMoE CPU benchmarks, $(date -u +%FT%TZ), commit $(git -C "$here" rev-parse --short HEAD)"
  echo "# machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-), $(free -g | awk '/Mem:/{print $2}') GiB RAM"
  echo "# load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  "$build/app/specmoe" info | sed 's/^/# /'
} | tee "$out"
run() { echo; echo "## $*" | tee -a "$out"; "$@" 2>&1 | tee -a "$out"; }
run bash "$here/bench/routing_vs_hf.sh" "$build" 8 256 5
run "$build/bench/bench_collect" 96 8
run "$build/bench/bench_trace_io"
run "$build/bench/bench_train"
run "$build/bench/bench_analysis"
[ -x "$build/bench/bench_views" ] && run env QT_QPA_PLATFORM=offscreen "$build/bench/bench_views"
echo; echo "results: $out"
