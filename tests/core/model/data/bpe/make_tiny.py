#!/usr/bin/env python3
"""Writes qwen2-tiny.tokenizer.json: a byte-level BPE tokenizer shaped like Qwen2's
(NFC normalizer, Qwen2's Split pattern then ByteLevel without regex, added tokens) whose ids
stay below 320, the vocab_size of make-model's tiny presets. Ids 0-255 are the bytes, in
byte order; the merges build a few English words; <|endoftext|> and <|im_start|> are added
tokens, with the ids tokenizers gives them (the next after the vocabulary). Usage:
make_tiny.py OUT_FILE"""
import json
import sys

QWEN2_PATTERN = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*"
                 r"|\s*[\r\n]+|\s+(?!\S)|\s+")


def byte_chars():
    printable = list(range(0x21, 0x7F)) + list(range(0xA1, 0xAD)) + list(range(0xAE, 0x100))
    out, n = {}, 256
    for b in range(256):
        if b in printable:
            out[b] = chr(b)
        else:
            out[b] = chr(n)
            n += 1
    return out


WORDS = ["Ġthe", "Ġand", "Ġof", "Ġto", "Ġin", "ing", "Ġthat", "Ġhe", "Ġhis", "Ġunto", "ĠLord", "Ġshall"]


def main():
    chars = byte_chars()
    vocab = {chars[b]: b for b in range(256)}
    merges = []
    for w in WORDS:  # each word left to right: "Ġ t", "Ġt h", "Ġth e"
        cur = w[0]
        for c in w[1:]:
            if cur + c not in vocab:
                vocab[cur + c] = len(vocab)
                merges.append(cur + " " + c)
            cur += c
    assert len(vocab) < 300
    doc = {
        "version": "1.0", "truncation": None, "padding": None,
        "added_tokens": [
            {"id": len(vocab), "content": "<|endoftext|>", "single_word": False, "lstrip": False, "rstrip": False,
             "normalized": False, "special": True},
            {"id": len(vocab) + 1, "content": "<|im_start|>", "single_word": False, "lstrip": False, "rstrip": False,
             "normalized": False, "special": True}],
        "normalizer": {"type": "NFC"},
        "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
            {"type": "Split", "pattern": {"Regex": QWEN2_PATTERN}, "behavior": "Isolated", "invert": False},
            {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": False, "use_regex": False}]},
        "post_processor": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": False, "use_regex": False},
        "decoder": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": False, "use_regex": False},
        "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": "",
                  "end_of_word_suffix": "", "fuse_unk": False, "byte_fallback": False, "ignore_merges": False,
                  "vocab": vocab, "merges": merges},
    }
    with open(sys.argv[1], "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False)
    print(len(vocab), "tokens", len(merges), "merges")


if __name__ == "__main__":
    main()
