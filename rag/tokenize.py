"""Keyword terms for BM25: jieba search-mode words plus character bigrams of Chinese runs.

Input is the search form (normalize.search_form), so traditional/simplified and full/half-width agree.
Numbers and Latin tokens ("12345", "gdp", "ppp") survive as whole terms.
"""
from __future__ import annotations

import functools
import logging
import re
from pathlib import Path

from .normalize import is_cjk

_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_WORDLIKE = re.compile(r"[\w\u3400-\u4dbf\u4e00-\u9fff]", re.U)

# Function words that match everywhere and carry no topic; question words are here because the documents
# state facts, they do not ask.
STOPWORDS = frozenset("""
的 了 和 是 在 也 有 就 都 而 及 与 或 着 之 其 把 被 让 对 从 向 为 以 于 这 那 个 些 么 吗 呢 吧 啊 呀 哦 嗯
我 你 他 她 它 我们 你们 他们 她们 它们 自己 这个 那个 这些 那些 什么 怎么 怎样 如何 为什么 哪 哪里 哪些 哪个
多少 几 谁 是否 是不是 有没有 请问 一下 一个 没有 可以 能 会 要 说 并 但 还 又 很 最 更 所 等 等等 以及 如果 因为 所以
what which who whom whose when where why how is are was were be been being do does did done the a an of
to in on at by for with from as and or but not no it its this that these those there their they them he she
his her i you we our your me my about into than then so such can could would should will shall may might
""".split())


@functools.lru_cache(maxsize=4)
def _jieba(user_dict: str | None = None):
    import jieba
    jieba.setLogLevel(logging.WARNING)
    tk = jieba.Tokenizer()
    tk.initialize()
    if user_dict:
        path = Path(user_dict)
        if not path.is_file():
            raise FileNotFoundError(f"user dictionary {path} not found; give a text file with one word per line")
        tk.load_userdict(str(path))
    return tk


def terms(search_text: str, bigrams: bool = True, user_dict: str | None = None) -> list[str]:
    """BM25 terms of an already normalized text (search_form)."""
    out = [w for w in _jieba(user_dict).cut_for_search(search_text, HMM=True)
           if w not in STOPWORDS and _WORDLIKE.search(w) and not w.isspace()]
    if bigrams:
        for run in _CJK_RUN.findall(search_text):
            out.extend(b for b in (run[i:i + 2] for i in range(len(run) - 1)) if b not in STOPWORDS)
    return out


def words(search_text: str, user_dict: str | None = None) -> list[str]:
    """jieba's precise-mode words (no overlapping sub-words): the units a question is made of."""
    return list(_jieba(user_dict).cut(search_text, HMM=True))


@functools.lru_cache(maxsize=1)
def _idf_table() -> tuple[dict[str, float], float]:
    """jieba's IDF table (from a large general corpus, shipped with jieba): corpus-independent word weights."""
    import jieba.analyse  # importing it loads idf.txt once (default_tfidf): reuse that table
    table, median = jieba.analyse.default_tfidf.idf_loader.get_idf()
    return table, median


def known_idf(word: str) -> float | None:
    return _idf_table()[0].get(word)


def idf(word: str) -> float:
    """How specific a word is (about 1 for 的, 14 for a rare name); unknown words get the median (~12)."""
    table, median = _idf_table()
    return table.get(word, median)


def word_coverage(text: str) -> float:
    """Share of CJK characters that jieba places inside dictionary words of 2+ characters (0..1).
    Real Chinese scores ~0.6-0.9; mojibake from a wrong legacy codec scores far lower."""
    from .normalize import fold
    tk = _jieba(None)
    text = fold(text)
    cjk = sum(1 for ch in text if is_cjk(ch))
    if not cjk:
        return 0.0
    covered = sum(len(w) for w in tk.cut(text, HMM=False) if len(w) > 1 and is_cjk(w[0]) and w in tk.FREQ)
    return covered / cjk
