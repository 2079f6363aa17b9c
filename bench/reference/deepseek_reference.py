"""Eager forward pass of DeepSeek-V2 / DeepSeek-V3 checkpoints, written from the semantics of
transformers' modeling_deepseek_v2.py and modeling_deepseek_v3.py (and the YaRN rotary
frequencies of modeling_rope_utils.py), for fixtures. Plain torch (1.13 and later), CPU,
no transformers needed. Independent of the C++ runtime on purpose: DeepSeek-V2's rotary
embedding is applied as a complex rotation of interleaved pairs here, as transformers does.

DeepseekReference(config, tensors).forward(ids, mask) returns, per MoE layer, the raw router
logits [B*T, E] and the chosen experts [B*T, k] (descending choice score), and the LM logits.
FIXTURE_CONFIGS and random_tensors() are the fixtures make_fixture.py writes.
"""
import math

import torch
import torch.nn.functional as F

from moe_reference import rms_norm, rope_frequencies, rotate_half, yarn_mscale

# q_a_layernorm and kv_a_layernorm are built without the config's eps in transformers.
LATENT_NORM_EPS = 1e-6

# transformers' config defaults that differ between the two families.
DEFAULTS = {
    "deepseek_v3": {"n_routed_experts": 256, "num_experts_per_tok": 8, "n_shared_experts": 1,
                    "first_k_dense_replace": 3, "q_lora_rank": 1536, "n_group": 8, "topk_group": 4,
                    "routed_scaling_factor": 2.5, "norm_topk_prob": True},
    "deepseek_v2": {"n_routed_experts": 64, "num_experts_per_tok": None, "n_shared_experts": 2,
                    "first_k_dense_replace": 0, "q_lora_rank": 1536, "n_group": None, "topk_group": None,
                    "routed_scaling_factor": 1.0, "norm_topk_prob": False},
}


