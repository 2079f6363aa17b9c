#!/usr/bin/env python3
"""Benchmark results -> docs/benchmarks.md (python3, standard library only).

    bench/report.py [render] [--doc docs/benchmarks.md] [--cpu FILE.jsonl] [--gpu FILE.jsonl]
        Rewrites only the generated blocks of the document:
            <!-- bench:cpu begin --> ... <!-- bench:cpu end -->   from the newest bench/results/cpu-*.jsonl
                                                                  (not *-partial*: runs with ONLY=...)
            <!-- bench:gpu begin --> ... <!-- bench:gpu end -->   from the newest bench/results/gpu-*.jsonl
        Everything outside the markers stays as written. Rerunnable: the same inputs give the
        same document. Missing markers are appended at the end of the document.
    bench/report.py machine [--specmoe PATH] [--end]
        Prints the machine record (JSON line) that bench/run.sh puts first (or last, --end).
    bench/report.py annotate KEY=VALUE...
        Copies JSON lines from stdin to stdout with the given fields added (VALUE parsed as
        JSON when it is JSON, else kept as a string).
    bench/report.py views-json
        Turns bench_views' text output (stdin) into JSON lines ({"bench":"views", ...}).

Every result is one JSON object per line with a "bench" key; see docs/benchmarks.md.
"""
import argparse
import datetime
import glob
import json
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RESULTS = os.path.join(ROOT, "bench", "results")

# Targets (issues #3, #4, #5, #6, #8, #10).
ROUTING_MIN_RATIO = 2.0          # #3/#10: CPU routing capture vs transformers' eager algorithm
COLLECT_MAX_OVERHEAD_PCT = 10.0  # #4
WRITE_MIN_MB_S = 200.0           # #4, uncompressed payload
READ_MIN_MB_S = 500.0            # #4
PAYLOAD_MAX_B = 200.0            # #4, 32 layers top-2, no logits
PAYLOAD_LOGITS_MAX_B = 800.0     # #4, with float16 logits
TRAIN_RSS_MAX_GROWTH = 0.10      # #5: peak RSS at 10x data within 10% of 1x
ANALYSIS_MIN_RATE = 5e6          # #6: token-layers/s per core
SIMULATE_MIN_RATE = 5e6          # #20: replay token-layers/s per core (Belady may be slower: stated)
SIMULATE_SWEEP_MAX_S = 60.0      # #20: 20 cache sizes over 1 M tokens x 32 layers
GPU_8X7B_MIN_RATIO = 1.4         # #10
GPU_SMALL_MIN_RATIO = 2.0        # #10
GPU_STREAM_MIN_VS_OFFLOAD = 4.0  # #10: vs transformers + accelerate CPU offload
GPU_STREAM_MIN_VS_RESIDENT = 0.5
GPU_STREAM_CAP_BYTES = 24e9
# transformers + accelerate CPU offload under a 24 GB cap, 8x7B dims, 16 layers, 64 x 512,
# measured on an H200 (issue #10); used when a run has no record of its own.
ACCELERATE_OFFLOAD_TOKENS_PER_S = 8444.0

MET, NOT_MET, NONE = "met", "**not met**", "not measured"


# ---------------------------------------------------------------- small helpers
def read_jsonl(path):
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line.startswith("{"):
                continue
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError:
                pass
    return out


def num(x, digits=None):
    """Thousands separators; `digits` decimals (default: 0 for >= 100, else 2-3 significant)."""
    if x is None:
        return "-"
    if digits is None:
        digits = 0 if abs(x) >= 100 else (1 if abs(x) >= 10 else 2)
    return f"{x:,.{digits}f}"


def mib(b):
    return f"{b / 1048576:,.0f} MiB" if b is not None else "-"


def gib(b):
    return f"{b / 1073741824:,.2f} GiB" if b is not None else "-"


def status(ok):
    return NONE if ok is None else (MET if ok else NOT_MET)


def table(header, rows):
    out = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    for r in rows:
        out.append("| " + " | ".join(str(c) for c in r) + " |")
    return out


def by(records, bench):
    return [r for r in records if r.get("bench") == bench]


def newest(pattern):
    files = [f for f in glob.glob(os.path.join(RESULTS, pattern)) if "partial" not in os.path.basename(f)]
    if not files:
        return None

    def key(p):
        m = re.search(r"(\d{4}-?\d{2}-?\d{2})(?:-(\d{4}))?", os.path.basename(p))
        stamp = (m.group(1).replace("-", "") + (m.group(2) or "0000")) if m else ""
        return (stamp, os.path.getmtime(p), p)

    return max(files, key=key)


def rel(path):
    return os.path.relpath(path, ROOT)


