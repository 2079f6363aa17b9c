"""Import bundle v1 writer (docs/trace-import.md): the helper every engine snippet uses.

save_bundle(path, seqs, meta) writes one uncompressed .npz that `specmoe traces import
--format vllm|sglang` reads. seqs: dicts with prompt_ids, gen_ids, routes ([rows, layers,
top_k] integer array, rows = prompt + generated - 1 from route_start on), optional
route_start, request_id and weights (same shape as routes, float).
"""
import json
import sys

import numpy as np


def save_bundle(path, seqs, meta):
    kept = [s for s in seqs if s.get("routes") is not None]
    if len(kept) < len(seqs):
        print(f"warning: skipping {len(seqs) - len(kept)} sequence(s) without routing",
              file=sys.stderr)
    if not kept:
        raise ValueError("no sequence carries routing")
    routes = [np.ascontiguousarray(np.asarray(s["routes"])) for s in kept]
    if any(r.ndim != 3 for r in routes) or len({r.shape[1:] for r in routes}) != 1:
        raise ValueError("routing arrays must all be [rows, layers, top_k] with equal layers, top_k")
    id_type = np.result_type(*[r.dtype for r in routes])
    if id_type.kind not in "iu":
        raise ValueError(f"expert ids must be integers, not {id_type}")

    def int32(values):
        return np.asarray(values, dtype="<i4")

    arrays = {
        "expert_ids": np.concatenate(routes).astype(id_type.newbyteorder("<"), copy=False),
        "token_ids": int32(np.concatenate(
            [int32(list(s["prompt_ids"]) + list(s["gen_ids"])) for s in kept])),
        "prompt_lens": int32([len(s["prompt_ids"]) for s in kept]),
        "gen_lens": int32([len(s["gen_ids"]) for s in kept]),
        "route_start": int32([int(s.get("route_start", 0)) for s in kept]),
        "route_rows": int32([r.shape[0] for r in routes]),
    }
    if all(s.get("weights") is not None for s in kept):
        arrays["weights"] = np.concatenate([np.asarray(s["weights"]) for s in kept]).astype("<f4")
    meta = dict(meta, bundle_version=1, byte_order=sys.byteorder,
                request_ids=[str(s.get("request_id", i)) for i, s in enumerate(kept)])
    arrays["meta_json"] = np.frombuffer(json.dumps(meta, default=str).encode("utf-8"), dtype=np.uint8)
    np.savez(path, **arrays)  # stored, not deflated
