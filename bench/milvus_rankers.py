"""Which fusion answers better over a Milvus index: our per-question fuse.py (two requests) or Milvus' own
rankers in one hybrid_search request? And which keyword side: our terms or Milvus' jieba analyzer?

    python bench/milvus_rankers.py BENCH_SET --milvus-uri X.db --milvus-collection NAME [--limit N]

--milvus-uri is what pymilvus takes: a Milvus Lite path ending in .db or http://host:port. The collection must
hold BENCH_SET/docs (e.g. `rag migrate` from the `rag eval` cache). Prints doc-level recall@1 and @5 per
method, over the same questions, vectors and terms.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time

from milvus_hybrid import MilvusChunks
from rag import fuse
from rag.config import Config
from rag.embed import Embedder
from rag.eval import load_set, sample
from rag.normalize import cjk_ratio, search_form
from rag.retrieve import Retriever
from rag.store import open_store

METHODS = ["dense", "bm25 terms", "bm25 jieba", "bm25 jieba (question text)", "fuse.py (ours)", "milvus rrf",
           "milvus weighted"]


def first_seen(doc_ids) -> list[str]:
    """Documents in the order of their best chunk."""
    return list(dict.fromkeys(doc_ids))


def rankings(q, retriever, store, milvus: MilvusChunks, live: set[str], n: int) -> dict:
    """method → a function giving the ranked doc ids for question `q` (timed by the caller)."""
    query = retriever.query(q.question)
    keyword = store.bm25_search(query.terms, n)
    matched = {t for _, _, m in keyword for t in m}
    share = len(matched & set(query.terms)) / len(set(query.terms)) if query.terms else 0.0
    w = fuse.weights_for(cjk_ratio(query.text), share)
    return {
        "dense": lambda: [c.doc_id for c, _ in store.dense_search(query.vector, n)],
        "bm25 terms": lambda: milvus.keyword_search(query.terms, n, "terms_bm25", live),
        "bm25 jieba": lambda: milvus.keyword_search(query.terms, n, "search_bm25", live),
        # Milvus' analyzer over the question's own search form (what a client without our tokenizer sends)
        "bm25 jieba (question text)": lambda: milvus.keyword_search(search_form(q.question), n, "search_bm25",
                                                                    live),
        "fuse.py (ours)": lambda: [p.chunk.doc_id for p in retriever.search(query, 10)],
        "milvus rrf": lambda: milvus.hybrid_search(query.vector, query.terms, n, "rrf", live=live),
        "milvus weighted": lambda: milvus.hybrid_search(query.vector, query.terms, n, "weighted",
                                                        (w.dense, w.bm25), live=live),
    }


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("set")
    p.add_argument("--milvus-uri", required=True)
    p.add_argument("--milvus-collection", required=True)
    p.add_argument("--model", default=None)
    p.add_argument("--limit", type=int, default=None)
    args = p.parse_args()
    config = Config.from_env(store="milvus", milvus_uri=args.milvus_uri, milvus_collection=args.milvus_collection,
                             model=args.model)
    data = load_set(args.set)
    queries = sample(data.queries, args.limit)
    store = open_store(config)
    milvus = MilvusChunks.open(args.milvus_uri, args.milvus_collection, config.milvus_token,
                               store.manifest.get("milvus", {}).get("dense_index", ""))
    retriever = Retriever(store, Embedder(config.model, config.device, config.embed_batch_size), config)
    names = {d.id: {os.path.basename(s) for s in d.sources} for d in store.documents()}
    live = set(names)
    ranks = {m: [] for m in METHODS}
    secs = {m: 0.0 for m in METHODS}
    for q in queries:
        for m, fn in rankings(q, retriever, store, milvus, live, config.candidates).items():
            t0 = time.perf_counter()
            docs = fn()
            secs[m] += time.perf_counter() - t0
            gold = [i for i, d in enumerate(first_seen(docs)) if q.doc in names.get(d, ())]
            ranks[m].append(gold[0] + 1 if gold else None)
    out = {}
    for m in METHODS:
        r = ranks[m]
        out[m] = {"recall@1": round(sum(1 for x in r if x == 1) / len(r), 4),
                  "recall@5": round(sum(1 for x in r if x and x <= 5) / len(r), 4),
                  "ms_per_query": round(secs[m] / len(r) * 1e3, 1)}
    print(json.dumps({"set": os.path.basename(os.path.normpath(args.set)), "n": len(queries), **out},
                     ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
