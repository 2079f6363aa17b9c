#!/usr/bin/env python3
"""Load and run a SpecMoE speculation predictor exported by `specmoe export`.

Needs only PyTorch and NumPy (Debian: python3-torch, python3-numpy). Layout and formulas:
docs/speculation.md, section "Export". Usage as a library:

    from load_predictor import Predictor
    p = Predictor("exported/")
    probs = p.predict(topk_ids, topk_weights, token_ids, lookahead_ids, seq_ids, positions,
                      router_inputs=hr)   # hr [N, L, hidden]: each layer's router input, when
                                          # the predictor holds the hidden-state model
    probs["ensemble"]  # float32 tensor [N, L, H, E]: P(expert e in top-k of layer l+h+1)

As a program:  load_predictor.py --predictor DIR --check CHECK.safetensors
compares against reference outputs written by the C++ engine (exit 1 on mismatch).
"""
import argparse
import json
import struct
import sys

import numpy as np
import torch
import torch.nn.functional as F

_DT = {"F32": np.float32, "I32": np.int32, "I64": np.int64, "U8": np.uint8}


def read_safetensors(path):
    """name -> numpy array (F32, I32, I64, U8), without the safetensors package."""
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    base = 8 + n
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        b, t = e["data_offsets"]
        out[name] = np.frombuffer(data[base + b:base + t], dtype=_DT[e["dtype"]]).reshape(e["shape"]).copy()
    return out


_M64 = (1 << 64) - 1


def _jitter(seq, pos, l, h, e):
    x = ((seq & _M64) * 0x9E3779B97F4A7C15) & _M64
    x ^= (pos & 0xFFFFFFFF) << 20
    x ^= l << 8
    x ^= (h << 40) & _M64
    x ^= (e << 48) & _M64
    x ^= x >> 33
    x = (x * 0xFF51AFD7ED558CCD) & _M64
    x ^= x >> 33
    x = (x * 0xC4CEB9FE1A85EC53) & _M64
    x ^= x >> 33
    return np.float32((x >> 11) * (1.0 / 9007199254740992.0))


