#!/usr/bin/env python3
"""Routing throughput of the eager reference (moe_reference.py) on a checkpoint: the peer a
user would otherwise run, the same algorithm as transformers' eager modeling code.

usage: bench_reference.py CHECKPOINT_DIR [--batch 8] [--seq 256] [--iters 5] [--threads N]
prints one JSON line: {"tokens_per_s": ..., "s_per_batch": ..., ...}
"""
import argparse
import json
import os
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402
from moe_reference import MoeReference  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("checkpoint")
ap.add_argument("--batch", type=int, default=8)
ap.add_argument("--seq", type=int, default=256)
ap.add_argument("--iters", type=int, default=5)
ap.add_argument("--threads", type=int, default=os.cpu_count())
a = ap.parse_args()
torch.set_num_threads(a.threads)
cfg = json.load(open(os.path.join(a.checkpoint, "config.json")))
model = MoeReference(cfg, safetensors_io.read_checkpoint(a.checkpoint))
gen = torch.Generator().manual_seed(0)
ids = torch.randint(3, cfg["vocab_size"], (a.batch, a.seq), generator=gen)
mask = torch.ones_like(ids)
model.forward(ids, mask, lm_logits=False)  # warm-up
t0 = time.perf_counter()
for _ in range(a.iters):
    model.forward(ids, mask, lm_logits=False)
dt = (time.perf_counter() - t0) / a.iters
print(json.dumps({"impl": "moe-eager-reference", "family": cfg["model_type"], "torch": torch.__version__,
                  "threads": a.threads, "batch": a.batch, "seq": a.seq, "s_per_batch": round(dt, 4),
                  "tokens_per_s": round(a.batch * a.seq / dt, 1)}))
