"""The one object the CLI, the UI and the HTTP API all call: index files, list/remove documents, ask."""
from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from . import answer as answering
from .chunk import chunk_document
from .config import Config
from .conversation import contextualize
from .embed import Embedder
from .ingest import IngestError, find_files, load
from .normalize import fold, search_form
from .options import AskOptions, QuestionError
from .records import Answer, Document
from .retrieve import Retriever
from .store import DocRecord, Store, StoreError, open_store
from .tokenize import terms as keyword_terms

COMMIT_EVERY_CHARS = 2_000_000  # commit in batches: a crash or Ctrl-C loses at most one batch of work
EMBED_SLICE = 256  # chunks embedded between two looks at `should_stop` (a few seconds at most on 2 cores)

__all__ = ["Assistant", "Failure", "IndexCancelled", "IndexReport", "QuestionError"]


class IndexCancelled(Exception):
    """`should_stop` said stop: the batch in progress was not committed (earlier batches stay)."""


@dataclass(frozen=True)
class Failure:
    """A file that was not indexed and why; str() is the one-line message users see."""
    source: str
    reason: str

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}"

    @classmethod
    def from_message(cls, message: str, source: str | None = None) -> Failure:
        """From an ingest message "<source>: <reason>" (the form every ingest error takes)."""
        if source is not None and message.startswith(source + ": "):
            return cls(source, message[len(source) + 2:])
        head, sep, tail = message.partition(": ")
        return cls(head, tail) if sep else cls(source or "", message)


