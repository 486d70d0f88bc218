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
import logging
import os
import re
import uuid
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from ..normalize import search_form
from ..records import Chunk, Document
from .base import DocRecord, DocRecordsView, IndexMismatch, StoreError

FORMAT = 1
TEXT_PART = 16_000  # characters per text row: 4 bytes each at worst, under the 65,535-byte VARCHAR limit
MAX_VARCHAR = 65_535
BATCH_ROWS = 256  # rows per upsert: keeps a gRPC message far below its size limit
K1, B = 1.2, 0.75  # as the local backend's BM25 (store/bm25.py)
MANIFEST_PK = "@manifest"
QUERY_MAX = 16_384  # Milvus' cap on one query's offset + limit
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,200}$")
_NON_WORD = re.compile(r"\W+")


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def term_token(term: str) -> str:
    """One term as one token for both analyzers we may get: Milvus' `whitespace` tokenizer, and Milvus Lite's
    `standard` (\\w+ runs, lower-cased), which has no whitespace tokenizer. Terms are lower case already."""
    return _NON_WORD.sub("_", term.lower())


def parse_target(target: str) -> tuple[str, str | None]:
    """`milvus://host:19530[?collection=NAME]`, `milvus:///path/x.db[?collection=NAME]`, a plain Milvus URI
    (`http://…`, `https://…`, a path ending in .db) → (pymilvus URI, collection name or None)."""
    uri, _, query = target.partition("?")
    collection = None
    for part in filter(None, query.split("&")):
        key, _, value = part.partition("=")
        if key != "collection" or not value:
            raise StoreError(f"'{target}': the only option after '?' is collection=NAME")
        collection = value
    if uri.startswith("milvus+https://"):
        uri = "https://" + uri[len("milvus+https://"):]
    elif uri.startswith("milvus://"):
        rest = uri[len("milvus://"):]
        uri = rest if rest.startswith(("/", ".")) or rest.endswith(".db") else "http://" + rest
    return uri, collection


def _is_lite_path(uri: str) -> bool:
    return "://" not in uri