# ---------------------------------------------------------------- machine record
def machine_record(specmoe=None, end=False):
    rec = {"bench": "machine_end" if end else "machine",
           "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")}
    try:
        rec["load_avg"] = [float(x) for x in open("/proc/loadavg").read().split()[:3]]
    except OSError:
        pass
    if end:
        return rec
    rec["cores"] = os.cpu_count()
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                rec["cpu_model"] = line.split(":", 1)[1].strip()
                break
        for line in open("/proc/meminfo"):
            if line.startswith("MemTotal:"):
                rec["ram_bytes"] = int(line.split()[1]) * 1024
                break
    except OSError:
        pass
    rec["kernel"] = os.uname().release

    def git(*args):
        try:
            return subprocess.run(["git", "-C", ROOT, *args], capture_output=True, text=True,
                                  check=True).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            return None

    rec["commit"] = git("rev-parse", "--short=10", "HEAD")
    dirty = git("status", "--porcelain", "--untracked-files=no")
    rec["dirty"] = bool(dirty) if dirty is not None else None
    if specmoe:
        try:
            info = subprocess.run([specmoe, "info"], capture_output=True, text=True, timeout=120).stdout
            for line in info.splitlines():
                k, _, v = line.partition(" ")
                v = v.strip()
                if k in ("BLAS", "libtorch", "threads", "specmoe", "HDF5"):
                    rec[{"BLAS": "blas", "libtorch": "libtorch", "threads": "threads",
                         "specmoe": "specmoe_version", "HDF5": "hdf5"}[k]] = v
        except (OSError, subprocess.TimeoutExpired):
            pass
    return rec


def machine_line(m, m_end, source):
    if not m:
        return [f"Machine: not recorded (source `{source}`)."]
    parts = []
    if m.get("cores"):
        parts.append(f"{m['cores']} cores")
    if m.get("cpu_model"):
        parts.append(m["cpu_model"])
    if m.get("ram_bytes"):
        parts.append(f"{m['ram_bytes'] / 1073741824:.1f} GiB RAM")
    if m.get("gpu"):
        parts.append(m["gpu"])
    load = ""
    if m.get("load_avg"):
        load = f"load average {m['load_avg'][0]:.2f} at the start"
        if m_end and m_end.get("load_avg"):
            load += f", {m_end['load_avg'][0]:.2f} at the end"
    sw = []
    for k, name in (("libtorch", "libtorch"), ("blas", "BLAS"), ("threads", "threads")):
        if m.get(k):
            sw.append(f"{name} {m[k]}")
    lines = [f"Machine: {', '.join(parts) or 'not recorded'}" + (f"; {load}" if load else "") + "."]
    if sw:
        lines.append("Software: " + "; ".join(sw) + ".")
    when = m.get("date", "?")
    if m_end and m_end.get("date"):
        when += f" to {m_end['date']}"
    commit = m.get("commit") or "not recorded"
    if m.get("dirty"):
        commit += " (with uncommitted changes)"
    lines.append(f"Date: {when}; commit {commit}; source `{source}`.")
    return lines


