"""Fusion of the dense and keyword evidence: a score per candidate, with weights that follow the question.

Why not plain reciprocal rank fusion: ranks throw away how much better the first hit is. Over Chinese questions
BM25 is the stronger retriever (doc-level recall@1 0.957 vs 0.671 dense on cmrc2018) and equal-weight RRF pulls
it down to 0.859; over English questions BM25 is nearly blind (0.075) and RRF drags the dense list down. So
we add scores on one scale: the cosine (0..1) plus a keyword part (0..1) whose weight follows the share of
Chinese in the question:

    score = cosine + w_bm25 · bm25 / best_bm25 + w_cover · coverage

- bm25 / best_bm25: the keyword score relative to this question's best hit (BM25 has no absolute scale).
- coverage: the share of the question's meaning units found in the passage, each unit counted once: a
  Chinese term, a number or Latin anchor ('12345', 'GDP'), or an English word through its dictionary
  translations (lexicon.py). It is what lets an English question use the Chinese text at all.
Weights: a Chinese question leans on BM25 (w_bm25 0.6); an English one on the dense cosine, with coverage as
a tie-breaker (0.2) and BM25 (which matches only anchors there) at 0.02-0.08, 0.1 more when it names people
or places in pinyin (their Chinese are then among its terms). An English question also adds the shares of its
pinyin names a passage's document holds, of its words' corpus-learned translations and of its capitalised
words' corpus terms the passage holds (retrieve.py). These are scale choices measured on the bench sets
(README, "Answer quality"); a mixed question interpolates by its CJK ratio.
`rrf()` stays for callers that only have ranks.
"""
from __future__ import annotations

from dataclasses import dataclass

RRF_K = 60  # the usual constant: dampens the difference between rank 1 and rank 2


# An English question's pinyin names found in a candidate's document (retrieve.py, pinyin.py): as decisive as
# BM25 is for a Chinese question, since a name in Chinese characters is exactly what BM25 would have matched.
NAME_WEIGHT = 0.3
# The share of an English question's words whose corpus-learned translation (corpus_terms.py) a passage holds;
# fitted on xquad-en2zh half A (0.1-0.6 tried), checked on half B.
LEARNED_WEIGHT = 0.3
# The share of an English question's capitalised words ('Warsaw', 'Huguenots') whose nearest corpus term (华沙,
# 胡格诺: corpus_terms.proper_words) a passage holds; a weak signal, since the nearest term is sometimes a
# neighbour (波兰 for Warsaw). 0.05-0.3 tried on xquad-en2zh half A, 0.1 kept.
PROPER_WEIGHT = 0.1
# The share of an English question's capitalised words whose foreign name by sound (马可尼 for Marconi:
# transliterate.py) a passage holds; 0.1-0.3 tried on xquad-en2zh half A, 0.1 kept (0.2 and 0.3 cost recall@1).
FOREIGN_WEIGHT = 0.1
ENGLISH_COVER = 0.2  # coverage of an English question's units (dictionary translations, anchors)
ENGLISH_BM25 = (0.02, 0.06)  # BM25 of an English question: base + this much times the share of terms matched
# … plus this when it names people or places in pinyin: their Chinese are among its BM25 terms, and how often a
# passage says 杜宏远 tells which passage is about him as it would for a Chinese question.
NAME_BM25 = 0.1


@dataclass(frozen=True)
class Weights:
    dense: float
    bm25: float
    cover: float = 0.0
    names: float = 0.0
    learned: float = 0.0
    proper: float = 0.0
    foreign: float = 0.0


def weights_for(cjk_ratio: float, bm25_matched_share: float = 1.0, names: bool = False, learned: bool = False,
                proper: bool = False, foreign: bool = False) -> Weights:
    """cjk_ratio: share of the question's letters that are Chinese characters (0..1).
    bm25_matched_share: share of the question's keyword terms found in the candidates (0..1); with an
    English question these are its anchors (numbers, acronyms), so the more matched, the more BM25 counts.
    names: the question names people or places in pinyin that the corpus contains.
    proper: capitalised words of the question have a near corpus term (corpus_terms.proper_words)."""
    c = min(max(cjk_ratio, 0.0), 1.0)
    english_bm25 = ENGLISH_BM25[0] + ENGLISH_BM25[1] * bm25_matched_share + (NAME_BM25 if names else 0.0)
    return Weights(dense=1.0, bm25=c * 0.6 + (1 - c) * english_bm25, cover=(1 - c) * ENGLISH_COVER,
                   names=(1 - c) * NAME_WEIGHT if names else 0.0,
                   learned=(1 - c) * LEARNED_WEIGHT if learned else 0.0,
                   proper=(1 - c) * PROPER_WEIGHT if proper else 0.0,
                   foreign=(1 - c) * FOREIGN_WEIGHT if foreign else 0.0)


def combine(dense: dict[str, float], bm25: dict[str, float], cover: dict[str, float], w: Weights,
            named: dict[str, float] | None = None, learned: dict[str, float] | None = None,
            proper: dict[str, float] | None = None, foreign: dict[str, float] | None = None) -> dict[str, float]:
    """id → fused score. An id missing from the dense list gets that list's lowest cosine (it ranked below
    all of them); missing from BM25, coverage, `named` (the share of the names its document holds) or `learned`
    (the share of the question's words whose corpus-learned translation it holds) or `proper` (the same for its
    capitalised words) counts as 0."""
    floor = min(dense.values()) if dense else 0.0
    best = max(bm25.values()) if bm25 else 0.0
    named, learned, proper, foreign = named or {}, learned or {}, proper or {}, foreign or {}
    ids = set(dense) | set(bm25) | set(cover)
    return {i: w.dense * dense.get(i, floor)
            + (w.bm25 * bm25.get(i, 0.0) / best if best > 0 else 0.0)
            + w.cover * cover.get(i, 0.0) + w.names * named.get(i, 0.0) + w.learned * learned.get(i, 0.0)
            + w.proper * proper.get(i, 0.0) + w.foreign * foreign.get(i, 0.0) for i in ids}


def rrf(rankings: list[tuple[list[str], float]], k: int = RRF_K) -> dict[str, float]:
    """rankings: (ids best first, weight). Returns id → fused score (higher is better)."""
    scores: dict[str, float] = {}
    for ids, weight in rankings:
        for rank, item in enumerate(ids):
            scores[item] = scores.get(item, 0.0) + weight / (k + rank + 1)
    return scores
