"""Fusion of the dense and keyword rankings: weighted reciprocal rank fusion, weights chosen per question.

Why adaptive: BM25 over jieba words is the stronger retriever for Chinese questions, and nearly blind for
English questions over Chinese text (only numbers and Latin tokens can match), where the multilingual dense
model is the one that works. Equal-weight fusion is worse than the better retriever on both.
"""
from __future__ import annotations

from dataclasses import dataclass

RRF_K = 60  # the usual constant: dampens the difference between rank 1 and rank 2


@dataclass(frozen=True)
class Weights:
    dense: float
    bm25: float


def weights_for(cjk_ratio: float, bm25_matched_share: float) -> Weights:
    """cjk_ratio: share of the question's letters that are Chinese characters (0..1).
    bm25_matched_share: share of the question's keyword terms found anywhere in the index (0..1)."""
    if cjk_ratio >= 0.5:
        return Weights(dense=0.35, bm25=1.0)
    # A mostly-English question: keywords only count as far as they matched (numbers, names, acronyms).
    return Weights(dense=1.0, bm25=0.2 + 0.6 * bm25_matched_share)


def rrf(rankings: list[tuple[list[str], float]], k: int = RRF_K) -> dict[str, float]:
    """rankings: (ids best first, weight). Returns id → fused score (higher is better)."""
    scores: dict[str, float] = {}
    for ids, weight in rankings:
        for rank, item in enumerate(ids):
            scores[item] = scores.get(item, 0.0) + weight / (k + rank + 1)
    return scores