@dataclass
class IndexReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    failed: list[Failure] = field(default_factory=list)
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

    def index(self, paths: list[str | os.PathLike], progress: Callable[[int, int, str], None] | None = None,
              between: Callable[[], None] | None = None, should_stop: Callable[[], bool] | None = None,
              batch_chars: int | None = None) -> IndexReport:
        """Add or update files and folders. progress(done, total, name) is called after each file.

        Each batch of about `batch_chars` (default COMMIT_EVERY_CHARS) is written under its own writer, so other
        writers (a delete) wait for one batch, not the whole run; `between()` runs after each commit with no
        writer held. When `should_stop()` turns true the batch in progress is dropped and IndexCancelled raised."""
        t0 = time.perf_counter()
        report = IndexReport()
        files, problems = find_files(paths)
        report.failed.extend(Failure.from_message(p) for p in problems)
        store = self.store(create=True)
        i = 0
        while i < len(files) or i == 0:
            with store.writer() as w:
                i = self._index_batch(store, w, files, i, report, progress, should_stop,
                                      batch_chars or COMMIT_EVERY_CHARS)
            if i >= len(files):
                break
            if between:
                between()
        report.seconds = time.perf_counter() - t0
        return report

    def _index_batch(self, store: Store, w, files: list, i: int, report: IndexReport, progress, should_stop,
                     batch_chars: int) -> int:
        """Read files from i on until a batch is full, write it, and return where the next batch starts."""
        pending: dict[str, Document] = {}  # by id: the same content twice in a batch is indexed once
        pending_chars = 0
        stop = should_stop or (lambda: False)
        while i < len(files) and pending_chars < batch_chars:
            if stop():
                raise IndexCancelled("stopped before the end; the batch in progress was not committed")
            path = files[i]
            i += 1
            source = self._source_name(path)
            try:
                doc = load(path, self.config.max_file_bytes, source=source)
            except IngestError as e:
                report.failed.append(Failure.from_message(str(e), source))
            else:
                if doc.meta.get("warning"):
                    report.warnings.append(doc.meta["warning"])
                current = store.doc_for_source(source)
                if current == doc.id:
                    report.unchanged.append(source)
                elif store.document(doc.id) is not None:  # same content under another name: list it once
                    w.add_source(doc.id, source)
                    report.duplicates.append(source)
                elif doc.id in pending:
                    pending[doc.id].meta.setdefault("also", []).append(source)
                    report.duplicates.append(source)
                else:
                    (report.updated if current else report.added).append(source)
                    pending[doc.id] = doc
                    pending_chars += len(doc.text)
            if progress:
                progress(i, len(files), source)
        report.chunks += self._write(w, list(pending.values()), stop)
        return i

    def _write(self, writer, docs: list[Document], stop: Callable[[], bool] = lambda: False) -> int:
        """Chunk, embed (one batch across documents) and hand to the store's writer."""
        if not docs:
            return 0
        per_doc = [chunk_document(d, self.config.chunk_chars, self.config.chunk_overlap_chars) for d in docs]
        texts = [fold(c.text) for chunks in per_doc for c in chunks]
        user_dict = str(self.config.user_dict) if self.config.user_dict else None

        given_up = threading.Event()  # the BM25 side saw the stop: the embedding thread ends at its next slice

        def embed():  # in slices, so a stop request is seen within one slice
            out = []
            for lo in range(0, len(texts), EMBED_SLICE):
                if given_up.is_set() or stop():
                    return None
                out.append(self.embedder.encode(texts[lo:lo + EMBED_SLICE], len(texts) > 200))
            return np.vstack(out)
        # The model runs in native code that releases the GIL: tokenize for BM25 (pure Python) meanwhile.
        with ThreadPoolExecutor(1, thread_name_prefix="embed-batch") as pool:
            pending = pool.submit(embed)
            terms: list[list[list[str]]] = []
            for chunks in per_doc:
                if stop():  # jieba over a 2 MB batch takes seconds: look between documents and chunks
                    given_up.set()
                    break
                doc_terms = []
                for i, c in enumerate(chunks):
                    if i % 64 == 63 and stop():
                        given_up.set()
                        break
                    doc_terms.append(keyword_terms(search_form(c.text), self.config.use_bigrams, user_dict))
                terms.append(doc_terms)
            vectors = pending.result()
        if vectors is None or given_up.is_set() or stop():
            raise IndexCancelled("stopped before the end; the batch in progress was not committed")
        pos = 0
        for doc, chunks, doc_terms in zip(docs, per_doc, terms, strict=True):
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
        if not isinstance(question, str):
            raise QuestionError("the question must be text")
        q = "".join(ch for ch in question if ch.isprintable() or ch in " \t\n").strip()
        if not q:
            raise QuestionError("the question is empty; type a question")
        if not any(ch.isalnum() for ch in q):
            raise QuestionError("the question has no words, only punctuation or symbols; ask with words")
        if len(q) > self.config.max_question_chars:
            raise QuestionError(f"the question is {len(q)} characters long; the limit is "
                                f"{self.config.max_question_chars}, shorten it")
        return q

    def ask(self, question: str, options: AskOptions | None = None, *, top_k: int | None = None,
            should_stop: Callable[[], bool] | None = None) -> Answer:
        """The one path for a question: checked once, the store refreshed once, follow-ups resolved from
        `options.history`, the answer length applied to this call only. `top_k=` is shorthand for
        AskOptions(top_k=...). `should_stop()` (a client that left) is looked at between stages."""
        options = options or AskOptions(top_k=top_k)
        if top_k is not None and options.top_k is None:
            options = replace(options, top_k=top_k)
        q = self.check_question(question)
        t0 = time.perf_counter()
        store = self.store()
        query_text = contextualize(q, list(options.history)) if options.history else q
        retriever = Retriever(store, self.embedder, self.config)
        query = retriever.query(query_text)
        passages = retriever.search(query, options.top_k)
        if should_stop and should_stop():
            raise QuestionError("the question was cancelled")
        config = self.config
        if options.answer_limits:  # a copy for this call: other threads keep their own length
            sentences, chars = options.answer_limits
            config = config.with_(answer_sentences=sentences, answer_chars=chars)
        result = answering.compose(query, passages, self.embedder, config, store.document_text)
        result.timings_ms["total"] = (time.perf_counter() - t0) * 1e3
        return replace(result, question=q, search_query=query_text if query_text != q else None)
