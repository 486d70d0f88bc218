"""Commits to a Milvus index, ordered so readers stay consistent without multi-row transactions: chunk and text
rows first (invisible: searches drop chunks whose document record is absent), then the records that make them
visible, then removals (record first), then the manifest row whose new `generation` tells other processes."""
from __future__ import annotations

import json
import uuid

import numpy as np

from ..normalize import search_form
from ..records import Chunk, Document
from .base import DocRecord, IndexMismatch, StoreError, now, split_chunk_id
from .book import BookWriter, RecordBook
from .milvus import TEXT_PART, MilvusStore, term_token
from .milvus_setup import MANIFEST_PK, MAX_VARCHAR, docs_row


def _fits(value: str, what: str) -> str:
    if len(value.encode("utf-8")) > MAX_VARCHAR:
        raise StoreError(f"{what} is over Milvus' {MAX_VARCHAR}-byte VARCHAR limit; use a smaller chunk size")
    return value


class MilvusWriter(BookWriter):
    pending_segment = "milvus"

    def __init__(self, store: MilvusStore):
        super().__init__(RecordBook(store._docs, store._by_source))
        self.store = store

    def add(self, doc: Document, chunks: list[Chunk], vectors: np.ndarray, terms: list[list[str]],
            record: DocRecord | None = None) -> None:
        """Add a document (or replace the one with the same id); visible at commit. `record` (migration)
        keeps an existing record's fields instead of making a new one."""
        self.stage(doc, chunks, vectors, terms, record)

    def _rows(self) -> tuple[list[dict], list[dict]]:
        """(text rows, chunk rows) of the documents added since the last commit and still wanted."""
        s, chunk_rows, text_rows = self.store, [], []
        for doc, chunks, vectors, terms in self.new.values():
            if doc.id not in self.book.docs:
                continue
            for part in range(0, max(len(doc.text), 1), TEXT_PART):
                text_rows.append(docs_row(f"{doc.id}#{part // TEXT_PART}", doc.id, "text", part // TEXT_PART,
                                          text=doc.text[part:part + TEXT_PART]))
            for c, vec, ts in zip(chunks, np.asarray(vectors, dtype=np.float32), terms, strict=True):
                chunk_rows.append({
                    "id": c.id, "doc_id": doc.id, "ordinal": split_chunk_id(c.id)[1],
                    "char_start": c.start, "char_end": c.end, "text": _fits(c.text, f"chunk {c.id}"),
                    "terms": _fits(" ".join(term_token(t) for t in ts), f"the terms of chunk {c.id}"),
                    "search": _fits(search_form(c.text), f"chunk {c.id}"), "vector": vec.tolist()})
            if chunk_rows and len(chunk_rows[-1]["vector"]) != s.manifest["model"]["dim"]:
                raise IndexMismatch(f"vectors have {len(chunk_rows[-1]['vector'])} dimensions, the Milvus index "
                                    f"'{s.name}' {s.manifest['model']['dim']}")
        return text_rows, chunk_rows

    def commit(self) -> None:
        """Write in an order that keeps readers consistent (see the module docstring)."""
        s, book = self.store, self.book
        text_rows, chunk_rows = self._rows()
        s._upsert(s.docs_col, text_rows)
        s._upsert(s.chunks_col, chunk_rows)
        changed = sorted(book.changed)
        s._upsert(s.docs_col, [docs_row(i, i, "doc", 0, info=book.docs[i].to_json()) for i in changed
                               if i in book.docs])
        s._delete_docs([i for i in changed if i not in book.docs])
        m = json.loads(json.dumps(s.manifest))
        m.update(updated=now(), generation=uuid.uuid4().hex, counts=book.counts())
        s._upsert(s.docs_col, [docs_row(MANIFEST_PK, "", "manifest", 0, info=m)])
        s.publish(m, book.docs, book.by_source)
        self.new, book.changed = {}, set()
