"""The storage interface every backend implements (local files today, a distributed engine later).

A store holds documents (original text), their chunks (offsets), one vector and one bag of BM25 terms per
chunk. Writes go through `writer()`, a context manager whose exit commits atomically: readers see either the
state before or the state after, never a mix.

Optional (check with getattr): `chunk_vectors(chunk_ids) -> dict[chunk_id, vector]`, the stored unit vectors of
live chunks (unknown ids left out), so a chunk found only by BM25 gets its cosine without being encoded again.
"""
from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

import numpy as np

from ..records import Chunk, Document


class StoreError(Exception):
    """A problem with the index a user can fix; str() says how."""


class IndexMismatch(StoreError):
    """The index was built with other settings (model, dimension, tokenizer) than the ones asked for."""


def now() -> str:
    """Record and manifest times: UTC, to the second."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def chunk_id(doc_id: str, ordinal: int) -> str:
    """The one chunk-id format every backend stores and every citation carries: "<doc id>:<n>"."""
    return f"{doc_id}:{ordinal}"


def split_chunk_id(cid: str) -> tuple[str, int | None]:
    """(doc id, ordinal) of a chunk id; ordinal None when the id is not one of ours."""
    doc_id, _, ordinal = cid.rpartition(":")
    return doc_id, int(ordinal) if ordinal.isdigit() else None


def check_settings(manifest: dict, config, model_dim: int | None, where: str, other: str) -> None:
    """Refuse an index built with another model, dimension or tokenizer than the configured ones. `where` names
    the index in the message, `other` says where else to build ("another --index folder", "another collection")."""
    built = manifest["model"]
    if built["name"] != config.model:
        raise IndexMismatch(f"index {where} was built with model '{built['name']}', not '{config.model}'; "
                            f"use --model {built['name']} or {other}")
    if model_dim is not None and built.get("dim") not in (None, model_dim):
        raise IndexMismatch(f"index {where} has {built['dim']}-dim vectors but the model gives {model_dim}; "
                            f"rebuild it into {other}")
    bigrams = manifest["tokenizer"]["bigrams"]
    if bigrams != config.use_bigrams:
        raise IndexMismatch(f"index {where} was built with bigrams={bigrams}; rebuild it to change the tokenizer")


@dataclass
class DocRecord:
    id: str
    sources: list[str]
    chunks: int
    chars: int
    encoding: str
    added: str
    segment: str = ""
    meta: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        return {"id": self.id, "sources": self.sources, "chunks": self.chunks, "chars": self.chars,
                "encoding": self.encoding, "added": self.added, "segment": self.segment, **self.meta}

    @classmethod
    def from_json(cls, d: dict) -> DocRecord:
        known = _KNOWN
        return cls(**{k: v for k, v in d.items() if k in known}, meta={k: v for k, v in d.items() if k not in known})


_KNOWN = frozenset({"id", "sources", "chunks", "chars", "encoding", "added", "segment"})


class DocRecordsView:
    """The document-record reads both backends share; they expose `_docs` (id → DocRecord) and `_by_source`
    (source name → id) of their current snapshot."""
    _docs: dict[str, DocRecord]
    _by_source: dict[str, str]

    def documents(self) -> list[DocRecord]:
        return sorted(self._docs.values(), key=lambda d: d.added)

    def document_count(self) -> int:
        return len(self._docs)

    def document(self, doc_id: str) -> DocRecord | None:
        return self._docs.get(doc_id)

    def doc_for_source(self, source: str) -> str | None:
        return self._by_source.get(source)


class Writer(Protocol):
    def add(self, doc: Document, chunks: list[Chunk], vectors: np.ndarray, terms: list[list[str]]) -> None: ...
    def add_source(self, doc_id: str, source: str) -> None: ...
    def remove(self, doc_id: str) -> None: ...
    def remove_source(self, source: str) -> str | None: ...
    def commit(self) -> None: ...


class Store(Protocol):
    manifest: dict

    def documents(self) -> list[DocRecord]: ...
    def document_count(self) -> int: ...
    def document(self, doc_id: str) -> DocRecord | None: ...
    def doc_for_source(self, source: str) -> str | None: ...
    def document_text(self, doc_id: str) -> str: ...
    def chunk_count(self) -> int: ...
    def dense_search(self, vector: np.ndarray, k: int) -> list[tuple[Chunk, float]]: ...
    def bm25_search(self, terms: list[str], k: int) -> list[tuple[Chunk, float, tuple[str, ...]]]: ...
    def writer(self) -> AbstractContextManager[Writer]: ...
    def refresh(self) -> bool: ...
