#!/usr/bin/env bash
# Checks every family fixture's golden against transformers itself, on this machine's CPU:
# bench/hf_family_goldens.py in the Debian sid chroot of scripts/sid-python.sh (transformers and
# torch 2.x; Debian 12 has neither). Before it, only a lent GPU machine had transformers.
#   scripts/hf-goldens.sh [hf_family_goldens.py arguments]   (default: every fixture, tol 1e-4)
# Prints one JSON line per fixture. Exit: 0 all agree, 1 one does not, 3 no chroot could be made
# (not root, no debootstrap, no network).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec bash "$here/sid-python.sh" "$here/../bench/hf_family_goldens.py" "$@"
