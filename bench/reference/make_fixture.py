#!/usr/bin/env python3
"""Writes a conformance fixture for one MoE family: a tiny random checkpoint in hub layout
(config.json, model.safetensors, tensor names as that family's checkpoints use them) and
golden.safetensors with the eager reference's outputs (moe_reference.py) in float32:

  input_ids, attention_mask  I64 [3, 17]: lengths 17, 11, 5, right padded with id 0
  moe_layers                 I64 [L]: decoder index of each MoE layer
  router_logits              F32 [L, 51, E]: raw gate outputs per MoE layer (row b*17+t)
  topk_ids                   I64 [L, 51, k]: top-k experts, descending probability
  logits                     F32 [3, 17, V]: LM logits

usage: make_fixture.py qwen2_moe|qwen3_moe|deepseek_v3|deepseek_v2|olmoe|gpt_oss OUT_DIR
Runs with Debian's python3 + python3-torch (1.13); deterministic for a family.
"""
import json
import math
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402
from moe_reference import MoeReference  # noqa: E402
import deepseek_reference  # noqa: E402  (DeepSeek-V2 / V3: its own reference and tensors)
import gpt_oss_reference  # noqa: E402  (gpt-oss: its own reference, tensors and MXFP4 experts)

CONFIGS = {
    # 4 layers, layer 1 dense (mlp_only_layers): the layer map is not the identity.
    "qwen2_moe": {
        "architectures": ["Qwen2MoeForCausalLM"], "model_type": "qwen2_moe",
        "vocab_size": 320, "hidden_size": 64, "intermediate_size": 128, "moe_intermediate_size": 32,
        "shared_expert_intermediate_size": 96, "num_hidden_layers": 4, "num_attention_heads": 4,
        "num_key_value_heads": 2, "num_experts": 16, "num_experts_per_tok": 4, "norm_topk_prob": False,
        "decoder_sparse_step": 1, "mlp_only_layers": [1], "qkv_bias": True, "use_sliding_window": False,
        "sliding_window": 4096, "max_window_layers": 4, "rope_theta": 1000000.0, "rms_norm_eps": 1e-6,
        "max_position_embeddings": 512, "hidden_act": "silu", "tie_word_embeddings": False,
        "torch_dtype": "float32", "bos_token_id": 1, "eos_token_id": 2,
    },
    # head_dim 32 != hidden / heads (16), as Qwen3-30B-A3B (128 vs 2048 / 32 = 64).
    "qwen3_moe": {
        "architectures": ["Qwen3MoeForCausalLM"], "model_type": "qwen3_moe",
        "vocab_size": 320, "hidden_size": 64, "intermediate_size": 128, "moe_intermediate_size": 32,
        "num_hidden_layers": 3, "num_attention_heads": 4, "num_key_value_heads": 2, "head_dim": 32,
        "num_experts": 16, "num_experts_per_tok": 4, "norm_topk_prob": True, "decoder_sparse_step": 1,
        "mlp_only_layers": [], "attention_bias": False, "use_sliding_window": False, "sliding_window": None,
        "rope_theta": 1000000.0, "rms_norm_eps": 1e-6, "max_position_embeddings": 512, "hidden_act": "silu",
        "tie_word_embeddings": False, "torch_dtype": "float32", "bos_token_id": 1, "eos_token_id": 2,
    },
    # kv heads < heads, so that k_norm ([kv * head_dim]) is narrower than q_norm ([hidden]);
    # clip_qkv set (released checkpoints: null) so that the clamp is checked too.
    "olmoe": {
        "architectures": ["OlmoeForCausalLM"], "model_type": "olmoe",
        "vocab_size": 320, "hidden_size": 64, "intermediate_size": 32, "num_hidden_layers": 3,
        "num_attention_heads": 4, "num_key_value_heads": 2, "num_experts": 16, "num_experts_per_tok": 4,
        "norm_topk_prob": False, "attention_bias": False, "clip_qkv": 2.0, "rope_theta": 10000.0,
        "rms_norm_eps": 1e-5, "max_position_embeddings": 512, "hidden_act": "silu", "tie_word_embeddings": False,
        "torch_dtype": "float32", "bos_token_id": 1, "eos_token_id": 2, "pad_token_id": 1,
    },
}


