#!/usr/bin/python3
"""Writes the engine samples tst_import reads (tests/data/import/engines), following what each
engine documents it returns (docs/trace-import.md, docs/dev/engine-trace-formats.md):

* vLLM: request outputs with `routed_experts` ([P + G - 1, L, k]); first-release layout
  (one int32 slot per decoder layer, dense slots zero) and the 0.21 split layout (int16
  `prompt_routed_experts` + `routed_experts`, MoE-layer slots, prefix-cached rows -1),
  saved with the snippet's loop into import bundles;
* SGLang: `/generate` results whose meta_info carries `routed_experts` as base64 of the raw
  [rows, L, k] bytes (int32, or the dtype `routed_experts_dtype` names), decoded as the
  snippet does, one request asked for rows from routed_experts_start_len = 2;
* Megatron-Core: router_trace_rank0.jsonl as --moe-routing-trace-path writes it (hook path:
  0-based decoder indices, ids ascending; sink path: 1-based layer numbers), with an MTP
  record that the importer skips;
* generic NPY arrays (an .npz and a folder of .npy files);
and bad inputs, each with one defect. expected/<sample>.json holds what the imported trace
must contain, computed here independently of the importer.

    /usr/bin/python3 tests/data/import/make_import_samples.py tests/data/import/engines
"""
import base64
import json
import os
import shutil
import sys
from types import SimpleNamespace

import numpy as np

sys.dont_write_bytecode = True  # no __pycache__ beside the samples
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from specmoe_bundle import save_bundle  # noqa: E402

OUT = sys.argv[1] if len(sys.argv) > 1 else "engines"
os.makedirs(os.path.join(OUT, "expected"), exist_ok=True)
rng = np.random.default_rng(18)

# DeepSeek-V3-like: 4 decoder layers, the first dense, 8 routed + 1 shared expert, top-2.
DSV3 = dict(model_type="deepseek_v3", _name_or_path="tiny/deepseek-v3-like", num_hidden_layers=4,
            first_k_dense_replace=1, moe_layer_freq=1, n_routed_experts=8, n_shared_experts=1,
            num_experts_per_tok=2, scoring_func="sigmoid", topk_method="noaux_tc", n_group=2)
DSV3_MOE = [1, 2, 3]
# Qwen3-MoE-like: every layer MoE, 16 experts, top-4.
QWEN3 = dict(model_type="qwen3_moe", _name_or_path="tiny/qwen3-moe-like", num_hidden_layers=3,
             num_experts=16, num_experts_per_tok=4, decoder_sparse_step=1, mlp_only_layers=[])


def path(name):
    return os.path.join(OUT, name)


def routes(rows, layers, experts, k, dtype=np.int32):
    out = np.zeros((rows, layers, k), dtype=dtype)
    for r in range(rows):
        for layer in range(layers):
            out[r, layer] = rng.choice(experts, size=k, replace=False)
    return out


def tokens(n):
    return [int(t) for t in rng.integers(0, 32000, size=n)]


def expected(name, seqs, experts, k, moe_layers, decoder_layers, shared=0, weights=False):
    """moe_layers: decoder index of each stored layer, [] when every decoder layer is stored."""
    with open(path(f"expected/{name}.json"), "w") as fh:
        json.dump(dict(experts=experts, topk=k, moe_layers=moe_layers, decoder_layers=decoder_layers,
                       shared_experts=shared, has_weights=weights, sequences=seqs), fh)


def expected_from_bundle(seqs, moe_slots, drop_missing=False):
    """The stored tokens of bundle sequences: rows of route_start.. with their input tokens."""
    out = []
    for s in seqs:
        ids = list(s["prompt_ids"]) + list(s["gen_ids"])
        start, r = s.get("route_start", 0), np.asarray(s["routes"])
        keep = [i for i in range(len(r)) if not (drop_missing and (r[i] == -1).any())]
        if not keep:
            continue
        pos = [start + i for i in keep]
        out.append(dict(request_id=s["request_id"], tokens=[ids[p] for p in pos], positions=pos,
                        generated=sum(p >= len(s["prompt_ids"]) for p in pos),
                        ids=[r[i][moe_slots].tolist() for i in keep]))
    return out


# ---- vLLM -----------------------------------------------------------------------------------
def vllm_bundle(outputs, name, meta):
    """The docs' offline snippet, run over RequestOutput-like objects."""
    seqs = []
    for out in outputs:
        prompt_rows = getattr(out, "prompt_routed_experts", None)
        for comp in out.outputs:
            parts = [a for a in (prompt_rows, comp.routed_experts) if a is not None]
            seqs.append(dict(request_id=f"{out.request_id}/{comp.index}",
                             prompt_ids=list(out.prompt_token_ids), gen_ids=list(comp.token_ids),
                             routes=np.concatenate(parts) if parts else None))
    save_bundle(path(name), seqs, meta)
    return seqs


