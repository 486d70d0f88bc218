"""The Milvus backend: the index lives in a Milvus server or cluster, or in embedded Milvus Lite (a `.db` path).

One index NAME is two collections:

    NAME_chunks  one row per chunk: id "<doc>:<n>", doc_id, ordinal, char_start, char_end, text (the original),
                 terms (our tokenize.terms joined by spaces → whitespace analyzer → BM25 function → terms_bm25),
                 search (the search form → Milvus' jieba analyzer → BM25 function → search_bm25), vector (dense)
    NAME_docs    one "doc" row per document record (sources, counts: JSON in `info`), its text as "text" rows of
                 TEXT_PART characters (a VARCHAR holds 65,535 bytes), and one "manifest" row (format, model,
                 dimension, tokenizer, and a `generation` that every commit changes). Milvus wants a vector field
                 in every collection, so this one carries a constant 2-d vector.

App servers keep no state of their own: `refresh()` (called on every request) reads the manifest row and
reloads the document records when another process committed. Milvus has no multi-row transactions, so a
commit orders its writes instead: chunk and text rows first (invisible: searches drop chunks whose document
record is absent), then the records that make them visible, then removals (record first), then the manifest.
A crash mid-commit leaves only invisible rows, overwritten by the next `rag index` (ids derive from content).
"""
from __future__ import annotations

import contextlib
import json
import re
import threading

import numpy as np

from ..records import Chunk
from .base import DocRecord, DocRecordsView, StoreError, check_settings
from .book import index_sources
from .milvus_setup import (  # noqa: F401
    FORMAT,
    MANIFEST_PK,
    MAX_VARCHAR,
    connect,
    docs_row,
    parse_target,
    read_manifest,
    reason,
)
from .milvus_setup import create as create_collections

TEXT_PART = 16_000  # characters per text row: 4 bytes each at worst, under the 65,535-byte VARCHAR limit
BATCH_ROWS = 256  # rows per upsert: keeps a gRPC message far below its size limit
QUERY_MAX = 16_384  # Milvus' cap on one query's offset + limit
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,200}$")
_NON_WORD = re.compile(r"\W+")


def term_token(term: str) -> str:
    """One term as one token for both analyzers we may get: Milvus' `whitespace` tokenizer, and Milvus Lite's
    `standard` (\\w+ runs, lower-cased), which has no whitespace tokenizer. Terms are lower case already."""
    return _NON_WORD.sub("_", term.lower())


