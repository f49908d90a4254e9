#!/usr/bin/env python3
"""Checks how letters break Thai into lines, with PyThaiNLP (a tool nobody here wrote).

Input: a JSON file [{"paragraph": str, "lines": [str, ...]}, ...] (what raksa-letter's
`body_lines` made). For every paragraph:
- the lines are the paragraph (spaces at line ends may be dropped, nothing else);
- no line ends inside a word: every line end is a boundary of PyThaiNLP's `newmm`
  tokenization (its dictionary is the same CC0 word list);
- the last line is not a lone syllable (PyThaiNLP's dictionary syllable tokenizer).
Prints each problem; exits 1 when there is any.
Usage: check_lines.py lines.json
"""
import json
import sys

from pythainlp.tokenize import syllable_tokenize, word_tokenize


def boundaries(text):
    out, pos = {0}, 0
    for tok in word_tokenize(text, engine="newmm", keep_whitespace=True):
        pos += len(tok)
        out.add(pos)
    return out


def main(path):
    problems = []
    data = json.load(open(path, encoding="utf-8"))
    for n, item in enumerate(data):
        para, lines = item["paragraph"].strip(), item["lines"]
        ok = boundaries(para)
        pos = 0
        for i, line in enumerate(lines):
            if not para.startswith(line, pos):
                problems.append(f"{n}: line {i} is not the paragraph's text: {line!r}")
                break
            pos += len(line)
            end = pos
            while pos < len(para) and para[pos] == " ":
                pos += 1
            if i < len(lines) - 1 and end not in ok and pos not in ok:
                word = para[max(0, end - 12) : end] + "|" + para[end : end + 12]
                problems.append(f"{n}: line {i} ends inside a word: …{word}…")
        if pos != len(para):
            problems.append(f"{n}: the lines leave text out")
        if len(lines) > 1:
            last = lines[-1].strip()
            if len(syllable_tokenize(last, engine="dict")) < 2:
                problems.append(f"{n}: the paragraph ends with a lone syllable: {last!r}")
    for p in problems:
        print(p)
    print(f"{len(data)} paragraphs, {sum(len(d['lines']) for d in data)} lines, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
