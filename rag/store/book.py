"""The file-name ↔ document bookkeeping both store writers share.

A document is content-addressed (its id is a hash of its text) and listed under one or more source names (the
same bytes uploaded twice, or copied into two folders). A source names at most one document: adding new content
under a known name moves the name to the new document, and a document left without names is removed.

Records are replaced, never changed in place, so a snapshot that readers hold keeps its records as they were.
Lookups by source are O(1) through `by_source` (a 100k-file batch must not rescan the records per add).
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from ..records import Chunk, Document
from .base import DocRecord, StoreError, now


class RecordBook:
    def __init__(self, docs: dict[str, DocRecord], by_source: dict[str, str] | None = None):
        self.docs: dict[str, DocRecord] = dict(docs)
        self.by_source: dict[str, str] = dict(by_source) if by_source is not None else index_sources(docs)
        self.changed: set[str] = set()  # ids put or deleted since the last commit

    def put(self, rec: DocRecord) -> None:
        old = self.docs.get(rec.id)
        for s in old.sources if old else ():
            if self.by_source.get(s) == rec.id:
                del self.by_source[s]
        self.docs[rec.id] = rec
        self.by_source.update((s, rec.id) for s in rec.sources)
        self.changed.add(rec.id)

    def delete(self, doc_id: str) -> DocRecord:
        rec = self.docs.pop(doc_id)
        for s in rec.sources:
            if self.by_source.get(s) == doc_id:
                del self.by_source[s]
        self.changed.add(doc_id)
        return rec

    def claim(self, source: str, doc_id: str) -> None:
        """`source` is about to name `doc_id`: take it from the document that has it now."""
        other = self.by_source.get(source)
        if other is not None and other != doc_id:
            self.drop_source(other, source)

    def add_source(self, doc_id: str, source: str) -> None:
        """Same content under another name: list the name, index nothing twice."""
        self.claim(source, doc_id)
        rec = self.docs[doc_id]
        if source not in rec.sources:
            self.put(replace(rec, sources=rec.sources + [source]))

    def drop_source(self, doc_id: str, source: str) -> None:
        rec = self.docs[doc_id]
        sources = [s for s in rec.sources if s != source]
        if sources:
            self.put(replace(rec, sources=sources))
        else:
            self.delete(doc_id)

    def remove(self, doc_id: str) -> None:
        if doc_id not in self.docs:
            raise StoreError(f"no document '{doc_id}' in the index; see rag docs")
        self.delete(doc_id)

    def remove_source(self, source: str) -> str | None:
        """Drop one name; the document goes when it was its last. Returns the document id, or None."""
        doc_id = self.by_source.get(source)
        if doc_id is not None:
            self.drop_source(doc_id, source)
        return doc_id

    def counts(self) -> dict:
        return {"documents": len(self.docs), "chunks": sum(d.chunks for d in self.docs.values())}


def index_sources(docs: dict[str, DocRecord]) -> dict[str, str]:
    return {s: d.id for d in docs.values() for s in d.sources}


class BookWriter:
    """What both store writers do alike: stage added documents (keyed by id, insertion order kept, so a batch of
    100k files never rescans a list) and keep the books. Backends write the staged documents at commit."""
    pending_segment = "(pending)"

    def __init__(self, book: RecordBook):
        self.book = book
        self.new: dict[str, tuple[Document, list[Chunk], np.ndarray, list[list[str]]]] = {}

    @property
    def dirty(self) -> bool:
        return bool(self.book.changed)

    def stage(self, doc: Document, chunks: list[Chunk], vectors: np.ndarray, terms: list[list[str]],
              record: DocRecord | None = None) -> None:
        self.book.claim(doc.source, doc.id)  # a source now has new content: drop it from the old document
        self.new.pop(doc.id, None)  # re-added in this batch: the latest content wins, in the latest place
        self.new[doc.id] = (doc, chunks, vectors, terms)
        self.book.put(record or DocRecord(
            id=doc.id, sources=[doc.source], chunks=len(chunks), chars=len(doc.text),
            encoding=doc.meta.get("encoding", "utf-8"), added=now(), segment=self.pending_segment,
            meta={"bytes": doc.meta.get("bytes", 0)}))

    def add_source(self, doc_id: str, source: str) -> None:
        self.book.add_source(doc_id, source)

    def remove(self, doc_id: str) -> None:
        self.book.remove(doc_id)
        self.new.pop(doc_id, None)

    def remove_source(self, source: str) -> str | None:
        return self.book.remove_source(source)
