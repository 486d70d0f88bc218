"""The search side at 1M chunks, without encoding 1M chunks: the largest corpus's documents copied until the
count is reached, each copy's vectors the base index's vectors plus noise, its BM25 terms the base chunks' own.

The index is written through the store's public writer (add, commit): one commit per `--segments` share, so
the store's own merge policy decides the final layout, as it would for a user adding that much in batches.
"""
from __future__ import annotations

import itertools
import os
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from corpus import questions
from measure import du, exact_recall, pct, peak_rss_mb
from vectors import noisy


@dataclass
class BaseDoc:
    """One document of the base corpus as the index holds it: its chunks, their vectors and BM25 terms."""
    doc: object
    chunks: list
    vectors: np.ndarray
    terms: list[list[str]]


def base_documents(corpus: Path, base_store, config) -> list[BaseDoc]:
    """The corpus files that the base index holds, chunked as it chunked them, vectors read back from it."""
    from rag.chunk import chunk_document
    from rag.ingest import load
    from rag.normalize import search_form
    from rag.tokenize import terms as keyword_terms
    user_dict = str(config.user_dict) if config.user_dict else None
    out, seen = [], set()
    for f in sorted(corpus.glob("*.txt")):
        doc = load(f, config.max_file_bytes, source=os.path.normpath(str(f)))
        if doc.id in seen:
            continue
        seen.add(doc.id)
        chunks = chunk_document(doc, config.chunk_chars, config.chunk_overlap_chars)
        got = base_store.chunk_vectors([c.id for c in chunks])
        if not chunks or len(got) != len(chunks):
            continue  # not in the base index as chunked here: leave it out rather than guess
        # Interned: ten copies of every term list share their strings (1M chunks of fresh strings: many GB).
        terms = [[sys.intern(t) for t in keyword_terms(search_form(c.text), config.use_bigrams, user_dict)]
                 for c in chunks]
        out.append(BaseDoc(doc, chunks, np.vstack([got[c.id] for c in chunks]), terms))
    return out


def copies(base: list[BaseDoc], rng: np.random.Generator):
    """Endless copies of the base documents (copy n of document d has id "<d>v<n>"), vectors with noise."""
    for n in itertools.count():
        for b in base:
            key = f"{b.doc.id}v{n}"
            doc = replace(b.doc, id=key, source=f"synthetic/{key}", meta={})
            chunks = [replace(c, id=f"{key}:{i}", doc_id=key) for i, c in enumerate(b.chunks)]
            yield doc, chunks, noisy(b.vectors, rng), b.terms


def build(a, config) -> float:
    """Write the synthesized index; seconds taken."""
    from rag.store import StoreError, open_store
    t0 = time.perf_counter()
    base_store = open_store(replace(config, index_dir=Path(a.base_index)))
    base = base_documents(Path(a.corpus), base_store, config)
    if not base:
        raise StoreError(f"no document of {a.corpus} found in {a.base_index}")
    store = open_store(config, create=True, model_dim=base[0].vectors.shape[1])
    per_segment = a.n // a.segments
    written, target = 0, per_segment
    with store.writer() as w:
        for doc, chunks, vecs, terms in copies(base, np.random.default_rng(0)):
            w.add(doc, chunks, vecs, terms)
            written += len(chunks)
            if written >= target:
                w.commit()
                print(f"  1M: {written:,} chunks committed ({time.perf_counter() - t0:.0f}s)", file=sys.stderr)
                target += per_segment
                if written >= a.n:
                    break
    return time.perf_counter() - t0


def worker_1m(a) -> dict:
    """Search side at 1M chunks: encode + dense + BM25 latency, recall of the dense side against exact."""
    from rag import Config
    from rag.embed import Embedder
    from rag.normalize import fold, search_form
    from rag.store import open_store
    from rag.tokenize import terms as keyword_terms
    index = Path(a.index)
    config = Config(index_dir=index)
    built = None
    if not (index / "manifest.json").exists():
        built = build(a, config)
    t0 = time.perf_counter()
    store = open_store(config)
    open_s = time.perf_counter() - t0
    emb = Embedder(config.model).load()
    qs = questions(a.queries + 10)
    enc, dense, bm25, total, qvecs = [], [], [], [], []
    for i, q in enumerate(qs):
        t = time.perf_counter()
        v = emb.encode([fold(q)])[0]
        t1 = time.perf_counter()
        ts = keyword_terms(search_form(q))
        t2 = time.perf_counter()
        store.dense_search(v, 50)
        t3 = time.perf_counter()
        store.bm25_search(ts, 50)
        t4 = time.perf_counter()
        if i >= 10:
            enc.append((t1 - t) * 1e3)
            dense.append((t3 - t2) * 1e3)
            bm25.append((t4 - t3) * 1e3)
            total.append((t4 - t) * 1e3)
            qvecs.append(v)
    recall = exact_recall(store, qvecs[:30], 50)
    return {"chunks": store.chunk_count(), "build_seconds": built, "open_seconds": open_s,
            "segments": list(store.manifest.get("segments", [])),
            "search_p50": pct(total, 50), "search_p95": pct(total, 95), "search_p99": pct(total, 99),
            "encode_p50": pct(enc, 50), "dense_p50": pct(dense, 50), "dense_p99": pct(dense, 99),
            "bm25_p50": pct(bm25, 50), "bm25_p99": pct(bm25, 99), "dense_recall_at_50": recall,
            "disk_mb": du(index) / 2**20, "peak_rss_mb": peak_rss_mb()}
