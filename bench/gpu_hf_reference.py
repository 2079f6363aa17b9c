#!/usr/bin/env python3
"""transformers' MoE model (output_router_logits=True) throughput on a GPU, the peer of
bench_runtime on the GPU machine (bench/gpu.sh stages ref and qwen3). Random weights
initialised on the device, router logits copied to the host after each batch. Prints one
JSON line.
  python3 bench/gpu_hf_reference.py --preset mixtral-8x7b --layers 8 --batch 16 --seq 512
  python3 bench/gpu_hf_reference.py --preset qwen3-30b-a3b --layers 8 --batch 16 --seq 512
Presets: small and mixtral-8x7b (MixtralModel), qwen3-30b-a3b (Qwen3MoeModel, the dims of
Qwen/Qwen3-30B-A3B's config.json, as `specmoe make-model --family qwen3_moe --preset
qwen3-30b-a3b` writes them). --experts eager|grouped_mm|batched_mm picks transformers 5's
experts kernel (default: transformers' own choice; the JSON line names the one used).
--device cpu runs the same code on the CPU: a smoke test of the script against a transformers
release before GPU time is spent on it (scripts/sid-python.sh has one; tiny sizes)."""
import argparse, json, time

import torch
import transformers

PRESETS = {
    "small": ("Mixtral", dict(vocab_size=4000, hidden_size=256, intermediate_size=384, num_hidden_layers=6,
                              num_attention_heads=8, num_key_value_heads=2, num_local_experts=8,
                              num_experts_per_tok=2, rope_theta=1e6, max_position_embeddings=4096)),
    "mixtral-8x7b": ("Mixtral", dict(vocab_size=32000, hidden_size=4096, intermediate_size=14336,
                                     num_hidden_layers=32, num_attention_heads=32, num_key_value_heads=8,
                                     num_local_experts=8, num_experts_per_tok=2, rope_theta=1e6,
                                     max_position_embeddings=4096)),
    "qwen3-30b-a3b": ("Qwen3Moe", dict(vocab_size=151936, hidden_size=2048, intermediate_size=6144,
                                       moe_intermediate_size=768, num_hidden_layers=48, num_attention_heads=32,
                                       num_key_value_heads=4, head_dim=128, num_experts=128, num_experts_per_tok=8,
                                       norm_topk_prob=True, decoder_sparse_step=1, mlp_only_layers=[],
                                       rope_theta=1e6, rms_norm_eps=1e-6, max_position_embeddings=40960,
                                       tie_word_embeddings=False)),
}

ap = argparse.ArgumentParser()
ap.add_argument("--preset", default="small", choices=sorted(PRESETS))
ap.add_argument("--layers", type=int, default=0)
ap.add_argument("--batch", type=int, default=16)
ap.add_argument("--seq", type=int, default=512)
ap.add_argument("--warmup", type=int, default=2)
ap.add_argument("--repeats", type=int, default=5)
ap.add_argument("--attn", default="sdpa")
ap.add_argument("--experts", default="", help="transformers 5 experts kernel (eager, grouped_mm, batched_mm)")
ap.add_argument("--device", default="cuda", help="cuda, or cpu for a smoke test")
a = ap.parse_args()
cuda = a.device.startswith("cuda")


def sync():
    if cuda:
        torch.cuda.synchronize()



family, kw = PRESETS[a.preset]
kw = dict(kw)
if a.layers:
    kw["num_hidden_layers"] = a.layers
cfg = getattr(transformers, family + "Config")(**kw, attn_implementation=a.attn)
if a.experts:
    cfg._experts_implementation = a.experts
torch.manual_seed(0)
torch.set_default_dtype(torch.bfloat16)
with torch.device(a.device):
    model = getattr(transformers, family + "Model")(cfg).eval()
torch.set_default_dtype(torch.float32)
ids = torch.randint(3, cfg.vocab_size, (a.batch, a.seq), device=a.device)
mask = torch.ones_like(ids)
times = []
with torch.no_grad():
    for r in range(a.warmup + a.repeats):
        sync()
        t = time.perf_counter()
        out = model(input_ids=ids, attention_mask=mask, output_router_logits=True)
        logits = [x.float().cpu() for x in out.router_logits]
        sync()
        if r >= a.warmup:
            times.append(time.perf_counter() - t)
times.sort()
med = times[len(times) // 2]
print(json.dumps(dict(bench="hf_reference", preset=a.preset, model_class=type(model).__name__,
                      transformers=transformers.__version__, layers=cfg.num_hidden_layers,
                      router_logits_layers=len(logits), batch=a.batch, seq=a.seq, attn=a.attn,
                      experts=getattr(model.config, "_experts_implementation", None), median_s=med,
                      tokens_per_s=a.batch * a.seq / med, device=a.device,
                      peak_gpu_bytes=torch.cuda.max_memory_allocated() if cuda else None)))
