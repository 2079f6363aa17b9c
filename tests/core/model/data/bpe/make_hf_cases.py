#!/usr/bin/env python3
"""Writes NAME.cases.json for a tokenizer.json of this folder: each text with the ids Hugging
Face `tokenizers` gives for it (encode, no special tokens added) and, where it is not the text
itself (NFC), the text its decode gives back: the goldens that
tst_tokenizer_json holds the reader to. The texts are llama.cpp's vocab test strings (as in
gpt-2.cases.json) and ones aimed at Qwen2's pre-tokenizer: contractions in any case, digits one
by one, letters after punctuation, line breaks, NFC, and added tokens inside text. Needs
`tokenizers` (Debian sid's python3-tokenizers: scripts/sid-python.sh gives it).
Usage: make_hf_cases.py NAME   (e.g. qwen2-tiny)"""
import json
import os
import sys

from tokenizers import Tokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
EXTRA = [
    "I'S THE 'RE YOU? we'Ve, 'LL 'D 'm 't",
    "the Lord shall, and his; unto them.",
    "A1B22C333 4.5 6,789 0x1F",
    "x!!y ??z ..w ,v",
    "line one\r\nline two\n\n\nthree\r\r\n",
    "tab\tseparated\t\tcolumns \t",
    "cafe\u0301 vs caf\u00e9 (NFC)",
    "Å vs A\u030a, \u212b (angstrom sign)",
    "<|endoftext|>the end<|im_start|>user",
    " <|endoftext|> spaced <|im_start|>",
    "\u00a0non-breaking\u00a0space and\u3000ideographic",
    "日本語のテキスト、中文文本。한국어 텍스트",
    "mixed123words and_underscores-dashes",
    "    leading spaces then text   ",
    "'s",
    "ending with newline\n",
]


def main():
    name = sys.argv[1]
    tok = Tokenizer.from_file(os.path.join(HERE, name + ".tokenizer.json"))
    with open(os.path.join(HERE, "gpt-2.cases.json"), encoding="utf-8") as f:
        texts = [c["text"] for c in json.load(f)]
    cases = []
    for t in texts + EXTRA:
        ids = tok.encode(t, add_special_tokens=False).ids
        case = {"text": t, "ids": ids}
        decoded = tok.decode(ids, skip_special_tokens=False)
        if decoded != t:
            case["decoded"] = decoded
        cases.append(case)
    with open(os.path.join(HERE, name + ".cases.json"), "w", encoding="utf-8") as f:
        json.dump(cases, f, ensure_ascii=False, indent=0)
        f.write("\n")
    print(len(cases), "cases", file=sys.stderr)


if __name__ == "__main__":
    main()
