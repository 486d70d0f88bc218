"""The one object the CLI, the UI and the HTTP API all call: index files, list/remove documents, ask."""
from __future__ import annotations

import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from . import answer as answering
from .chunk import chunk_document
from .config import Config
from .embed import Embedder
from .ingest import IngestError, find_files, load
from .normalize import fold, search_form
from .records import Answer, Document
from .retrieve import Retriever
from .store import DocRecord, Store, StoreError, open_store
from .tokenize import terms as keyword_terms

COMMIT_EVERY_CHARS = 2_000_000  # commit in batches: a crash or Ctrl-C loses at most one batch of work


class QuestionError(ValueError):
    """A question we refuse (empty, too long); str() says what to do."""


@dataclass
class IndexReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)  # one-line reasons
    warnings: list[str] = field(default_factory=list)  # indexed, but something was off (truncated, mixed)
    chunks: int = 0
    seconds: float = 0.0

    @property
    def indexed(self) -> list[str]:
        """The sources this run leaves in the index: new, updated, unchanged, or the duplicate of another."""
        return self.added + self.updated + self.unchanged + self.duplicates


class Assistant:
    def __init__(self, config: Config | None = None, embedder: Embedder | None = None):
        self.config = config or Config.from_env()
        self.embedder = embedder or Embedder(self.config.model, self.config.device, self.config.embed_batch_size)
        self._store: Store | None = None
        self._lock = threading.Lock()

    # ---------- storage ----------
    def store(self, create: bool = False) -> Store:
        with self._lock:
            if self._store is None:
                dim = self.embedder.dimension if create else None
                self._store = open_store(self.config, create=create, model_dim=dim)
            else:
                self._store.refresh()
            return self._store

    def documents(self) -> list[DocRecord]:
        return self.store().documents()

    def document_count(self) -> int:
        return self.store().document_count()

    def document_text(self, doc_id: str) -> str:
        return self.store().document_text(doc_id)

    # ---------- indexing ----------
    def _source_name(self, path: Path) -> str:
        return os.path.normpath(str(path))

    def index(self, paths: list[str | os.PathLike], progress: Callable[[int, int, str], None] | None = None
              ) -> IndexReport:
        """Add or update files and folders. progress(done, total, name) is called after each file."""
        t0 = time.perf_counter()
        report = IndexReport()
        files, problems = find_files(paths)
        report.failed.extend(problems)
        store = self.store(create=True)
        pending: list[Document] = []
        pending_ids: dict[str, Document] = {}
        pending_chars = 0
        with store.writer() as w:
            known_ids = {d.id for d in store.documents()}
            for i, path in enumerate(files):
                source = self._source_name(path)
                try:
                    doc = load(path, self.config.max_file_bytes, source=source)
                except IngestError as e:
                    report.failed.append(str(e))
                else:
                    if doc.meta.get("warning"):
                        report.warnings.append(doc.meta["warning"])
                    current = store.doc_for_source(source)
                    if current == doc.id:
                        report.unchanged.append(source)
                    elif doc.id in known_ids:  # same content under another name: list it, index it once
                        w.add_source(doc.id, source)
                        report.duplicates.append(source)
                    elif doc.id in pending_ids:
                        pending_ids[doc.id].meta.setdefault("also", []).append(source)
                        report.duplicates.append(source)
                    else:
                        (report.updated if current else report.added).append(source)
                        pending.append(doc)
                        pending_ids[doc.id] = doc
                        pending_chars += len(doc.text)
                if pending_chars >= COMMIT_EVERY_CHARS:
                    report.chunks += self._write(w, pending)
                    known_ids.update(pending_ids)
                    pending, pending_ids, pending_chars = [], {}, 0
                if progress:
                    progress(i + 1, len(files), source)
            report.chunks += self._write(w, pending)
        report.seconds = time.perf_counter() - t0
        return report

    def _write(self, writer, docs: list[Document]) -> int:
        """Chunk, embed (one batch across documents) and hand to the store's writer."""
        if not docs:
            return 0
        per_doc = [chunk_document(d, self.config.chunk_chars, self.config.chunk_overlap_chars) for d in docs]
        texts = [fold(c.text) for chunks in per_doc for c in chunks]
        user_dict = str(self.config.user_dict) if self.config.user_dict else None
        # The model runs in native code that releases the GIL: tokenize for BM25 (pure Python) meanwhile.
        with ThreadPoolExecutor(1, thread_name_prefix="embed-batch") as pool:
            pending = pool.submit(self.embedder.encode, texts, len(texts) > 200)
            terms = [[keyword_terms(search_form(c.text), self.config.use_bigrams, user_dict) for c in chunks]
                     for chunks in per_doc]
            vectors = pending.result()
        pos = 0
        for doc, chunks, doc_terms in zip(docs, per_doc, terms):
            vecs = vectors[pos:pos + len(chunks)]
            pos += len(chunks)
            writer.add(doc, chunks, vecs, doc_terms)
            for other in doc.meta.get("also", []):
                writer.add_source(doc.id, other)
        writer.commit()
        return sum(len(c) for c in per_doc)

    def remove(self, path_or_id: str) -> str:
        """Remove a document by id or by one of its sources; returns the removed id."""
        store = self.store()
        with store.writer() as w:
            if store.document(path_or_id):
                w.remove(path_or_id)
                return path_or_id
            doc_id = w.remove_source(self._source_name(Path(path_or_id)))
            if doc_id is None:
                raise StoreError(f"'{path_or_id}' is neither a document id nor an indexed file; see rag docs")
            return doc_id

    # ---------- asking ----------
    def check_question(self, question: str) -> str:
        # Control characters (pasted terminal output, NULs) carry nothing; drop them before anything else.
        q = "".join(ch for ch in (question or "") if ch.isprintable() or ch in " \t\n").strip()
        if not q:
            raise QuestionError("the question is empty; type a question")
        if not any(ch.isalnum() for ch in q):
            raise QuestionError("the question has no words, only punctuation or symbols; ask with words")
        if len(q) > self.config.max_question_chars:
            raise QuestionError(f"the question is {len(q)} characters long; the limit is "
                                f"{self.config.max_question_chars}, shorten it")
        return q

    def ask(self, question: str, top_k: int | None = None) -> Answer:
        q = self.check_question(question)
        t0 = time.perf_counter()
        store = self.store()
        retriever = Retriever(store, self.embedder, self.config)
        query = retriever.query(q)
        passages = retriever.search(query, top_k)
        result = answering.compose(query, passages, self.embedder, self.config, store.document_text)
        result.timings_ms["total"] = (time.perf_counter() - t0) * 1e3
        return result