# ---------------------------------------------------------------- CPU block
def cpu_block(path):
    recs = read_jsonl(path)
    m = next(iter(by(recs, "machine")), None)
    m_end = next(iter(by(recs, "machine_end")), None)
    out = ["### CPU: generated from the latest `bench/run.sh` run", ""]
    out += [l + "  " for l in machine_line(m, m_end, rel(path))]
    out[-1] = out[-1].rstrip()
    out.append("")
    if m and m.get("load_avg") and m.get("cores") and m["load_avg"][0] > 0.5 * m["cores"]:
        out += [f"**The machine was busy** (load {m['load_avg'][0]:.1f} on {m['cores']} cores at the start): "
                "wall-clock rates are pessimistic; CPU-time rates are quoted beside them.", ""]

    targets = []
    details = []

    # Routing capture vs transformers' eager algorithm.
    r = next(iter(by(recs, "routing_vs_hf")), None)
    if r:
        ok = r["ratio"] >= ROUTING_MIN_RATIO
        targets.append([f"Routing capture, CPU, `{r['preset']}`, {r['batch']} x {r['seq']}, vs transformers' eager algorithm",
                        f">= {ROUTING_MIN_RATIO:g}x",
                        f"{num(r['specmoe_tokens_per_s'])} vs {num(r['reference_tokens_per_s'])} tokens/s = "
                        f"**{r['ratio']:.2f}x** (median of {r['pairs']} pairs; {r['cpu_ratio']:.2f}x in process CPU seconds)",
                        status(ok)])
        details += ["#### Routing capture vs transformers (`bench/routing_vs_hf.sh`)", ""]
        details += table(["pairs", "threads (intra-op / batch slices)", "specmoe tokens/s", "reference tokens/s", "ratio",
                          "per-pair ratios", "CPU s (ours / ref)"],
                         [[r["pairs"], f"{r['threads']} / {r.get('route_threads', 1)}", num(r["specmoe_tokens_per_s"]),
                           num(r["reference_tokens_per_s"]),
                           f"{r['ratio']:.2f}x", ", ".join(f"{x:.2f}" for x in r.get("pair_ratios", [])),
                           f"{r['specmoe_cpu_s']:.1f} / {r['reference_cpu_s']:.1f}"]])
        details.append("")
        if "reference_setting" in r:
            details += ["The reference runs in three settings per pair; the one with the best median counts "
                        f"(medians: all threads {num(r['reference_all_threads_tokens_per_s'])}, one thread "
                        f"{num(r['reference_one_thread_tokens_per_s'])}, all threads with passive idle threads "
                        f"{num(r['reference_all_threads_passive_tokens_per_s'])} tokens/s; counted: "
                        f"{r['reference_setting']}).", ""]
    else:
        targets.append(["Routing capture, CPU, `small`, 8 x 256, vs transformers", f">= {ROUTING_MIN_RATIO:g}x", "-", NONE])

    # Collection overhead.
    cs = by(recs, "collect")
    if cs:
        details += ["#### Collection overhead (`bench_collect`)", ""]
        rows = []
        for c in cs:
            rows.append([("with logits" if c.get("logits") else "no logits"), c["sequences"], num(c["tokens"]),
                         f"{c['batch']}", c["repeats"], f"{c['bare_s']:.3f}", f"{c['collect_s']:.3f}",
                         num(c["collect_tokens_per_s"]), f"{c['overhead_pct']:+.1f}%"])
        details += table(["run", "sequences", "tokens", "batch", "repeats", "bare forward s", "collect s",
                          "collect tokens/s", "overhead"], rows)
        details.append("")
        c = next((c for c in cs if not c.get("logits")), cs[0])
        ok = c["overhead_pct"] <= COLLECT_MAX_OVERHEAD_PCT
        targets.append(["Collection overhead over the bare forward pass, CPU, `small`",
                        f"<= {COLLECT_MAX_OVERHEAD_PCT:g}%",
                        f"{c['overhead_pct']:+.1f}% (median of {c['repeats']} back-to-back rounds; medians "
                        f"{c['collect_s']:.2f} s vs {c['bare_s']:.2f} s; {c.get('overhead_own_forward_pct', 0):+.1f}% "
                        "over the collection's own forward time)",
                        status(ok)])
    else:
        targets.append(["Collection overhead over the bare forward pass, CPU, `small`",
                        f"<= {COLLECT_MAX_OVERHEAD_PCT:g}%", "-", NONE])

    # Trace I/O.
    ts = by(recs, "trace_io")
    if ts:
        details += ["#### Trace shard I/O (`bench_trace_io`, Mixtral dims: 32 layers, top-2)", ""]
        rows = []
        for t in ts:
            rows.append([("float16 logits" if t.get("logits") else "no logits"), t["level"], t["chunk"],
                         "yes" if t.get("default") else "", num(t["write_mb_s"]), num(t["write_cpu_mb_s"]),
                         num(t["read_mb_s"]), num(t["read_cpu_mb_s"]), t["payload_bytes_per_token"],
                         num(t["disk_bytes_per_token"], 1)])
        details += table(["payload", "deflate", "chunk", "default", "write MB/s", "write MB/s (CPU)",
                          "read MB/s", "read MB/s (CPU)", "payload B/token", "on disk B/token"], rows)
        details += ["", "MB/s of uncompressed payload; medians of repeats after a warm-up. "
                    "\"(CPU)\" divides by process CPU time, which stays meaningful on a shared machine.", ""]
    d = next((t for t in ts if t.get("default") and not t.get("logits")), None)
    if d:
        for what, key, bound in (("write", "write_mb_s", WRITE_MIN_MB_S), ("read", "read_mb_s", READ_MIN_MB_S)):
            v = d[key]
            targets.append([f"Shard {what}, default filters ({'shuffle + deflate ' + str(d['level']) if d.get('level') else 'none'}, chunk {d['chunk']})", f">= {bound:g} MB/s",
                            f"{num(v)} MB/s = **{v / bound:.2f}x** the target ({num(d[key.replace('_mb', '_cpu_mb')])} MB/s in CPU time)",
                            status(v >= bound)])
    else:
        targets.append(["Shard write / read, default filters", f">= {WRITE_MIN_MB_S:g} / {READ_MIN_MB_S:g} MB/s", "-", NONE])
    for logits, bound in ((False, PAYLOAD_MAX_B), (True, PAYLOAD_LOGITS_MAX_B)):
        t = next((t for t in ts if bool(t.get("logits")) == logits), None)
        label = "Trace payload per token, 32 layers top-2" + (", float16 logits" if logits else ", no logits")
        if t:
            p = t["payload_bytes_per_token"]
            comp = min(x["disk_bytes_per_token"] for x in ts if bool(x.get("logits")) == logits)
            dflt = next((x["disk_bytes_per_token"] for x in ts if bool(x.get("logits")) == logits and x.get("default")), None)
            extra = f"; on disk {num(dflt, 1)} B (default)" if dflt else ""
            targets.append([label, f"<= {bound:g} B", f"{p} B uncompressed = {p / bound:.2f}x the bound{extra}, "
                            f"smallest {num(comp, 1)} B", status(p <= bound)])
        else:
            targets.append([label, f"<= {bound:g} B", "-", NONE])

    # Training.
    tr = by(recs, "train")
    if tr:
        details += ["#### Speculation training (`bench_train`, CPU, synthetic Mixtral-shaped routing)", ""]
        rows = []
        for t in tr:
            rows.append([t["models"], f"{t['scale']}x", t["repeats"], num(t.get("samples_per_s")),
                         num(t.get("samples_per_cpu_s")), mib(t.get("peak_rss_bytes"))])
        details += table(["models", "data", "runs", "samples/s", "samples/CPU-s", "peak RSS"], rows)
        details += ["", "A sample is one (token, layer, horizon); medians over separate processes after a warm-up one.", ""]
        one = next((t for t in tr if t["scale"] == 1 and t["models"] == "interlayer"), None)
        big = next((t for t in tr if t["scale"] > 1), None)
        if one and big and one.get("peak_rss_bytes") and big.get("peak_rss_bytes"):
            g = big["peak_rss_bytes"] / one["peak_rss_bytes"] - 1
            targets.append([f"Training peak RSS at {big['scale']}x data vs 1x (InterLayer)",
                            f"within {TRAIN_RSS_MAX_GROWTH * 100:g}%",
                            f"{g * 100:+.1f}% ({mib(big['peak_rss_bytes'])} vs {mib(one['peak_rss_bytes'])})",
                            status(abs(g) <= TRAIN_RSS_MAX_GROWTH)])
        targets.append(["Training samples/s per model, CPU", "(reported)",
                        ", ".join(f"{t['models']} {num(t.get('samples_per_s'))}" for t in tr if t["scale"] == 1), "-"])
    else:
        targets.append(["Training peak RSS at 10x data vs 1x", f"within {TRAIN_RSS_MAX_GROWTH * 100:g}%", "-", NONE])

    # Analysis.
    an = by(recs, "analysis")
    if an:
        details += ["#### Routing analysis (`bench_analysis`, one thread)", ""]
        rows = [[a["variant"], f"{a['tokens']:,} x {a['layers']}", num(a["cpu_s"], 3), num(a["wall_s"], 3),
                 num(a["token_layers_per_cpu_s"] / 1e6, 2), num(a["token_layers_per_wall_s"] / 1e6, 2)] for a in an]
        details += table(["variant", "tokens x layers", "CPU s", "wall s", "M token-layers/CPU-s",
                          "M token-layers/wall-s"], rows)
        details.append("")
        f = next((a for a in an if a["variant"] == "full"), an[0])
        v = f["token_layers_per_cpu_s"]
        targets.append([f"Analysis, full, {f['tokens']:,} tokens x {f['layers']} layers, one thread", f">= {ANALYSIS_MIN_RATE / 1e6:g} M token-layers/s/core",
                        f"{v / 1e6:.1f} M = **{v / ANALYSIS_MIN_RATE:.2f}x** the target ({f['token_layers_per_wall_s'] / 1e6:.1f} M per wall second)",
                        status(v >= ANALYSIS_MIN_RATE)])
    else:
        targets.append(["Analysis, full", f">= {ANALYSIS_MIN_RATE / 1e6:g} M token-layers/s/core", "-", NONE])

    # Expert-cache simulation.
    sm = by(recs, "simulate")
    replays = [x for x in sm if "mtl_per_s_core" in x]
    if replays:
        details += ["#### Expert-cache and prefetch replay (`bench_simulate`, Mixtral-8x7B dims, cache 4 of 8)", ""]
        details += table(["replay", "token-layers", "M token-layers/s per core (CPU)", "CPU s", "wall s"],
                         [[x["case"], f"{x['token_layers']:,}", num(x["mtl_per_s_core"], 2), num(x["cpu_s"], 3),
                           num(x["wall_s"], 3)] for x in replays])
        details += ["", "Medians of repeated replays of one schedule on one thread after an untimed one, thread "
                    "CPU time (wall beside it); the sweep is in the targets above.", ""]
        others = [x for x in replays if not x["case"].startswith("belady")]
        worst = min(others or replays, key=lambda x: x["mtl_per_s_core"])
        bel = [x for x in replays if x["case"].startswith("belady")]
        txt = f"slowest {worst['case']} {num(worst['mtl_per_s_core'], 1)} M = **{worst['mtl_per_s_core'] * 1e6 / SIMULATE_MIN_RATE:.2f}x** the target"
        if bel:
            b = min(bel, key=lambda x: x["mtl_per_s_core"])
            txt += f"; Belady (may be slower) {b['case']} {num(b['mtl_per_s_core'], 1)} M"
        targets.append([f"Simulation replay, LRU, LFU, static, predictor-driven, {worst['token_layers']:,} token-layers",
                        f">= {SIMULATE_MIN_RATE / 1e6:g} M token-layers/s/core", txt,
                        status(worst["mtl_per_s_core"] * 1e6 >= SIMULATE_MIN_RATE)])
        inf = next((x for x in sm if x.get("case") == "markov inference"), None)
        if inf:
            details += [f"Markov inference and ranking (counted apart from the replay): {inf['token_layers']:,} "
                        f"token-layers in {num(inf['wall_s'], 2)} s wall.", ""]
    else:
        targets.append(["Simulation replay", f">= {SIMULATE_MIN_RATE / 1e6:g} M token-layers/s/core", "-", NONE])
    sweep = next((x for x in sm if str(x.get("case", "")).startswith("sweep")), None)
    if sweep:
        targets.append([f"Simulation sweep: 20 cache sizes x (none, oracle) = {sweep['replays']} replays of "
                        f"{sweep['tokens']:,} tokens x 32 layers", f"< {SIMULATE_SWEEP_MAX_S:g} s",
                        f"{num(sweep['wall_s'], 1)} s wall (**{sweep['wall_s'] / SIMULATE_SWEEP_MAX_S:.2f}x** the bound), "
                        f"{num(sweep['cpu_s'], 1)} s CPU",
                        # the bound is for 1 M tokens: a smaller (quick) run says nothing about it
                        status(sweep["wall_s"] < SIMULATE_SWEEP_MAX_S) if sweep["tokens"] >= 1000000 else NONE])
    else:
        targets.append(["Simulation sweep: 20 cache sizes over 1 M tokens x 32 layers", f"< {SIMULATE_SWEEP_MAX_S:g} s",
                        "-", NONE])

    # Streaming vs resident under a memory cap.
    rt = [x for x in by(recs, "runtime") if str(x.get("device", "")).startswith("cpu")]
    st = next((x for x in rt if x.get("residency") == "streaming"), None)
    rs = next((x for x in rt if x.get("residency") == "resident" and (not st or x.get("layers") == st.get("layers"))), None)
    if st:
        cap = st.get("cap_bytes")
        details += ["#### Streaming vs resident on CPU under a memory cap (`bench_runtime`)", ""]
        rows = []
        for x in (rs, st):
            if x:
                rows.append([x["residency"], x["layers"], f"{x['batch']} x {x['seq']}", x.get("dtype", ""),
                             num(x["tokens_per_s"]), num(x["median_s"], 3), num(x.get("load_s"), 2),
                             mib(x.get("peak_rss_bytes")),
                             (("enforced, " + x.get("cap_method", "")) if x.get("cap_enforced") else
                              ("not enforced" if x.get("cap_applied", True) else "none"))])
        details += table(["residency", "layers", "batch", "dtype", "tokens/s", "median s", "load s", "peak RSS", "cap"], rows)
        model_b = st.get("model_bytes")
        details += ["", f"Model: `small` preset widened to {st['layers']} layers, {mib(model_b)} of weights; "
                    f"cap {mib(cap)}." + ("" if st.get("cap_enforced") else
                    " The cap was not enforced (no systemd to set a cgroup limit on this machine): the "
                    "streaming run started cold but could then read from the page cache; its peak RSS "
                    "(VmHWM, mapped pages included) is compared with the cap instead."), ""]
        ratio = st["tokens_per_s"] / rs["tokens_per_s"] if rs else None
        under = st.get("peak_rss_bytes") is not None and cap is not None and st["peak_rss_bytes"] <= cap
        bigger = model_b is not None and cap is not None and model_b > cap
        txt = (f"streaming {num(st['tokens_per_s'])} vs resident {num(rs['tokens_per_s']) if rs else '-'} tokens/s = "
               f"**{ratio:.2f}x**" if ratio else f"streaming {num(st['tokens_per_s'])} tokens/s (no resident run)")
        txt += f"; streaming peak RSS {mib(st.get('peak_rss_bytes'))} = {st['peak_rss_bytes'] / cap:.2f}x the {mib(cap)} cap" \
            if cap and st.get("peak_rss_bytes") else ""
        txt += f" (model {mib(model_b)}; cap {'enforced' if st.get('cap_enforced') else 'not enforced'})"
        targets.append(["Streaming vs resident, CPU, model larger than the memory cap",
                        "peak RSS under the cap; tokens/s ratio reported", txt,
                        status(under and bigger) if cap else NONE])
    else:
        targets.append(["Streaming vs resident, CPU, model larger than the memory cap",
                        "peak RSS under the cap; tokens/s ratio reported", "-", NONE])

    # Views.
    vw = by(recs, "views")
    if vw:
        over = [v for v in vw if not v["ok"]]
        stat = "median_ms" if all("median_ms" in v for v in vw) else "max_ms"  # what bench_views judges by
        worst = max(vw, key=lambda v: v[stat] / v["budget_ms"])
        targets.append([f"Views at {vw[0].get('tokens') or 1000000:,} tokens x 32 layers: pan, zoom, hover, layer switch",
                        f"<= 50 ms (layer switch <= 100 ms), {stat[:-3]} per operation",
                        f"{len(vw) - len(over)} of {len(vw)} operations within budget; worst {worst['view']}: "
                        f"{worst['op']} {num(worst[stat], 1)} ms = **{worst[stat] / worst['budget_ms']:.2f}x** its budget",
                        status(not over)])
        details += ["#### Views (`bench_views`, offscreen)", ""]
        details += table(["view", "operation", "median ms", "mean ms", "max ms", "n", "budget ms", "status"],
                         [[v["view"], v["op"], num(v.get("median_ms"), 2), num(v["mean_ms"], 2), num(v["max_ms"], 2),
                           v["n"], num(v["budget_ms"], 0), MET if v["ok"] else NOT_MET] for v in vw])
        details.append("")
    else:
        targets.append(["Views: pan, zoom, hover, layer switch at 1 M tokens x 32 layers",
                        "<= 50 ms (layer switch <= 100 ms)", "-", NONE])

    errors = by(recs, "error")
    out += table(["what", "target", "measured (ratio)", "status"], targets)
    out.append("")
    if errors:
        out += ["Benchmarks that failed in this run: " +
                ", ".join(f"`{e.get('name')}` (exit {e.get('rc')})" for e in errors) + ".", ""]
    out += details
    return out


