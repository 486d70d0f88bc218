"""Retrieval inspection (命中测试, "hit test"): the ranked passages of a question with each part of their score,
the terms that matched, and whether the answer would abstain, and why.

It calls the same code as Assistant.ask (Retriever.query/search, fuse.weights_for, answer.relevance) and only
recomputes the parts that search() sums, so what it shows is what answering sees; it changes nothing. Used by
`POST /api/retrieve` and the UI's retrieval test tab.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from . import answer as answering
from . import fuse
from .followup import resolve, searcher
from .normalize import search_form
from .retrieve import Retriever
from .units import coverage


@dataclass
class ScoredPassage:
    rank: int
    doc_id: str
    chunk_id: str
    source: str
    start: int
    end: int
    text: str
    dense: float  # cosine of question and chunk
    bm25: float  # raw BM25 score
    bm25_norm: float  # BM25 / the best BM25 among the candidates (what fusion adds, before its weight)
    coverage: float  # share of the question's meaning units found in the chunk (0..1)
    # What an English question adds beyond those three (pinyin names, corpus-learned translations: retrieve.py),
    # weighted; computed as the rest of `fused`, so a part added to fusion later still shows here.
    other: float
    fused: float  # weights.dense*dense + weights.bm25*bm25_norm + weights.cover*coverage + other
    matched: list[str] = field(default_factory=list)


@dataclass
class Inspection:
    question: str
    search_query: str
    terms: list[str]  # the question's BM25 terms
    units: list[str]  # the question's meaning units (what coverage counts)
    weights: dict[str, float]  # fusion weights chosen for this question
    passages: list[ScoredPassage]
    relevance: float  # 0..1, answer.relevance over the top passages
    threshold: float  # below it the answer is 文档中没有找到相关内容
    features: dict[str, float]  # what relevance is computed from
    timings_ms: dict[str, float]

    @property
    def abstains(self) -> bool:
        return not self.passages or self.relevance < self.threshold

    @property
    def reason(self) -> str:
        f = self.features
        if not self.passages:
            return "没有检索到任何段落 (nothing retrieved: the knowledge base is empty)"
        verdict = (f"相关度 relevance {self.relevance:.3f} {'<' if self.abstains else '≥'} 阈值 threshold "
                   f"{self.threshold:.2f}: {'会拒答 would abstain' if self.abstains else '会作答 would answer'}")
        return (f"{verdict} (best coverage {f['coverage']:.2f}, two-sentence coverage {f['window']:.2f}, "
                f"best cosine {f['cosine']:.2f})")

    def to_json(self) -> dict:
        return {"question": self.question, "search_query": self.search_query, "terms": self.terms,
                "units": self.units, "weights": self.weights, "relevance": round(self.relevance, 4),
                "threshold": self.threshold, "abstains": self.abstains, "reason": self.reason,
                "features": {k: round(v, 4) for k, v in self.features.items()},
                "passages": [{**p.__dict__, **{k: round(getattr(p, k), 4) for k in
                                               ("dense", "bm25", "bm25_norm", "coverage", "other", "fused")}}
                             for p in self.passages],
                "timings_ms": {k: round(v, 2) for k, v in self.timings_ms.items()}}


def inspect_retrieval(assistant, question: str, top_k: int | None = None,
                      history: list[str] | None = None) -> Inspection:
    """What Assistant.ask would retrieve for `question` (with follow-up `history`), score part by score part."""
    q = assistant.check_question(question)
    store, config = assistant.store(), assistant.config
    query_text, query, passages = resolve(q, history, searcher(Retriever(store, assistant.embedder, config), top_k))
    # The parts search() summed: the same candidate lists, so the same BM25 maximum and weights.
    n = max(config.candidates, top_k or config.top_k)
    keyword = store.bm25_search(query.terms, n)
    matched = {t for _, _, m in keyword for t in m}
    share = len(matched & set(query.terms)) / len(set(query.terms)) if query.terms else 0.0
    w = fuse.weights_for(query.cjk, share)
    best = max((s for _, s, _ in keyword), default=0.0)
    out = []
    for rank, p in enumerate(passages, 1):
        norm = p.bm25 / best if best > 0 else 0.0
        cover = coverage(query.units, search_form(p.chunk.text))
        other = p.score - (w.dense * p.dense + w.bm25 * norm + w.cover * cover)
        out.append(ScoredPassage(rank, p.chunk.doc_id, p.chunk.id, p.source, p.chunk.start, p.chunk.end,
                                 p.chunk.text, p.dense, p.bm25, norm, cover, other if abs(other) > 1e-9 else 0.0,
                                 p.score, sorted(p.matched)))
    # Abstention exactly as answer.compose judges it (its follow-up weighting included).
    judged = answering._own_weights(query)
    relevance = answering.relevance(judged, passages) if passages else 0.0
    cover, window, cosine = answering.features(judged, passages) if passages else (0.0, 0.0, 0.0)
    return Inspection(q, query_text, list(query.terms), [u.label for u in query.units],
                      {"dense": w.dense, "bm25": round(w.bm25, 4), "cover": round(w.cover, 4)}, out, relevance,
                      config.abstain_threshold, {"coverage": cover, "window": window, "cosine": cosine},
                      dict(query.timings_ms))
