#!/usr/bin/python3
"""Driver of scripts/torch2-syntax.sh: reruns the build's compile commands for the engine's
libtorch sources with -fsyntax-only, C++20 (what libtorch 2.14's headers need; CMakeLists.txt
follows libtorch's CXX_STANDARD the same way), CUDA on, and the newer headers first.

  torch2_syntax.py BUILD INCLUDE_DIR (--all | FILE-SUBSTRING...)
"""
import json
import os
import shlex
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

CUDA_INCLUDE = os.environ.get("CUDA_INCLUDE", "/usr/local/cuda/include")


def command_for(entry, inc):
    args = shlex.split(entry["command"])
    out = [args[0], "-fsyntax-only", "-std=c++20",
           "-isystem", inc + "/torch/csrc/api/include", "-isystem", inc]
    if os.path.isfile(CUDA_INCLUDE + "/cuda_runtime_api.h"):
        # pip's CUDA wheels carry c10's generated CUDA macros header, Debian's CPU package not
        out += ["-DSPECMOE_WITH_CUDA=1", "-DC10_CUDA_NO_CMAKE_CONFIGURE_FILE", "-isystem", CUDA_INCLUDE]
    i = 1
    while i < len(args):
        a = args[i]
        if a in ("-o", "-include"):  # object file; the precompiled header of the old headers
            i += 2
            continue
        if a == "-isystem" and "torch" in args[i + 1]:
            i += 2
            continue
        if a == "-c" or a.startswith("-std=") or a.startswith("-O"):
            i += 1
            continue
        out.append(a)
        i += 1
    return out


def main():
    build, inc, wanted = sys.argv[1], sys.argv[2], sys.argv[3:]
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    entries = json.load(open(os.path.join(build, "compile_commands.json")))
    jobs = []
    for e in entries:
        f = os.path.relpath(e["file"], root)
        if f.startswith("..") or f.startswith("build") or "/widgets/" in "/" + f or "Qt" in e["command"]:
            continue
        if "torch" not in e["command"]:
            continue
        if wanted != ["--all"] and not any(w in f for w in wanted):
            continue
        jobs.append((f, command_for(e, inc), e["directory"]))
    if not jobs:
        print("torch2-syntax: no compile command matches %s" % " ".join(wanted), file=sys.stderr)
        return 1
    cuda = os.path.isfile(CUDA_INCLUDE + "/cuda_runtime_api.h")
    print("%d files, CUDA branches %s" % (len(jobs), "on (" + CUDA_INCLUDE + ")" if cuda else
                                         "off: no CUDA headers in " + CUDA_INCLUDE), flush=True)

    def run(job):
        f, cmd, d = job
        r = subprocess.run(cmd, cwd=d, capture_output=True, text=True)
        return f, r.returncode, r.stderr

    failed = 0
    with ThreadPoolExecutor(int(os.environ.get("TORCH2_JOBS", os.cpu_count() or 2))) as pool:
        for f, rc, err in pool.map(run, jobs):
            if rc != 0:
                failed += 1
                print("FAILED %s\n%s" % (f, err[:6000]), flush=True)
            else:
                print("ok %s" % f, flush=True)
    print("%d of %d files compiled against the newer headers" % (len(jobs) - failed, len(jobs)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
