#!/usr/bin/env python3
"""Checks every family fixture's golden.safetensors against transformers itself (issue 21):
loads the fixture with AutoModelForCausalLM (attn_implementation="eager", float32, CPU), runs
the golden's input_ids / attention_mask and compares, on the real (unpadded) positions, the raw
router logits of every MoE layer, the top-k expert sets and the LM logits. One JSON line per
fixture; exit 1 when one fails, 2 when transformers (or torch) is missing.

  python3 bench/hf_family_goldens.py [--tol 1e-4] [FIXTURE_DIR...]   # needs torch 2.x + transformers
  /usr/bin/python3 bench/hf_family_goldens.py --self-test            # no transformers needed

Default fixtures: tests/fixtures/*-tiny and tests/data/hf-tiny-mixtral. bench/gpu.sh stage
`goldens` runs it on the GPU machine, which has transformers.

The raw router logits are taken the same way for every family and transformers release: a
pre-hook on each MoE layer's block (`mlp`, or `block_sparse_moe` in Mixtral before
transformers 5) keeps its input, and the logits are F.linear(input, gate.weight, gate.bias) in
float32. What a model returns as `router_logits` differs between families and releases (raw
gate outputs, or their softmax): it is reported (`hf_router_logits`), not relied on. The top-k
ids are transformers' own where its router hands them out (an integer tensor from the gate, or
DeepSeek's route_tokens_to_experts); otherwise the family's router function below picks them
from the raw logits (`topk_source`). --self-test checks that router function and the
comparison against the goldens themselves.
"""
import argparse
import glob
import json
import os
import struct
import sys

try:
    import torch
    import torch.nn.functional as F
except ImportError as e:
    sys.stderr.write("hf_family_goldens: torch is not importable in %s (%s); use a python with torch "
                     "(here: /usr/bin/python3 --self-test; the GPU machine: python3)\n" % (sys.executable, e))
    sys.exit(2)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "bench", "reference"))
import safetensors_io  # noqa: E402


# ---------------------------------------------------------------- pure parts (no transformers)

def default_fixtures():
    found = sorted(glob.glob(os.path.join(ROOT, "tests", "fixtures", "*-tiny")))
    mixtral = os.path.join(ROOT, "tests", "data", "hf-tiny-mixtral")
    if os.path.isdir(mixtral):
        found.append(mixtral)
    return [d for d in found if os.path.exists(os.path.join(d, "golden.safetensors"))]


def load_fixture(d):
    with open(os.path.join(d, "config.json")) as f:
        cfg = json.load(f)
    golden = safetensors_io.read(os.path.join(d, "golden.safetensors"))
    if "moe_layers" not in golden:  # hf-tiny-mixtral: every layer is MoE
        golden["moe_layers"] = torch.arange(golden["router_logits"].shape[0], dtype=torch.int64)
    return cfg, golden


