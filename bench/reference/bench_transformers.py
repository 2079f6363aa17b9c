#!/usr/bin/env python3
"""Routing throughput of transformers itself on a checkpoint (CPU, float32): the peer a user
would otherwise run, with router logits returned as bench_routing captures them. Needs
transformers (scripts/sid-python.sh gives a python with it). Same interface and JSON line as
bench_reference.py, so bench/family_vs_reference.sh can run either (REFERENCE=transformers).

usage: bench_transformers.py CHECKPOINT_DIR [--batch 8] [--seq 256] [--iters 5] [--threads N]
       [--attn sdpa|eager]
"""
import argparse
import json
import os
import time

import torch
import transformers

ap = argparse.ArgumentParser()
ap.add_argument("checkpoint")
ap.add_argument("--batch", type=int, default=8)
ap.add_argument("--seq", type=int, default=256)
ap.add_argument("--iters", type=int, default=5)
ap.add_argument("--threads", type=int, default=os.cpu_count())
ap.add_argument("--attn", default="sdpa", help="transformers' attention: sdpa (its default) or eager")
ap.add_argument("--experts", default="", help="transformers 5 experts kernel: eager, grouped_mm, batched_mm (default: its own choice)")
a = ap.parse_args()
torch.set_num_threads(a.threads)
transformers.logging.set_verbosity_error()
kw = dict(dtype=torch.float32, attn_implementation=a.attn)
if a.experts:
    kw["experts_implementation"] = a.experts
model = transformers.AutoModelForCausalLM.from_pretrained(a.checkpoint, **kw).eval()
cfg = model.config
gen = torch.Generator().manual_seed(0)
ids = torch.randint(3, cfg.vocab_size, (a.batch, a.seq), generator=gen)
mask = torch.ones_like(ids)


def step():
    # The decoder stack only (no LM head), router logits out: what routing capture needs.
    out = model.model(input_ids=ids, attention_mask=mask, output_router_logits=True, use_cache=False)
    assert out.router_logits is not None and len(out.router_logits) > 0
    return out


with torch.inference_mode():
    step()  # warm-up
    t0 = time.perf_counter()
    for _ in range(a.iters):
        step()
    dt = (time.perf_counter() - t0) / a.iters
print(json.dumps({"impl": "transformers", "transformers": transformers.__version__, "attn": a.attn,
                  "experts": getattr(cfg, "_experts_implementation", None),
                  "family": cfg.model_type, "torch": torch.__version__, "threads": a.threads, "batch": a.batch,
                  "seq": a.seq, "s_per_batch": round(dt, 4), "tokens_per_s": round(a.batch * a.seq / dt, 1)}))
