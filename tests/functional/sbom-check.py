#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Checks on what vmbundle writes, for the shell tests (TAP is theirs):

  sbom-check.py validate SCHEMA DOC...   each DOC against the SPDX 2.3 JSON schema
                                         (python3-jsonschema); exit 77 without it
  sbom-check.py files DOC                "PATH SHA256" of every file the image holds:
                                         the files reachable by CONTAINS from the
                                         package the document DESCRIBES
  sbom-check.py owner DOC PATH           "NAME VERSION" of the package that CONTAINS PATH
  sbom-check.py refs DOC                 the document's structural promises: every
                                         relationship names an element of it (or an
                                         external document it references), SPDXIDs are
                                         unique, files have SHA1 and SHA256
  sbom-check.py svg FILE WORD...         FILE parses as XML (an SVG) and its text
                                         (titles, labels, data-*) names every WORD
  sbom-check.py timeline FILE            a graph-build SVG's numbers add up: per slot
                                         busy + idle = the build's length, bars match
                                         their data-start/data-end, no two overlap
  sbom-check.py sizes SVG CSV TOTAL      graph-size's rows add up to TOTAL in both
"""
import json
import sys
import xml.etree.ElementTree as ET

SVG = "{http://www.w3.org/2000/svg}"


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def validate(schema, docs):
    try:
        import jsonschema
    except ImportError:
        print("python3-jsonschema is not installed (Debian: python3-jsonschema)")
        return 77
    s = load(schema)
    for d in docs:
        try:
            jsonschema.validate(load(d), s)
        except jsonschema.ValidationError as e:
            print("%s: %s at %s" % (d, e.message, "/".join(str(p) for p in e.absolute_path)))
            return 1
    return 0


def contained(doc):
    """SPDXIDs reachable from the described package by CONTAINS."""
    top = [r["relatedSpdxElement"] for r in doc["relationships"]
           if r["spdxElementId"] == "SPDXRef-DOCUMENT" and r["relationshipType"] == "DESCRIBES"]
    edges = {}
    for r in doc["relationships"]:
        if r["relationshipType"] == "CONTAINS":
            edges.setdefault(r["spdxElementId"], []).append(r["relatedSpdxElement"])
    seen, todo = set(), list(top)
    while todo:
        e = todo.pop()
        for n in edges.get(e, []):
            if n not in seen:
                seen.add(n)
                todo.append(n)
    return seen


def files(doc_path):
    doc = load(doc_path)
    ids = contained(doc)
    for f in sorted(doc["files"], key=lambda f: f["fileName"]):
        if f["SPDXID"] in ids:
            sha = [c["checksumValue"] for c in f["checksums"] if c["algorithm"] == "SHA256"][0]
            print(f["fileName"][1:] if f["fileName"].startswith("./") else f["fileName"], sha)
    return 0


def owner(doc_path, path):
    doc = load(doc_path)
    by_name = {f["fileName"]: f["SPDXID"] for f in doc["files"]}
    fid = by_name.get("." + path)
    pkgs = {p["SPDXID"]: p for p in doc["packages"]}
    for r in doc["relationships"]:
        if r["relationshipType"] == "CONTAINS" and r["relatedSpdxElement"] == fid:
            p = pkgs.get(r["spdxElementId"])
            if p:
                print(p["name"], p.get("versionInfo", ""))
                return 0
    print("no package contains", path)
    return 1


def refs(doc_path):
    doc = load(doc_path)
    ids = ["SPDXRef-DOCUMENT"] + [p["SPDXID"] for p in doc["packages"]] + [f["SPDXID"] for f in doc["files"]]
    if len(ids) != len(set(ids)):
        print("duplicate SPDXIDs")
        return 1
    ext = {e["externalDocumentId"] for e in doc.get("externalDocumentRefs", [])}
    known = set(ids)
    for r in doc["relationships"]:
        for k in ("spdxElementId", "relatedSpdxElement"):
            v = r[k]
            if v not in known and v.split(":")[0] not in ext:
                print("relationship names an unknown element:", v)
                return 1
    for f in doc["files"]:
        algos = {c["algorithm"] for c in f["checksums"]}
        if not {"SHA1", "SHA256"} <= algos:
            print("file without SHA1 and SHA256:", f["fileName"])
            return 1
    return 0


def svg_words(path, words):
    root = ET.parse(path).getroot()
    text = []
    for e in root.iter():
        text.append(e.text or "")
        text.extend(v for k, v in e.attrib.items() if k.startswith("data-"))
    blob = "\n".join(text)
    missing = [w for w in words if w not in blob]
    if missing:
        print("%s does not name: %s" % (path, ", ".join(missing)))
        return 1
    return 0


def timeline(path):
    root = ET.parse(path).getroot()
    steps = [g for g in root.iter(SVG + "g") if g.get("class") == "step"]
    lanes = [g for g in root.iter(SVG + "g") if g.get("class") == "lane"]
    if not steps or not lanes:
        print("no steps or no lanes")
        return 1
    wall = max(float(s.get("data-end")) for s in steps) - min(float(s.get("data-start")) for s in steps)
    for lane in lanes:
        slot = lane.get("data-slot")
        mine = sorted((float(s.get("data-start")), float(s.get("data-end"))) for s in steps
                      if s.get("data-slot") == slot)
        busy = sum(e - b for b, e in mine)
        if abs(busy - float(lane.get("data-busy"))) > 1e-3:
            print("slot %s: its steps take %.6f s, it says busy %s" % (slot, busy, lane.get("data-busy")))
            return 1
        if abs(float(lane.get("data-busy")) + float(lane.get("data-idle")) - wall) > 1e-3:
            print("slot %s: busy + idle is not the build's %.6f s" % (slot, wall))
            return 1
        for (b1, e1), (b2, e2) in zip(mine, mine[1:]):
            if b2 < e1 - 1e-6:
                print("slot %s: two steps overlap" % slot)
                return 1
    return 0


def sizes(svg, csv, total):
    total = int(total)
    rows = [l.strip().split(",") for l in open(csv, encoding="utf-8")][1:]
    body = [r for r in rows if r[0] != "total"]
    tot = [r for r in rows if r[0] == "total"]
    if not tot or int(tot[0][1]) != total or sum(int(r[1]) for r in body) != total:
        print("CSV rows add up to %d, its total says %s, the image has %d" %
              (sum(int(r[1]) for r in body), tot[0][1] if tot else "nothing", total))
        return 1
    root = ET.parse(svg).getroot()
    svg_rows = {g.get("data-label"): int(g.get("data-bytes")) for g in root.iter(SVG + "g")
                if g.get("class") == "row"}
    if svg_rows != {r[0]: int(r[1]) for r in body}:
        print("the SVG's rows are not the CSV's")
        return 1
    return 0


def main(argv):
    cmd, args = argv[1], argv[2:]
    if cmd == "validate":
        return validate(args[0], args[1:])
    if cmd == "files":
        return files(args[0])
    if cmd == "owner":
        return owner(args[0], args[1])
    if cmd == "refs":
        return refs(args[0])
    if cmd == "svg":
        return svg_words(args[0], args[1:])
    if cmd == "timeline":
        return timeline(args[0])
    if cmd == "sizes":
        return sizes(*args)
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
