"""Question → ranked passages: dense (FAISS) and BM25 (jieba) candidates, fused with per-question weights.

Besides the BM25 terms, a question is cut into meaning units (`Unit`): a Chinese word, a number or Latin
anchor, or an English word with its Chinese translations. `coverage()` (the IDF-weighted share of units a
text contains) re-ranks candidates in fuse.py and scores sentences and abstention in answer.py.
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, field

import numpy as np

from . import fuse, lexicon
from .config import Config
from .embed import Embedder
from .normalize import cjk_ratio, fold, is_cjk, search_form
from .records import Passage
from .store import Store
from .tokenize import STOPWORDS, idf, words
from .tokenize import terms as keyword_terms

_ANCHOR = re.compile(r"\d+(?:\.\d+)?|[A-Za-z][A-Za-z0-9]*")
ANCHOR_WEIGHT = 12.0  # a number or acronym is as specific as a rare word (jieba IDFs run 1-14)
ENGLISH_WEIGHT = 7.0  # an English word is known only through noisy translations: a middling weight


# Question words jieba keeps as words, which the documents do not contain (they state, not ask).
QUESTION_WORDS = frozenset("何时 何地 何处 何人 何种 哪年 哪项 哪种 哪位 哪天 哪国 哪家 哪所 哪座 哪部 哪次 "
                           "这位 该 曾 多 第 届 所有 叫 称为 指 name".split())


@dataclass(frozen=True)
class Unit:
    label: str
    forms: tuple[str, ...]  # search forms; any one of them in a text counts
    weight: float

    def found(self, text: str) -> float:
        """1 when a form occurs; for a long Chinese word also partial credit for its character pairs
        ('美国宇航局' in a text that says '宇航局'), since jieba's cut of the question and the document differ."""
        if any(f in text for f in self.forms):
            return 1.0
        w = self.forms[0]
        if len(self.forms) == 1 and len(w) >= 3 and is_cjk(w[0]):
            pairs = [w[i:i + 2] for i in range(len(w) - 1)]
            return sum(p in text for p in pairs) / len(pairs) * 0.8
        return 0.0


def _weight(word: str) -> float:
    """IDF, halved for a single character (it matches by chance); an unknown word (jieba's HMM glued it from
    a question, e.g. '这首') gets its characters' mean instead of the 'rare word' median."""
    from .tokenize import known_idf
    w = known_idf(word)
    if w is None:
        chars = [known_idf(ch) for ch in word]
        w = sum(c for c in chars if c) / max(1, sum(1 for c in chars if c)) if any(chars) else idf(word)
    return w * 0.5 if len(word) == 1 else w


@dataclass
class Query:
    text: str
    terms: list[str]
    vector: np.ndarray
    units: list[Unit] = field(default_factory=list)
    timings_ms: dict[str, float] = field(default_factory=dict)

    @property
    def cjk(self) -> float:
        return cjk_ratio(self.text)


def question_units(question: str, user_dict: str | None = None) -> list[Unit]:
    sf = search_form(question)
    units: dict[str, Unit] = {}
    english = cjk_ratio(question) < 0.5
    for w in words(sf, user_dict):
        if w in STOPWORDS or w in QUESTION_WORDS or not w.strip():
            continue
        if is_cjk(w[0]):
            units.setdefault(w, Unit(w, (w,), _weight(w)))
    for m in _ANCHOR.finditer(question):
        tok = m.group()
        # Digits always; Latin tokens only when they cannot be plain English words (GDP, 5G, a name in a
        # Chinese question), otherwise they go through the dictionary below.
        if any(ch.isdigit() for ch in tok) or not english or (tok.isupper() and len(tok) > 1):
            if tok.lower() not in STOPWORDS:
                units.setdefault(tok.lower(), Unit(tok, (tok.lower(),), ANCHOR_WEIGHT))
    if english:
        # A capitalized word after the first is a name ('France', 'Panthers'): as telling as an anchor.
        names = {w.lower() for w in re.findall(r"(?<=\S )[A-Z][a-z]+", question)}
        for word, translations in lexicon.translate(question):
            if word not in units:
                weight = ANCHOR_WEIGHT if word in names else ENGLISH_WEIGHT
                units[word] = Unit(word, tuple(search_form(t) for t in translations), weight)
    return list(units.values())


def coverage(units: list[Unit], text_search_form: str) -> float:
    """0..1: the weighted share of the question's units present in a text (already in search form)."""
    total = sum(u.weight for u in units)
    if not total:
        return 0.0
    return sum(u.weight * u.found(text_search_form) for u in units) / total


class Retriever:
    def __init__(self, store: Store, embedder: Embedder, config: Config):
        self.store, self.embedder, self.config = store, embedder, config

    def query(self, question: str) -> Query:
        user_dict = str(self.config.user_dict) if self.config.user_dict else None
        t0 = time.perf_counter()
        vec = self.embedder.encode([fold(question)])[0]
        t1 = time.perf_counter()
        ts = keyword_terms(search_form(question), bigrams=self.config.use_bigrams, user_dict=user_dict)
        units = question_units(question, user_dict)
        t2 = time.perf_counter()
        return Query(question, ts, vec, units, {"encode": (t1 - t0) * 1e3, "tokenize": (t2 - t1) * 1e3})

    def search(self, query: Query, top_k: int | None = None) -> list[Passage]:
        top_k = top_k or self.config.top_k
        n = max(self.config.candidates, top_k)
        t0 = time.perf_counter()
        dense = self.store.dense_search(query.vector, n)
        t1 = time.perf_counter()
        keyword = self.store.bm25_search(query.terms, n)
        t2 = time.perf_counter()
        by_id = {c.id: c for c, _ in dense} | {c.id: c for c, _, _ in keyword}
        dense_score = {c.id: s for c, s in dense}
        bm25_score = {c.id: (s, m) for c, s, m in keyword}
        matched = {t for _, _, m in keyword for t in m}
        share = len(matched & set(query.terms)) / len(set(query.terms)) if query.terms else 0.0
        w = fuse.weights_for(query.cjk, share)
        cover = {}
        if w.cover:
            cover = {cid: coverage(query.units, search_form(c.text)) for cid, c in by_id.items()}
        fused = fuse.combine(dense_score, {cid: s for cid, (s, _) in bm25_score.items()}, cover, w)
        best = sorted(fused, key=lambda i: -fused[i])[:top_k]
        t3 = time.perf_counter()
        query.timings_ms.update({"dense": (t1 - t0) * 1e3, "bm25": (t2 - t1) * 1e3, "fuse": (t3 - t2) * 1e3})
        floor = min(dense_score.values()) if dense_score else 0.0
        out = []
        for cid in best:
            chunk = by_id[cid]
            rec = self.store.document(chunk.doc_id)
            source = rec.sources[0] if rec and rec.sources else chunk.doc_id
            s, m = bm25_score.get(cid, (0.0, ()))
            # A chunk found only by BM25 ranked below every dense candidate: its cosine is at most the floor.
            out.append(Passage(chunk=chunk, source=source, score=fused[cid], dense=dense_score.get(cid, floor),
                               bm25=s, matched=m))
        return out