class MilvusStore(DocRecordsView):
    def __init__(self, client, name: str, uri: str, manifest: dict, keyword: str):
        self.client, self.name, self.uri = client, name, uri
        self.chunks_col, self.docs_col = f"{name}_chunks", f"{name}_docs"
        self.manifest = manifest
        self.keyword = keyword
        self._docs: dict[str, DocRecord] = {}
        self._by_source: dict[str, str] = {}
        self._text_cache: dict[str, str] = {}
        self._generation = None
        self._load_records()

    # ---------- opening ----------
    @classmethod
    def open(cls, config, create: bool = False, model_dim: int | None = None) -> "MilvusStore":
        uri, name = parse_target(str(config.milvus_uri))
        name = name or config.milvus_collection
        if not _NAME.match(name):
            raise StoreError(f"'{name}' is not a usable collection name: letters, digits and _, not starting "
                             f"with a digit")
        if config.milvus_keyword not in ("terms", "jieba"):
            raise StoreError(f"milvus_keyword is '{config.milvus_keyword}'; use 'terms' or 'jieba'")
        client = cls._connect(uri, config.milvus_token)
        where = f"'{name}' at {uri}"
        if not client.has_collection(f"{name}_docs"):
            if not create:
                raise StoreError(f"no index {where}; build one with: rag index PATH --store milvus "
                                 f"--milvus-uri {uri}" + (f" (collection {name})" if name != "rag" else ""))
            if not model_dim:
                raise StoreError(f"creating the Milvus index {where} needs the model's dimension")
            cls._create(client, name, config, model_dim)
        for col in (f"{name}_chunks", f"{name}_docs"):
            client.load_collection(col)
        manifest = cls._read_manifest(client, name, where)
        store = cls(client, name, uri, manifest, config.milvus_keyword)
        store.check(config, model_dim)
        return store

    @staticmethod
    def _connect(uri: str, token: str | None):
        try:
            from pymilvus import MilvusClient
        except ImportError:
            raise StoreError("the Milvus backend needs pymilvus (and milvus-lite for a .db path): "
                             "pip install 'rag-zh[milvus]'") from None
        # pymilvus logs every failed call with a traceback; we turn failures into one-line StoreErrors instead.
        logging.getLogger("pymilvus.decorators").setLevel(logging.CRITICAL)
        options = {}
        if _is_lite_path(uri):
            if not uri.endswith(".db"):
                raise StoreError(f"'{uri}' is neither http(s)://host:port nor a Milvus Lite path ending in .db")
            Path(uri).parent.mkdir(parents=True, exist_ok=True)
            import jieba  # Lite's jieba analyzer runs in this process: no "Building prefix dict" chatter
            jieba.setLogLevel(logging.WARNING)
            # pymilvus pings every 10 s; Lite's in-process gRPC server allows one per 5 minutes and answers
            # more with GOAWAY "too_many_pings" (logged, then reconnected).
            options = {"grpc_options": {"grpc.keepalive_time_ms": 300_000}}
        try:
            return MilvusClient(uri=uri, token=token or "", timeout=30, **options)
        except Exception as e:
            if _is_lite_path(uri) and (Path(uri) / "LOCK").exists():
                raise StoreError(
                    f"cannot open Milvus Lite at {uri}: another process has it open (Lite serves one process). "
                    f"To share it, run `milvus-lite server --data-dir {uri} --port 19530` and use "
                    f"--milvus-uri http://127.0.0.1:19530") from None
            raise StoreError(f"cannot connect to Milvus at {uri}: {_reason(e)}") from None

    @staticmethod
    def _is_lite(client) -> bool:
        try:
            return "lite" in str(client.get_server_version()).lower()
        except Exception:
            return False

    @classmethod
    def _create(cls, client, name: str, config, dim: int) -> None:
        from pymilvus import DataType, Function, FunctionType
        lite = cls._is_lite(client)
        terms_analyzer = "standard" if lite else "whitespace"  # Lite has no whitespace tokenizer; see term_token
        dense = ({"index_type": "FLAT", "params": {}} if lite else
                 {"index_type": "HNSW", "params": {"M": 16, "efConstruction": 200}})
        s = client.create_schema(auto_id=False, enable_dynamic_field=False)
        s.add_field("id", DataType.VARCHAR, is_primary=True, max_length=128)
        s.add_field("doc_id", DataType.VARCHAR, max_length=64)
        s.add_field("ordinal", DataType.INT64)
        s.add_field("char_start", DataType.INT64)
        s.add_field("char_end", DataType.INT64)
        s.add_field("text", DataType.VARCHAR, max_length=MAX_VARCHAR)
        s.add_field("terms", DataType.VARCHAR, max_length=MAX_VARCHAR, enable_analyzer=True,
                    analyzer_params={"tokenizer": terms_analyzer})
        s.add_field("search", DataType.VARCHAR, max_length=MAX_VARCHAR, enable_analyzer=True,
                    analyzer_params={"tokenizer": "jieba"})
        s.add_field("terms_bm25", DataType.SPARSE_FLOAT_VECTOR)
        s.add_field("search_bm25", DataType.SPARSE_FLOAT_VECTOR)
        s.add_field("vector", DataType.FLOAT_VECTOR, dim=dim)
        s.add_function(Function(name="terms_to_bm25", function_type=FunctionType.BM25,
                                input_field_names=["terms"], output_field_names=["terms_bm25"]))
        s.add_function(Function(name="search_to_bm25", function_type=FunctionType.BM25,
                                input_field_names=["search"], output_field_names=["search_bm25"]))
        ip = client.prepare_index_params()
        ip.add_index("vector", index_type=dense["index_type"], metric_type="IP", params=dense["params"])
        bm25 = {"bm25_k1": K1, "bm25_b": B}
        for field in ("terms_bm25", "search_bm25"):
            # pymilvus flattens `params` into the request; Milvus Lite 3.2 reads only a nested "params" JSON
            # (the older wire form, which a server reads too) and would silently keep its k1=1.5.
            ip.add_index(field, index_type="SPARSE_INVERTED_INDEX", metric_type="BM25",
                         params={"params": bm25} if lite else bm25)
        d = client.create_schema(auto_id=False, enable_dynamic_field=False)
        d.add_field("pk", DataType.VARCHAR, is_primary=True, max_length=128)
        d.add_field("doc_id", DataType.VARCHAR, max_length=64)
        d.add_field("kind", DataType.VARCHAR, max_length=16)
        d.add_field("part", DataType.INT64)
        d.add_field("info", DataType.VARCHAR, max_length=MAX_VARCHAR)
        d.add_field("text", DataType.VARCHAR, max_length=MAX_VARCHAR)
        d.add_field("v", DataType.FLOAT_VECTOR, dim=2)
        dp = client.prepare_index_params()
        dp.add_index("v", index_type="FLAT", metric_type="IP")
        try:
            # Strong consistency: an app server must see the commit another one just made.
            client.create_collection(f"{name}_chunks", schema=s, index_params=ip, consistency_level="Strong")
            client.create_collection(f"{name}_docs", schema=d, index_params=dp, consistency_level="Strong")
        except Exception as e:
            if not client.has_collection(f"{name}_docs"):  # not just another process creating it at once
                raise StoreError(f"cannot create the Milvus index '{name}': {_reason(e)}") from None
        if not client.get(f"{name}_docs", ids=[MANIFEST_PK], output_fields=["pk"]):
            import jieba
            manifest = {
                "format": FORMAT, "created": _now(), "updated": _now(), "generation": uuid.uuid4().hex,
                "versions": {"jieba": jieba.__version__, "server": str(client.get_server_version())},
                "model": {"name": config.model, "dim": dim},
                "tokenizer": {"name": "jieba-search", "bigrams": config.use_bigrams,
                              "user_dict": str(config.user_dict) if config.user_dict else None},
                "chunking": {"max_chars": config.chunk_chars, "overlap_chars": config.chunk_overlap_chars},
                "milvus": {"terms_analyzer": terms_analyzer, "dense_index": dense["index_type"],
                           "bm25": {"k1": K1, "b": B}},
                "counts": {"documents": 0, "chunks": 0},
            }
            client.upsert(f"{name}_docs", [_docs_row(MANIFEST_PK, "", "manifest", 0, info=manifest)])

    @staticmethod
    def _read_manifest(client, name: str, where: str) -> dict:
        rows = client.get(f"{name}_docs", ids=[MANIFEST_PK], output_fields=["info"])
        if not rows:
            raise StoreError(f"the Milvus index {where} has no manifest row; drop its collections "
                             f"({name}_chunks, {name}_docs) and rebuild it with rag index")
        manifest = json.loads(rows[0]["info"])
        if manifest.get("format") != FORMAT:
            raise IndexMismatch(f"the Milvus index {where} has format {manifest.get('format')}, this version "
                                f"reads {FORMAT}; rebuild it into another collection (--milvus-collection)")
        return manifest

    def check(self, config, model_dim: int | None = None) -> None:
        """Refuse an index built with another model, dimension or tokenizer, as the local backend does."""
        built, where = self.manifest["model"], f"'{self.name}' at {self.uri}"
        if built["name"] != config.model:
            raise IndexMismatch(f"Milvus index {where} was built with model '{built['name']}', not "
                                f"'{config.model}'; use --model {built['name']} or another collection")
        if model_dim is not None and built.get("dim") != model_dim:
            raise IndexMismatch(f"Milvus index {where} has {built['dim']}-dim vectors but the model gives "
                                f"{model_dim}; rebuild it into another collection")
        if self.manifest["tokenizer"]["bigrams"] != config.use_bigrams:
            raise IndexMismatch(f"Milvus index {where} was built with bigrams="
                                f"{self.manifest['tokenizer']['bigrams']}; rebuild it to change the tokenizer")

    # ---------- staying in step with other processes ----------
    def _load_records(self) -> None:
        rows = self._query_all('kind == "doc"', ["doc_id", "info"])
        docs = {r["doc_id"]: DocRecord.from_json(json.loads(r["info"])) for r in rows}
        self._docs = docs
        self._by_source = {s: d.id for d in docs.values() for s in d.sources}
        self._generation = self.manifest.get("generation")

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
        manifest = self._read_manifest(self.client, self.name, f"'{self.name}' at {self.uri}")
        if manifest.get("generation") == self._generation:
            return False
        self.manifest = manifest
        self._load_records()
        return True

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

    def hybrid_search(self, vector: np.ndarray, terms: list[str], k: int, ranker: str = "rrf",
                      weights: tuple[float, float] = (0.5, 0.5)) -> list[tuple[Chunk, float]]:
        """Dense + BM25 fused by Milvus' own ranker in one request ("rrf", k=60, or "weighted" with
        (dense, bm25) weights). Not used by retrieve.py, which fuses with per-question weights (fuse.py);
        kept to measure the two against each other (scripts/milvus_rankers.py)."""
        from pymilvus import AnnSearchRequest, RRFRanker, WeightedRanker
        if not self._docs or k <= 0:
            return []
        field, text = self._keyword_query(terms or [""])
        reqs = [AnnSearchRequest(data=[np.asarray(vector, dtype=np.float32).tolist()], anns_field="vector",
                                 param=self._dense_request(k), limit=k + 8),
                AnnSearchRequest(data=[text], anns_field=field, param={"metric_type": "BM25"}, limit=k + 8)]
        rk = RRFRanker(60) if ranker == "rrf" else WeightedRanker(*weights)
        res = self.client.hybrid_search(self.chunks_col, reqs, ranker=rk, limit=k + 8,
                                        output_fields=["doc_id", "char_start", "char_end", "text"])
        return [(self._chunk(h["entity"], h["id"]), float(h["distance"])) for h in self._live(res[0], k)]

    # ---------- writing ----------
    @contextlib.contextmanager
    def writer(self):
        """No lock: Milvus has none to offer. Writers on different documents never conflict (rows are keyed
        by content); two writers changing the same document's sources at once: the last commit wins."""
        self.refresh()
        w = _Writer(self)
        yield w
        if w.dirty:
            w.commit()
        self.refresh()

    def _upsert(self, collection: str, rows: list[dict]) -> None:
        for i in range(0, len(rows), BATCH_ROWS):
            try:
                self.client.upsert(collection, rows[i:i + BATCH_ROWS])
            except Exception as e:
                raise StoreError(f"writing to Milvus collection {collection} failed: {_reason(e)}") from None

    def _delete_docs(self, doc_ids: list[str]) -> None:
        for i in range(0, len(doc_ids), 200):
            ids = json.dumps(doc_ids[i:i + 200])
            self.client.delete(self.docs_col, filter=f'kind == "doc" and doc_id in {ids}')  # invisible first
            self.client.delete(self.chunks_col, filter=f"doc_id in {ids}")
            self.client.delete(self.docs_col, filter=f"doc_id in {ids}")


