#!/usr/bin/env bash
# Sets up and builds (scripts/setup.sh), runs the demo workflow, then opens the workbench on
# its workspace when a display is available; otherwise prints where the report is.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bash "$here/scripts/setup.sh"
out="${SPECMOE_DEMO_DIR:-$HOME/specmoe-demo}"
cli="$here/build/app/specmoe"
if ! "$cli" --help | grep -q '^  demo '; then
  # Until the demo command exists, show what the engine sees.
  "$cli" info
  exit 0
fi
printf '\n==> Running the demo into %s\n' "$out"
"$cli" demo --out "$out"
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ -x "$here/build/app/gui/specmoe-workbench" ]; then
  exec "$here/build/app/gui/specmoe-workbench" "$out"
fi
echo
echo "No display: open $out/report/index.html in a browser, or run"
echo "  $here/build/app/gui/specmoe-workbench $out"
