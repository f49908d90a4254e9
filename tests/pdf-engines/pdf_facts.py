#!/usr/bin/env python3
"""What pypdf (a reader nobody here wrote) finds in a PDF's archival parts, as JSON:
the PDF/A identification in the XMP metadata (pdfaid:part, pdfaid:conformance), whether
there is an output intent, and each embedded file with its relationship, type and bytes.
Usage: pdf_facts.py file.pdf
"""
import base64
import json
import re
import sys

from pypdf import PdfReader


def main(path):
    r = PdfReader(path)
    root = r.trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8") if "/Metadata" in root else ""

    def xmp_value(name):
        m = re.search(name + r'="([^"]*)"', xmp) or re.search("<" + name + r">([^<]*)<", xmp)
        return m.group(1) if m else None

    files = []
    names = []
    if "/Names" in root and "/EmbeddedFiles" in root["/Names"].get_object():
        names = root["/Names"].get_object()["/EmbeddedFiles"].get_object().get("/Names", [])
    for i in range(0, len(names), 2):
        spec = names[i + 1].get_object()
        stream = spec["/EF"]["/F"].get_object()
        files.append({
            "name": str(names[i]),
            "relationship": str(spec.get("/AFRelationship")),
            "subtype": str(stream.get("/Subtype")),
            "description": str(spec.get("/Desc", "")),
            "has_mod_date": "/ModDate" in (stream["/Params"].get_object() if "/Params" in stream else {}),
            "data": base64.b64encode(stream.get_data()).decode(),
        })
    print(json.dumps({
        "pdfa_part": xmp_value("pdfaid:part"),
        "pdfa_conformance": xmp_value("pdfaid:conformance"),
        "output_intents": len(root["/OutputIntents"].get_object()) if "/OutputIntents" in root else 0,
        "catalog_af": len(root["/AF"].get_object()) if "/AF" in root else 0,
        "version": r.pdf_header,
        "files": files,
    }, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1])
