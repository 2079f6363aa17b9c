#!/usr/bin/env bash
# Runs every CPU benchmark in one go (each with warm-up and repeats, medians quoted), keeps
#   bench/results/cpu-<date>.jsonl   one JSON line per result, machine record first
#   bench/results/cpu-<date>.txt     the programs' full text output
# and regenerates the CPU block of docs/benchmarks.md with bench/report.py (the GPU block
# comes from bench/results/gpu-*.jsonl, written by bench/gpu.sh on a GPU machine).
#   bench/run.sh [BUILD_DIR]      (default: build; build the bench_* targets and specmoe first)
# Environment:
#   ONLY="routing collect trace_io train analysis simulate stream views"   the parts to run (default: all)
#   QUICK=1        smoke run: tiny sizes, one repeat; results go to $TMPDIR, docs untouched
#   CAP_MIB=1024   memory cap of the streaming run; STREAM_LAYERS=160 (small preset widened
#                  to ~1.5 GiB float32), STREAM_BATCH=4, STREAM_SEQ=128
#   MODEL_DIR=DIR  where the streaming model is written (default: $TMPDIR; ~1.5 GiB, removed after)
#   NO_REPORT=1    do not touch docs/benchmarks.md (the default when ONLY is set: a partial
#                  run would replace the generated block with a partial one; REPORT=1 forces it)
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=$(realpath "${1:-$here/build}")
only=" ${ONLY:-routing collect trace_io train analysis simulate stream views} "
quick=${QUICK:-0}
stamp=$(date -u +%Y%m%d-%H%M)
[ -n "${ONLY:-}" ] && stamp+=-partial # report.py skips partial runs unless named with --cpu
if [ "$quick" = 1 ]; then
  resdir=$(mktemp -d "${TMPDIR:-/tmp}/specmoe-bench-quick.XXXXXX")
else
  resdir="$here/bench/results"