def random_tensors(c, gen):
    H, V = c["hidden_size"], c["vocab_size"]
    nh, nkv = c["num_attention_heads"], c["num_key_value_heads"]
    D = c.get("head_dim") or H // nh
    E, I = c["num_experts"], c.get("moe_intermediate_size") or c["intermediate_size"]
    qwen2, olmoe = c["model_type"] == "qwen2_moe", c["model_type"] == "olmoe"
    t = {}

    def normal(shape, std):
        return torch.randn(shape, generator=gen) * std

    def mlp(prefix, inter):
        t[prefix + "gate_proj.weight"] = normal((inter, H), 0.02)
        t[prefix + "up_proj.weight"] = normal((inter, H), 0.02)
        t[prefix + "down_proj.weight"] = normal((H, inter), 0.02)

    t["model.embed_tokens.weight"] = normal((V, H), 1.0)
    for l in range(c["num_hidden_layers"]):
        p = "model.layers.%d." % l
        # Norm weights near 1 but not 1, so that a norm left out shows.
        t[p + "input_layernorm.weight"] = 1 + normal((H,), 0.1)
        t[p + "post_attention_layernorm.weight"] = 1 + normal((H,), 0.1)
        for name, rows in (("q", nh * D), ("k", nkv * D), ("v", nkv * D)):
            # OLMoE's v wider, so that clip_qkv binds on v as well as on the normed q and k.
            t[p + "self_attn.%s_proj.weight" % name] = normal((rows, H), 0.15 if olmoe and name == "v" else 0.05)
            if qwen2:
                t[p + "self_attn.%s_proj.bias" % name] = normal((rows,), 0.1)
        t[p + "self_attn.o_proj.weight"] = normal((H, nh * D), 0.05)
        if not qwen2:  # OLMoE's norms span the whole projection, Qwen3's one head
            t[p + "self_attn.q_norm.weight"] = 1 + normal((nh * D if olmoe else D,), 0.1)
            t[p + "self_attn.k_norm.weight"] = 1 + normal((nkv * D if olmoe else D,), 0.1)
        dense = l in c.get("mlp_only_layers", []) or (l + 1) % c.get("decoder_sparse_step", 1) != 0
        if dense:
            mlp(p + "mlp.", c["intermediate_size"])
            continue
        t[p + "mlp.gate.weight"] = normal((E, H), 3.0 / math.sqrt(H))  # decisive top-k choices
        for e in range(E):
            mlp(p + "mlp.experts.%d." % e, I)
        if qwen2:
            mlp(p + "mlp.shared_expert.", c["shared_expert_intermediate_size"])
            t[p + "mlp.shared_expert_gate.weight"] = normal((1, H), 1.0 / math.sqrt(H))
    t["model.norm.weight"] = 1 + normal((H,), 0.1)
    t["lm_head.weight"] = normal((V, H), 0.05)
    return t


def main():
    family, out = sys.argv[1], sys.argv[2]
    deepseek = family in deepseek_reference.FIXTURE_CONFIGS
    oss = family == "gpt_oss"
    c = (gpt_oss_reference.FIXTURE_CONFIG if oss else
         deepseek_reference.FIXTURE_CONFIGS[family] if deepseek else CONFIGS[family])
    gen = torch.Generator().manual_seed(21)
    tensors = (gpt_oss_reference.random_tensors(c, gen) if oss else
               deepseek_reference.random_tensors(c, gen) if deepseek else random_tensors(c, gen))
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(c, f, indent=2)
        f.write("\n")
    safetensors_io.write(tensors, os.path.join(out, "model.safetensors"), {"format": "pt"})

    B, T, lengths = 3, 17, (17, 11, 5)
    ids = torch.randint(3, c["vocab_size"], (B, T), generator=gen)
    ids[:, 0] = c["bos_token_id"]
    mask = torch.zeros(B, T, dtype=torch.int64)
    for b, n in enumerate(lengths):
        mask[b, :n] = 1
        ids[b, n:] = 0
    model = (gpt_oss_reference.GptOssReference(c, tensors) if oss else
             deepseek_reference.DeepseekReference(c, tensors) if deepseek else MoeReference(c, tensors))
    router, chosen, logits = model.forward(ids, mask)
    golden = {
        "input_ids": ids, "attention_mask": mask,
        "moe_layers": torch.tensor(model.moe_layers(), dtype=torch.int64),
        "router_logits": torch.stack(router).float(), "topk_ids": torch.stack(chosen).long(),
        "logits": logits.float(),
    }
    safetensors_io.write(golden, os.path.join(out, "golden.safetensors"),
                         {"reference": "bench/reference/%s_reference.py" %
                          ("gpt_oss" if oss else "deepseek" if deepseek else "moe"),
                          "torch": torch.__version__})
    print("wrote %s: %d MoE layers of %d, %d tensors" % (out, len(router), c["num_hidden_layers"], len(tensors)))


if __name__ == "__main__":
    main()
