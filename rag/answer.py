"""Passages → a short extractive answer: the sentences that answer the question, each cited exactly.

Sentences of the best passages are scored by how much of the question they cover (keyword terms, weighted by
length, so '12345' or '农贸市场' count more than '市') and by dense similarity to the question. The best one
is kept, plus a few close runners-up while the answer stays short; near-duplicates (chunk overlap, the same
text in two documents) are dropped. When the best evidence is weak we say so instead of answering.
"""
from __future__ import annotations

import re
import time

from .chunk import sentences
from .config import Config
from .embed import Embedder
from .normalize import cjk_ratio, fold, is_cjk, search_form
from .records import Answer, Citation, Passage
from .retrieve import Query

NOT_FOUND = "文档中没有找到相关内容。(Not found in the documents.)"
PASSAGES_FOR_SENTENCES = 3
MIN_SENTENCE_CHARS = 12


def _coverage(query_terms: set[str], text_search_form: str) -> float:
    if not query_terms:
        return 0.0
    total = sum(len(t) for t in query_terms)
    return sum(len(t) for t in query_terms if t in text_search_form) / total


def matchable_terms(query: Query) -> set[str]:
    """Terms that can occur in Chinese text: Chinese words, numbers, and Latin tokens with a digit or in capitals
    in the question (GDP, PPP, 5G). Plain English words ('mayor') cannot, so they must not count as missing."""
    if cjk_ratio(query.text) >= 0.5:
        return set(query.terms)
    upper = {w.lower() for w in re.findall(r"\b[A-Z][A-Z0-9]+\b", query.text)}
    return {t for t in query.terms if any(ch.isdigit() or is_cjk(ch) for ch in t) or t in upper}


def relevance(query: Query, passages: list[Passage]) -> float:
    """0..1: how well the best passage answers the question (keyword coverage and dense similarity).
    Without any matchable keyword (an English question in plain words) only the dense similarity speaks;
    cross-lingual cosines run lower, hence the scale."""
    if not passages:
        return 0.0
    terms = matchable_terms(query)
    best = 0.0
    for p in passages[:PASSAGES_FOR_SENTENCES]:
        dense = max(p.dense, 0.0)
        score = 0.5 * _coverage(terms, search_form(p.chunk.text)) + 0.5 * dense if terms else dense / 0.6
        best = max(best, score)
    return min(best, 1.0)


def compose(query: Query, passages: list[Passage], embedder: Embedder, config: Config,
            get_text) -> Answer:
    """get_text(doc_id) → the document's original text (sentences are cut from it, so quotes are exact)."""
    t0 = time.perf_counter()
    if not passages or relevance(query, passages) < config.abstain_threshold:
        return Answer(query.text, NOT_FOUND, [], True, passages, dict(query.timings_ms))
    cands = []  # (passage rank, passage, start, end)
    seen = set()
    for rank, p in enumerate(passages[:PASSAGES_FOR_SENTENCES]):
        doc_text = get_text(p.chunk.doc_id)
        for s, e in sentences(doc_text, p.chunk.start, p.chunk.end):
            key = search_form(doc_text[s:e]).strip()
            if key in seen:
                continue
            seen.add(key)
            cands.append((rank, p, s, e, doc_text[s:e]))
    vecs = embedder.encode([fold(c[4]) for c in cands])
    dense = vecs @ query.vector
    terms = matchable_terms(query)
    scored = []
    for (rank, p, s, e, text), d in zip(cands, dense):
        lex = _coverage(terms, search_form(text))
        short = 0.15 if len(text) < MIN_SENTENCE_CHARS else 0.0  # headings and fragments rarely answer
        score = 0.55 * lex + 0.45 * float(d) - 0.04 * rank - short
        scored.append((score, rank, p, s, e, text))
    scored.sort(key=lambda x: -x[0])
    chosen = [scored[0]]
    used = len(scored[0][5])
    for cand in scored[1:]:
        if len(chosen) >= config.answer_sentences:
            break
        if cand[0] >= 0.85 * chosen[0][0] and used + len(cand[5]) <= config.answer_chars:
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