# ---------------------------------------------------------------- GPU block
def gpu_block(path):
    recs = read_jsonl(path)
    m = next(iter(by(recs, "machine")), None)
    m_end = next(iter(by(recs, "machine_end")), None)
    out = ["### GPU: generated from the latest `bench/gpu.sh` results", ""]
    if m:
        out += [l + "  " for l in machine_line(m, m_end, rel(path))]
        out[-1] = out[-1].rstrip()
    else:
        mm = re.match(r"gpu-(.+?)-(\d{4}-\d{2}-\d{2})", os.path.basename(path))
        what = f"{mm.group(1).upper()} machine, {mm.group(2)}" if mm else "not recorded"
        out.append(f"Machine: {what} (from the file name; the file holds no machine record); source `{rel(path)}`.")
    out.append("")
    refs = by(recs, "hf_reference")
    ours = [x for x in by(recs, "runtime") if str(x.get("device", "")).startswith("cuda")]

    def variant(x):
        v = [f"{k} {x[k]}" for k in ("attention", "moe") if x.get(k) not in (None, "auto")]
        if x.get("moe_kernel") not in (None, "", x.get("moe")):  # auto's choice, or grouped_mm's loop
            v.append(f"moe ran {x['moe_kernel']}")
        if x.get("host_cache") not in (None, -1):
            v.append(f"host cache {x['host_cache']}")
        return ", ".join(v) or "defaults"

    targets, details = [], []
    # Records before the family layer carry no family: they are Mixtral's.
    presets = (("mixtral-8x7b", "mixtral", "8x7B dims", GPU_8X7B_MIN_RATIO), ("small", "mixtral", "`small`", GPU_SMALL_MIN_RATIO),
               ("qwen3-30b-a3b", "qwen3_moe", "Qwen3-30B-A3B dims", None))
    for preset, family, name, goal in presets:
        for ref in [r for r in refs if r.get("preset") == preset]:
            label = f"{name}, {ref['layers']} layers, bf16, {ref['batch']} x {ref['seq']}, resident, vs transformers (same call)"
            mine = [x for x in ours if x.get("residency") == "resident" and x["layers"] == ref["layers"]
                    and x.get("family", "mixtral") == family
                    and x["batch"] == ref["batch"] and x["seq"] == ref["seq"]]
            want = f">= {goal:g}x" if goal else "(reported)"
            if not mine:
                targets.append([label, want, f"transformers {num(ref['tokens_per_s'])} tokens/s; ours not measured", NONE])
            for x in mine:
                ratio = x["tokens_per_s"] / ref["tokens_per_s"]
                targets.append([label + ("" if variant(x) == "defaults" else f"; {variant(x)}"), want,
                                f"{num(x['tokens_per_s'])} vs {num(ref['tokens_per_s'])} tokens/s = **{ratio:.2f}x**; "
                                f"peak GPU {gib(x.get('peak_gpu_bytes'))} vs {gib(ref.get('peak_gpu_bytes'))}",
                                status(ratio >= goal) if goal else "-"])
    for x in [x for x in ours if x.get("residency") == "streaming"]:
        res = next((r for r in ours if r.get("residency") == "resident" and r["layers"] == x["layers"]
                    and r["batch"] == x["batch"] and r["seq"] == x["seq"]), None)
        acc = next((r for r in recs if r.get("bench") == "accelerate_offload" and r.get("layers") == x["layers"]
                    and r.get("batch") == x["batch"] and r.get("seq") == x["seq"]), None)
        acc_tps = acc["tokens_per_s"] if acc else (ACCELERATE_OFFLOAD_TOKENS_PER_S
                                                   if (x["layers"], x["batch"], x["seq"]) == (16, 64, 512) else None)
        label = f"Streaming, {x['layers']} layers, bf16, {x['batch']} x {x['seq']}, GPU under 24 GB ({variant(x)})"
        peak = x.get("peak_gpu_bytes")
        under = peak is not None and peak <= GPU_STREAM_CAP_BYTES
        if acc_tps:
            r = x["tokens_per_s"] / acc_tps
            src = "same run" if acc else "issue #10's H200 figure, not re-measured"
            targets.append([label + ", vs transformers + accelerate CPU offload", f">= {GPU_STREAM_MIN_VS_OFFLOAD:g}x",
                            f"{num(x['tokens_per_s'])} vs {num(acc_tps)} tokens/s ({src}) = **{r:.2f}x**; "
                            f"peak GPU {gib(peak)}", status(r >= GPU_STREAM_MIN_VS_OFFLOAD and under)])
        if res:
            r = x["tokens_per_s"] / res["tokens_per_s"]
            targets.append([label + ", vs resident", f">= {GPU_STREAM_MIN_VS_RESIDENT * 100:g}% of resident",
                            f"{num(x['tokens_per_s'])} vs {num(res['tokens_per_s'])} tokens/s = **{r * 100:.0f}%**",
                            status(r >= GPU_STREAM_MIN_VS_RESIDENT and under)])
        else:
            targets.append([label + ", vs resident", f">= {GPU_STREAM_MIN_VS_RESIDENT * 100:g}% of resident",
                            f"{num(x['tokens_per_s'])} tokens/s; no resident run in this file", NONE])
    tr = [x for x in by(recs, "train") if str(x.get("device", "")).startswith("cuda")]
    if tr:
        targets.append(["Training samples/s per model, GPU", "(reported)",
                        ", ".join(f"{t['models']} {num(t.get('samples_per_s'))}" for t in tr if t["scale"] == 1), "-"])
        details += ["#### Speculation training (`bench_train --device cuda`, synthetic Mixtral-shaped routing)", ""]
        details += table(["models", "data", "runs", "samples/s", "peak RSS"],
                         [[t["models"], f"{t['scale']}x", t["repeats"], num(t.get("samples_per_s")),
                           mib(t.get("peak_rss_bytes"))] for t in tr])
        details.append("")
    gold = by(recs, "hf_goldens")
    if gold:
        ok = sum(1 for g in gold if g.get("pass"))
        targets.append(["Family fixtures vs transformers (router logits within 1e-4, 100% top-k sets, float32)",
                        "every fixture", f"{ok} of {len(gold)} pass", status(ok == len(gold))])
        details += goldens_details(gold)
    details += workflow_details(recs)
    if not targets:
        targets.append(["GPU targets", "-", "no records", NONE])
    out += table(["what", "target", "measured (ratio)", "status"], targets)
    out.append("")
    rows = []
    for x in refs:
        rows.append(["transformers", x.get("preset", ""), x["layers"], "resident", "-", f"{x['batch']} x {x['seq']}",
                     num(x["tokens_per_s"]), num(x.get("median_s"), 4), gib(x.get("peak_gpu_bytes"))])
    for x in ours:
        rows.append(["specmoe", os.path.basename(str(x.get("model", ""))), x["layers"], x["residency"], variant(x),
                     f"{x['batch']} x {x['seq']}", num(x["tokens_per_s"]), num(x["median_s"], 4),
                     gib(x.get("peak_gpu_bytes"))])
    details += ["#### All GPU records", ""]
    details += table(["impl", "model", "layers", "residency", "variant", "batch", "tokens/s", "median s", "peak GPU"], rows)
    stages = by(recs, "gpu_stage")
    if stages:
        details += ["", "Stages (wall s): " + ", ".join(
            f"{x['stage']} {'skipped' if x.get('skipped') else x.get('wall_s')}" for x in stages) + "."]
    known = ("hf_reference", "runtime", "machine", "machine_end", "train", "hf_goldens", "gpu_stage",
             "workflow_gpu_collect", "workflow_1m")
    other = [x for x in recs if x.get("bench") not in known]
    if other:
        details += ["", "Other records: " + "; ".join("`" + json.dumps(x, sort_keys=True) + "`" for x in other)]
    details.append("")
    return out + details


