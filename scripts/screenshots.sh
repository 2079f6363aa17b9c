#!/usr/bin/env bash
# Rebuilds a demo workspace through the workbench's main window and saves screenshots of the
# window and the dialogs (workbench-*.png, dialog-*.png) into docs/screenshots, or into the
# folder given. Trains core's demo model: minutes of CPU.
#   scripts/screenshots.sh [OUT_DIR] [--build-dir DIR] [--full]
# --full runs the full demo instead of the quick one. SPECMOE_SCREENSHOT_WORKSPACE keeps the
# workspace (default: a temporary folder). The Qt platform is offscreen unless
# QT_QPA_PLATFORM says otherwise (e.g. xcb under Xvfb for the fonts of the real desktop).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out="$here/docs/screenshots"
build_dir="$here/build"
full=
while [ $# -gt 0 ]; do
  case "$1" in
    --build-dir) build_dir=$(realpath -m "$2"); shift 2 ;;
    --full) full=1; shift ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) out=$(realpath -m "$1"); shift ;;
  esac
done
[ -f "$build_dir/build.ninja" ] || { echo "no configured build in $build_dir (run scripts/setup.sh)" >&2; exit 1; }
nice ninja -C "$build_dir" workbench_screens
mkdir -p "$out"
QT_QPA_PLATFORM=${QT_QPA_PLATFORM:-offscreen} SPECMOE_SCREENSHOT_DIR="$out" SPECMOE_SCREENSHOT_FULL=$full \
  "$build_dir/tests/gui/workbench_screens"
echo "screenshots in $out"