class MilvusStore(DocRecordsView):
    def __init__(self, client, name: str, uri: str, manifest: dict, keyword: str):
        self.client, self.name, self.uri = client, name, uri
        self.chunks_col, self.docs_col = f"{name}_chunks", f"{name}_docs"
        self.keyword = keyword
        self._text_cache: dict[str, str] = {}
        self._reload_lock = threading.Lock()
        self._write_lock = threading.Lock()  # one writer per process; Milvus offers no lock across processes
        # (manifest, records, records by source): swapped as one, so a question never sees half a reload.
        self._state: tuple[dict, dict[str, DocRecord], dict[str, str]] = (manifest, {}, {})
        self._load_records(manifest)

    @property
    def manifest(self) -> dict:
        return self._state[0]

    @property
    def _docs(self) -> dict[str, DocRecord]:
        return self._state[1]

    @property
    def _by_source(self) -> dict[str, str]:
        return self._state[2]

    # ---------- opening ----------
    @classmethod
    def open(cls, config, create: bool = False, model_dim: int | None = None) -> MilvusStore:
        uri, name = parse_target(str(config.milvus_uri))
        name = name or config.milvus_collection
        if not _NAME.match(name):
            raise StoreError(f"'{name}' is not a usable collection name: letters, digits and _, not starting "
                             f"with a digit")
        if config.milvus_keyword not in ("terms", "jieba"):
            raise StoreError(f"milvus_keyword is '{config.milvus_keyword}'; use 'terms' or 'jieba'")
        client = connect(uri, config.milvus_token)
        where = f"'{name}' at {uri}"
        if not client.has_collection(f"{name}_docs"):
            if not create:
                raise StoreError(f"no index {where}; build one with: rag index PATH --store milvus "
                                 f"--milvus-uri {uri}" + (f" (collection {name})" if name != "rag" else ""))
            if not model_dim:
                raise StoreError(f"creating the Milvus index {where} needs the model's dimension")
            create_collections(client, name, config, model_dim)
        for col in (f"{name}_chunks", f"{name}_docs"):
            client.load_collection(col)
        manifest = read_manifest(client, name, where)
        store = cls(client, name, uri, manifest, config.milvus_keyword)
        store.check(config, model_dim)
        return store

    def check(self, config, model_dim: int | None = None) -> None:
        """Refuse an index built with another model, dimension or tokenizer, as the local backend does."""
        check_settings(self.manifest, config, model_dim, f"'{self.name}' at {self.uri}", "another collection")

    # ---------- staying in step with other processes ----------
    def _load_records(self, manifest: dict) -> None:
        rows = self._query_all('kind == "doc"', ["doc_id", "info"])
        docs = {r["doc_id"]: DocRecord.from_json(json.loads(r["info"])) for r in rows}
        self._state = (manifest, docs, index_sources(docs))

    def _query_all(self, expr: str, fields: list[str], prefix: str = "") -> list[dict]:
        """Every row of the docs collection matching expr. One query returns at most QUERY_MAX rows; past that,
        split by the next hex digit of the (sha256) document id. (query_iterator needs a timestamp call that
        Milvus Lite does not implement.)"""
        where = f'{expr} and doc_id like "{prefix}%"' if prefix else expr
        rows = self.client.query(self.docs_col, filter=where, output_fields=fields, limit=QUERY_MAX)
        if len(rows) < QUERY_MAX or len(prefix) >= 16:
            return rows
        return [r for c in "0123456789abcdef" for r in self._query_all(expr, fields, prefix + c)]

    def refresh(self) -> bool:
        """Pick up commits made by any process on this Milvus; True when something changed."""
        manifest = read_manifest(self.client, self.name, f"'{self.name}' at {self.uri}")
        if manifest.get("generation") == self.manifest.get("generation"):
            return False
        with self._reload_lock:
            manifest = read_manifest(self.client, self.name, f"'{self.name}' at {self.uri}")
            if manifest.get("generation") != self.manifest.get("generation"):
                self._load_records(manifest)
        return True

    def publish(self, manifest: dict, docs: dict[str, DocRecord], by_source: dict[str, str]) -> None:
        """A writer in this process committed: readers see it now."""
        with self._reload_lock:
            self._state = (manifest, dict(docs), dict(by_source))

    # ---------- reading ----------
    def document_text(self, doc_id: str) -> str:
        text = self._text_cache.get(doc_id)  # documents are content-addressed: a cached text never goes stale
        if text is None:
            rows = self.client.query(self.docs_col, filter=f'kind == "text" and doc_id == {json.dumps(doc_id)}',
                                     output_fields=["part", "text"], limit=16_384)
            if not rows:
                raise StoreError(f"no document '{doc_id}' in the Milvus index '{self.name}'; see rag docs")
            text = "".join(r["text"] for r in sorted(rows, key=lambda r: r["part"]))
            if len(self._text_cache) > 256:
                self._text_cache.clear()
            self._text_cache[doc_id] = text
        return text

    def chunk_count(self) -> int:
        return sum(d.chunks for d in self._docs.values())

    def chunk_vectors(self, chunk_ids: list[str]) -> dict[str, np.ndarray]:
        """Optional Store method (see base.py): stored vectors of live chunks; unknown ids are left out."""
        ids = [c for c in dict.fromkeys(chunk_ids) if c.rpartition(":")[0] in self._docs]
        if not ids:
            return {}
        rows = self.client.get(self.chunks_col, ids=ids, output_fields=["vector"])
        return {r["id"]: np.asarray(r["vector"], dtype=np.float32) for r in rows}

    def _chunk(self, entity: dict, hit_id: str) -> Chunk:
        return Chunk(id=hit_id, doc_id=entity["doc_id"], text=entity["text"],
                     start=int(entity["char_start"]), end=int(entity["char_end"]))

    def _live(self, hits, k: int):
        """Hits whose document record exists (see the module docstring), best first, at most k."""
        out = [h for h in hits if h["entity"]["doc_id"] in self._docs]
        return out[:k]

    def _dense_request(self, k: int) -> dict:
        if self.manifest["milvus"]["dense_index"] == "HNSW":
            return {"metric_type": "IP", "params": {"ef": max(64, k)}}
        return {"metric_type": "IP"}

    def dense_search(self, vector: np.ndarray, k: int) -> list[tuple[Chunk, float]]:
        if not self._docs or k <= 0:
            return []
        res = self.client.search(self.chunks_col, data=[np.asarray(vector, dtype=np.float32).tolist()],
                                 anns_field="vector", limit=min(k + 8, 16_384), search_params=self._dense_request(k),
                                 output_fields=["doc_id", "char_start", "char_end", "text"])
        return [(self._chunk(h["entity"], h["id"]), float(h["distance"])) for h in self._live(res[0], k)]

    def _keyword_query(self, terms: list[str]) -> tuple[str, str]:
        """(field, query text) for the chosen keyword mode."""
        if self.keyword == "jieba":
            return "search_bm25", " ".join(terms)
        return "terms_bm25", " ".join(term_token(t) for t in terms)

    def bm25_search(self, terms: list[str], k: int) -> list[tuple[Chunk, float, tuple[str, ...]]]:
        if not terms or not self._docs or k <= 0:
            return []
        field, text = self._keyword_query(terms)
        source = "terms" if self.keyword == "terms" else "search"
        res = self.client.search(self.chunks_col, data=[text], anns_field=field, limit=min(k + 8, 16_384),
                                 search_params={"metric_type": "BM25"},
                                 output_fields=["doc_id", "char_start", "char_end", "text", source])
        unique = list(dict.fromkeys(terms))
        out = []
        for h in self._live(res[0], k):
            e = h["entity"]
            if source == "terms":
                bag = set(e["terms"].split())
                matched = tuple(t for t in unique if term_token(t) in bag)
            else:
                matched = tuple(t for t in unique if t in e["search"])
            # Milvus reports a BM25 score; Milvus Lite its negation (a distance): the score is the magnitude.
            out.append((self._chunk(e, h["id"]), abs(float(h["distance"])), matched))
        return out

    # ---------- writing ----------
    @contextlib.contextmanager
    def writer(self):
        """Writers in one process take turns. Across processes Milvus offers no lock: writers on different
        documents never conflict (rows are keyed by content); two changing the same document's sources at once:
        the last commit wins."""
        from .milvus_writer import MilvusWriter
        with self._write_lock:
            self.refresh()
            w = MilvusWriter(self)
            yield w
            if w.dirty:
                w.commit()

    def _upsert(self, collection: str, rows: list[dict]) -> None:
        for i in range(0, len(rows), BATCH_ROWS):
            try:
                self.client.upsert(collection, rows[i:i + BATCH_ROWS])
            except Exception as e:
                raise StoreError(f"writing to Milvus collection {collection} failed: {reason(e)}") from None

    def _delete_docs(self, doc_ids: list[str]) -> None:
        for i in range(0, len(doc_ids), 200):
            ids = json.dumps(doc_ids[i:i + 200])
            self.client.delete(self.docs_col, filter=f'kind == "doc" and doc_id in {ids}')  # invisible first
            self.client.delete(self.chunks_col, filter=f"doc_id in {ids}")
            self.client.delete(self.docs_col, filter=f"doc_id in {ids}")


def migrate(local, target, progress=None):
    """See store/migrate.py (kept here for the callers that import it from the Milvus module)."""
    from .migrate import migrate as run
    return run(local, target, progress)