def goldens_details(gold):
    rows = [[g.get("fixture", "-"), g.get("family", "-"), num(g.get("max_router_diff"), 7) if "max_router_diff" in g else "-",
             num(g.get("max_lm_diff"), 7) if "max_lm_diff" in g else "-",
             f"{g['topk_agree']}/{g['topk_total']}" if "topk_total" in g else "-", g.get("topk_source", "-"),
             g.get("hf_router_logits", "-"), "pass" if g.get("pass") else "FAIL " + str(g.get("error") or g.get("load_problems") or "")]
            for g in gold]
    ver = next((g.get("transformers") for g in gold if g.get("transformers")), "?")
    return [f"#### Family fixtures against transformers {ver} (`bench/hf_family_goldens.py`, float32, CPU, eager)", ""] + \
        table(["fixture", "family", "max router diff", "max LM diff", "top-k sets", "top-k from", "model's router_logits",
               "result"], rows) + [""]


def workflow_details(recs):
    c = next(iter(by(recs, "workflow_gpu_collect")), None)
    w = next(iter(by(recs, "workflow_1m")), None)
    if not c and not w:
        return []
    out = ["#### Workflow, 1 M tokens at Mixtral-8x7B dims (issue 22 item 4, `bench/gpu_workflow.sh`)", ""]
    if c:
        out.append(f"Collection on {c.get('device', '?')}: {num(c.get('tokens'))} tokens through {c.get('model')} in "
                   f"{c.get('wall_s')} s wall ({num(c.get('tokens_per_s'))} tokens/s in the loop, batch {c.get('batch', '-')}, "
                   f"exit {c.get('rc')}); 32 layers: about {c.get('layers_scale', 4)}x.")
    if w:
        out.append(f"Synthetic 32-layer traces, then on {w.get('device')} (exit {w.get('rc')}): " + ", ".join(
            f"{k} {w[k + '_wall_s']} s" for k in ("traces", "train", "eval", "simulate") if k + "_wall_s" in w) +
            f"; train read {num(w.get('train_tokens'))} tokens for {w.get('epochs')} epoch(s) at "
            f"{num(w.get('train_samples_per_s'))} samples/s ({w.get('train_args', '')}).")
    return out + [""]


