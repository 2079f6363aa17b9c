#!/usr/bin/env bash
# Sets up and builds (scripts/setup.sh), then runs the whole test suite with CTest.
# Extra arguments go to scripts/setup.sh (e.g. --no-gui).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir="$here/build"
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  [ "${args[$i]}" = "--build-dir" ] && build_dir=$(realpath -m "${args[$((i + 1))]}")
done
bash "$here/scripts/setup.sh" "$@"
printf '\n==> Running the test suite\n'
start=$(date +%s)
cd "$build_dir"
status=0
ctest --output-on-failure -j 2 --timeout 900 || status=$?
echo "tests finished in $(( $(date +%s) - start )) s"
exit $status
