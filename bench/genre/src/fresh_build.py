"""The shared build of the held-out genre sets (bench/genre-fresh, -fresh2, -fresh3): each set's traditional
documents from their simplified drafts (OpenCC s2t, site boilerplate around, OCR-like substitutions in the body),
then queries.jsonl through build.py, checking that every expected phrase, gold answer and unanswerable topic
phrase is in its document. Each set's build.py holds only its own boilerplate, substitutions and questions."""
from __future__ import annotations

import json
from pathlib import Path

import build as genre_build  # bench/genre/src/build.py (the caller puts bench/genre/src on sys.path)
from opencc import OpenCC


def q(question, kind, doc, ans=(), all=None, any=(), history=(), lang="zh", topic=()):
    """One question row (keys as in build.py); every question of these sets is held out."""
    row = {"q": question, "kind": kind, "doc": doc, "ans": list(ans), "any": list(any), "history": list(history),
           "lang": lang, "split": "held", "topic": list(topic)}
    if all is not None:
        row["all"] = list(all)
    return row


def make_trad(here: Path, boiler: dict[str, tuple[str, str]], ocr: tuple[tuple[str, str], ...]) -> None:
    cc = OpenCC("s2t")
    for name, (head, tail) in boiler.items():
        body = cc.convert((here / "src" / name).read_text(encoding="utf-8")).strip()
        for a, b in ocr:
            body = body.replace(a, b)
        (here / "docs" / name).write_text(cc.convert(head) + body + cc.convert(tail), encoding="utf-8")


def check(here: Path, held_only: bool) -> list[str]:
    """Every stored phrase must be an exact substring of its gold document (in the document's own script)."""
    docs = {p.name: p.read_text(encoding="utf-8") for p in (here / "docs").glob("*.txt")}
    bad = []
    for line in (here / "queries.jsonl").read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        if held_only and r["split"] != "held":
            bad.append(f'{r["id"]}: split {r["split"]}')
        if r["doc"] is None:
            if r["answers"] or r["expect_all"] or r["expect_any"] or r["about"] not in docs:
                bad.append(r["id"])
            continue
        text = docs[r["doc"]]
        bad += [f'{r["id"]}: {p}' for p in r["expect_all"] + r["expect_any"] + r["answers"] if p not in text]
        if not (r["expect_all"] or r["expect_any"]):
            bad.append(f'{r["id"]}: no expected phrase')
    return bad


def build_set(here: Path, rows: list[dict], tag: str, boiler: dict[str, tuple[str, str]],
              ocr: tuple[tuple[str, str], ...], held_only: bool = True) -> None:
    make_trad(here, boiler, ocr)
    genre_build.build(here, rows, tag)
    if genre_build.MISSING:
        raise SystemExit(f"not in their documents: {genre_build.MISSING}")
    print({p.name: len(p.read_text(encoding="utf-8")) for p in sorted((here / "docs").glob("*.txt"))})
    bad = check(here, held_only)
    if bad:
        raise SystemExit(f"phrases not in their gold documents: {bad}")