# ---------------------------------------------------------------- document
def replace_block(doc, name, lines):
    begin, end = f"<!-- bench:{name} begin -->", f"<!-- bench:{name} end -->"
    body = "\n".join([begin,
                      f"<!-- generated by bench/report.py: edit outside the markers, rerun `python3 bench/report.py` -->",
                      ""] + lines + [end])
    pat = re.compile(re.escape(begin) + r".*?" + re.escape(end), re.S)
    if pat.search(doc):
        return pat.sub(lambda _: body, doc, count=1)
    return doc.rstrip("\n") + "\n\n" + body + "\n"


def render(args):
    doc_path = args.doc or os.path.join(ROOT, "docs", "benchmarks.md")
    doc = open(doc_path, encoding="utf-8").read()
    cpu = args.cpu or newest("cpu-*.jsonl")
    gpu = args.gpu or newest("gpu-*.jsonl")
    cpu_lines = cpu_block(cpu) if cpu else [
        "No CPU results in JSON yet: run `bench/run.sh` (writes `bench/results/cpu-<date>.jsonl`)."]
    gpu_lines = gpu_block(gpu) if gpu else [
        "No GPU results yet: run `bench/gpu.sh` on a GPU machine and copy its `gpu-results.jsonl` to "
        "`bench/results/gpu-<machine>-<date>.jsonl`."]
    new = replace_block(replace_block(doc, "cpu", cpu_lines), "gpu", gpu_lines)
    if new != doc:
        with open(doc_path + ".tmp", "w", encoding="utf-8") as f:
            f.write(new)
        os.replace(doc_path + ".tmp", doc_path)
    print(f"{rel(doc_path)}: {'updated' if new != doc else 'unchanged'} "
          f"(cpu: {rel(cpu) if cpu else '-'}, gpu: {rel(gpu) if gpu else '-'})")


