"""The "second look" (pseudo-relevance feedback) for English questions, measured by half (issue 18).

    .venv/bin/python bench/second_look.py ../shared/bench/xquad-en2zh-dev [--k 1,3,5] [--n 5,10,20]
        [--weight 0.05,0.1,0.2] [--gate 0.5]

When an English question's keyword side matched little (the share of its BM25 terms any candidate matched is
below --gate), the Chinese words of its top --k dense passages (jieba words of 2+ characters, not stopwords,
ranked by how many of those passages hold them times their IDF) are searched again with BM25, --n of them,
and that second BM25 score (relative to its best) is added to the shipped fused score with --weight. Recall@1
(document level, as `rag eval`) on both halves of bench/english_eval.py, for every combination and for the
shipped retrieval. Not shipped: it lost recall@1 on both halves at every setting tried (README "Answer
quality"); the top dense passages are as often a sibling paragraph as the answer, and their words pull
towards it. Measured again over the retrieval with candidate IDF (retrieve.local_idf): shipped A 0.8836 /
B 0.8822, the best second look (k=3 n=10 w=0.05) A 0.8776 / B 0.8721 (--k 1,3 --n 5,10 --weight 0.05,0.1).
"""
from __future__ import annotations

import argparse
import itertools
import os
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from english_eval import half  # noqa: E402
from rag.config import Config  # noqa: E402
from rag.eval import load_set  # noqa: E402
from rag.eval_index import open_index  # noqa: E402
from rag.normalize import is_cjk, search_form  # noqa: E402
from rag.retrieve import Retriever  # noqa: E402
from rag.stopwords import STOPWORDS  # noqa: E402
from rag.tokenize import idf, words  # noqa: E402

CANDIDATES = 50


def feedback_terms(store, query, k: int, n: int) -> list[str]:
    """The n strongest Chinese words of the top k dense passages."""
    held: Counter = Counter()
    for chunk, _ in store.dense_search(query.vector, k):
        held.update({w for w in words(search_form(chunk.text)) if len(w) >= 2 and is_cjk(w[0])
                     and w not in STOPWORDS})
    return sorted(held, key=lambda w: -held[w] * idf(w))[:n]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("folder")
    ap.add_argument("--k", default="1,3,5")
    ap.add_argument("--n", default="5,10,20")
    ap.add_argument("--weight", default="0.05,0.1,0.2")
    ap.add_argument("--gate", type=float, default=0.5, help="only when the matched share is below this")
    args = ap.parse_args()
    data = load_set(args.folder)
    assistant, _ = open_index(data.docs, Config.from_env())
    store = assistant.store()
    names = {d.id: {os.path.basename(s) for s in d.sources} for d in store.documents()}
    retriever = Retriever(store, assistant.embedder, assistant.config)
    grid = list(itertools.product(*(map(float, v.split(",")) for v in (args.k, args.n, args.weight))))
    hits: dict[str, Counter] = {"shipped": Counter(), **{f"k={int(k)} n={int(n)} w={w}": Counter()
                                                          for k, n, w in grid}}
    totals: Counter = Counter()
    for q in (q for q in data.queries if q.doc):
        h = half({"doc": q.doc, "split": q.split})
        totals[h] += 1
        query = retriever.query(q.question)
        passages = retriever.search(query, CANDIDATES)
        fused = {p.chunk.id: p.score for p in passages}
        doc_of = {p.chunk.id: p.chunk.doc_id for p in passages}
        hits["shipped"][h] += q.doc in names[doc_of[max(fused, key=fused.get)]]
        terms = set(query.terms)
        share = len({t for p in passages for t in p.matched} & terms) / len(terms) if terms else 0.0
        for k, n, w in grid:
            score = dict(fused)
            if share < args.gate:
                second = {c.id: s for c, s, _ in store.bm25_search(feedback_terms(store, query, int(k), int(n)),
                                                                    CANDIDATES) if c.id in score}
                best = max(second.values(), default=0.0)
                for cid, s in second.items():
                    score[cid] += w * s / best
            top = max(score, key=score.get)
            hits[f"k={int(k)} n={int(n)} w={w}"][h] += q.doc in names[doc_of[top]]
    for name, got in hits.items():
        print(f"{name:22s} " + "  ".join(f"{h} {got[h] / totals[h]:.4f}" for h in sorted(totals)), flush=True)


if __name__ == "__main__":
    main()
