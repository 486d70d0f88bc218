"""Build bench/genre-fresh2: the traditional document from its simplified draft, then queries.jsonl from
src/questions_fresh2.py, checking that every expected phrase, gold answer and unanswerable topic phrase is in its
document. Reuses bench/genre/src/build.py (phrase lookup in the folded text, row format) so all genre sets are
written and checked the same way. Run from the repo root: .venv/bin/python bench/genre-fresh2/build.py
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
import questions_fresh2  # noqa: E402

# Web boilerplate around the traditional document (converted with the body).
BOILER = {
    "a02_novel_shantytown_trad.txt": (
        "书香阁 www.shuxiangge.net > 都市官场 > 《县长笔记》 > 第八十八章 老街的最后一户\n"
        "上一章 ← 章节目录 → 下一章　　加入书架　投推荐票\n\n",
        "\n\n（本章完）\n喜欢《县长笔记》请收藏本站，书香阁更新速度最快。\n"
        "相关推荐：乡镇风云 | 官场之巅 | 我的县委书记生涯\n"),
}
# OCR-like substitutions on the body only (unlike bench/genre's and bench/genre-fresh's on purpose).
OCR = (("千", "干"), ("：", ":"), ("麼", "么"), ("0", "O"))


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
    genre_build.build(HERE, questions_fresh2.rows(), "fresh2")
    if genre_build.MISSING:
        raise SystemExit(f"not in their documents: {genre_build.MISSING}")
    lengths = {p.name: len(p.read_text(encoding="utf-8")) for p in sorted((HERE / "docs").glob("*.txt"))}
    print(lengths)
    bad = check()
    if bad:
        raise SystemExit(f"phrases not in their gold documents: {bad}")


if __name__ == "__main__":
    main()