# ---------------------------------------------------------------- converters
VIEW_LINE = re.compile(r"^\s{2}(?P<op>.+?)\s+(?:median\s+(?P<median>[\d.]+) ms\s+)?mean\s+(?P<mean>[\d.]+) ms\s+"
                       r"max\s+(?P<max>[\d.]+) ms\s+(?:cpu median\s+(?P<cpu>[\d.]+) ms\s+)?"
                       r"\(n=(?P<n>\d+), budget (?P<budget>[\d.]+) ms: (?P<st>\w+)\)")


def views_json(stream):
    view, tokens = "", None
    for line in stream:
        line = line.rstrip("\n")
        m = re.match(r"bench_views: (\d+) tokens", line)
        if m:
            tokens = int(m.group(1))
            continue
        m = VIEW_LINE.match(line)
        if m:
            rec = {"bench": "views", "tokens": tokens, "view": view, "op": m.group("op")}
            if m.group("median"):
                rec["median_ms"] = float(m.group("median"))
            if m.group("cpu"):
                rec["cpu_median_ms"] = float(m.group("cpu"))
            print(json.dumps(dict(rec, **{
                              "mean_ms": float(m.group("mean")), "max_ms": float(m.group("max")),
                              "n": int(m.group("n")), "budget_ms": float(m.group("budget")),
                              "ok": m.group("st") == "ok"})))
        elif line.startswith(" ") and not line.startswith("  "):
            view = re.sub(r"\s*\(.*\)$", "", line.strip())