def vllm_first_release():
    """One int32 slot per decoder layer; the dense layer's slot is never written (zeros)."""
    outputs = []
    for rid, (p, gens) in enumerate([(5, [4]), (3, [6]), (4, [3, 2])]):
        prompt = tokens(p)
        comps = []
        for c, g in enumerate(gens):
            r = routes(p + g - 1, 4, 8, 2)
            r[:, 0, :] = 0
            comps.append(SimpleNamespace(index=c, token_ids=tokens(g), routed_experts=r))
        outputs.append(SimpleNamespace(request_id=f"cmpl-{rid}", prompt_token_ids=prompt, outputs=comps))
    meta = dict(engine="vllm", engine_version="0.15.1", model=DSV3["_name_or_path"], hf_config=DSV3)
    seqs = vllm_bundle(outputs, "vllm_first_release.npz", meta)
    expected("vllm_first_release", expected_from_bundle(seqs, DSV3_MOE), 8, 2, DSV3_MOE, 4, 1)
    return outputs, meta


def vllm_split_021():
    """0.21: int16, one slot per MoE layer, prompt rows on the request, decode rows on the
    completion; prefix-cached prompt rows come back as -1."""
    outputs = []
    for rid, (p, g) in enumerate([(6, 3), (5, 4)]):
        pr = routes(p, 3, 8, 2, np.int16)
        if rid == 1:
            pr[:3] = -1  # served from the prefix cache
        comp = SimpleNamespace(index=0, token_ids=tokens(g), routed_experts=routes(g - 1, 3, 8, 2, np.int16))
        outputs.append(SimpleNamespace(request_id=f"req-{rid}", prompt_token_ids=tokens(p),
                                       prompt_routed_experts=pr, outputs=[comp]))
    meta = dict(engine="vllm", engine_version="0.21.0", model=DSV3["_name_or_path"], hf_config=DSV3)
    seqs = vllm_bundle(outputs, "vllm_split_021.npz", meta)
    expected("vllm_split_021", expected_from_bundle(seqs, [0, 1, 2], drop_missing=True), 8, 2, DSV3_MOE, 4, 1)


# ---- SGLang ---------------------------------------------------------------------------------
def sglang_results():
    results, batch, starts = [], [], [0, 2, 0]
    for i, (p, g) in enumerate([(4, 5), (6, 3), (3, 4)]):
        prompt, out = tokens(p), tokens(g)
        dtype = np.uint8 if i == 2 else np.int32
        r = routes(p + g - 1 - starts[i], 3, 16, 4, dtype)
        info = dict(id=f"sgl-{i}", routed_experts=base64.b64encode(r.tobytes()).decode("ascii"))
        if dtype != np.int32:
            info["routed_experts_dtype"] = np.dtype(dtype).name
        results.append(dict(meta_info=info, output_ids=out))
        batch.append(prompt)
    return batch, starts, results


def sglang_bundle():
    layers, top_k = QWEN3["num_hidden_layers"], QWEN3["num_experts_per_tok"]
    batch, starts, results = sglang_results()

    def decode_routes(meta_info):  # the docs' snippet
        dtype = np.dtype(meta_info.get("routed_experts_dtype") or "int32").newbyteorder("<")
        flat = np.frombuffer(base64.b64decode(meta_info["routed_experts"]), dtype=dtype)
        if flat.size % (layers * top_k):
            raise ValueError(f"{flat.size} ids do not divide into [rows, {layers}, {top_k}]")
        return flat.reshape(-1, layers, top_k)

    seqs = []
    for prompt_ids, start, res in zip(batch, starts, results):
        info = res["meta_info"]
        seqs.append(dict(request_id=info["id"], prompt_ids=prompt_ids, gen_ids=res["output_ids"],
                         route_start=start, routes=decode_routes(info)))
    save_bundle(path("sglang.npz"), seqs, dict(engine="sglang", engine_version="0.5.6",
                                               model=QWEN3["_name_or_path"], hf_config=QWEN3))
    expected("sglang", expected_from_bundle(seqs, [0, 1, 2]), 16, 4, [], 3)