def _reason(e: Exception) -> str:
    return str(getattr(e, "message", "") or e).splitlines()[0][:300]


def _docs_row(pk: str, doc_id: str, kind: str, part: int, info: dict | None = None, text: str = "") -> dict:
    return {"pk": pk, "doc_id": doc_id, "kind": kind, "part": part, "text": text, "v": [1.0, 0.0],
            "info": json.dumps(info, ensure_ascii=False) if info is not None else ""}


def _fits(value: str, what: str) -> str:
    if len(value.encode("utf-8")) > MAX_VARCHAR:
        raise StoreError(f"{what} is over Milvus' {MAX_VARCHAR}-byte VARCHAR limit; use a smaller chunk size")
    return value


class _Writer:
    def __init__(self, store: MilvusStore):
        self.store = store
        self.docs = {k: DocRecord.from_json(json.loads(json.dumps(v.to_json()))) for k, v in store._docs.items()}
        self.new: dict[str, tuple[Document, list[Chunk], np.ndarray, list[list[str]]]] = {}
        self.changed: set[str] = set()
        self.removed: set[str] = set()
        self.dirty = False

    def add(self, doc: Document, chunks: list[Chunk], vectors: np.ndarray, terms: list[list[str]],
            record: DocRecord | None = None) -> None:
        """Add a document (or replace the one with the same id); visible at commit. `record` (migration)
        keeps an existing record's fields instead of making a new one."""
        for other in list(self.docs.values()):  # a source now has new content: drop it from the old doc
            if doc.source in other.sources and other.id != doc.id:
                self._drop_source(other.id, doc.source)
        self.new[doc.id] = (doc, chunks, vectors, terms)
        self.docs[doc.id] = record or DocRecord(
            id=doc.id, sources=[doc.source], chunks=len(chunks), chars=len(doc.text),
            encoding=doc.meta.get("encoding", "utf-8"), added=_now(), segment="milvus",
            meta={"bytes": doc.meta.get("bytes", 0)})
        self.changed.add(doc.id)
        self.removed.discard(doc.id)
        self.dirty = True

    def add_source(self, doc_id: str, source: str) -> None:
        for other in list(self.docs.values()):
            if source in other.sources and other.id != doc_id:
                self._drop_source(other.id, source)
        if source not in self.docs[doc_id].sources:
            self.docs[doc_id].sources.append(source)
            self.changed.add(doc_id)
            self.dirty = True

    def _drop_source(self, doc_id: str, source: str) -> None:
        rec = self.docs[doc_id]
        rec.sources = [s for s in rec.sources if s != source]
        if rec.sources:
            self.changed.add(doc_id)
        else:
            self.remove(doc_id)
        self.dirty = True

    def remove(self, doc_id: str) -> None:
        if doc_id not in self.docs:
            raise StoreError(f"no document '{doc_id}' in the index; see rag docs")
        del self.docs[doc_id]
        self.new.pop(doc_id, None)
        self.changed.discard(doc_id)
        self.removed.add(doc_id)
        self.dirty = True

    def remove_source(self, source: str) -> str | None:
        for rec in list(self.docs.values()):
            if source in rec.sources:
                self._drop_source(rec.id, source)
                return rec.id
        return None

    def commit(self) -> None:
        """Write in an order that keeps readers consistent (see the module docstring)."""
        s = self.store
        chunk_rows, text_rows = [], []
        for doc, chunks, vectors, terms in self.new.values():
            for part in range(0, max(len(doc.text), 1), TEXT_PART):
                text_rows.append(_docs_row(f"{doc.id}#{part // TEXT_PART}", doc.id, "text", part // TEXT_PART,
                                           text=doc.text[part:part + TEXT_PART]))
            for c, vec, ts in zip(chunks, np.asarray(vectors, dtype=np.float32), terms):
                chunk_rows.append({
                    "id": c.id, "doc_id": doc.id, "ordinal": int(c.id.rsplit(":", 1)[1]),
                    "char_start": c.start, "char_end": c.end, "text": _fits(c.text, f"chunk {c.id}"),
                    "terms": _fits(" ".join(term_token(t) for t in ts), f"the terms of chunk {c.id}"),
                    "search": _fits(search_form(c.text), f"chunk {c.id}"), "vector": vec.tolist()})
            if chunk_rows and len(chunk_rows[-1]["vector"]) != s.manifest["model"]["dim"]:
                raise IndexMismatch(f"vectors have {len(chunk_rows[-1]['vector'])} dimensions, the Milvus index "
                                    f"'{s.name}' {s.manifest['model']['dim']}")
        s._upsert(s.docs_col, text_rows)
        s._upsert(s.chunks_col, chunk_rows)
        s._upsert(s.docs_col, [_docs_row(i, i, "doc", 0, info=self.docs[i].to_json()) for i in sorted(self.changed)])
        s._delete_docs(sorted(self.removed))
        m = dict(s.manifest)
        m.update(updated=_now(), generation=uuid.uuid4().hex,
                 counts={"documents": len(self.docs), "chunks": sum(d.chunks for d in self.docs.values())})
        s._upsert(s.docs_col, [_docs_row(MANIFEST_PK, "", "manifest", 0, info=m)])
        self.new, self.changed, self.removed, self.dirty = {}, set(), set(), False


