#!/usr/bin/env python3
"""Regenerates assets/reference/places.json from the PyPI package `geothai` (data CC BY 4.0,
code MIT): the official DOPA codes of Thailand's 77 provinces, 928 districts and 7,436
sub-districts with Thai and English names and postcodes (some sub-districts have several).

    pip download --no-deps geothai==3.2.1 -d /tmp/geothai && python3 scripts/update-places.py /tmp/geothai/geothai-3.2.1-py3-none-any.whl
"""
import json
import sys
import zipfile

wheel = sys.argv[1]
with zipfile.ZipFile(wheel) as z:
    load = lambda name: json.loads(z.read(f"geothai/_data/{name}.json"))
    provinces, districts, subs = load("provinces"), load("districts"), load("subdistricts")
    version = next(n for n in z.namelist() if n.endswith(".dist-info/METADATA")).split("-")[1].split(".dist")[0]

out = {
    "source": f"geothai {version} (PyPI) — data from GeoThai/data, © Pongsakorn Thipayanate, CC BY 4.0; "
    "codes and names: Department of Provincial Administration; postcodes: Thailand Post and "
    "thailand-geography-json (MIT, © Joe Takara)",
    "licence": "CC-BY-4.0",
    "provinces": [[c, th, en] for c, th, en in provinces],
    "districts": [[c, th, en] for c, th, en in districts],
    "subdistricts": [[c, th, en, pc.split()] for c, th, en, pc in subs],
}
with open("assets/reference/places.json", "w", encoding="utf-8") as f:
    json.dump(out, f, ensure_ascii=False, separators=(",", ":"))
    f.write("\n")
print(len(provinces), len(districts), len(subs))
