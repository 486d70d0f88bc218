"""Milvus' own searches over an index the Milvus store wrote, straight through pymilvus: its BM25 over either
keyword field, and its hybrid search fused by its own rankers (RRF or weighted) in one request.

Measurement only (bench/milvus_rankers.py compares them with our per-question fusion); the library's retrieval
never needs them, so they live here rather than in rag/store/milvus.py. The collection layout they read
("NAME_chunks": vector, terms_bm25, search_bm25, doc_id) is the one documented in rag/store/milvus.py.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

HEADROOM = 8  # extra hits asked for: rows of removed documents are dropped afterwards, as the store does


@dataclass
class MilvusChunks:
    client: object
    collection: str
    dense_index: str = ""  # "HNSW" takes an `ef`; the others take no parameters

    @classmethod
    def open(cls, uri: str, name: str, token: str | None = None, dense_index: str = "") -> "MilvusChunks":
        from pymilvus import MilvusClient
        client = MilvusClient(uri=uri, **({"token": token} if token else {}))
        collection = f"{name}_chunks"
        client.load_collection(collection)
        return cls(client, collection, dense_index)

    def _dense_params(self, k: int) -> dict:
        if self.dense_index == "HNSW":
            return {"metric_type": "IP", "params": {"ef": max(64, k)}}
        return {"metric_type": "IP"}

    @staticmethod
    def _keyword(terms: list[str], field: str) -> str:
        """The query text for a BM25 field: our terms as the store wrote them, or plain words for jieba."""
        if field == "terms_bm25":
            from rag.store.milvus import term_token  # the store's own token form: must not drift from it
            return " ".join(term_token(t) for t in terms)
        return " ".join(terms)

    @staticmethod
    def _doc_ids(hits, k: int, live: set[str] | None) -> list[str]:
        docs = [h["entity"]["doc_id"] for h in hits]
        return [d for d in docs if live is None or d in live][:k]

    def keyword_search(self, terms: list[str] | str, k: int, field: str = "terms_bm25",
                       live: set[str] | None = None) -> list[str]:
        """Doc ids of the best k chunks by Milvus' BM25 on `field` ("terms_bm25": our terms, "search_bm25":
        Milvus' jieba analyzer); a str is sent as it is (e.g. a question's search form)."""
        text = terms if isinstance(terms, str) else self._keyword(terms, field)
        res = self.client.search(self.collection, data=[text], anns_field=field, limit=k + HEADROOM,
                                 search_params={"metric_type": "BM25"}, output_fields=["doc_id"])
        return self._doc_ids(res[0], k, live)

    def hybrid_search(self, vector: np.ndarray, terms: list[str], k: int, ranker: str = "rrf",
                      weights: tuple[float, float] = (0.5, 0.5), field: str = "terms_bm25",
                      live: set[str] | None = None) -> list[str]:
        """Doc ids of the best k chunks by dense + BM25 fused by Milvus' ranker in one request ("rrf", k=60,
        or "weighted" with (dense, bm25) weights)."""
        from pymilvus import AnnSearchRequest, RRFRanker, WeightedRanker
        if k <= 0:
            return []
        reqs = [AnnSearchRequest(data=[np.asarray(vector, dtype=np.float32).tolist()], anns_field="vector",
                                 param=self._dense_params(k), limit=k + HEADROOM),
                AnnSearchRequest(data=[self._keyword(terms or [""], field)], anns_field=field,
                                 param={"metric_type": "BM25"}, limit=k + HEADROOM)]
        rk = RRFRanker(60) if ranker == "rrf" else WeightedRanker(*weights)
        res = self.client.hybrid_search(self.collection, reqs, ranker=rk, limit=k + HEADROOM,
                                        output_fields=["doc_id"])
        return self._doc_ids(res[0], k, live)
