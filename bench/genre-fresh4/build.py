"""Build bench/genre-fresh4: the traditional document from its simplified draft, then queries.jsonl from
src/questions_fresh4.py, checking that every expected phrase, gold answer and unanswerable topic phrase is in its
document. Reuses bench/genre/src/build.py (phrase lookup in the folded text, row format) through
bench/genre/src/fresh_build.py so all genre sets are written and checked the same way.
Run from the repo root: .venv/bin/python bench/genre-fresh4/build.py
"""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).parent
# bench/genre/src first: this file is also called build.py.
sys.path[:0] = [str(HERE.parent / "genre" / "src"), str(HERE / "src")]

import fresh_build  # noqa: E402  (bench/genre/src/fresh_build.py)
import questions_fresh4  # noqa: E402

# Web boilerplate around the traditional document (converted with the body).
BOILER = {
    "d02_novel_reservoir_move_trad.txt": (
        "松风文学 www.songfengwx.net > 官场职场 > 《市长》 > 第八十九章 最后二十六户\n"
        "首页 | 上一章 | 章节目录 | 下一章 | 加入书签 | 推荐本书\n\n",
        "\n\n（第八十九章完）\n"
        "喜欢本书请收藏：松风文学 www.songfengwx.net，更新最快的官场小说网站\n"
        "上一章 | 目录 | 下一章\n"),
}
# OCR-like substitutions on the body only, not those of the other fresh sets on purpose:
# 己→已 and 間→問 (look-alike glyphs), 鄉長→鄉畏 (a misread 長), full-width colon → ASCII colon.
OCR = (("己", "已"), ("間", "問"), ("鄉長", "鄉畏"), ("：", ":"))


if __name__ == "__main__":
    fresh_build.build_set(HERE, questions_fresh4.rows(), "fresh4", BOILER, OCR, held_only=True)
