#!/usr/bin/env bash
# The libFuzzer targets of tests/fuzz (docs/development.md, "Fuzzing"), built with clang in
# their own build folder (ASan + UBSan + coverage instrumentation).
#   scripts/fuzz.sh ci                    configure, build, run each target ~5 s on its seeds (CTest)
#   scripts/fuzz.sh run TARGET SECONDS    fuzz one target; new inputs go to build-fuzz/found/TARGET
#   scripts/fuzz.sh seeds                 rewrite tests/fuzz/corpus with fuzz_make_seeds
# Environment: SPECMOE_FUZZ_BUILD_DIR (default build-fuzz), JOBS (default 2).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${SPECMOE_FUZZ_BUILD_DIR:-$here/build-fuzz}
jobs=${JOBS:-2}

configure() {
  [ -f "$build/build.ninja" ] && return
  cmake -S "$here" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DSPECMOE_FUZZ=ON \
    -DSPECMOE_BUILD_GUI=OFF -DSPECMOE_BUILD_TESTS=OFF -DSPECMOE_BUILD_BENCH=OFF >/dev/null
}

case "${1:-}" in
  ci)
    start=$(date +%s)
    configure
    ninja -C "$build" -j "$jobs" specmoe_fuzzers
    (cd "$build" && ctest -L fuzz --output-on-failure -j "$jobs")
    echo "fuzz stage finished in $(( $(date +%s) - start )) s"
    ;;
  run)
    target=${2:?target name, e.g. fuzz_shard}
    seconds=${3:?seconds}
    configure
    ninja -C "$build" -j "$jobs" "$target"
    mkdir -p "$build/found/$target" "$build/artifacts"
    extra=()
    [ "$target" = fuzz_shard ] && extra+=(-max_len=256) # as in tests/fuzz/CMakeLists.txt
    "$build/tests/fuzz/$target" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 \
      -print_final_stats=1 "${extra[@]}" -artifact_prefix="$build/artifacts/$target-" \
      "$build/found/$target" "$here/tests/fuzz/corpus/$target"
    ;;
  seeds)
    configure
    ninja -C "$build" -j "$jobs" fuzz_make_seeds
    "$build/tests/fuzz/fuzz_make_seeds" "$here/tests/fuzz/corpus" "$here"
    ;;
  *)
    sed -n '2,8p' "$0"
    exit 2
    ;;
esac
