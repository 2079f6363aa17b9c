#!/usr/bin/env python3
"""Builds a small byte-level BPE tokenizer.json fixture and its test cases from one of
llama.cpp's vocab test files (models/ggml-vocab-NAME.gguf with .inp and .out; the .out ids
come from Hugging Face `tokenizers`, add_special_tokens=False).

The fixture keeps the 256 byte tokens and every merge whose result is a substring of a token
in the expected output, with their original ids and ranks (order). Every merge BPE applies to
the test strings builds a piece of an output token, so it is kept; keeping a subset of the
merge list that holds all applied merges cannot change which merge is lowest-ranked at any
step, so the ids stay the HF ones.

Usage: make_fixture.py NAME GGUF_DIR OUT_DIR"""
import json
import os
import sys

from gguf_vocab import read_metadata

SEP = "\n__ggml_vocab_test__\n"

# The pre_tokenizer of each family's real tokenizer.json.
GPT2_REGEX = r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"""
# Escaped: an editor that normalizes text to NFC would change the ranges (U+1F7D is NFC U+03CE).
DEEPSEEK_LLM_SPLITS = [
    '[\r\n]',
    '\\s?[A-Za-z\xb5\xc0-\xd6\xd8-\xf6\xf8-\u01ba\u01bc-\u01bf\u01c4-\u0293\u0295-\u02af\u0370-\u0373\u0376\u0377\u037b-\u037d\u037f\u0386\u0388-\u038a\u038c\u038e-\u03a1\u03a3-\u03f5\u03f7-\u0481\u048a-\u052f\u0531-\u0556\u10a0-\u10c5\u13a0-\u13f5\u13f8-\u13fd\u1c90-\u1cba\u1cbd-\u1cbf\u1d00-\u1d2b\u1d6b-\u1d77\u1d79-\u1d9a\u1e00-\u1f15\u1f18-\u1f1d\u1f20-\u1f45\u1f48-\u1f4d\u1f50-\u1f57\u1f59\u1f5b\u1f5d\u1f5f-\u1f7d\u1f80-\u1fb4\u1fb6-\u1fbc\u1fbe\u1fc2-\u1fc4\u1fc6-\u1fcc\u1fd0-\u1fd3\u1fd6-\u1fdb\u1fe0-\u1fec\u1ff2-\u1ff4\u1ff6-\u1ffc\u2102\u2107\u210a-\u2113\u2115\u2119-\u211d\u2124\u2126\u2128\u212a-\u212d\u212f-\u2134\u2139\u213c-\u213f\u2145-\u2149\u214e\u2183\u2184\u2c00-\u2c7b\u2c7e-\u2ce4\u2ceb-\u2cee\u2cf2\u2cf3\ua640-\ua66d\ua680-\ua69b\ua722-\ua76f\ua771-\ua787\ua78b-\ua78e\uab70-\uabbf\ufb00-\ufb06\ufb13-\ufb17\uff21-\uff3a\uff41-\uff5a\U00010400-\U0001044f\U000104b0-\U000104d3\U000104d8-\U000104fb\U00010c80-\U00010cb2\U00010cc0-\U00010cf2\U000118a0-\U000118df\U0001e900-\U0001e943]+',
    '\\s?[!-/:-~\uff01-\uff0f\uff1a-\uff5e\u2018-\u201f\u3000-\u3002]+',
    '\\s+$',
    '[\u4e00-\u9fa5\u0800-\u4e00\uac00-\ud7ff]+',
    '\\p{N}+',
]

DEEPSEEK_CODER_SPLITS = [
    '[\r\n]',
    '\\s?\\p{L}+',
    '\\s?\\p{P}+',
    '[\u4e00-\u9fa5\u0800-\u4e00\uac00-\ud7ff]+',
    '\\p{N}',
]


def byte_level(add_prefix_space, use_regex):
    return {"type": "ByteLevel", "add_prefix_space": add_prefix_space, "trim_offsets": True,
            "use_regex": use_regex}


def pre_tokenizer(name):
    if name == "gpt-2":
        return byte_level(False, True)
    if name in ("deepseek-llm", "deepseek-coder"):
        regexes = DEEPSEEK_LLM_SPLITS if name == "deepseek-llm" else DEEPSEEK_CODER_SPLITS
        splits = [{"type": "Split", "pattern": {"Regex": r}, "behavior": "Isolated", "invert": False}
                  for r in regexes]
        return {"type": "Sequence", "pretokenizers": splits + [byte_level(False, False)]}
    raise SystemExit("no pre-tokenizer known for " + name)


def post_processor(name, bos, tokens):
    if name in ("deepseek-llm", "deepseek-coder"):
        b = tokens[bos]
        return {"type": "TemplateProcessing",
                "single": [{"SpecialToken": {"id": b, "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
                "pair": [{"SpecialToken": {"id": b, "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                         {"SpecialToken": {"id": b, "type_id": 1}}, {"Sequence": {"id": "B", "type_id": 1}}],
                "special_tokens": {b: {"id": b, "ids": [bos], "tokens": [b]}}}
    return {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": False, "use_regex": True}


def main():
    name, src, out = sys.argv[1], sys.argv[2], sys.argv[3]
    base = os.path.join(src, "ggml-vocab-%s.gguf" % name)
    meta = read_metadata(base)
    tokens = meta["tokenizer.ggml.tokens"]
    types = meta["tokenizer.ggml.token_type"]
    merges = meta["tokenizer.ggml.merges"]
    texts = open(base + ".inp", encoding="utf-8").read().split(SEP)[:-1]
    expected = [[int(t) for t in line.split()] for line in open(base + ".out", encoding="utf-8").read().split("\n")]
    expected = expected[:len(texts)]
    assert len(texts) == len(expected)

    used = {t for ids in expected for t in ids}
    pieces = set()
    for i in used:
        s = tokens[i]
        for a in range(len(s)):
            for b in range(a + 1, len(s) + 1):
                pieces.add(s[a:b])
    kept_merges = [m for m in merges if m.replace(" ", "", 1) in pieces]
    keep = {t for t in tokens if len(t) == 1 and types[tokens.index(t)] == 1}
    keep |= {tokens[i] for i in used}
    for m in kept_merges:
        a, b = m.split(" ", 1)
        keep |= {a, b, a + b}
    id_of = {t: i for i, t in enumerate(tokens)}
    vocab = {t: id_of[t] for t in sorted(keep, key=lambda t: id_of[t])}
    # GGUF token types: 3 control (special added tokens), 4 user-defined (DeepSeek's added
    # single characters such as "ü", matched before pre-tokenization like the special ones).
    # DeepSeek's ~2400 "[PADn]" fillers are left out: no test string holds one.
    added = [i for i, ty in enumerate(types) if ty in (3, 4) and not tokens[i].startswith("[PAD")]
    bos = meta.get("tokenizer.ggml.bos_token_id")
    doc = {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [{"id": i, "content": tokens[i], "single_word": False, "lstrip": False, "rstrip": False,
                          "normalized": types[i] == 4, "special": types[i] == 3} for i in added],
        "normalizer": None,
        "pre_tokenizer": pre_tokenizer(name),
        "post_processor": post_processor(name, bos, tokens),
        "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
        "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": "",
                  "end_of_word_suffix": "", "fuse_unk": False, "byte_fallback": False, "ignore_merges": False,
                  "vocab": vocab, "merges": kept_merges},
    }
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, name + ".tokenizer.json"), "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, indent=None, separators=(",", ":"))
    with open(os.path.join(out, name + ".cases.json"), "w", encoding="utf-8") as f:
        json.dump([{"text": t, "ids": e} for t, e in zip(texts, expected)], f, ensure_ascii=False, indent=0)
    print(name, len(vocab), "tokens", len(kept_merges), "merges", len(texts), "cases")


if __name__ == "__main__":
    main()