# ---- Megatron-Core --------------------------------------------------------------------------
def megatron_records(layer_values, steps=2, calls=2, seq_len=6, micro_batch=2, mtp=True):
    """Hook-path records: per step, per micro-batch call, one record per MoE layer; rows of
    a call are [seq, micro_batch] flattened (row = position * B + sample); ids ascending."""
    recs, calls_out = [], []
    for step in range(steps):
        for call in range(calls):
            per_layer = {}
            for layer in layer_values:
                ids = np.sort(routes(seq_len * micro_batch, 1, 8, 2)[:, 0, :], axis=1)
                per_layer[layer] = ids
                recs.append(dict(step=step, stage="pre_dispatch", block="decoder", layer=layer, rank=0,
                                 num_tokens=int(ids.shape[0]), topk=2, top_indices=ids.tolist()))
            if mtp and step == 0 and call == 0:
                recs.append(dict(step=step, stage="pre_dispatch", block="mtp", mtp_idx=0, layer=0, rank=0,
                                 num_tokens=seq_len * micro_batch, topk=2,
                                 top_indices=[[0, 1]] * (seq_len * micro_batch)))
            calls_out.append((step, call, per_layer))
    return recs, calls_out


def write_jsonl(folder, recs):
    os.makedirs(path(folder), exist_ok=True)
    with open(path(f"{folder}/router_trace_rank0.jsonl"), "w") as fh:
        for r in recs:
            fh.write(json.dumps(r) + "\n")


def megatron():
    with open(path("deepseek_tiny_config.json"), "w") as fh:
        json.dump(DSV3, fh, indent=1)
    recs, calls = megatron_records([1, 2, 3])
    write_jsonl("megatron_hook", recs)
    seqs = []
    for step, call, per_layer in calls:
        for b in range(2):
            rows = [[per_layer[layer][r].tolist() for layer in (1, 2, 3)] for r in range(b, 12, 2)]
            # The records carry no token ids: stored as unknown, -1.
            seqs.append(dict(request_id=f"r0/s{step}/c{call}/b{b}", tokens=[-1] * 6, positions=list(range(6)),
                             generated=0, ids=rows))
    expected("megatron_hook_mb2", seqs, 8, 2, DSV3_MOE, 4, 1)
    recs, _ = megatron_records([2, 3, 4], steps=1, calls=1, mtp=False)  # sink path: 1-based numbers
    write_jsonl("megatron_sink", recs)
    # Bad: one call's layer 2 has fewer tokens (ragged); one call lacks layer 3.
    recs, _ = megatron_records([1, 2, 3], mtp=False)
    recs[4]["num_tokens"] -= 2
    recs[4]["top_indices"] = recs[4]["top_indices"][:-2]
    write_jsonl("bad_megatron_ragged", recs)
    recs, _ = megatron_records([1, 2, 3], mtp=False)
    del recs[5]
    write_jsonl("bad_megatron_missing_layer", recs)


def megatron_requests():
    """The dynamic inference engine's finished requests (--moe-enable-routing-replay):
    routing_indices [P + G - 1, L_moe, k] int32, columns in RouterReplay order."""
    seqs = []
    for i, (p, g) in enumerate([(5, 3), (2, 4)]):
        seqs.append(dict(request_id=str(i), prompt_ids=tokens(p), gen_ids=tokens(g),
                         routes=routes(p + g - 1, 3, 8, 2)))
    save_bundle(path("megatron_requests.npz"), seqs, dict(
        engine="megatron-core", engine_version="0.15.0", model="tiny/deepseek-v3-like",
        num_layers=4, num_experts=8, moe_router_topk=2, moe_layer_numbers=[2, 3, 4]))
    expected("megatron_requests", expected_from_bundle(seqs, [0, 1, 2]), 8, 2, DSV3_MOE, 4, 0)


