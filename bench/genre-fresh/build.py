"""Build bench/genre-fresh: the traditional documents from their simplified drafts, then queries.jsonl from
src/questions_fresh.py, checking that every expected phrase, gold answer and unanswerable topic phrase is in its
document. Reuses bench/genre/src/build.py (phrase lookup in the folded text, row format) so both sets are
written and checked the same way. Run from the repo root: .venv/bin/python bench/genre-fresh/build.py
"""
from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).parent
# bench/genre/src first: this file is also called build.py.
sys.path[:0] = [str(HERE.parent / "genre" / "src"), str(HERE / "src")]

import fresh_build  # noqa: E402  (bench/genre/src/fresh_build.py)
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


if __name__ == "__main__":
    fresh_build.build_set(HERE, questions_fresh.rows(), "fresh", BOILER, OCR, held_only=False)