fi
mkdir -p "$resdir"
out="$resdir/cpu-$stamp.jsonl"
log="$resdir/cpu-$stamp.txt"
report=(python3 "$here/bench/report.py")
: >"$out"
: >"$log"
want() { [[ "$only" == *" $1 "* ]]; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"${report[@]}" machine --specmoe "$build/app/specmoe" >>"$out"
{
  echo "# SpecMoE CPU benchmarks, $(date -u +%FT%TZ), commit $(git -C "$here" rev-parse --short HEAD)"
  echo "# machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-), $(free -g | awk '/Mem:/{print $2}') GiB RAM"
  echo "# load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  "$build/app/specmoe" info | sed 's/^/# /'
} | tee -a "$log"

# bench NAME CMD...: runs CMD, its text into the log, its JSON lines ({"bench":...}) into
# the results; a failure is recorded as {"bench":"error"}.
bench() {
  local name=$1; shift
  echo | tee -a "$log"
  echo "## $name: $*" | tee -a "$log"
  local t0=$SECONDS
  "$@" 2>&1 | tee "$tmp/part.txt"
  local rc=${PIPESTATUS[0]}
  cat "$tmp/part.txt" >>"$log"
  grep '^{"bench"' "$tmp/part.txt" >>"$out"
  echo "## $name: exit $rc after $((SECONDS - t0)) s" | tee -a "$log"
  [ "$rc" = 0 ] || echo "{\"bench\":\"error\",\"name\":\"$name\",\"rc\":$rc}" >>"$out"
}

if [ "$quick" = 1 ]; then
  routing_args=(8 64 1 1); collect_args=(8 4 0 --repeats 1)
  trace_args=(--tokens 20000 --levels 0 --chunks 8192 --repeats 1); trace_logit_args=(--tokens 5000 --logits --levels 0 --chunks 8192 --repeats 1)
  train_args=(--repeats 1 --big 2); analysis_args=(20000 32 8 2 1); views_args=(--tokens 20000)
  simulate_args=(20000 1 20000 0)
  : "${STREAM_LAYERS:=32}" "${CAP_MIB:=256}" "${STREAM_BATCH:=2}" "${STREAM_SEQ:=32}"
  stream_reps=(--warmup 1 --repeats 1)
else
  routing_args=(8 256 5 5); collect_args=(96 8 0 --repeats 5)
  trace_args=(--repeats 3); trace_logit_args=(--tokens 200000 --logits --levels 0,1 --chunks 8192 --repeats 3)
  train_args=(--repeats 3 --big 10); analysis_args=(1000000 32 8 2 3); views_args=()
  # tokens, repeats, sweep tokens, threads (0 = the cores): issue 20's 20-size sweep of 1 M tokens
  simulate_args=(1000000 3 1000000 0)
  stream_reps=(--warmup 1 --repeats 3)
fi

want routing && bench routing_vs_hf bash "$here/bench/routing_vs_hf.sh" "$build" "${routing_args[@]}"
want collect && bench collect "$build/bench/bench_collect" "${collect_args[@]}"
if want trace_io; then
  bench trace_io "$build/bench/bench_trace_io" "${trace_args[@]}"
  bench trace_io_logits "$build/bench/bench_trace_io" "${trace_logit_args[@]}"
fi
want train && bench train "$build/bench/bench_train" "${train_args[@]}"
want analysis && bench analysis "$build/bench/bench_analysis" "${analysis_args[@]}"
want simulate && bench simulate "$build/bench/bench_simulate" "${simulate_args[@]}"

# Streaming against resident on CPU, for a model larger than a memory cap: the `small`
# preset widened to STREAM_LAYERS layers (float32). Resident runs without a cap; streaming
# runs under CAP_MIB, enforced by a cgroup through systemd-run where systemd runs, else
# only compared with the peak RSS (recorded as cap_enforced false). Before the streaming
# run the model's pages are dropped from the page cache, so it starts cold.
stream_run() { # RESIDENCY FIELDS... [-- WRAPPER...]: one bench_runtime run, annotated
  local residency=$1; shift
  local fields=() wrapper=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do fields+=("$1"); shift; done
  [ $# -gt 0 ] && { shift; wrapper=("$@"); }
  ${wrapper[@]+"${wrapper[@]}"} "$build/bench/bench_runtime" --model "$smodel" --device cpu --dtype float32 \
    --residency "$residency" --batch "$STREAM_BATCH" --seq "$STREAM_SEQ" "${stream_reps[@]}" |
    "${report[@]}" annotate "${fields[@]}"
}
if want stream; then
  : "${STREAM_LAYERS:=160}" "${CAP_MIB:=1024}" "${STREAM_BATCH:=4}" "${STREAM_SEQ:=128}"
  mdir=$(mktemp -d "${MODEL_DIR:-${TMPDIR:-/tmp}}/specmoe-stream.XXXXXX")
  smodel="$mdir/model"
  cap=$((CAP_MIB * 1048576))
  echo "## writing the streaming model ($STREAM_LAYERS layers of the small preset, float32) to $smodel" | tee -a "$log"
  "$build/app/specmoe" make-model --preset small --layers "$STREAM_LAYERS" --dtype float32 --out "$smodel" --quiet >>"$log" 2>&1
  mbytes=$(du -sb "$smodel" | cut -f1)
  echo "## model: $mbytes bytes on disk; cap: $cap bytes" | tee -a "$log"
  [ "$mbytes" -gt "$cap" ] || echo "## WARNING: the model is not larger than the cap; raise STREAM_LAYERS" | tee -a "$log"
  common=(cap_bytes=$cap model_bytes=$mbytes)
  bench stream_resident stream_run resident "${common[@]}" cap_applied=false cap_enforced=false
  # Cold start for the capped run: drop the model's pages from the page cache.
  python3 -c 'import os, sys
for root, _, files in os.walk(sys.argv[1]):
    for f in files:
        fd = os.open(os.path.join(root, f), os.O_RDONLY)
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        os.close(fd)' "$smodel"
  if command -v systemd-run >/dev/null && systemd-run --scope --quiet -p MemoryMax=$cap true >/dev/null 2>&1; then
    bench stream_streaming stream_run streaming "${common[@]}" cap_applied=true cap_enforced=true \
      cap_method=systemd-run-MemoryMax -- systemd-run --scope --quiet -p MemoryMax=$cap -p MemorySwapMax=0
  else
    echo "## no systemd to enforce the cap (systemd-run --scope failed): peak RSS is compared with it" | tee -a "$log"
    bench stream_streaming stream_run streaming "${common[@]}" cap_applied=true cap_enforced=false
  fi
  rm -rf "$mdir"
fi

views_run() {
  env QT_QPA_PLATFORM=offscreen "$build/bench/bench_views" ${views_args[@]+"${views_args[@]}"} | tee /dev/stderr |
    "${report[@]}" views-json
}
if want views; then
  if [ -x "$build/bench/bench_views" ]; then
    bench views views_run
  else
    echo "## views: $build/bench/bench_views not built (needs the GUI build); skipped" | tee -a "$log"
  fi
fi

"${report[@]}" machine --end >>"$out"
echo; echo "results: $out"; echo "log:     $log"
no_report=${NO_REPORT:-0}
[ -n "${ONLY:-}" ] && [ "${REPORT:-0}" != 1 ] && no_report=1
if [ "$quick" != 1 ] && [ "$no_report" != 1 ]; then
  "${report[@]}" --cpu "$out"
elif [ "$quick" != 1 ]; then
  echo "docs/benchmarks.md left alone; to tabulate this run: python3 bench/report.py --cpu $out"
else
  cp "$here/docs/benchmarks.md" "$resdir/benchmarks.md"
  "${report[@]}" --cpu "$out" --doc "$resdir/benchmarks.md"
fi
