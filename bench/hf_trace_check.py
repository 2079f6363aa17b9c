#!/usr/bin/env python3
"""Checks a collected trace against transformers itself: for each stored sequence (or the first
--sequences), runs the checkpoint's token ids through transformers' AutoModelForCausalLM alone
(batch 1, no padding, eager attention, float32 unless --dtype) and compares the top-k expert set
of every token at every stored MoE layer with the trace's, and, when the trace holds router
logits (float16), their largest difference. This is the end-to-end check of what the workbench
promises: the trace records which experts transformers' model chooses, through the collector's
batching, padding, length grouping and residency mode. One JSON line; exit 1 when a set
differs (--min-agree below 1 allows reduced-precision traces), 2 when transformers or h5py is
missing.

  scripts/sid-python.sh bench/hf_trace_check.py TRACE_DIR MODEL_DIR [--sequences N] [--min-agree R]

Needs transformers, torch and h5py (the Debian sid chroot of scripts/sid-python.sh has them).
"""
import argparse
import json
import os
import sys

import numpy
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hf_family_goldens as hg  # noqa: E402  (hooks, shims and model loading shared)

try:
    import h5py
except ImportError as e:
    sys.stderr.write("hf_trace_check: h5py is not importable (%s)\n" % e)
    sys.exit(2)


def trace_sequences(trace_dir, limit):
    """Yields (shard name, seq_id, token ids [n], first position, topk ids [n, L, k], logits or
    None) for the stored sequences, in manifest order, at most `limit` (0 = all)."""
    with open(os.path.join(trace_dir, "manifest.json")) as f:
        manifest = json.load(f)
    done = 0
    for shard in manifest["shards"]:
        with h5py.File(os.path.join(trace_dir, shard["file"]), "r") as h:
            seq = h["sequences"]
            logits = h["tokens/router_logits"] if "tokens/router_logits" in h else None
            for s in range(len(seq["seq_id"])):
                if limit and done >= limit:
                    return
                a, n = int(seq["token_offset"][s]), int(seq["length"][s])
                yield (shard["file"], int(seq["seq_id"][s]), h["tokens/token_id"][a:a + n],
                       int(seq["first_position"][s]), h["tokens/topk_ids"][a:a + n],
                       None if logits is None else logits[a:a + n])
                done += 1
    return


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("trace")
    ap.add_argument("model")
    ap.add_argument("--sequences", type=int, default=0, help="check the first N sequences (0 = all)")
    ap.add_argument("--dtype", default="float32", choices=("float32", "bfloat16"))
    ap.add_argument("--min-agree", type=float, default=1.0, help="pass when this share of top-k sets agree")
    a = ap.parse_args()
    transformers = hg.require_transformers()
    with open(os.path.join(a.trace, "manifest.json")) as f:
        manifest = json.load(f)
    dims = manifest["dims"]
    with open(os.path.join(a.model, "config.json")) as f:
        cfg = json.load(f)
    model, problems = hg.load_model(transformers, a.model, cfg)
    if a.dtype == "bfloat16":
        model = model.to(torch.bfloat16)
    layers = dims.get("moe_layers") or list(range(dims["layers"]))
    blocks = [hg.moe_block(model.model.layers[l]) for l in layers]
    shims = sorted({name for b in blocks for name in hg.upstream_shims(b)})
    k = dims["topk"]
    agree = total = sequences = tokens = 0
    worst_logit = worst_excess = 0.0
    per_layer = [0] * len(layers)
    first_bad = None
    for shard, seq_id, ids, first_pos, topk, logits in trace_sequences(a.trace, a.sequences):
        n = len(ids)
        caps = [hg.Capture(b, n, k) for b in blocks]
        x = torch.as_tensor(ids.astype("int64")).unsqueeze(0)
        pos = torch.arange(first_pos, first_pos + n).unsqueeze(0)
        with torch.no_grad():
            model(input_ids=x, attention_mask=torch.ones_like(x), position_ids=pos)
        for c in caps:  # one forward's hooks: drop them before the next sequence
            c.remove()
        stored = torch.as_tensor(topk.astype("int64"))  # [n, L, k]
        for i, c in enumerate(caps):
            hf_ids = c.ids if c.ids is not None else hg.router_topk(cfg, c.raw_logits(), hg.router_bias(cfg, a.model, layers[i]))
            same = hg.topk_sets_agree(hf_ids.long().reshape(n, k), stored[:, i, :])
            per_layer[i] += int(same.sum())
            agree += int(same.sum())
            total += n
            if first_bad is None and not bool(same.all()):
                t = int((~same).nonzero()[0])
                first_bad = dict(shard=shard, seq_id=seq_id, token=t, layer=layers[i],
                                 trace=sorted(stored[t, i].tolist()), transformers=sorted(hf_ids[t].tolist()))
            if logits is not None:
                stored_l = logits[:, i, :]
                d = (c.raw_logits().float() - torch.as_tensor(stored_l.astype("float32"))).abs()
                worst_logit = max(worst_logit, float(d.max()))
                # What float16 storage rounding (half its step at the stored value) does not explain.
                half_step = torch.as_tensor(numpy.spacing(numpy.abs(stored_l)).astype("float32")) / 2
                worst_excess = max(worst_excess, float((d - half_step).max()))
        sequences += 1
        tokens += n
    rate = agree / total if total else 0.0
    r = dict(bench="hf_trace_check", trace=a.trace, model=a.model, family=cfg.get("model_type"),
             transformers=transformers.__version__, torch=torch.__version__, dtype=a.dtype,
             trace_dtype=manifest.get("fingerprint", {}).get("dtype"),
             sequences=sequences, tokens=tokens, moe_layers=len(layers), topk_agree=agree, topk_total=total,
             topk_rate=rate, per_layer_rate=[p / (total // len(layers)) if total else 0.0 for p in per_layer],
             max_router_logit_diff=worst_logit if dims.get("has_logits") else None,
             max_router_logit_diff_beyond_float16_rounding=worst_excess if dims.get("has_logits") else None,
             first_difference=first_bad, load_problems=problems or None, hf_shims=shims or None)
    r["pass"] = total > 0 and rate >= a.min_agree and not problems
    print(json.dumps(r))
    return 0 if r["pass"] else 1


if __name__ == "__main__":
    sys.exit(main())
