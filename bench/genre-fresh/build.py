"""Build bench/genre-fresh: the traditional documents from their simplified drafts, then queries.jsonl from
src/questions_fresh.py, checking that every expected phrase, gold answer and unanswerable topic phrase is in its
document. Reuses bench/genre/src/build.py (phrase lookup in the folded text, row format) so both sets are
written and checked the same way. Run from the repo root: .venv/bin/python bench/genre-fresh/build.py
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
import questions_fresh  # noqa: E402

# Web boilerplate around the traditional documents (converted with the body).
BOILER = {
    "f02_novel_porcelain_trad.txt": (
        "云起书院 www.yunqisy.cc > 官场 > 《仕途风云》 > 第415章 瓷厂的去留\n上一章 | 目录 | 下一章\n\n",
        "\n\n本章完，点击下一章继续阅读\n本站推荐：官路红颜 | 县委大院 | 重生之乡镇干部\n"),
    "f06_news_study_rooms_trad.txt": (
        "沅溪新闻网 | 首页 > 城市 > 正文\n发布时间：2025-09-02 09:15　来源：沅溪晚报\n\n",
        "\n\n编辑：卢映雪　审核：包海峰\n分享到：微信 微博 QQ\n"
        "上一篇：我市新增两条定制公交线路　下一篇：秋季开学首日交通总体平稳\n"),
}
# OCR-like substitutions applied to the body only (different from bench/genre's on purpose).
OCR = (("已", "己"), ("時間", "時問"), ("人次", "入次"), ("300", "3OO"), ("說：", "說:"))


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
    genre_build.build(HERE, questions_fresh.rows(), "fresh")
    if genre_build.MISSING:
        raise SystemExit(f"not in their documents: {genre_build.MISSING}")
    lengths = {p.name: len(p.read_text(encoding="utf-8")) for p in sorted((HERE / "docs").glob("*.txt"))}
    print(lengths)
    bad = check()
    if bad:
        raise SystemExit(f"phrases not in their gold documents: {bad}")


if __name__ == "__main__":
    main()
