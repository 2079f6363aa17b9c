#!/usr/bin/env python3
"""transformers' MixtralModel(output_router_logits=True) throughput on a GPU, the peer
of bench_runtime on the GPU machine (bench/gpu.sh). Random weights initialised on the
device, router logits copied to the host after each batch. Prints one JSON line."""
import argparse, json, time

import torch
from transformers import MixtralConfig, MixtralModel

PRESETS = {
    "small": dict(vocab_size=4000, hidden_size=256, intermediate_size=384, num_hidden_layers=6,
                  num_attention_heads=8, num_key_value_heads=2, num_local_experts=8,
                  num_experts_per_tok=2, rope_theta=1e6),
    "mixtral-8x7b": dict(vocab_size=32000, hidden_size=4096, intermediate_size=14336,
                         num_hidden_layers=32, num_attention_heads=32, num_key_value_heads=8,
                         num_local_experts=8, num_experts_per_tok=2, rope_theta=1e6),
}

ap = argparse.ArgumentParser()
ap.add_argument("--preset", default="small")
ap.add_argument("--layers", type=int, default=0)
ap.add_argument("--batch", type=int, default=16)
ap.add_argument("--seq", type=int, default=512)
ap.add_argument("--warmup", type=int, default=2)
ap.add_argument("--repeats", type=int, default=5)
ap.add_argument("--attn", default="sdpa")
a = ap.parse_args()

kw = dict(PRESETS[a.preset])
if a.layers:
    kw["num_hidden_layers"] = a.layers
cfg = MixtralConfig(**kw, max_position_embeddings=4096, attn_implementation=a.attn)
torch.manual_seed(0)
torch.set_default_dtype(torch.bfloat16)
with torch.device("cuda"):
    model = MixtralModel(cfg).eval()
torch.set_default_dtype(torch.float32)
ids = torch.randint(3, cfg.vocab_size, (a.batch, a.seq), device="cuda")
mask = torch.ones_like(ids)
times = []
with torch.no_grad():
    for r in range(a.warmup + a.repeats):
        torch.cuda.synchronize()
        t = time.perf_counter()
        out = model(input_ids=ids, attention_mask=mask, output_router_logits=True)
        logits = [x.float().cpu() for x in out.router_logits]
        torch.cuda.synchronize()
        if r >= a.warmup:
            times.append(time.perf_counter() - t)
times.sort()
med = times[len(times) // 2]
print(json.dumps(dict(bench="hf_reference", preset=a.preset, layers=cfg.num_hidden_layers,
                      batch=a.batch, seq=a.seq, median_s=med,
                      tokens_per_s=a.batch * a.seq / med,
                      peak_gpu_bytes=torch.cuda.max_memory_allocated())))
