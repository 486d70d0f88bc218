"""Build bench/genre-fresh3: the traditional document from its simplified draft, then queries.jsonl from
src/questions_fresh3.py, checking that every expected phrase, gold answer and unanswerable topic phrase is in its
document. Reuses bench/genre/src/build.py (phrase lookup in the folded text, row format) so all genre sets are
written and checked the same way. Run from the repo root: .venv/bin/python bench/genre-fresh3/build.py
"""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).parent
# bench/genre/src first: this file is also called build.py.
sys.path[:0] = [str(HERE.parent / "genre" / "src"), str(HERE / "src")]

import fresh_build  # noqa: E402  (bench/genre/src/fresh_build.py)
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


if __name__ == "__main__":
    fresh_build.build_set(HERE, questions_fresh3.rows(), "fresh3", BOILER, OCR, held_only=True)
