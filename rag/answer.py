"""Passages → a short extractive answer: the sentences that answer the question, each cited exactly.

Sentences of the best passages are scored by how much of the question they cover (retrieve.coverage: units
weighted by IDF, so '12345' or '农贸市场' count more than '市'; English words through their translations) and
by dense similarity to the question. Only a shortlist picked by coverage is embedded (embedding is the costly
step: ~10 ms a sentence on 2 cores), and sentence vectors are cached. The best sentence is kept, plus
runners-up while the answer stays short; near-duplicates (chunk overlap, the same text in two documents) are
dropped. Quotes are always the document's original text (a traditional document is quoted in traditional).

Abstention: `relevance()` is a logistic score of the best passage's coverage and cosine, calibrated on bench
questions asked against their own documents (answerable) and against another set's (unanswerable); see
README "Answer quality". Below Config.abstain_threshold we say "not found" and still return the passages.
"""
from __future__ import annotations

import math
import time
from collections import OrderedDict

import numpy as np

from .chunk import sentences
from .config import Config
from .embed import Embedder
from .normalize import fold, search_form
from .records import Answer, Citation, Passage
from .retrieve import Query, coverage

NOT_FOUND = "文档中没有找到相关内容。(Not found in the documents.)"
PASSAGES_FOR_SENTENCES = 3
SHORTLIST = 8           # sentences embedded per question
MIN_SENTENCE_CHARS = 12
RUNNER_UP_RATIO = 0.8   # a second sentence must score at least this share of the best one

# relevance = sigmoid(A·coverage + B·cosine + C), separately for Chinese and English questions (cjk ratio
# interpolates). Fitted by logistic regression on answerable vs unanswerable bench questions (README).
_ZH = (10.8, 10.7, -9.1)
_EN = (2.0, 9.7, -4.3)


class _VectorCache:
    """Sentence vectors by folded text (LRU): the same passages come back for related questions."""

    def __init__(self, size: int = 20000):
        self.size, self.data = size, OrderedDict()

    def get(self, embedder: Embedder, texts: list[str]) -> np.ndarray:
        key = embedder.name
        missing = [t for t in dict.fromkeys(texts) if (key, t) not in self.data]
        if missing:
            for t, v in zip(missing, embedder.encode(missing)):
                self.data[(key, t)] = v
            while len(self.data) > self.size:
                self.data.popitem(last=False)
        for t in texts:
            self.data.move_to_end((key, t))
        return np.stack([self.data[(key, t)] for t in texts]) if texts else np.zeros((0, 1), dtype=np.float32)


_cache = _VectorCache()


def _logit(query: Query, cover: float, cosine: float) -> float:
    c = query.cjk
    a, b, k = (c * z + (1 - c) * e for z, e in zip(_ZH, _EN))
    return a * cover + b * cosine + k


def relevance(query: Query, passages: list[Passage]) -> float:
    """0..1: how likely the best passages answer the question at all."""
    if not passages:
        return 0.0
    top = passages[:PASSAGES_FOR_SENTENCES]
    cover = max(coverage(query.units, search_form(p.chunk.text)) for p in top)
    cosine = max(max(p.dense, 0.0) for p in top)
    return 1 / (1 + math.exp(-_logit(query, cover, cosine)))


def compose(query: Query, passages: list[Passage], embedder: Embedder, config: Config,
            get_text) -> Answer:
    """get_text(doc_id) → the document's original text (sentences are cut from it, so quotes are exact)."""
    t0 = time.perf_counter()
    if not passages or relevance(query, passages) < config.abstain_threshold:
        return Answer(query.text, NOT_FOUND, [], True, passages, dict(query.timings_ms))
    cands = []  # (lexical score, passage rank, passage, start, end, text)
    seen = set()
    for rank, p in enumerate(passages[:PASSAGES_FOR_SENTENCES]):
        doc_text = get_text(p.chunk.doc_id)
        for s, e in sentences(doc_text, p.chunk.start, p.chunk.end):
            key = search_form(doc_text[s:e]).strip()
            if key in seen:
                continue
            seen.add(key)
            cands.append((coverage(query.units, key), rank, p, s, e, doc_text[s:e]))
    cands.sort(key=lambda c: (-c[0], c[1]))
    shortlist = cands[:SHORTLIST]
    dense = _cache.get(embedder, [fold(c[5]) for c in shortlist]) @ query.vector
    lex_weight = 0.35 + 0.25 * query.cjk  # coverage speaks louder in Chinese, where it is exact
    scored = []
    for (lex, rank, p, s, e, text), d in zip(shortlist, dense):
        short = 0.15 if len(text) < MIN_SENTENCE_CHARS else 0.0  # headings and fragments rarely answer
        score = lex_weight * lex + (1 - lex_weight) * float(d) - 0.04 * rank - short
        scored.append((score, rank, p, s, e, text))
    scored.sort(key=lambda x: -x[0])
    chosen = [scored[0]]
    used = len(scored[0][5])
    for cand in scored[1:]:
        if len(chosen) >= config.answer_sentences:
            break
        if cand[0] >= RUNNER_UP_RATIO * chosen[0][0] and used + len(cand[5]) <= config.answer_chars:
            chosen.append(cand)
            used += len(cand[5])
    # Read in document order within a passage, passages in rank order.
    chosen.sort(key=lambda c: (c[1], c[3]))
    citations, parts = [], []
    for n, (score, rank, p, s, e, text) in enumerate(chosen, 1):
        citations.append(Citation(n=n, doc_id=p.chunk.doc_id, chunk_id=p.chunk.id, source=p.source,
                                  start=s, end=e, quote=text, score=score))
        parts.append(f"{text}[{n}]")
    timings = dict(query.timings_ms)
    timings["answer"] = (time.perf_counter() - t0) * 1e3
    return Answer(query.text, "".join(parts) if _all_cjk_end(parts) else " ".join(parts),
                  citations, False, passages, timings)


def _all_cjk_end(parts: list[str]) -> bool:
    return all(not p[:1].isascii() for p in parts)
