#!/usr/bin/env python3
"""The text six PDF engines extract from one PDF, as JSON {engine: text}.

poppler (pdftotext), PDFium (pypdfium2, Chrome/Edge), MuPDF (mutool, SumatraPDF),
PDF.js (pdfjs-dist, Firefox), pypdf and pdfminer.six. None of them was written here.
Usage: extract.py file.pdf
"""
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def poppler(path):
    return subprocess.run(["pdftotext", "-enc", "UTF-8", path, "-"], check=True, capture_output=True).stdout.decode()


def pdfium(path):
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(path)
    return "\n".join(page.get_textpage().get_text_range() for page in doc)


def mupdf(path):
    return subprocess.run(["mutool", "draw", "-q", "-F", "txt", path], check=True, capture_output=True).stdout.decode()


def pdfjs(path):
    return subprocess.run(["node", os.path.join(HERE, "pdfjs.mjs"), path], check=True, capture_output=True).stdout.decode()


def pypdf_text(path):
    from pypdf import PdfReader

    return "\n".join(p.extract_text() for p in PdfReader(path).pages)


def pdfminer_text(path):
    from pdfminer.high_level import extract_text

    return extract_text(path)


ENGINES = {
    "poppler": poppler,
    "pdfium": pdfium,
    "mupdf": mupdf,
    "pdfjs": pdfjs,
    "pypdf": pypdf_text,
    "pdfminer": pdfminer_text,
}

if __name__ == "__main__":
    print(json.dumps({name: f(sys.argv[1]) for name, f in ENGINES.items()}, ensure_ascii=False))
