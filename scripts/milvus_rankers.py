"""Which fusion answers better over a Milvus index: our per-question fuse.py (two requests) or Milvus' own
rankers in one hybrid_search request? And which keyword side: our terms or Milvus' jieba analyzer?

    python scripts/milvus_rankers.py BENCH_SET --milvus-uri X.db --milvus-collection NAME [--limit N]

The collection must hold BENCH_SET/docs (e.g. `rag migrate` from the `rag eval` cache). Prints doc-level
recall@1 and @5 per method, over the same questions, vectors and terms.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time

from rag.config import Config
from rag.embed import Embedder
from rag.eval import load_set, sample
from rag.normalize import cjk_ratio, search_form
from rag.retrieve import Retriever
from rag.store import open_store
from rag import fuse


def doc_ranking(store, chunk_ids_docs) -> list[str]:
    seen = []
    for doc_id in chunk_ids_docs:
        if doc_id not in seen:
            seen.append(doc_id)
    return seen


def main() -> int:
    p = argparse.ArgumentParser()
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
    embedder = Embedder(config.model, config.device, config.embed_batch_size)
    retriever = Retriever(store, embedder, config)
    names = {d.id: {os.path.basename(s) for s in d.sources} for d in store.documents()}
    methods = ["dense", "bm25 terms", "bm25 jieba", "bm25 jieba (question text)", "fuse.py (ours)", "milvus rrf",
               "milvus weighted"]
    ranks = {m: [] for m in methods}
    secs = {m: 0.0 for m in methods}
    n = config.candidates
    for q in queries:
        query = retriever.query(q.question)

        def timed(m, fn):
            t0 = time.perf_counter()
            docs = fn()
            secs[m] += time.perf_counter() - t0
            ranking = doc_ranking(store, docs)
            gold = [i for i, d in enumerate(ranking) if q.doc in names.get(d, ())]
            ranks[m].append(gold[0] + 1 if gold else None)

        timed("dense", lambda: [c.doc_id for c, _ in store.dense_search(query.vector, n)])
        store.keyword = "terms"
        keyword = store.bm25_search(query.terms, n)
        timed("bm25 terms", lambda: [c.doc_id for c, _, _ in store.bm25_search(query.terms, n)])
        store.keyword = "jieba"
        timed("bm25 jieba", lambda: [c.doc_id for c, _, _ in store.bm25_search(query.terms, n)])
        store.keyword = "terms"
        # Milvus' analyzer over the question's own search form (what a client without our tokenizer sends)
        timed("bm25 jieba (question text)", lambda: [h["entity"]["doc_id"] for h in store.client.search(
            store.chunks_col, data=[search_form(q.question)], anns_field="search_bm25", limit=n,
            search_params={"metric_type": "BM25"}, output_fields=["doc_id"])[0]])
        timed("fuse.py (ours)", lambda: [p.chunk.doc_id for p in retriever.search(query, 10)])
        timed("milvus rrf", lambda: [c.doc_id for c, _ in store.hybrid_search(query.vector, query.terms, n, "rrf")])
        matched = {t for _, _, m in keyword for t in m}
        share = len(matched & set(query.terms)) / len(set(query.terms)) if query.terms else 0.0
        w = fuse.weights_for(cjk_ratio(query.text), share)
        timed("milvus weighted", lambda: [c.doc_id for c, _ in store.hybrid_search(
            query.vector, query.terms, n, "weighted", (w.dense, w.bm25))])
    out = {}
    for m in methods:
        r = ranks[m]
        out[m] = {"recall@1": round(sum(1 for x in r if x == 1) / len(r), 4),
                  "recall@5": round(sum(1 for x in r if x and x <= 5) / len(r), 4),
                  "ms_per_query": round(secs[m] / len(r) * 1e3, 1)}
    print(json.dumps({"set": os.path.basename(os.path.normpath(args.set)), "n": len(queries), **out},
                     ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
