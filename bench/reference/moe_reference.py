"""Eager forward passes of MoE families, written from the semantics of transformers'
modeling code (modeling_qwen2_moe.py, modeling_qwen3_moe.py, modeling_olmoe.py), for fixtures
and throughput comparisons. Plain torch (1.13 and later), CPU or CUDA, no transformers needed.

The model reads a hub checkpoint's config.json and tensors by their hub names and returns,
per MoE layer, the raw router logits [B*T, E] and the top-k expert ids, and the LM logits.
"""
import math

import torch
import torch.nn.functional as F


def rms_norm(x, weight, eps):
    """weight * (x32 * rsqrt(mean(x32^2) + eps)).to(dtype): computed in float32."""
    dtype = x.dtype
    x32 = x.to(torch.float32)
    x32 = x32 * torch.rsqrt(x32.pow(2).mean(-1, keepdim=True) + eps)
    return weight * x32.to(dtype)


def yarn_mscale(scale, mscale=1.0):
    return 1.0 if scale <= 1 else 0.1 * mscale * math.log(scale) + 1.0


def rope_frequencies(c, dim):
    """Inverse frequencies [dim/2] and the attention factor (cos/sin scale): plain RoPE, or
    YaRN as transformers' _compute_yarn_parameters (DeepSeek-V2/V3, gpt-oss)."""
    rs = c.get("rope_scaling") or c.get("rope_parameters") or {}
    base = float(c.get("rope_theta") or rs.get("rope_theta") or 10000.0)
    pos = base ** (torch.arange(0, dim, 2, dtype=torch.int64).float() / dim)
    if rs.get("rope_type", rs.get("type")) in (None, "default"):
        return 1.0 / pos, 1.0
    assert rs.get("rope_type", rs.get("type")) == "yarn"
    factor = float(rs["factor"])
    original = rs.get("original_max_position_embeddings") or c["max_position_embeddings"]
    mscale, mscale_all_dim = rs.get("mscale"), rs.get("mscale_all_dim")
    attention_factor = rs.get("attention_factor")
    if attention_factor is None:
        if mscale and mscale_all_dim:
            attention_factor = yarn_mscale(factor, mscale) / yarn_mscale(factor, mscale_all_dim)
        else:
            attention_factor = yarn_mscale(factor)
    beta_fast, beta_slow = rs.get("beta_fast") or 32, rs.get("beta_slow") or 1

    def correction_dim(rotations):
        return dim * math.log(original / (rotations * 2 * math.pi)) / (2 * math.log(base))

    low, high = correction_dim(beta_fast), correction_dim(beta_slow)
    if rs.get("truncate", True):
        low, high = math.floor(low), math.ceil(high)
    low, high = max(low, 0), min(high, dim - 1)
    if low == high:
        high += 0.001
    ramp = torch.clamp((torch.arange(dim // 2, dtype=torch.float32) - low) / (high - low), 0, 1)
    extrapolated = 1 - ramp  # share of the unscaled frequency
    inv = (1.0 / (factor * pos)) * (1 - extrapolated) + (1.0 / pos) * extrapolated
    return inv, attention_factor


def rotate_half(v):
    half = v.shape[-1] // 2
    return torch.cat((-v[..., half:], v[..., :half]), dim=-1)


class MoeReference:
    def __init__(self, config, tensors, dtype=torch.float32, device="cpu"):
        self.c = config
        self.family = config.get("model_type")
        if self.family not in ("qwen2_moe", "qwen3_moe", "olmoe"):
            raise ValueError("unsupported model_type %r" % self.family)
        self.w = {k: v.to(device=device, dtype=dtype) for k, v in tensors.items()}
        self.dtype, self.device = dtype, device
        c = config
        self.heads, self.kv_heads = c["num_attention_heads"], c.get("num_key_value_heads") or c["num_attention_heads"]
        self.head_dim = c.get("head_dim") or c["hidden_size"] // self.heads
        self.eps = c["rms_norm_eps"]
        self.experts = c["num_experts"]
        self.k = c["num_experts_per_tok"]
        self.norm_topk = c.get("norm_topk_prob", False)  # every config class defaults to false
        self.sparse_step = c.get("decoder_sparse_step", 1)
        self.mlp_only = set(c.get("mlp_only_layers") or [])
        self.qkv_bias = c.get("qkv_bias", True) if self.family == "qwen2_moe" else c.get("attention_bias", False)
        # q/k RMSNorm: per head (Qwen3-MoE) or over the whole projection (OLMoE).
        self.qk_norm = {"qwen3_moe": "head", "olmoe": "projection"}.get(self.family)
        self.clip_qkv = c.get("clip_qkv") if self.family == "olmoe" else None
        self.shared = self.family == "qwen2_moe"
        theta = c.get("rope_theta") or (c.get("rope_parameters") or {}).get("rope_theta")
        self.theta = float(theta)

    def is_moe(self, layer):
        return layer not in self.mlp_only and self.experts > 0 and (layer + 1) % self.sparse_step == 0

    def moe_layers(self):
        return [l for l in range(self.c["num_hidden_layers"]) if self.is_moe(l)]

    def linear(self, x, name, bias=False):
        return F.linear(x, self.w[name + ".weight"], self.w[name + ".bias"] if bias else None)

    def mlp(self, x, prefix):
        return self.linear(F.silu(self.linear(x, prefix + "gate_proj")) * self.linear(x, prefix + "up_proj"),
                           prefix + "down_proj")

    def attention(self, x, p, cos, sin, visible):
        B, T, _ = x.shape
        D, nh, nkv = self.head_dim, self.heads, self.kv_heads
        q = self.linear(x, p + "self_attn.q_proj", self.qkv_bias)
        k = self.linear(x, p + "self_attn.k_proj", self.qkv_bias)
        v = self.linear(x, p + "self_attn.v_proj", self.qkv_bias)
        if self.qk_norm == "projection":  # over all heads at once, before the split into heads
            q = rms_norm(q, self.w[p + "self_attn.q_norm.weight"], self.eps)
            k = rms_norm(k, self.w[p + "self_attn.k_norm.weight"], self.eps)
        q, k, v = q.view(B, T, nh, D), k.view(B, T, nkv, D), v.view(B, T, nkv, D)
        if self.qk_norm == "head":  # per head, over head_dim, before the rotary embedding
            q = rms_norm(q, self.w[p + "self_attn.q_norm.weight"], self.eps)
            k = rms_norm(k, self.w[p + "self_attn.k_norm.weight"], self.eps)
        if self.clip_qkv is not None:  # after the norms, v too
            q, k, v = (t.clamp(-self.clip_qkv, self.clip_qkv) for t in (q, k, v))
        q, k, v = q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        groups = nh // nkv
        k = k[:, :, None].expand(B, nkv, groups, T, D).reshape(B, nh, T, D)
        v = v[:, :, None].expand(B, nkv, groups, T, D).reshape(B, nh, T, D)
        scores = torch.matmul(q, k.transpose(2, 3)) / math.sqrt(D)
        scores = scores.masked_fill(~visible[:, None], torch.finfo(scores.dtype).min)
        probs = torch.softmax(scores, dim=-1, dtype=torch.float32).to(q.dtype)
        out = torch.matmul(probs, v).transpose(1, 2).reshape(B, T, nh * D)
        return self.linear(out, p + "self_attn.o_proj")

    def sparse_moe(self, x, p):
        logits = self.linear(x, p + "mlp.gate")
        probs = torch.softmax(logits, dim=1, dtype=torch.float32)
        weights, chosen = torch.topk(probs, self.k, dim=-1)
        if self.norm_topk:
            weights = weights / weights.sum(dim=-1, keepdim=True)
        weights = weights.to(x.dtype)
        out = torch.zeros_like(x)
        for e in range(self.experts):
            token, slot = torch.where(chosen == e)
            if token.numel():
                y = self.mlp(x[token], p + "mlp.experts.%d." % e) * weights[token, slot, None]
                out.index_add_(0, token, y.to(x.dtype))
        if self.shared:
            s = self.mlp(x, p + "mlp.shared_expert.")
            out = out + torch.sigmoid(self.linear(x, p + "mlp.shared_expert_gate")) * s
        return out, logits, chosen

    @torch.no_grad()
    def forward(self, ids, mask=None, lm_logits=True):
        B, T = ids.shape
        ids = ids.to(self.device)
        mask = torch.ones_like(ids, dtype=torch.bool) if mask is None else mask.to(self.device).bool()
        D = self.head_dim
        inv = 1.0 / (self.theta ** (torch.arange(0, D, 2, dtype=torch.int64, device=self.device).float() / D))
        freqs = torch.arange(T, device=self.device).float()[:, None] * inv[None, :]
        emb = torch.cat((freqs, freqs), dim=-1)
        cos, sin = emb.cos().to(self.dtype), emb.sin().to(self.dtype)
        causal = torch.ones(T, T, dtype=torch.bool, device=self.device).tril()
        visible = causal[None] & mask[:, None, :]
        x = self.w["model.embed_tokens.weight"][ids]
        router, chosen = [], []
        for l in range(self.c["num_hidden_layers"]):
            p = "model.layers.%d." % l
            x = x + self.attention(rms_norm(x, self.w[p + "input_layernorm.weight"], self.eps), p, cos, sin, visible)
            h = rms_norm(x, self.w[p + "post_attention_layernorm.weight"], self.eps)
            if self.is_moe(l):
                y, logits, top = self.sparse_moe(h.reshape(B * T, -1), p)
                router.append(logits)
                chosen.append(top)
                x = x + y.view(B, T, -1)
            else:
                x = x + self.mlp(h, p + "mlp.")
        logits = None
        if lm_logits:
            x = rms_norm(x, self.w["model.norm.weight"], self.eps)
            head = self.w["model.embed_tokens.weight"] if self.c.get("tie_word_embeddings") else self.w["lm_head.weight"]
            logits = F.linear(x, head)
        return router, chosen, logits
