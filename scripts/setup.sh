#!/usr/bin/env bash
# Sets up SpecMoE Workbench on Debian 12: installs the Debian packages it needs, makes sure
# libtorch uses OpenBLAS, then configures and builds a Release build.
# Idempotent and non-interactive. Usage: scripts/setup.sh [--no-gui] [--build-dir DIR]
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir="$here/build"
gui=ON
while [ $# -gt 0 ]; do
  case "$1" in
    --no-gui) gui=OFF ;;
    --build-dir) build_dir=$(realpath -m "$2"); shift ;;
    -h|--help) sed -n '2,5p' "$0"; exit 0 ;;
    *) echo "setup: unknown argument '$1'" >&2; exit 2 ;;
  esac
  shift
done

step() { printf '\n==> %s\n' "$*"; }
fail() { printf '\nsetup: FAILED: %s\n' "$*" >&2; exit 1; }

# Packages, grouped by purpose (README.md lists the same).
pkgs_build="build-essential cmake ninja-build ccache pkg-config git"
pkgs_core="libtorch-dev libgloo-dev libopenblas0-pthread libhdf5-dev nlohmann-json3-dev libsentencepiece-dev libpcre2-dev libicu-dev libgtest-dev zlib1g-dev"
pkgs_python="python3 python3-torch python3-h5py python3-numpy"
pkgs_demo="bible-kjv wordnet-base fortunes dict-jargon dict-foldoc libc6-dev"
pkgs_fuzz="clang libclang-rt-14-dev" # libFuzzer and the sanitizer runtimes (scripts/fuzz.sh)
pkgs_test="locales debootstrap" # a decimal-comma locale (generated below); sid chroot of scripts/hf-goldens.sh
pkgs_gui="qt6-base-dev qt6-svg-dev qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools qt6-translations-l10n libqcustomplot-dev libgl-dev xvfb xauth imagemagick fonts-dejavu-core fonts-noto-cjk"
pkgs="$pkgs_build $pkgs_core $pkgs_python $pkgs_demo $pkgs_fuzz $pkgs_test"
[ "$gui" = ON ] && pkgs="$pkgs $pkgs_gui"

missing=""
for p in $pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  step "Installing Debian packages:$missing"
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || fail "not root and no sudo: install these packages:$missing"
    SUDO=sudo
  else
    SUDO=
  fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -q || fail "apt-get update"
  $SUDO apt-get install -y -q --no-install-recommends $missing || fail "apt-get install$missing"
else
  step "All Debian packages present"
fi

# The tests check that files keep a decimal point under a decimal-comma locale (the workbench
# takes its locale from the environment); Debian ships none generated.
if ! locale -a 2>/dev/null | grep -qi '^de_DE\.utf-\?8$'; then
  step "Generating the de_DE.UTF-8 locale (for the tests)"
  ${SUDO:-} localedef -i de_DE -f UTF-8 de_DE.UTF-8 || fail "localedef de_DE.UTF-8"
fi

# Debian's libtorch calls the system BLAS through the alternatives system; the reference
# BLAS is ~11x slower than OpenBLAS for our matmuls.
blas_alt=libblas.so.3-x86_64-linux-gnu
openblas=/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3
current=$(readlink -f "/etc/alternatives/$blas_alt" 2>/dev/null || true)
if [ -e "$openblas" ] && [ "$current" != "$(readlink -f $openblas)" ]; then
  step "Selecting OpenBLAS for libblas.so.3"
  ${SUDO:-} update-alternatives --set "$blas_alt" "$openblas" || fail "update-alternatives $blas_alt"
fi

step "Configuring ($build_dir, GUI $gui)"
cmake -S "$here" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSPECMOE_BUILD_GUI=$gui \
  || fail "cmake configure (see the messages above)"

step "Building on $(nproc) cores"
start=$(date +%s)
cmake --build "$build_dir" -j "$(nproc)" || fail "build (see the compiler messages above)"
echo "build finished in $(( $(date +%s) - start )) s"
