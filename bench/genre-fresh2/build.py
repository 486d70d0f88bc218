"""Build bench/genre-fresh2: the traditional document from its simplified draft, then queries.jsonl from
src/questions_fresh2.py, checking that every expected phrase, gold answer and unanswerable topic phrase is in its
document. Reuses bench/genre/src/build.py (phrase lookup in the folded text, row format) so all genre sets are
written and checked the same way. Run from the repo root: .venv/bin/python bench/genre-fresh2/build.py
"""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).parent
# bench/genre/src first: this file is also called build.py.
sys.path[:0] = [str(HERE.parent / "genre" / "src"), str(HERE / "src")]

import fresh_build  # noqa: E402  (bench/genre/src/fresh_build.py)
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


if __name__ == "__main__":
    fresh_build.build_set(HERE, questions_fresh2.rows(), "fresh2", BOILER, OCR, held_only=True)
