#!/usr/bin/env python3
"""Summarises an evaluation report (`specmoe eval --json`) as the table of docs/speculation.md:
recall@k and exact-set agreement per predictor and horizon, mean over source layers >= 1
(the source layer l predicts layer l + h; layer 0's own gate is the lookahead baseline's
trivial case), and per source layer.

    hidden_state_summary.py REPORT.json [--min-source 1]
"""
import argparse
import json


def per_source(h):
    """(source layer, metrics) pairs; per_layer is indexed by the predicted layer."""
    hz = h["horizon"]
    return [(j - hz, m) for j, m in enumerate(h.get("per_layer", [])) if j - hz >= 0 and m["n"] > 0]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("report")
    ap.add_argument("--min-source", type=int, default=1)
    a = ap.parse_args()
    r = json.load(open(a.report))
    k = r["dims"]["topk"]
    horizons = sorted({h["horizon"] for p in r["predictors"] for h in p["horizons"]})
    head = ["predictor"] + ["recall@%d h=%d" % (k, hz) for hz in horizons] + ["exact h=%d" % hz for hz in horizons]
    head += ["h=%d by source layer (recall@%d / exact)" % (hz, k) for hz in horizons]
    print("tokens: %d, split %s, mean over source layers >= %d\n" % (r["tokens"], r["split"], a.min_source))
    print("| " + " | ".join(head) + " |")
    print("|" + " --- |" * len(head))
    for p in r["predictors"]:
        by_h = {h["horizon"]: [(l, m) for l, m in per_source(h) if l >= a.min_source] for h in p["horizons"]}
        rec, ex, lay = [], [], []
        for hz in horizons:
            rows = by_h.get(hz, [])
            if not rows:
                rec.append("-"); ex.append("-"); lay.append("-")
                continue
            rec.append("%.3f" % (sum(m["recall"][k - 1] for _, m in rows) / len(rows)))
            ex.append("%.3f" % (sum(m["exact"] for _, m in rows) / len(rows)))
            lay.append(", ".join("l%d %.3f / %.3f" % (l, m["recall"][k - 1], m["exact"]) for l, m in rows))
        name = p["name"] + (" (baseline)" if p["baseline"] else "")
        print("| " + " | ".join([name] + rec + ex + lay) + " |")


if __name__ == "__main__":
    main()