class DeepseekReference:
    def __init__(self, config, tensors, dtype=torch.float32, device="cpu"):
        self.c = c = config
        self.family = c.get("model_type")
        if self.family not in DEFAULTS:
            raise ValueError("unsupported model_type %r" % self.family)
        d = dict(DEFAULTS[self.family])
        d.update({k: c[k] for k in d if k in c})
        self.d = d
        self.w = {k: v.to(device=device, dtype=dtype) for k, v in tensors.items()}
        self.dtype, self.device = dtype, device
        self.heads = c["num_attention_heads"]
        self.eps = c["rms_norm_eps"]
        self.q_lora = d["q_lora_rank"]
        self.kv_lora, self.nope = c["kv_lora_rank"], c["qk_nope_head_dim"]
        self.rope, self.vdim = c["qk_rope_head_dim"], c["v_head_dim"]
        self.qk = self.nope + self.rope
        self.experts, self.k = d["n_routed_experts"], d["num_experts_per_tok"]
        self.scaling = self.qk ** -0.5
        rs = c.get("rope_scaling")
        if self.family == "deepseek_v3" and rs and rs.get("mscale_all_dim"):
            m = yarn_mscale(rs["factor"], rs["mscale_all_dim"])
            self.scaling = self.scaling * m * m  # DeepSeek-V2 in transformers does not do this
        self.interleave = c.get("rope_interleave", True)

    def moe_layers(self):
        return [l for l in range(self.c["num_hidden_layers"]) if l >= self.d["first_k_dense_replace"]]

    def linear(self, x, name):
        return F.linear(x, self.w[name + ".weight"])

    def mlp(self, x, prefix):
        return self.linear(F.silu(self.linear(x, prefix + "gate_proj")) * self.linear(x, prefix + "up_proj"),
                           prefix + "down_proj")

    def rotate(self, q_rot, k_rot, pos):
        if self.family == "deepseek_v2":  # complex rotation of the pairs (2i, 2i+1)
            freqs_cis = pos  # [T, rope/2] complex
            qc = torch.view_as_complex(q_rot.float().reshape(*q_rot.shape[:-1], -1, 2))
            kc = torch.view_as_complex(k_rot.float().reshape(*k_rot.shape[:-1], -1, 2))
            return (torch.view_as_real(qc * freqs_cis).flatten(3).type_as(q_rot),
                    torch.view_as_real(kc * freqs_cis).flatten(3).type_as(k_rot))
        cos, sin = pos
        if self.interleave:  # pairs regrouped to halves, then rotate-half
            b, h, s, dd = q_rot.shape
            q_rot = q_rot.view(b, h, s, dd // 2, 2).transpose(4, 3).reshape(b, h, s, dd)
            b, h, s, dd = k_rot.shape
            k_rot = k_rot.view(b, h, s, dd // 2, 2).transpose(4, 3).reshape(b, h, s, dd)
        return q_rot * cos + rotate_half(q_rot) * sin, k_rot * cos + rotate_half(k_rot) * sin

    def attention(self, x, p, pos, visible):
        B, T, _ = x.shape
        a = p + "self_attn."
        if self.q_lora is None:
            q = self.linear(x, a + "q_proj")
        else:
            q = self.linear(rms_norm(self.linear(x, a + "q_a_proj"), self.w[a + "q_a_layernorm.weight"],
                                     LATENT_NORM_EPS), a + "q_b_proj")
        q = q.view(B, T, -1, self.qk).transpose(1, 2)
        q_pass, q_rot = torch.split(q, [self.nope, self.rope], dim=-1)
        compressed = self.linear(x, a + "kv_a_proj_with_mqa")
        k_pass, k_rot = torch.split(compressed, [self.kv_lora, self.rope], dim=-1)
        kv = self.linear(rms_norm(k_pass, self.w[a + "kv_a_layernorm.weight"], LATENT_NORM_EPS), a + "kv_b_proj")
        kv = kv.view(B, T, -1, self.nope + self.vdim).transpose(1, 2)
        k_pass, v = torch.split(kv, [self.nope, self.vdim], dim=-1)
        k_rot = k_rot.view(B, 1, T, self.rope)
        q_rot, k_rot = self.rotate(q_rot, k_rot, pos)
        k_rot = k_rot.expand(*k_pass.shape[:-1], -1)
        query, key = torch.cat((q_pass, q_rot), dim=-1), torch.cat((k_pass, k_rot), dim=-1)
        scores = torch.matmul(query, key.transpose(2, 3)) * self.scaling
        scores = scores.masked_fill(~visible[:, None], torch.finfo(scores.dtype).min)
        probs = torch.softmax(scores, dim=-1, dtype=torch.float32).to(query.dtype)
        out = torch.matmul(probs, v).transpose(1, 2).reshape(B, T, -1)
        return self.linear(out, a + "o_proj")

    def route(self, logits, p):
        """(chosen [N, k] by descending choice score, weights [N, k])."""
        N, E = logits.shape
        d = self.d
        if self.family == "deepseek_v3":
            scores = logits.sigmoid()
            choice = scores + self.w[p + "mlp.gate.e_score_correction_bias"].float()
            G = d["n_group"]
            group_scores = choice.view(N, G, E // G).topk(2, dim=-1)[0].sum(dim=-1)
            fill = float("-inf")
        else:
            scores = logits.softmax(dim=-1, dtype=torch.float32)
            choice = scores
            G = d["n_group"] or 1
            group_scores = choice.view(N, G, E // G).max(dim=-1).values
            fill = 0.0
        if self.family == "deepseek_v3" or self.c.get("topk_method", "greedy") == "group_limited_greedy":
            best = torch.topk(group_scores, k=d["topk_group"], dim=-1)[1]
            keep = torch.zeros_like(group_scores).scatter_(1, best, 1).bool()
            keep = keep.unsqueeze(-1).expand(N, G, E // G).reshape(N, E)
            choice = choice.masked_fill(~keep, fill)
        chosen = torch.topk(choice, k=self.k, dim=-1)[1]
        weights = scores.gather(1, chosen)
        if self.family == "deepseek_v3" and d["norm_topk_prob"]:
            weights = weights / (weights.sum(dim=-1, keepdim=True) + 1e-20)
        return chosen, weights * d["routed_scaling_factor"]

    def sparse_moe(self, x, p):
        logits = F.linear(x.float(), self.w[p + "mlp.gate.weight"].float())
        chosen, weights = self.route(logits, p)
        weights = weights.to(x.dtype)
        out = torch.zeros_like(x)
        for e in range(self.experts):
            token, slot = torch.where(chosen == e)
            if token.numel():
                y = self.mlp(x[token], p + "mlp.experts.%d." % e) * weights[token, slot, None]
                out.index_add_(0, token, y.to(x.dtype))
        if self.d["n_shared_experts"]:
            out = out + self.mlp(x, p + "mlp.shared_experts.")
        return out, logits, chosen

    @torch.no_grad()
    def forward(self, ids, mask=None, lm_logits=True):
        B, T = ids.shape
        mask = torch.ones_like(ids, dtype=torch.bool) if mask is None else mask.bool()
        inv, attention_factor = rope_frequencies(self.c, self.rope)
        freqs = torch.arange(T).float()[:, None] * inv[None, :]
        if self.family == "deepseek_v2":
            pos = torch.polar(torch.ones_like(freqs), freqs) * attention_factor
        else:
            emb = torch.cat((freqs, freqs), dim=-1)
            pos = ((emb.cos() * attention_factor).to(self.dtype), (emb.sin() * attention_factor).to(self.dtype))
        causal = torch.ones(T, T, dtype=torch.bool).tril()
        visible = causal[None] & mask[:, None, :]
        x = self.w["model.embed_tokens.weight"][ids]
        router, chosen = [], []
        moe = set(self.moe_layers())
        for l in range(self.c["num_hidden_layers"]):
            p = "model.layers.%d." % l
            x = x + self.attention(rms_norm(x, self.w[p + "input_layernorm.weight"], self.eps), p, pos, visible)
            h = rms_norm(x, self.w[p + "post_attention_layernorm.weight"], self.eps)
            if l in moe:
                y, logits, top = self.sparse_moe(h.reshape(B * T, -1), p)
                router.append(logits)
                chosen.append(top)
                x = x + y.view(B, T, -1)
            else:
                x = x + self.mlp(h, p + "mlp.")
        logits = None
        if lm_logits:
            x = rms_norm(x, self.w["model.norm.weight"], self.eps)
            logits = F.linear(x, self.w["lm_head.weight"])
        return router, chosen, logits


# ---- fixtures (make_fixture.py) ---------------------------------------------------------

_COMMON = {
    "vocab_size": 320, "hidden_size": 64, "intermediate_size": 128, "moe_intermediate_size": 32,
    "num_hidden_layers": 3, "first_k_dense_replace": 1, "moe_layer_freq": 1, "num_attention_heads": 4,
    "num_key_value_heads": 4, "n_routed_experts": 16, "num_experts_per_tok": 4, "n_group": 4, "topk_group": 2,
    "kv_lora_rank": 32, "qk_nope_head_dim": 16, "qk_rope_head_dim": 8, "v_head_dim": 24,
    "rope_theta": 10000.0, "rms_norm_eps": 1e-6, "max_position_embeddings": 512, "hidden_act": "silu",
    "attention_bias": False, "tie_word_embeddings": False, "torch_dtype": "float32",
    "bos_token_id": 1, "eos_token_id": 2,
}

FIXTURE_CONFIGS = {
    # Layer 0 dense; low-rank q; YaRN with factor 4 = max_position_embeddings / original
    # (older transformers derive the factor so; the ramp covers rotary dims 0-2) and mscale
    # != mscale_all_dim, so that cos/sin and the softmax are both scaled; 4 groups of 4
    # experts, the best 2 groups kept; a router bias; scale 2.5.
    "deepseek_v3": dict(_COMMON, **{
        "architectures": ["DeepseekV3ForCausalLM"], "model_type": "deepseek_v3",
        "n_shared_experts": 1, "q_lora_rank": 48, "routed_scaling_factor": 2.5, "norm_topk_prob": True,
        "scoring_func": "sigmoid", "topk_method": "noaux_tc", "rope_interleave": True,
        "rope_scaling": {"type": "yarn", "factor": 4.0, "original_max_position_embeddings": 128,
                         "beta_fast": 32, "beta_slow": 1, "mscale": 1.0, "mscale_all_dim": 0.8},
    }),
    # As DeepSeek-V2-Lite: full-rank q_proj (q_lora_rank null), softmax scores unnormalized;
    # group_limited_greedy as DeepSeek-V2 (group score = its best expert); 2 shared experts.
    "deepseek_v2": dict(_COMMON, **{
        "architectures": ["DeepseekV2ForCausalLM"], "model_type": "deepseek_v2",
        "n_shared_experts": 2, "q_lora_rank": None, "routed_scaling_factor": 2.0, "norm_topk_prob": False,
        "scoring_func": "softmax", "topk_method": "group_limited_greedy",
        "rope_scaling": {"type": "yarn", "factor": 4.0, "original_max_position_embeddings": 128,
                         "beta_fast": 32, "beta_slow": 1, "mscale": 0.707, "mscale_all_dim": 0.707},
    }),
}


def random_tensors(c, gen):
    H, V, nh = c["hidden_size"], c["vocab_size"], c["num_attention_heads"]
    E, I = c["n_routed_experts"], c["moe_intermediate_size"]
    qk, kvr = c["qk_nope_head_dim"] + c["qk_rope_head_dim"], c["kv_lora_rank"]
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
        a = p + "self_attn."
        t[p + "input_layernorm.weight"] = 1 + normal((H,), 0.1)
        t[p + "post_attention_layernorm.weight"] = 1 + normal((H,), 0.1)
        if c["q_lora_rank"] is None:
            t[a + "q_proj.weight"] = normal((nh * qk, H), 0.1)
        else:
            t[a + "q_a_proj.weight"] = normal((c["q_lora_rank"], H), 0.1)
            t[a + "q_a_layernorm.weight"] = 1 + normal((c["q_lora_rank"],), 0.1)
            t[a + "q_b_proj.weight"] = normal((nh * qk, c["q_lora_rank"]), 0.1)
        t[a + "kv_a_proj_with_mqa.weight"] = normal((kvr + c["qk_rope_head_dim"], H), 0.1)
        t[a + "kv_a_layernorm.weight"] = 1 + normal((kvr,), 0.1)
        t[a + "kv_b_proj.weight"] = normal((nh * (c["qk_nope_head_dim"] + c["v_head_dim"]), kvr), 0.1)
        t[a + "o_proj.weight"] = normal((H, nh * c["v_head_dim"]), 0.05)
        if l < c["first_k_dense_replace"]:
            mlp(p + "mlp.", c["intermediate_size"])
            continue
        t[p + "mlp.gate.weight"] = normal((E, H), 3.0 / math.sqrt(H))
        if c["model_type"] == "deepseek_v3":
            t[p + "mlp.gate.e_score_correction_bias"] = normal((E,), 0.1)
        for e in range(E):
            mlp(p + "mlp.experts.%d." % e, I)
        mlp(p + "mlp.shared_experts.", I * c["n_shared_experts"])
    t["model.norm.weight"] = 1 + normal((H,), 0.1)
    t["lm_head.weight"] = normal((V, H), 0.05)
    return t
