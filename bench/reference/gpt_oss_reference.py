"""Eager forward pass of gpt-oss (GptOssForCausalLM), written from the semantics of
transformers' modeling_gpt_oss.py, integrations/mxfp4.py (dequantization) and
modeling_rope_utils.py (YaRN), for fixtures. Plain torch (1.13 and later), CPU or CUDA.

What it differs in from the other families (moe_reference.py):
  - router: F.linear with a bias; top-k of the logits; softmax over the k chosen logits
  - experts: input-major fused tensors gate_up_proj [E, H, 2I] (gate = [..., 0::2],
    up = [..., 1::2]) and down_proj [E, I, H], each with a bias; activation
    (up.clamp(-L, L) + 1) * g * sigmoid(alpha g), g = gate.clamp(max=L)
  - MXFP4 experts (NAME_blocks [E, rows, cols/32, 16], NAME_scales [E, rows, cols/32]):
    e2m1 code of the low nibble then the high nibble, times 2^(scale - 127), then the
    [E, rows, cols] matrix transposed to the input-major layout
  - attention: q/k/v/o biases, a learned sink logit per head joining every softmax row and
    dropped after it, layers of layer_types "sliding_attention" (key j visible from query i
    when i - window < j <= i) or "full_attention", YaRN rotary with rotate-half pairs.
"""
import math

import torch
import torch.nn.functional as F

from moe_reference import rope_frequencies

E2M1 = [0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0, -0.0, -0.5, -1.0, -1.5, -2.0, -3.0, -4.0, -6.0]


def dequantize_mxfp4(blocks, scales):
    """blocks [..., G, 16] uint8, scales [..., G] uint8 -> float32 [..., G * 32]."""
    assert blocks.shape[:-1] == scales.shape, (blocks.shape, scales.shape)
    codes = torch.tensor(E2M1, dtype=torch.float32)
    low, high = (blocks & 0x0F).long(), (blocks >> 4).long()
    values = torch.stack((codes[low], codes[high]), dim=-1).reshape(*blocks.shape[:-1], 32)
    values = torch.ldexp(values, (scales.to(torch.int32) - 127)[..., None])
    return values.reshape(*blocks.shape[:-2], blocks.shape[-2] * 32)


