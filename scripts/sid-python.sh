#!/usr/bin/env bash
# Runs python3 from a Debian sid chroot that has python3-transformers and python3-torch 2.x
# (Debian 12 has neither): transformers itself on this machine's CPU, for the family goldens
# (scripts/hf-goldens.sh) and a throughput peer (bench/family_vs_reference.sh with
# REFERENCE=transformers). The chroot is made once with debootstrap (about 1 GB from
# deb.debian.org, 5-10 min) and kept in HF_SID (default ~/.cache/specmoe-sid); it is not
# updated, so its transformers version stays what it was when made (delete the folder to take
# sid's newest). The repository and /tmp are bind-mounted at their own paths, so paths under
# them mean the same inside; the mounts (and /proc) live in a private mount namespace and go
# with the process.
#   scripts/sid-python.sh SCRIPT [ARGS...]   (the working folder is kept when it is under the
#                                             repository or /tmp, else the repository's root)
# Exit: the script's, or 3 when no chroot could be made (not root, no debootstrap, no network).
set -euo pipefail
cwd=$PWD
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
root=${HF_SID:-$HOME/.cache/specmoe-sid}
# OpenBLAS: without it libblas.so.3 is netlib's reference BLAS, and torch's CPU matmuls ran 8x
# slower (transformers' Qwen3-MoE small: 260 vs 2,100 tokens/s), no fair peer.
pkgs=python3-transformers,python3-torch,python3-safetensors,python3-numpy,python3-h5py,libopenblas0-pthread
skip() { echo "sid-python: $1" >&2; exit 3; }
[ "$(id -u)" = 0 ] || skip "needs root (chroot, mount)"
command -v unshare >/dev/null || skip "unshare (util-linux) is missing"
if [ ! -f "$root/.specmoe-ready" ]; then
  command -v debootstrap >/dev/null || skip "debootstrap is missing (scripts/setup.sh installs it)"
  echo "sid-python: making a Debian sid chroot with transformers in $root (once; about 1 GB)" >&2
  rm -rf "$root"
  mkdir -p "$(dirname "$root")"
  if ! debootstrap --variant=minbase --include="$pkgs" sid "$root" http://deb.debian.org/debian \
       >"$root.log" 2>&1; then
    tail -3 "$root.log" >&2
    rm -rf "$root"
    skip "debootstrap of Debian sid failed (network?); its log: $root.log"
  fi
  echo "$pkgs" >"$root/.specmoe-ready"
fi
if [ "$(cat "$root/.specmoe-ready")" != "$pkgs" ]; then # made with an older package list
  unshare --mount --propagation private bash -c "mount -t proc proc '$root/proc' &&
    chroot '$root' apt-get install -y -qq ${pkgs//,/ }" >"$root.log" 2>&1 ||
    skip "installing $pkgs into $root failed (network?); its log: $root.log"
  echo "$pkgs" >"$root/.specmoe-ready"
fi
case "$cwd/" in "$repo/"* | /tmp/*) ;; *) cwd=$repo ;; esac
mkdir -p "$root$repo" "$root/tmp"
ver=$(chroot "$root" dpkg-query -W -f '${Version}' python3-transformers 2>/dev/null || echo "?")
echo "sid-python: transformers $ver (Debian sid chroot $root)" >&2
# Quoted once for each shell below, so that the arguments reach python unchanged.
inner=$(printf 'cd %q && exec python3' "$cwd")$(printf ' %q' "$@")
outer=$(printf 'mount -t proc proc %q && mount --bind %q %q && mount --bind /tmp %q/tmp && exec chroot %q bash -c %q' \
        "$root/proc" "$repo" "$root$repo" "$root" "$root" "$inner")
exec unshare --mount --propagation private bash -c "$outer"
