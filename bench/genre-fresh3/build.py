"""Build bench/genre-fresh3: the traditional document from its simplified draft, then queries.jsonl from
src/questions_fresh3.py, checking that every expected phrase, gold answer and unanswerable topic phrase is in its
document. Reuses bench/genre/src/build.py (phrase lookup in the folded text, row format) so all genre sets are
written and checked the same way. Run from the repo root: .venv/bin/python bench/genre-fresh3/build.py
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from opencc import OpenCC

HERE = Path(__file__).parent
# bench/genre/src first: this file is also called build.py.
sys.path[:0] = [str(HERE.parent / "genre" / "src"), str(HERE / "src")]

import build as genre_build  # noqa: E402  (bench/genre/src/build.py)
import questions_fresh3  # noqa: E402

# Web boilerplate around the traditional document (converted with the body).
BOILER = {
    "b02_novel_flood_township_trad.txt": (
        "墨韵小说网 www.moyunxs.com > 官场小说 > 《乡镇书记》 > 第五十六章 水退之后\n"
        "首页 | 上一章 | 章节列表 | 下一章 | 加入书签\n\n",
        "\n\n第五十六章完 · 手机用户请访问 m.moyunxs.com\n"
        "本书最新章节请到墨韵小说网阅读，作者：青山不语\n"),
}
# OCR-like substitutions on the body only (unlike the other genre sets' on purpose).
OCR = (("日", "曰"), ("土", "士"), ("，", ","), ("縣委", "縣季"))


def make_trad() -> None:
    cc = OpenCC("s2t")
    for name, (head, tail) in BOILER.items():
        body = cc.convert((HERE / "src" / name).read_text(encoding="utf-8")).strip()
        for a, b in OCR:
            body = body.replace(a, b)
        (HERE / "docs" / name).write_text(cc.convert(head) + body + cc.convert(tail), encoding="utf-8")


def check() -> list[str]:
    """Every stored phrase must be an exact substring of its gold document (in the document's own script)."""
    docs = {p.name: p.read_text(encoding="utf-8") for p in (HERE / "docs").glob("*.txt")}
    bad = []
    for line in (HERE / "queries.jsonl").read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        if r["split"] != "held":
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


def main() -> None:
    make_trad()
    genre_build.build(HERE, questions_fresh3.rows(), "fresh3")
    if genre_build.MISSING:
        raise SystemExit(f"not in their documents: {genre_build.MISSING}")
    lengths = {p.name: len(p.read_text(encoding="utf-8")) for p in sorted((HERE / "docs").glob("*.txt"))}
    print(lengths)
    bad = check()
    if bad:
        raise SystemExit(f"phrases not in their gold documents: {bad}")


if __name__ == "__main__":
    main()
