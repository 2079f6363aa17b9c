#!/usr/bin/env python3
"""Reads the tokenizer keys of a GGUF file (llama.cpp's vocab test files): the byte-level
BPE tokens, token types and merges. Only what make_fixture.py needs."""
import struct

_SCALARS = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?",
            10: "<Q", 11: "<q", 12: "<d"}


def _read(f, fmt):
    size = struct.calcsize(fmt)
    return struct.unpack(fmt, f.read(size))[0]


def _string(f):
    n = _read(f, "<Q")
    return f.read(n).decode("utf-8", errors="surrogateescape")


def _value(f, vtype):
    if vtype in _SCALARS:
        return _read(f, _SCALARS[vtype])
    if vtype == 8:
        return _string(f)
    if vtype == 9:
        etype = _read(f, "<I")
        n = _read(f, "<Q")
        return [_value(f, etype) for _ in range(n)]
    raise ValueError("unknown GGUF value type %d" % vtype)


def read_metadata(path):
    with open(path, "rb") as f:
        if f.read(4) != b"GGUF":
            raise ValueError(path + ": not a GGUF file")
        version = _read(f, "<I")
        if version < 2:
            raise ValueError(path + ": GGUF version %d is too old" % version)
        _read(f, "<Q")  # tensor count
        kv_count = _read(f, "<Q")
        meta = {}
        for _ in range(kv_count):
            key = _string(f)
            meta[key] = _value(f, _read(f, "<I"))
        return meta


if __name__ == "__main__":
    import sys
    m = read_metadata(sys.argv[1])
    for k, v in m.items():
        print(k, (v[:8], len(v)) if isinstance(v, list) else v)
