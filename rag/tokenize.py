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
from .stopwords import STOPWORDS

_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_WORDLIKE = re.compile(r"[\w\u3400-\u4dbf\u4e00-\u9fff]", re.UNICODE)


@functools.lru_cache(maxsize=4)
def _jieba(user_dict: str | None = None):
    import jieba
    jieba.setLogLevel(logging.WARNING)
    from .startup_cache import jieba_tokenizer  # the prefix dictionary from a shard file, loaded as needed
    tk = jieba_tokenizer()
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
    from .startup_cache import idf_table  # jieba/analyse/idf.txt from a shard file, not via jieba.analyse
    return idf_table()


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