def read_tensor(path, name):
    """One float32 tensor of a safetensors file (the V3 router bias), without reading the rest."""
    with open(path, "rb") as f:
        size = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(size))
        if name not in header:
            raise KeyError("%s: no tensor %s" % (path, name))
        e = header[name]
        if e["dtype"] != "F32":
            raise ValueError("%s: tensor %s is %s, expected F32" % (path, name, e["dtype"]))
        begin, end = e["data_offsets"]
        f.seek(8 + size + begin)
        raw = f.read(end - begin)
    return torch.tensor(struct.unpack("<%df" % ((end - begin) // 4), raw)).reshape(e["shape"])


def top_k_of(cfg):
    return int(cfg.get("num_experts_per_tok") or cfg.get("experts_per_token"))


def router_topk(cfg, logits, bias=None):
    """Expert ids [N, k] the family's router function picks from raw logits [N, E] (float32).
    `bias`: DeepSeek-V3's e_score_correction_bias [E] (choice only)."""
    family, k = cfg["model_type"], top_k_of(cfg)
    logits = logits.float()
    N, E = logits.shape
    if family == "gpt_oss":  # top-k of the logits (bias included), softmax over the chosen only
        return torch.topk(logits, k, dim=-1)[1]
    if family == "deepseek_v3":
        choice = logits.sigmoid() + bias.float()
        G = cfg.get("n_group", 8)
        group_scores = choice.view(N, G, E // G).topk(2, dim=-1)[0].sum(dim=-1)
        return _group_limited(choice, group_scores, cfg.get("topk_group", 4), k, float("-inf"))
    scores = logits.softmax(dim=-1)
    if family == "deepseek_v2" and cfg.get("topk_method", "greedy") == "group_limited_greedy":
        G = cfg["n_group"]
        group_scores = scores.view(N, G, E // G).max(dim=-1).values
        return _group_limited(scores, group_scores, cfg["topk_group"], k, 0.0)
    if family not in ("mixtral", "qwen2_moe", "qwen3_moe", "olmoe", "deepseek_v2"):
        raise ValueError("no router function for model_type %r" % family)
    return torch.topk(scores, k, dim=-1)[1]


def _group_limited(choice, group_scores, keep_groups, k, fill):
    N, E = choice.shape
    G = group_scores.shape[1]
    best = torch.topk(group_scores, keep_groups, dim=-1)[1]
    keep = torch.zeros_like(group_scores).scatter_(1, best, 1).bool()
    keep = keep.unsqueeze(-1).expand(N, G, E // G).reshape(N, E)
    return torch.topk(choice.masked_fill(~keep, fill), k, dim=-1)[1]


def router_bias(cfg, fixture_dir, layer):
    if cfg["model_type"] != "deepseek_v3":
        return None
    return read_tensor(os.path.join(fixture_dir, "model.safetensors"),
                       "model.layers.%d.mlp.gate.e_score_correction_bias" % layer)


def topk_sets_agree(a, b):
    """Rows [N] where the two [N, k] id tensors hold the same set (order ignored)."""
    return (a.sort(dim=-1).values == b.sort(dim=-1).values).all(dim=-1)


def compare(golden, router, topk, logits, tol=1e-4):
    """golden: the fixture's tensors; router [L, N, E], topk [L, N, k], logits [B, T, V] from the
    model under test. Differences on the real positions (attention_mask 1) only."""
    real = golden["attention_mask"].reshape(-1).bool()
    g_router, g_topk = golden["router_logits"].float(), golden["topk_ids"].long()
    if router.shape != g_router.shape or topk.shape != g_topk.shape or logits.shape != golden["logits"].shape:
        raise ValueError("shapes differ from the golden: router %s vs %s, top-k %s vs %s, logits %s vs %s" % (
            tuple(router.shape), tuple(g_router.shape), tuple(topk.shape), tuple(g_topk.shape),
            tuple(logits.shape), tuple(golden["logits"].shape)))
    router_diff = (router.float() - g_router).abs()
    agree = topk_sets_agree(topk.long()[:, real], g_topk[:, real])
    lm_diff = (logits.float() - golden["logits"].float()).abs()[golden["attention_mask"].bool()]
    r = dict(moe_layers=int(g_router.shape[0]), real_rows=int(real.sum()),
             max_router_diff=float(router_diff[:, real].max()),
             max_router_diff_all_rows=float(router_diff.max()),
             max_lm_diff=float(lm_diff.max()), topk_agree=int(agree.sum()), topk_total=int(agree.numel()),
             tol=tol)
    r["topk_rate"] = r["topk_agree"] / r["topk_total"]
    r["pass"] = bool(r["max_router_diff"] <= tol and r["max_lm_diff"] <= tol and r["topk_agree"] == r["topk_total"])
    return r


# ---------------------------------------------------------------- self-test (no transformers)

def self_test(fixtures):
    """The router functions reproduce every golden's top-k ids from its router logits (all rows,
    pads included), and compare() passes the golden against itself and fails on each kind of
    difference."""
    failures = 0
    if not fixtures:
        print("self-test: no fixtures found under %s" % ROOT)
        return 1
    for d in fixtures:
        cfg, g = load_fixture(d)
        ids = torch.stack([router_topk(cfg, g["router_logits"][i], router_bias(cfg, d, int(l)))
                           for i, l in enumerate(g["moe_layers"].tolist())])
        agree = topk_sets_agree(ids, g["topk_ids"])
        ok = bool(agree.all())
        failures += not ok
        print("self-test %-16s %-12s router function: %d/%d top-k sets as the golden %s" % (
            os.path.basename(d), cfg["model_type"], int(agree.sum()), agree.numel(), "ok" if ok else "FAILED"))
        failures += _check_compare(g, os.path.basename(d))
    print("self-test: %s" % ("passed" if failures == 0 else "%d FAILED" % failures))
    return 1 if failures else 0


def _check_compare(g, name):
    router, topk, logits = g["router_logits"].clone(), g["topk_ids"].clone(), g["logits"].clone()
    real = g["attention_mask"].reshape(-1).nonzero()[0, 0]
    pad = (g["attention_mask"].reshape(-1) == 0).nonzero()
    cases = [("itself", router, topk, logits, True),
             ("top-k order reversed", router, topk.flip(-1), logits, True)]
    r2 = router.clone()
    r2[0, real, 0] += 2e-4
    cases.append(("router logit +2e-4", r2, topk, logits, False))
    t2 = topk.clone()
    t2[-1, real, 0] = (t2[-1, real, 0] + 1) % router.shape[-1]
    while bool((t2[-1, real, 1:] == t2[-1, real, 0]).any()):  # a new expert, not a repeated one
        t2[-1, real, 0] = (t2[-1, real, 0] + 1) % router.shape[-1]
    cases.append(("one top-k id changed", router, t2, logits, False))
    l2 = logits.clone()
    l2[0, 0, 0] += 2e-4
    cases.append(("LM logit +2e-4", router, topk, l2, False))
    if pad.numel():  # pads are not compared: a difference there must not fail
        r3 = router.clone()
        r3[:, pad[0, 0]] += 1.0
        cases.append(("pad row changed", r3, topk, logits, True))
    bad = 0
    for what, r, t, lg, want in cases:
        got = compare(g, r, t, lg)["pass"]
        if got != want:
            bad += 1
            print("self-test %-16s compare(%s): pass=%s, expected %s FAILED" % (name, what, got, want))
    return bad


# ---------------------------------------------------------------- transformers run

def require_transformers():
    try:
        import transformers  # noqa: F401
    except ImportError as e:
        sys.stderr.write("hf_family_goldens: transformers is not importable in %s (%s). Run it where "
                         "transformers is installed (the GPU machine: bench/gpu.sh goldens); "
                         "--self-test runs the checks that need no transformers.\n" % (sys.executable, e))
        sys.exit(2)
    return transformers


def load_model(transformers, d, cfg):
    kw = dict(attn_implementation="eager", output_loading_info=True)
    kw["dtype" if int(transformers.__version__.split(".")[0]) >= 5 else "torch_dtype"] = torch.float32
    if cfg.get("quantization_config", {}).get("quant_method") == "mxfp4":
        # MXFP4 experts dequantized on load (exact in bfloat16, widened to float32 below).
        kw["quantization_config"] = transformers.Mxfp4Config(dequantize=True)
    model, info = transformers.AutoModelForCausalLM.from_pretrained(d, **kw)
    # Missing, unexpected or mismatched tensors fail the fixture: transformers would have run
    # with random values in their place.
    problems = {k: [str(x) for x in v] for k, v in info.items() if v}
    return model.float().eval(), problems


def moe_block(layer):
    for name in ("block_sparse_moe", "mlp"):
        m = getattr(layer, name, None)
        if m is not None and (hasattr(m, "gate") or hasattr(m, "router")):
            return m
    raise ValueError("layer %s has no MoE block with a gate or router" % type(layer).__name__)


def upstream_shims(block):
    """Sets attributes that transformers' own routing code reads but its release never sets, so
    that its code runs unchanged; returns their names for the report (`hf_shims`). Seen:
    DeepseekV2Moe's group_limited_greedy reads self.num_experts, which its __init__ does not set
    (transformers 5.12.1 and main as of 2026-12: AttributeError on every V2 checkpoint with that
    topk_method). The value is the gate's row count, n_routed_experts."""
    shims = []
    if (callable(getattr(block, "route_tokens_to_experts", None)) and hasattr(block, "num_group")
            and not hasattr(block, "num_experts")):
        block.num_experts = block.gate.weight.shape[0]
        shims.append(type(block).__name__ + ".num_experts")
    return shims


def int_tensor_in(out, rows, k):
    """The [rows, k] integer tensor in a module's output (its top-k ids), if any."""
    items = out if isinstance(out, (tuple, list)) else (out,)
    for t in items:
        if torch.is_tensor(t) and not t.is_floating_point() and t.numel() == rows * k:
            return t.reshape(rows, k)
    return None


class Capture:
    """Hooks on one MoE block: its input (for the raw logits) and transformers' top-k ids."""

    def __init__(self, block, rows, k):
        self.block, self.rows, self.k = block, rows, k
        self.gate = getattr(block, "gate", None) or block.router
        self.input, self.ids = None, None
        try:
            pre = block.register_forward_pre_hook(self._pre, with_kwargs=True)
        except TypeError:  # torch before 2.0: positional arguments only
            pre = block.register_forward_pre_hook(lambda m, args: self._pre(m, args, {}))
        self.handles = [pre, self.gate.register_forward_hook(self._gate_out)]
        self.wrapped_route = False
        route = getattr(block, "route_tokens_to_experts", None)  # DeepSeek in transformers 5
        if callable(route):
            def wrapped(*a, **kw):
                out = route(*a, **kw)
                self._take(out)
                return out
            block.route_tokens_to_experts = wrapped
            self.wrapped_route = True

    def remove(self):
        """Takes the hooks off, so that the block can be captured again (hf_trace_check.py)."""
        for h in self.handles:
            h.remove()
        if self.wrapped_route:
            del self.block.route_tokens_to_experts  # the instance attribute: the class's again

    def _pre(self, module, args, kwargs):
        self.input = (args[0] if args else kwargs["hidden_states"]).detach()

    def _gate_out(self, module, args, out):
        self._take(out)

    def _take(self, out):
        ids = int_tensor_in(out, self.rows, self.k)
        if ids is not None:
            self.ids = ids.detach()

    def raw_logits(self):
        h = self.input.reshape(-1, self.input.shape[-1]).float()
        b = getattr(self.gate, "bias", None)
        return F.linear(h, self.gate.weight.float(), None if b is None else b.float())


def router_logits_kind(hf, raw):
    """What the model's own `router_logits` output holds, compared with the raw logits."""
    if not hf:
        return "absent"
    try:
        d_raw = max(float((h.float().reshape(r.shape) - r).abs().max()) for h, r in zip(hf, raw))
        d_soft = max(float((h.float().reshape(r.shape) - r.softmax(-1)).abs().max()) for h, r in zip(hf, raw))
    except RuntimeError:  # another shape, or another count of layers (dense layers included)
        d_raw = d_soft = None
    if len(hf) != len(raw) or d_raw is None:
        return "other (%d tensors of %s for %d MoE layers)" % (len(hf), tuple(hf[0].shape), len(raw))
    return "raw" if d_raw <= 1e-5 else "softmax" if d_soft <= 1e-5 else "other"


def check_fixture(transformers, d, tol):
    cfg, g = load_fixture(d)
    model, problems = load_model(transformers, d, cfg)
    rows, k = g["input_ids"].numel(), top_k_of(cfg)
    layers = g["moe_layers"].tolist()
    blocks = [moe_block(model.model.layers[l]) for l in layers]
    shims = sorted({name for b in blocks for name in upstream_shims(b)})
    caps = [Capture(b, rows, k) for b in blocks]
    with torch.no_grad():
        try:
            out = model(input_ids=g["input_ids"], attention_mask=g["attention_mask"], output_router_logits=True)
        except TypeError:
            out = model(input_ids=g["input_ids"], attention_mask=g["attention_mask"])
    raw = [c.raw_logits().detach() for c in caps]
    own = all(c.ids is not None for c in caps)
    ids = [c.ids if own else router_topk(cfg, r, router_bias(cfg, d, l)) for c, r, l in zip(caps, raw, layers)]
    r = compare(g, torch.stack(raw), torch.stack([i.long() for i in ids]), out.logits, tol)
    r.update(bench="hf_goldens", fixture=os.path.relpath(d, ROOT), family=cfg["model_type"],
             model_class=type(model).__name__, transformers=transformers.__version__, torch=torch.__version__,
             topk_source="transformers" if own else "router function (hf_family_goldens.py)",
             hf_router_logits=router_logits_kind(getattr(out, "router_logits", None), raw),
             load_problems=problems or None, hf_shims=shims or None)
    r["pass"] = r["pass"] and not problems
    return r


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("fixtures", nargs="*", help="fixture folders (default: every family fixture)")
    ap.add_argument("--tol", type=float, default=1e-4)
    ap.add_argument("--self-test", action="store_true", help="check the router functions and the comparison")
    a = ap.parse_args()
    if a.self_test:
        return self_test([os.path.abspath(d) for d in a.fixtures] or default_fixtures())
    transformers = require_transformers()
    torch.manual_seed(0)
    failed = 0
    for d in a.fixtures or default_fixtures():
        try:
            r = check_fixture(transformers, os.path.abspath(d), a.tol)
        except Exception as e:  # one fixture's failure is reported, the others still run
            r = dict(bench="hf_goldens", fixture=d, transformers=transformers.__version__, error=repr(e), **{"pass": False})
        failed += not r["pass"]
        print(json.dumps(r), flush=True)
    if failed:
        sys.stderr.write("hf_family_goldens: %d fixture(s) FAILED\n" % failed)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
