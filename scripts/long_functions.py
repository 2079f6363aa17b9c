#!/usr/bin/env python3
"""Lists C++ functions longer than a limit (issue 16: none in core over 150 lines, except a
hot loop whose reason is written beside it).

    scripts/long_functions.py [--max 150] [--all] [PATH ...]     (default PATH: core)

A function's length runs from the first line of its signature to its closing brace; lambdas
and local classes count toward the function around them. A function is excused when one of
the five lines above its signature is a comment that says "hot loop" with the reason.
Prints "FILE:LINE: LENGTH lines: SIGNATURE" per function over the limit (excused ones marked)
and exits 1 when any is not excused. The scan is lexical (comments, strings and character
literals skipped; no preprocessor), which suits this code base's formatting.
"""
import argparse
import os
import re
import sys

CONTROL = re.compile(r"^(if|for|while|switch|catch|do|else|try|return|case)\b")
CLASS_LIKE = re.compile(r"\b(namespace|class|struct|union|enum)\b[^()]*$")
EXTS = (".cpp", ".cc", ".h", ".hpp")


def strip_code(text):
    """The text with comments and string/char literals blanked (newlines kept)."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append("".join(ch if ch == "\n" else " " for ch in text[i:j]))
            i = j
        elif c == 'R' and text.startswith('R"', i) and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
            k = text.find("(", i + 2)
            delim = ")" + text[i + 2:k] + '"'
            j = text.find(delim, k)
            j = n if j < 0 else j + len(delim)
            out.append("".join(ch if ch == "\n" else " " for ch in text[i:j]))
            i = j
        elif c in "\"'":
            if c == "'" and i > 0 and text[i - 1].isalnum():  # digit separator 1'000
                out.append(" ")
                i += 1
                continue
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            j = min(n, j + 1)
            out.append(c + " " * (j - i - 2) + c if j - i >= 2 else " ")
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out)


def looks_like_function(header):
    h = " ".join(header.split())
    if not h or CONTROL.match(h) or "=" in h.split("(")[0]:
        return False
    if CLASS_LIKE.search(h) or h.startswith("extern"):
        return False
    # signature: name(...) [const] [noexcept] [override] [-> T] [: initializers]
    if "(" not in h or ")" not in h:
        return False
    if h.endswith(")") or re.search(r"\)\s*(const|noexcept|override|final|mutable|\s)*(->\s*[\w:<>,\s*&]+)?$", h):
        return True
    # constructor with an initializer list: "X::X(args) : a(b), c{d}"
    return bool(re.search(r"\)\s*:\s*\w", h))


def scan(path, limit):
    raw = open(path, encoding="utf-8", errors="replace").read()
    code = strip_code(raw)
    lines = raw.split("\n")
    found = []
    stack = []  # per open brace: ("function", start_line, signature) or ("other",)
    header_start = 0  # offset where the current header text begins
    line = 1
    for i, c in enumerate(code):
        if c == "\n":
            line += 1
        elif c == "{":
            header = code[header_start:i]
            in_function = any(s[0] == "function" for s in stack)
            if not in_function and looks_like_function(header):
                offset = header_start + len(header) - len(header.lstrip())
                start = code.count("\n", 0, offset) + 1
                stack.append(("function", start, " ".join(header.split())))
            else:
                stack.append(("other",))
            header_start = i + 1
        elif c == "}":
            if stack:
                top = stack.pop()
                if top[0] == "function":
                    length = line - top[1] + 1
                    if length > limit:
                        above = "\n".join(lines[max(0, top[1] - 6):top[1] - 1]).lower()
                        excused = "hot loop" in above
                        found.append((path, top[1], length, top[2], excused))
            header_start = i + 1
        elif c == ";" or (c == ":" and code[i - 1:i + 1] != "::" and code[i:i + 2] != "::"
                          and re.search(r"\b(public|private|protected|default|Q_SLOTS|Q_SIGNALS)\s*$",
                                        code[header_start:i])):
            header_start = i + 1
    return found


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--max", type=int, default=150)
    ap.add_argument("paths", nargs="*", default=["core"])
    a = ap.parse_args()
    files = []
    for p in a.paths:
        if os.path.isdir(p):
            for root, _, names in os.walk(p):
                files += [os.path.join(root, f) for f in sorted(names) if f.endswith(EXTS)]
        else:
            files.append(p)
    bad = 0
    for f in sorted(files):
        for path, start, length, sig, excused in scan(f, a.max):
            bad += not excused
            print(f"{path}:{start}: {length} lines{' (hot loop, reason beside it)' if excused else ''}: {sig[:90]}")
    if bad:
        print(f"{bad} function(s) over {a.max} lines", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