# ---- generic NPY ----------------------------------------------------------------------------
def generic():
    lens, prompts = [7, 13], [7, 10]
    n = sum(lens)
    ids = routes(n, 3, 8, 2, np.uint8)
    w = rng.random((n, 3, 2)).astype(np.float32)
    w = (w / w.sum(axis=2, keepdims=True)).astype(np.float16)
    tok = np.asarray(tokens(n), dtype=np.int64)
    np.savez(path("npy_weights.npz"), expert_ids=ids, token_ids=tok, seq_lens=np.asarray(lens),
             weights=w, prompt_lens=np.asarray(prompts), request_ids=np.asarray([101, 102]))
    # With weights the trace is in rank order: each layer's ids sorted by descending weight
    # (ties keep the input's order). The input lists some pairs lighter first, so the test
    # sees the sort.
    order = np.argsort(-w.astype(np.float32), axis=2, kind="stable")
    assert (order[:, :, 0] != 0).any()
    ranked_ids, ranked_w = np.take_along_axis(ids, order, axis=2), np.take_along_axis(w, order, axis=2)
    seqs, at = [], 0
    for s, (length, p) in enumerate(zip(lens, prompts)):
        seqs.append(dict(request_id=str(101 + s), tokens=tok[at:at + length].tolist(), positions=list(range(length)),
                         generated=length - p, ids=ranked_ids[at:at + length].tolist(),
                         weights=ranked_w[at:at + length].astype(np.float32).tolist()))
        at += length
    expected("npy_weights", seqs, 8, 2, [], 3, weights=True)

    os.makedirs(path("npy_folder"), exist_ok=True)
    lens = [4, 5, 3]
    ids = routes(12, 2, 6, 3, np.int32)
    tok = np.asarray(tokens(12), dtype=np.int32)
    tok[5] = -1  # a token whose id the source did not keep: stored as unknown (-1), not as 0
    np.save(path("npy_folder/expert_ids.npy"), ids)
    np.save(path("npy_folder/token_ids.npy"), tok)
    np.save(path("npy_folder/seq_lens.npy"), np.asarray(lens, dtype=np.int32))
    seqs, at = [], 0
    for s, length in enumerate(lens):
        seqs.append(dict(request_id="", tokens=tok[at:at + length].tolist(), positions=list(range(length)),
                         generated=0, ids=ids[at:at + length].tolist()))
        at += length
    expected("npy_folder", seqs, 6, 3, [], 2)

    # More experts than 8-bit ids hold (for the uint16 expert ids of schema 2).
    ids = routes(10, 2, 300, 8, np.uint16)
    ids[0, 0, 0] = 299
    tok = np.asarray(tokens(10), dtype=np.int32)
    np.savez(path("npy_e300.npz"), expert_ids=ids, token_ids=tok, seq_lens=np.asarray([10]))
    expected("npy_e300", [dict(request_id="", tokens=tok.tolist(), positions=list(range(10)), generated=0,
                               ids=ids.tolist())], 300, 8, [], 2)


def bad_inputs(first_release):
    outputs, meta = first_release
    # ids >= E: request 1, row 2, decoder layer 2 gets expert 8 of 8.
    outputs[1].outputs[0].routed_experts = outputs[1].outputs[0].routed_experts.copy()
    outputs[1].outputs[0].routed_experts[2, 2, 1] = 8
    vllm_bundle(outputs, "bad_id_ge_e.npz", meta)
    outputs[1].outputs[0].routed_experts[2, 2, 1] = 7 if outputs[1].outputs[0].routed_experts[2, 2, 0] != 7 else 6
    # Ragged: request 2's second completion has one routing row too many (P + G, not P + G - 1).
    comp = outputs[2].outputs[1]
    comp.routed_experts = np.concatenate([comp.routed_experts, comp.routed_experts[-1:]])
    vllm_bundle(outputs, "bad_ragged.npz", meta)
    comp.routed_experts = comp.routed_experts[:-1]
    # A layer axis that fits neither 4 decoder layers nor 3 MoE layers.
    for out in outputs:
        for c in out.outputs:
            c.routed_experts = np.concatenate([c.routed_experts, c.routed_experts[:, -1:]], axis=1)
    vllm_bundle(outputs, "bad_layer_axis.npz", meta)

    base = dict(expert_ids=routes(6, 2, 8, 2, np.int32), token_ids=np.arange(6), seq_lens=np.asarray([2, 4]))

    def variant(name, **changes):
        arrays = dict(base, **changes)
        np.savez(path(name), **arrays)

    neg = base["expert_ids"].copy()
    neg[4, 1, 0] = -3
    variant("bad_negative.npz", expert_ids=neg)
    rep = base["expert_ids"].copy()
    rep[3, 0, 1] = rep[3, 0, 0]
    variant("bad_repeat.npz", expert_ids=rep)
    variant("bad_token_count.npz", token_ids=np.arange(5))
    variant("bad_seq_lens.npz", seq_lens=np.asarray([2, 3]))
    variant("bad_dtype.npz", expert_ids=base["expert_ids"].astype(np.float32))
    variant("bad_k17.npz", expert_ids=routes(6, 2, 32, 17, np.int32))
    # two names of the expert id array: which one the engine meant is a guess
    variant("bad_two_id_arrays.npz", topk_ids=base["expert_ids"][:, :, ::-1].copy())
    os.makedirs(path("bad_truncated"), exist_ok=True)
    for key, arr in base.items():
        np.save(path(f"bad_truncated/{key}.npy"), arr)
    with open(path("bad_truncated/expert_ids.npy"), "r+b") as fh:
        fh.truncate(os.path.getsize(path("bad_truncated/expert_ids.npy")) - 10)


for stale in ("megatron_hook", "megatron_sink", "npy_folder", "bad_truncated"):
    shutil.rmtree(path(stale), ignore_errors=True)
first = vllm_first_release()
vllm_split_021()
sglang_bundle()
megatron()
megatron_requests()
generic()
bad_inputs(first)