def quantize_mxfp4(w, gen):
    """Random MXFP4 codes and scales for an output-major [E, rows, cols] shape (fixtures)."""
    E, rows, cols = w
    blocks = torch.randint(0, 256, (E, rows, cols // 32, 16), generator=gen).to(torch.uint8)
    scales = torch.randint(118, 122, (E, rows, cols // 32), generator=gen).to(torch.uint8)
    return blocks, scales


def rms_norm(x, weight, eps):
    dtype = x.dtype
    x32 = x.float()
    x32 = x32 * torch.rsqrt(x32.pow(2).mean(-1, keepdim=True) + eps)
    return (weight * x32).to(dtype)


class GptOssReference:
    def __init__(self, config, tensors, dtype=torch.float32, device="cpu"):
        c = self.c = config
        if c.get("model_type") != "gpt_oss":
            raise ValueError("not a gpt_oss config")
        self.dtype, self.device = dtype, device
        self.w = {}
        for k, v in tensors.items():
            if k.endswith("_blocks"):
                stem = k[: -len("_blocks")]
                # [E, rows, cols] output-major -> the input-major layout the modeling code uses
                self.w[stem] = dequantize_mxfp4(v, tensors[stem + "_scales"]).transpose(1, 2).contiguous()
            elif not k.endswith("_scales"):
                self.w[k] = v
        self.w = {k: v.to(device=device, dtype=dtype) for k, v in self.w.items()}
        self.heads, self.kv_heads = c["num_attention_heads"], c["num_key_value_heads"]
        self.head_dim = c.get("head_dim") or c["hidden_size"] // self.heads
        self.eps, self.k, self.experts = c["rms_norm_eps"], c["num_experts_per_tok"], c["num_local_experts"]
        self.limit, self.alpha = c.get("swiglu_limit", 7.0), c.get("swiglu_alpha", 1.702)
        L = c["num_hidden_layers"]
        self.layer_types = c.get("layer_types") or [
            "sliding_attention" if (i + 1) % 2 else "full_attention" for i in range(L)]

    def moe_layers(self):
        return list(range(self.c["num_hidden_layers"]))

    def linear(self, x, name):
        return F.linear(x, self.w[name + ".weight"], self.w.get(name + ".bias"))

    def attention(self, x, p, cos, sin, visible):
        B, T, _ = x.shape
        D, nh, nkv = self.head_dim, self.heads, self.kv_heads
        q = self.linear(x, p + "self_attn.q_proj").view(B, T, nh, D).transpose(1, 2)
        k = self.linear(x, p + "self_attn.k_proj").view(B, T, nkv, D).transpose(1, 2)
        v = self.linear(x, p + "self_attn.v_proj").view(B, T, nkv, D).transpose(1, 2)

        def rotate(t):  # first/second halves rotated by the same angle
            a, b = t[..., : D // 2], t[..., D // 2:]
            return torch.cat((a * cos - b * sin, b * cos + a * sin), dim=-1)

        q, k = rotate(q), rotate(k)
        g = nh // nkv
        k = k[:, :, None].expand(B, nkv, g, T, D).reshape(B, nh, T, D)
        v = v[:, :, None].expand(B, nkv, g, T, D).reshape(B, nh, T, D)
        scores = torch.matmul(q, k.transpose(2, 3)) * D ** -0.5
        scores = scores + torch.zeros_like(scores).masked_fill(~visible[:, None], torch.finfo(scores.dtype).min)
        sinks = self.w[p + "self_attn.sinks"].reshape(1, nh, 1, 1).expand(B, nh, T, 1)
        full = torch.cat((scores, sinks), dim=-1)
        full = full - full.max(dim=-1, keepdim=True).values
        probs = torch.softmax(full, dim=-1, dtype=full.dtype)[..., :-1]
        out = torch.matmul(probs, v).transpose(1, 2).reshape(B, T, nh * D)
        return self.linear(out, p + "self_attn.o_proj")

    def moe(self, x, p):
        logits = F.linear(x, self.w[p + "mlp.router.weight"], self.w[p + "mlp.router.bias"])
        top, chosen = torch.topk(logits, self.k, dim=-1)
        weights = torch.softmax(top, dim=1, dtype=top.dtype)
        gate_up, gate_up_b = self.w[p + "mlp.experts.gate_up_proj"], self.w[p + "mlp.experts.gate_up_proj_bias"]
        down, down_b = self.w[p + "mlp.experts.down_proj"], self.w[p + "mlp.experts.down_proj_bias"]
        out = torch.zeros_like(x)
        for e in range(self.experts):
            token, slot = torch.where(chosen == e)
            if not token.numel():
                continue
            a = x[token] @ gate_up[e] + gate_up_b[e]
            gate, up = a[..., ::2].clamp(max=self.limit), a[..., 1::2].clamp(-self.limit, self.limit)
            h = (up + 1) * (gate * torch.sigmoid(gate * self.alpha))
            y = (h @ down[e] + down_b[e]) * weights[token, slot, None]
            out.index_add_(0, token, y.to(x.dtype))
        return out, logits, chosen

    @torch.no_grad()
    def forward(self, ids, mask=None, lm_logits=True):
        B, T = ids.shape
        ids = ids.to(self.device)
        mask = torch.ones_like(ids, dtype=torch.bool) if mask is None else mask.to(self.device).bool()
        inv, attention_factor = rope_frequencies(self.c, self.head_dim)
        freqs = torch.arange(T, dtype=torch.float32)[:, None] * inv[None, :]
        cos = (freqs.cos() * attention_factor).to(self.device, self.dtype)
        sin = (freqs.sin() * attention_factor).to(self.device, self.dtype)
        i = torch.arange(T, device=self.device)
        causal = i[None, :] <= i[:, None]
        window = self.c.get("sliding_window") or 0
        sliding = causal & (i[None, :] > i[:, None] - window) if window else causal
        x = self.w["model.embed_tokens.weight"][ids]
        router, chosen = [], []
        for l, kind in enumerate(self.layer_types):
            p = "model.layers.%d." % l
            visible = (sliding if kind == "sliding_attention" else causal)[None] & mask[:, None, :]
            x = x + self.attention(rms_norm(x, self.w[p + "input_layernorm.weight"], self.eps), p, cos, sin, visible)
            h = rms_norm(x, self.w[p + "post_attention_layernorm.weight"], self.eps)
            y, logits, top = self.moe(h.reshape(B * T, -1), p)
            router.append(logits)
            chosen.append(top)
            x = x + y.view(B, T, -1)
        logits = None
        if lm_logits:
            x = rms_norm(x, self.w["model.norm.weight"], self.eps)
            logits = F.linear(x, self.w["lm_head.weight"])
        return router, chosen, logits


FIXTURE_CONFIG = {
    # Two layers: sliding (window 6, shorter than the golden's 17 positions) then full;
    # head_dim 32 != hidden / heads; YaRN x4 without truncation; MXFP4 experts; expert
    # biases wide enough that the SwiGLU clamps at 7 bind.
    "architectures": ["GptOssForCausalLM"], "model_type": "gpt_oss",
    "vocab_size": 320, "hidden_size": 64, "intermediate_size": 32, "num_hidden_layers": 2,
    "num_attention_heads": 4, "num_key_value_heads": 2, "head_dim": 32, "num_local_experts": 8,
    "num_experts_per_tok": 2, "experts_per_token": 2, "sliding_window": 6,
    "layer_types": ["sliding_attention", "full_attention"], "attention_bias": True, "swiglu_limit": 7.0,
    "rope_theta": 150000.0, "max_position_embeddings": 512, "initial_context_length": 128,
    "rope_scaling": {"rope_type": "yarn", "factor": 4.0, "beta_fast": 32.0, "beta_slow": 1.0,
                     "original_max_position_embeddings": 128, "truncate": False},
    "rms_norm_eps": 1e-5, "hidden_act": "silu", "tie_word_embeddings": False, "torch_dtype": "float32",
    "bos_token_id": 1, "eos_token_id": 2, "pad_token_id": 0,
    "quantization_config": {"quant_method": "mxfp4",
                            "modules_to_not_convert": ["model.layers.*.self_attn", "model.layers.*.mlp.router",
                                                       "model.embed_tokens", "lm_head"]},
}


def random_tensors(c, gen):
    H, V, I, E = c["hidden_size"], c["vocab_size"], c["intermediate_size"], c["num_local_experts"]
    nh, nkv, D = c["num_attention_heads"], c["num_key_value_heads"], c["head_dim"]
    t = {}

    def normal(shape, std):
        return torch.randn(shape, generator=gen) * std

    t["model.embed_tokens.weight"] = normal((V, H), 1.0)
    for l in range(c["num_hidden_layers"]):
        p = "model.layers.%d." % l
        t[p + "input_layernorm.weight"] = 1 + normal((H,), 0.1)
        t[p + "post_attention_layernorm.weight"] = 1 + normal((H,), 0.1)
        for name, rows in (("q", nh * D), ("k", nkv * D), ("v", nkv * D)):
            t[p + "self_attn.%s_proj.weight" % name] = normal((rows, H), 0.05)
            t[p + "self_attn.%s_proj.bias" % name] = normal((rows,), 0.1)
        t[p + "self_attn.o_proj.weight"] = normal((H, nh * D), 0.05)
        t[p + "self_attn.o_proj.bias"] = normal((H,), 0.1)
        t[p + "self_attn.sinks"] = normal((nh,), 1.0)
        t[p + "mlp.router.weight"] = normal((E, H), 3.0 / math.sqrt(H))
        t[p + "mlp.router.bias"] = normal((E,), 1.0)
        for name, rows, cols in (("gate_up_proj", 2 * I, H), ("down_proj", H, I)):
            blocks, scales = quantize_mxfp4((E, rows, cols), gen)
            t[p + "mlp.experts.%s_blocks" % name] = blocks
            t[p + "mlp.experts.%s_scales" % name] = scales
        t[p + "mlp.experts.gate_up_proj_bias"] = normal((E, 2 * I), 4.0)
        t[p + "mlp.experts.down_proj_bias"] = normal((E, H), 0.1)
    t["model.norm.weight"] = 1 + normal((H,), 0.1)
    t["lm_head.weight"] = normal((V, H), 0.05)
    return t