class Predictor:
    def __init__(self, folder):
        with open(folder + "/config.json") as f:
            self.cfg = json.load(f)
        if self.cfg.get("format") != "specmoe-predictor" or self.cfg.get("version") != 1:
            raise ValueError(folder + ": not a version 1 specmoe predictor")
        self.t = read_safetensors(folder + "/predictor.safetensors")
        d = self.cfg["dims"]
        self.L, self.E, self.k = d["layers"], d["experts"], d["topk"]
        self.dists = d["lookahead"]
        self.D = len(self.dists)
        self.H = self.cfg["horizon"]
        self.m = self.cfg["model"]
        self.models = self.cfg["models"]
        self.components = self.cfg["ensemble"]["components"]
        self.fallback = self.cfg["ensemble"]["fallback"]
        self.alpha_s = np.float32(self.cfg["markov_smoothing"])
        self.markov = {}
        keys, sets = self.t["stats.markov_key"], self.t["stats.markov_set"]
        for i in range(keys.shape[0]):
            key = (int(keys[i, 0]), int(keys[i, 1]), tuple(sorted(int(v) for v in sets[i])))
            self.markov[key] = (self.t["stats.markov_count"][i], np.float32(self.t["stats.markov_total"][i]))
        self.look_input = self.m["use_lookahead"] and self.D > 0
        # The hidden-state model: F features per layer, f_l = P_l (hr_l - mu_l) of layer l's
        # router input hr_l, with the basis exported beside the weights.
        self.F = d.get("feature_dim", 0)
        self.basis = None
        feats = self.cfg.get("features", {})
        if feats.get("basis"):
            b = read_safetensors(folder + "/" + feats["basis"])
            self.basis = (b["projection"], b["mean"])  # [L, F, hidden], [L, hidden]
            self.feature_kind = feats.get("kind", "")
        self.bias_idx = torch.tensor([h * self.L + min(l + h + 1, self.L - 1)
                                      for l in range(self.L) for h in range(self.H)])

    def _w(self, name):
        return torch.from_numpy(self.t[name])

    # ----- layer statistics and baselines (numpy, float32) -----
    def _markov(self, s, l, h):
        pair = self.t["stats.pair"][h - 1, l]
        b = np.zeros(self.E, np.float32)
        for e in s:
            b = (b + pair[e]).astype(np.float32)
        b = (b / np.float32(self.k)).astype(np.float32)
        row = self.markov.get((h - 1, l, tuple(sorted(int(v) for v in s))))
        if row is None:
            return b
        c, n = row
        return ((c + self.alpha_s * b) / (n + self.alpha_s)).astype(np.float32)

    def _lookahead(self, look, l, h):
        di = self.dists.index(h) if h in self.dists else -1
        if di < 0 or look is None or look[l, di, 0] >= self.E:  # the sentinel (255 / 65535): no layer l+h
            return self.t["stats.frequency"][l + h].copy()
        out = np.full(self.E, self.t["stats.lookahead_other"][h - 1, l], np.float32)
        for j in range(self.k):
            e = int(look[l, di, j])
            if e < self.E:
                out[e] = self.t["stats.lookahead_probe"][h - 1, l, j]
        return out

    def features(self, ids, weights, tokens, look, seqs, pos):
        N, L, E, k, H = ids.shape[0], self.L, self.E, self.k, self.H
        D = self.D if self.look_input else 0
        base = np.float32(k) / np.float32(E)
        f = {}
        f["le"] = torch.from_numpy((np.arange(L)[None, :, None] * E + ids.astype(np.int64)))
        w = np.asarray(weights, np.float32) if self.m["use_weights"] else np.full(ids.shape, 1.0 / k, np.float32)
        f["w"] = torch.from_numpy(w)
        pidx = np.zeros((N, L, D * k), np.int64)
        pw = np.zeros((N, L, D * k), np.float32)
        for d in range(D):
            e = look[:, :, d, :].astype(np.int64)
            ok = e < E
            idx = (np.arange(L)[None, :, None] * D + d) * E + e
            pidx[:, :, d * k:(d + 1) * k] = np.where(ok, idx, 0)
            pw[:, :, d * k:(d + 1) * k] = np.where(ok, np.float32(1.0 / k), 0)
        f["probe_idx"], f["probe_w"] = torch.from_numpy(pidx), torch.from_numpy(pw)
        nb = self.m["token_buckets"]
        # token id -1 = unknown (imported without ids): no token embedding (weight 0)
        known = (tokens != -1) if (self.m["use_token_ids"] and nb > 0) else np.zeros(N, bool)
        tb = np.where(known, tokens.astype(np.int64) % max(nb, 1), 0)
        f["tok"] = torch.from_numpy(tb)
        f["tok_known"] = torch.from_numpy(known.astype(np.float32))
        shape = (N, L, H, E)
        freq, mk, lk, uni = (np.full(shape, base, np.float32) for _ in range(4))
        target_valid = np.zeros((N, L, H), np.float32)
        feat = np.zeros((N, L, H, 2 * E + 1), np.float32)
        for n in range(N):
            for l in range(L):
                for h in range(1, H + 1):
                    for e in range(E):
                        uni[n, l, h - 1, e] = base + np.float32(1e-4) * _jitter(int(seqs[n]), int(pos[n]), l, h, e)
                    if l + h >= L:
                        continue
                    target_valid[n, l, h - 1] = 1
                    freq[n, l, h - 1] = self.t["stats.frequency"][l + h]
                    mk[n, l, h - 1] = self._markov(ids[n, l], l, h)
                    lk[n, l, h - 1] = self._lookahead(None if look is None else look[n], l, h)
                    feat[n, l, h - 1] = np.concatenate([freq[n, l, h - 1], mk[n, l, h - 1],
                                                        [self.t["stats.entropy"][l + h]]])
        for name, a in (("freq", freq), ("markov", mk), ("look", lk), ("uniform", uni),
                        ("valid", target_valid), ("stat_feat", feat)):
            f[name] = torch.from_numpy(a)
        return f

    def features_from_router_inputs(self, router_inputs):
        """Hidden-state features [N, L, F] float32 from the raw router inputs hr [N, L, hidden]
        (what each layer's gate reads): f_l = P_l (hr_l - mu_l), computed in float64 and
        rounded to float32, then to float16, as the traces store the features the model was
        trained on."""
        if self.basis is None:
            raise ValueError("this predictor carries no feature basis (config.json 'features.basis')")
        proj, mean = self.basis
        hr = np.asarray(router_inputs, np.float64)
        if hr.ndim != 3 or hr.shape[1:] != (self.L, proj.shape[2]):
            raise ValueError(f"router inputs must be [N, {self.L}, {proj.shape[2]}], not {list(hr.shape)}")
        f = np.einsum("nlh,lfh->nlf", hr - mean.astype(np.float64)[None], proj.astype(np.float64))
        return f.astype(np.float32).astype(np.float16).astype(np.float32)

    # ----- networks (torch) -----
    def _encoder(self, p, f, extra=None):
        x = (F.embedding(f["le"], self._w(p + "enc.le.weight")) * f["w"].unsqueeze(-1)).sum(2)
        x = x + self._w(p + "enc.layer_pos").unsqueeze(0)
        if extra is not None:  # [N, L, d] added to the GRU's input of each layer
            x = x + extra
        if self.look_input:
            x = x + (F.embedding(f["probe_idx"], self._w(p + "enc.probe.weight")) * f["probe_w"].unsqueeze(-1)).sum(2)
        if self.m["use_token_ids"] and self.m["token_buckets"] > 0:
            x = x + (F.embedding(f["tok"], self._w(p + "enc.tok.weight")) * f["tok_known"].unsqueeze(-1)).unsqueeze(1)
        gru = torch.nn.GRU(self.m["embed_dim"], self.m["hidden_dim"], batch_first=True)
        gru.load_state_dict({n: self._w(p + "enc.gru." + n) for n in
                             ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0")})
        return gru(x)[0]

    def _bias(self, name, last):
        return self._w(name)[self.bias_idx].view(1, self.L, self.H, last)

    def _interlayer(self, f):
        p = "interlayer."
        o = self._encoder(p, f)
        y = F.linear(o, self._w(p + "head.weight"), self._w(p + "head.bias")).view(o.shape[0], self.L, self.H, self.E)
        return y + self._bias(p + "bias", self.E)

    def _statistics(self, f):
        p = "statistics."
        o = self._encoder(p, f)
        B, hid = o.shape[0], o.shape[2]
        s = torch.relu(F.linear(f["stat_feat"], self._w(p + "stat_proj.weight"), self._w(p + "stat_proj.bias"))
                       + self._w(p + "horizon_emb")[None, None])
        z = torch.cat([o.unsqueeze(2).expand(B, self.L, self.H, hid), s], -1)
        z = torch.relu(F.linear(z, self._w(p + "mix.weight"), self._w(p + "mix.bias")))
        y = F.linear(z, self._w(p + "out.weight"), self._w(p + "out.bias")) + self._bias(p + "bias", self.E)
        lm = torch.logit(f["markov"].clamp(1e-4, 1 - 1e-4))
        lf = torch.logit(f["freq"].clamp(1e-4, 1 - 1e-4))
        return y + self._w(p + "alpha").view(1, 1, self.H, 1) * lm + self._w(p + "beta").view(1, 1, self.H, 1) * lf

    def _hidden_state(self, f):
        p = "hidden-state."
        # Row l of x is layer l's features alone; the GRU (causal over layers) carries the
        # features of layers <= l to source layer l, never a later layer's.
        x = F.layer_norm(f["hs_features"], (self.F,), self._w(p + "norm.weight"), self._w(p + "norm.bias"))
        xt = x.transpose(0, 1)  # [L, N, F]
        o = self._encoder(p, f, torch.bmm(xt, self._w(p + "feat_gru")).transpose(0, 1))
        z = torch.bmm(xt, self._w(p + "feat_in")).transpose(0, 1)
        z = z + self._w(p + "layer_emb").unsqueeze(0) + F.linear(o, self._w(p + "state_in.weight"),
                                                                 self._w(p + "state_in.bias"))
        if self.m.get("decode_context", False):
            # Decode context: the previous token's routing of every layer (valid in decode only).
            c = (F.embedding(f["prev_le"], self._w(p + "prev.weight")) * f["prev_w"].unsqueeze(-1)).sum(1)
            if self.m.get("decode_features", False):
                # and its features of every layer, where there is a previous token
                xp = F.layer_norm(f["prev_features"], (self.F,), self._w(p + "norm.weight"), self._w(p + "norm.bias"))
                known = (f["prev_w"].sum(1, keepdim=True) > 0).to(c.dtype)
                c = c + torch.matmul(xp.reshape(xp.shape[0], -1), self._w(p + "prev_feat")) * known
            z = z + c.unsqueeze(1)
        z = F.gelu(F.linear(F.gelu(z), self._w(p + "mid.weight"), self._w(p + "mid.bias")))
        y = F.linear(z, self._w(p + "out.weight"), self._w(p + "out.bias")).view(o.shape[0], self.L, self.H, self.E)
        return y + self._bias(p + "bias", self.E)

    def previous_routing(self, ids, weights, seqs, pos, features=None):
        """The previous token's routing per row, as (layer, expert) rows l*E + e [N, L*k] and
        weights [N, L*k]; weights 0 where the row before is not the same sequence's position - 1.
        With features [N, L, F] also its features (zeros where there is none)."""
        N, L, E, k = ids.shape[0], self.L, self.E, self.k
        w = np.asarray(weights, np.float32) if self.m["use_weights"] else np.full(ids.shape, 1.0 / k, np.float32)
        rows = np.zeros((N, L * k), np.int64)
        pw = np.zeros((N, L * k), np.float32)
        pf = None if features is None else np.zeros_like(features)
        for n in range(1, N):
            if seqs[n - 1] == seqs[n] and pos[n - 1] + 1 == pos[n]:
                rows[n] = (np.arange(L)[:, None] * E + ids[n - 1].astype(np.int64)).reshape(-1)
                pw[n] = w[n - 1].reshape(-1)
                if pf is not None:
                    pf[n] = features[n - 1]
        out = (torch.from_numpy(rows), torch.from_numpy(pw))
        return out if pf is None else out + (torch.from_numpy(pf),)

    def _ensemble(self, comps):
        p = "ensemble."
        C, k = comps.shape[3], self.k
        maxp = comps.max(-1).values
        topk = comps.topk(k, -1).values.sum(-1) / k
        q = comps / comps.sum(-1, keepdim=True).clamp_min(1e-6)
        ent = -(q * q.clamp_min(1e-9).log()).sum(-1) / np.log(max(2, self.E))
        g = F.linear(torch.cat([maxp, topk, ent], -1), self._w(p + "gate.weight"), self._w(p + "gate.bias"))
        g = g + self._bias(p + "gate_bias", C)
        return (torch.softmax(g, -1).unsqueeze(-1) * comps).sum(-2)

    @torch.no_grad()
    def predict(self, topk_ids, topk_weights, token_ids, lookahead_ids=None, seq_ids=None, positions=None,
                router_inputs=None, features=None):
        """Arrays: topk_ids [N,L,k] uint8 or uint16, topk_weights [N,L,k] float (None for a
        predictor trained without weights: config model.use_weights false), token_ids [N],
        lookahead_ids [N,L,D,k] (255 / 65535 = none) or None, seq_ids/positions [N] (uniform
        baseline; with decode context, the row before a row is its previous token when it has
        the same sequence id and position - 1). The hidden-state model reads router_inputs
        [N,L,hidden] (raw router inputs, through the exported basis) or features [N,L,F] (as a
        trace stores them).
        Returns name -> float32 tensor [N, L, H, E]; 0 where l+h >= L."""
        N = topk_ids.shape[0]
        seq_ids = np.zeros(N, np.int64) if seq_ids is None else seq_ids
        positions = np.zeros(N, np.int64) if positions is None else positions
        if topk_weights is None and self.m["use_weights"]:
            raise ValueError("this predictor reads router weights (model.use_weights); pass topk_weights")
        f = self.features(np.asarray(topk_ids), topk_weights, np.asarray(token_ids),
                          None if lookahead_ids is None else np.asarray(lookahead_ids), seq_ids, positions)
        if "hidden-state" in self.models:
            if router_inputs is not None:
                features = self.features_from_router_inputs(router_inputs)
            if features is None:
                raise ValueError("this predictor holds the hidden-state model: pass router_inputs (or features)")
            features = np.asarray(features, np.float32)
            f["hs_features"] = torch.from_numpy(features)
            if self.m.get("decode_context", False):
                prev = self.previous_routing(np.asarray(topk_ids), topk_weights, np.asarray(seq_ids),
                                             np.asarray(positions),
                                             features if self.m.get("decode_features", False) else None)
                f["prev_le"], f["prev_w"] = prev[0], prev[1]
                if len(prev) > 2:
                    f["prev_features"] = prev[2]
        out, comps = {}, []
        if "interlayer" in self.models:
            out["interlayer"] = torch.sigmoid(self._interlayer(f))
            comps.append(out["interlayer"])
        if "statistics" in self.models:
            out["statistics"] = torch.sigmoid(self._statistics(f))
            comps.append(out["statistics"])
        if "hidden-state" in self.models:
            out["hidden-state"] = torch.sigmoid(self._hidden_state(f))
            comps.append(out["hidden-state"])
        comps += [f["freq"], f["markov"]] + ([f["look"]] if self.D > 0 else [])
        if "ensemble" in self.models:
            stack = torch.stack(comps, 3)
            raw = self._ensemble(stack)
            ens = raw.clone()
            for l in range(self.L):
                for h in range(self.H):
                    c = self.fallback[h][min(l + h + 1, self.L - 1)]
                    if 0 <= c < len(comps):
                        ens[:, l, h] = stack[:, l, h, c]
            out["ensemble"] = ens
        out["frequency"], out["markov"] = f["freq"], f["markov"]
        if self.D > 0:
            out["lookahead"] = f["look"]
        out["uniform"] = f["uniform"]
        mask = f["valid"].unsqueeze(-1)
        return {n: v * mask for n, v in out.items()}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--predictor", required=True, help="folder written by specmoe export")
    ap.add_argument("--check", help="reference file written by the C++ test (inputs + outputs)")
    ap.add_argument("--tolerance", type=float, default=1e-4)
    a = ap.parse_args()
    p = Predictor(a.predictor)
    print("loaded:", ", ".join(p.models), "| layers", p.L, "experts", p.E, "top-k", p.k, "horizon", p.H)
    if not a.check:
        return 0
    ref = read_safetensors(a.check)
    look = ref.get("input.lookahead_ids")
    probs = p.predict(ref["input.topk_ids"], ref.get("input.topk_weights"), ref["input.token_ids"], look,
                      ref["input.seq_ids"], ref["input.positions"], router_inputs=ref.get("input.router_inputs"),
                      features=ref.get("input.features"))
    worst = 0.0
    for name, v in probs.items():
        exp = torch.from_numpy(ref["output." + name])
        diff = float((v - exp).abs().max())
        worst = max(worst, diff)
        print(f"{name:12s} max |python - c++| = {diff:.3e}   (mean p {float(exp.mean()):.4f})")
    missing = [n[len("output."):] for n in ref if n.startswith("output.") and n[len("output."):] not in probs]
    if missing:
        print("missing models:", missing)
        return 1
    print(f"worst {worst:.3e} (tolerance {a.tolerance:g})")
    return 0 if worst <= a.tolerance else 1


if __name__ == "__main__":
    sys.exit(main())