def annotate(pairs, stream):
    extra = {}
    for p in pairs:
        k, _, v = p.partition("=")
        try:
            extra[k] = json.loads(v)
        except json.JSONDecodeError:
            extra[k] = v
    for line in stream:
        s = line.strip()
        if s.startswith("{"):
            try:
                rec = json.loads(s)
                rec.update(extra)
                print(json.dumps(rec))
                continue
            except json.JSONDecodeError:
                pass
        sys.stdout.write(line)


def main():
    argv = sys.argv[1:]
    cmd = argv[0] if argv and argv[0] in ("render", "machine", "annotate", "views-json") else "render"
    if argv and argv[0] == cmd:
        argv = argv[1:]
    if cmd == "annotate":
        annotate(argv, sys.stdin)
        return
    if cmd == "views-json":
        views_json(sys.stdin)
        return
    ap = argparse.ArgumentParser(prog="bench/report.py " + cmd)
    if cmd == "machine":
        ap.add_argument("--specmoe")
        ap.add_argument("--end", action="store_true")
        a = ap.parse_args(argv)
        print(json.dumps(machine_record(a.specmoe, a.end)))
        return
    ap.add_argument("--doc")
    ap.add_argument("--cpu")
    ap.add_argument("--gpu")
    render(ap.parse_args(argv))


if __name__ == "__main__":
    main()
