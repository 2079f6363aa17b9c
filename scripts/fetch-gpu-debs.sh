#!/usr/bin/env bash
# Downloads the Debian packages the engine builds against into DIR (default .debs), for a
# GPU machine that has CUDA libtorch but no apt (bench/gpu.sh unpacks every DIR/*.deb into
# one prefix with `dpkg -x` and builds with -DSPECMOE_DEPS_PREFIX). Keep DIR out of git
# (.gitignore lists .debs) and carry it along: run(..., carry=[".debs"]).
# The list follows scripts/setup.sh's engine packages: HDF5, SentencePiece, nlohmann_json,
# zlib, and PCRE2 + ICU for tokenizer.json (Gloo's headers come with pip's libtorch).
#   scripts/fetch-gpu-debs.sh [DIR]
set -euo pipefail
dir=${1:-.debs}
mkdir -p "$dir"
cd "$dir"
apt-get download \
  libhdf5-dev libhdf5-103-1 libhdf5-cpp-103-1 libhdf5-hl-100 libhdf5-hl-cpp-100 libsz2 libaec0 libaec-dev \
  libsentencepiece-dev libsentencepiece0 nlohmann-json3-dev zlib1g-dev \
  libpcre2-dev libpcre2-8-0 libpcre2-16-0 libpcre2-32-0 libpcre2-posix3 \
  libicu-dev libicu72 icu-devtools
du -ch -- *.deb | tail -1