def migrate(local, target: MilvusStore, progress=None) -> tuple[int, int]:
    """Copy every document of a local index into a Milvus index, vectors and terms included (nothing is
    re-embedded or re-tokenized). Documents already there are skipped, so a rerun finishes an interrupted
    copy. Returns (documents copied, chunks copied).

    Reads the local backend's segments directly (`LocalStore._segments`); a `LocalStore.export()` would be the
    cleaner seam if the local backend grows one."""
    todo = [d for d in local.documents() if d.id not in target._docs]
    by_segment: dict[str, list[DocRecord]] = {}
    for d in todo:
        by_segment.setdefault(d.segment, []).append(d)
    n_docs = n_chunks = pending = 0
    with target.writer() as w:
        for sid, recs in by_segment.items():
            seg = local._segments[sid]
            for rec in recs:
                di = seg.doc_ids.index(rec.id)
                rows = np.flatnonzero(np.asarray(seg.doc_index) == di)
                rows = rows[np.argsort(np.asarray(seg.ordinals)[rows], kind="stable")]
                text = local.document_text(rec.id)
                chunks = [Chunk(id=f"{rec.id}:{int(seg.ordinals[r])}", doc_id=rec.id,
                                text=text[int(seg.starts[r]):int(seg.ends[r])],
                                start=int(seg.starts[r]), end=int(seg.ends[r])) for r in rows]
                vectors = np.asarray(seg.vectors[rows], dtype=np.float32)
                terms = seg.bm25.rows_terms(rows)
                doc = Document(id=rec.id, source=rec.sources[0] if rec.sources else rec.id, text=text, spans=())
                copy = DocRecord.from_json(rec.to_json())
                copy.segment = "milvus"
                w.add(doc, chunks, vectors, terms, record=copy)
                n_docs += 1
                n_chunks += len(chunks)
                pending += len(chunks)
                if pending >= 5000:  # commit in batches: an interrupted copy keeps what it committed
                    w.commit()
                    pending = 0
                if progress:
                    progress(n_docs, len(todo))
    return n_docs, n_chunks
