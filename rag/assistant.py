"""The one object the CLI, the UI and the HTTP API all call: index files, list/remove documents, ask."""
from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from . import answer as answering
from .chunk import chunk_document
from .config import Config
from .embed import Embedder
from .english import with_english_line
from .followup import resolve, searcher
from .formats.cite import cite_pages
from .ingest import IngestError, find_files, load
from .normalize import fold, search_form
from .options import AskOptions, QuestionError
from .records import Answer, Document, Failure, IndexReport
from .retrieve import Retriever
from .store import DocRecord, Store, StoreError, open_store
from .tokenize import terms as keyword_terms

COMMIT_EVERY_CHARS = 2_000_000  # commit in batches: a crash or Ctrl-C loses at most one batch of work
EMBED_SLICE = 256  # chunks embedded between two looks at `should_stop` (a few seconds at most on 2 cores)

__all__ = ["Assistant", "Failure", "IndexCancelled", "IndexReport", "QuestionError"]


@dataclass
class _Batch:
    """Documents read for one commit: new content by id, and content already indexed under another name."""
    new: dict[str, Document] = field(default_factory=dict)
    known: list[Document] = field(default_factory=list)


class IndexCancelled(Exception):
    """`should_stop` said stop: the batch in progress was not committed (earlier batches stay)."""


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
    @staticmethod
    def _source_name(path: Path) -> str:
        return os.path.normpath(str(path))

    def index(self, paths: list[str | os.PathLike], progress: Callable[[int, int, str], None] | None = None,
              should_stop: Callable[[], bool] | None = None, batch_chars: int | None = None,
              guard: Callable[[], AbstractContextManager] | None = None,
              stage: Callable[[str, int, int], None] | None = None) -> IndexReport:
        """Add or update files and folders. progress(done, total, name) is called after each file is read, stage(kind,
        done, total) after each slice embedded ("embed") and around each commit ("write"): see ui/progress.py.

        Files are read, chunked, embedded and tokenized in batches of about `batch_chars` (default
        COMMIT_EVERY_CHARS) with no writer open; only the commit of a batch takes the store's writer (inside
        `guard()` when given), so a delete waits for one commit, not for a 20 MB file to embed. When
        `should_stop()` turns true the batch in progress is dropped (nothing of it committed) and IndexCancelled
        raised."""
        t0 = time.perf_counter()
        report = IndexReport()
        files, problems = find_files(paths)
        report.failed.extend(Failure.from_message(p) for p in problems)
        store = self.store(create=True)
        stop = should_stop or (lambda: False)
        guard = guard or nullcontext
        i = 0
        while True:
            batch, i = self._read_batch(store, files, i, report, progress, stop, batch_chars or COMMIT_EVERY_CHARS)
            prepared = self._prepare(list(batch.new.values()), stop, stage)
            if stage:
                stage("write", 0, 1)
            with guard(), store.writer() as w:
                report.chunks += self._commit(store, w, batch, prepared)
            if stage:
                stage("write", 1, 1)
            if i >= len(files):
                break
        if report.added or report.updated:  # the terms English questions read (pinyin names, learned translations)
            from .corpus_terms import prepare
            prepare(self.store(), self.embedder)
        report.seconds = time.perf_counter() - t0
        return report

    def _read_batch(self, store: Store, files: list, i: int, report: IndexReport, progress,
                    stop: Callable[[], bool], batch_chars: int) -> tuple[_Batch, int]:
        """Read files from i on until a batch is full; sort each into unchanged, known content, or new."""
        batch = _Batch()
        chars = 0
        while i < len(files) and chars < batch_chars:
            if stop():
                raise IndexCancelled("stopped before the end; the batch in progress was not committed")
            path = files[i]
            i += 1
            source = self._source_name(path)
            try:
                doc = load(path, self.config.max_file_bytes, source=source, max_pages=self.config.max_pages,
                           progress=_page_progress(progress, stop, i - 1, len(files), source))
            except IngestError as e:
                report.failed.append(Failure.from_message(str(e), source))
            else:
                if doc.meta.get("warning"):
                    report.warnings.append(doc.meta["warning"])
                current = store.doc_for_source(source)
                if current == doc.id:
                    report.unchanged.append(source)
                elif store.document(doc.id) is not None:  # same content under another name: list it once
                    batch.known.append(doc)
                    report.duplicates.append(source)
                elif doc.id in batch.new:
                    batch.new[doc.id].meta.setdefault("also", []).append(source)
                    report.duplicates.append(source)
                else:
                    (report.updated if current else report.added).append(source)
                    batch.new[doc.id] = doc
                    chars += len(doc.text)
            if progress:
                progress(i, len(files), source)
        return batch, i

    def _prepare(self, docs: list[Document], stop: Callable[[], bool] = lambda: False, stage=None) -> list:
        """Chunk, embed (one batch across documents) and tokenize: the slow part, done with no writer open."""
        if not docs:
            return []
        per_doc = [chunk_document(d, self.config.chunk_chars, self.config.chunk_overlap_chars) for d in docs]
        texts = [fold(c.text) for chunks in per_doc for c in chunks]
        user_dict = str(self.config.user_dict) if self.config.user_dict else None
        given_up = threading.Event()  # the BM25 side saw the stop: the embedding thread ends at its next slice

        step = 32 if stage else EMBED_SLICE  # someone watches: a report every two model batches (no slower)
        def embed():  # in slices, so a stop request is seen within one slice
            out = []
            for lo in range(0, len(texts), step):
                if given_up.is_set() or stop():
                    return None
                out.append(self.embedder.encode(texts[lo:lo + step], len(texts) > 200))
                if stage:
                    stage("embed", min(lo + step, len(texts)), len(texts))
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
                for n, c in enumerate(chunks):
                    if n % 64 == 63 and stop():
                        given_up.set()
                        break
                    doc_terms.append(keyword_terms(search_form(c.text), self.config.use_bigrams, user_dict))
                terms.append(doc_terms)
            vectors = pending.result()
        if vectors is None or given_up.is_set() or stop():
            raise IndexCancelled("stopped before the end; the batch in progress was not committed")
        out, pos = [], 0
        for chunks, doc_terms in zip(per_doc, terms, strict=True):
            out.append((chunks, vectors[pos:pos + len(chunks)], doc_terms))
            pos += len(chunks)
        return out

    def _commit(self, store: Store, writer, batch: _Batch, prepared: list) -> int:
        """Hand a prepared batch to the writer and commit it; returns the chunks written."""
        docs = list(batch.new.values())
        for doc in batch.known:
            if store.document(doc.id) is not None:
                writer.add_source(doc.id, doc.source)
            else:  # deleted while this batch was prepared: index it after all (rare, and one document)
                docs.append(doc)
                prepared = prepared + self._prepare([doc])
        for doc, (chunks, vectors, terms) in zip(docs, prepared, strict=True):
            writer.add(doc, chunks, vectors, terms)
            for other in doc.meta.get("also", []):
                writer.add_source(doc.id, other)
        writer.commit()
        return sum(len(chunks) for chunks, _, _ in prepared)

    def _write(self, writer, docs: list[Document]) -> int:
        """Chunk, embed and commit these documents under an open writer (rag check --repair)."""
        return self._commit(self._store, writer, _Batch(new={d.id: d for d in docs}), self._prepare(docs))

    def remove(self, path_or_id: str) -> str:
        """Remove a document by id or by one of its sources; returns the removed id."""
        store = self.store()
        with store.writer() as w:
            if store.document(path_or_id):
                w.remove(path_or_id)
                return path_or_id
            doc_id = w.remove_source(self._source_name(Path(path_or_id)))
            if doc_id is None:
                raise StoreError(f"没有这个文档 · '{path_or_id}' is not a document id or an indexed file; see rag docs")
            return doc_id

    # ---------- asking ----------
    def check_question(self, question: str) -> str:
        # Control characters (pasted terminal output, NULs) carry nothing; drop them before anything else.
        if not isinstance(question, str):
            raise QuestionError("问题须为文字 · the question must be text")
        q = "".join(ch for ch in question if ch.isprintable() or ch in " \t\n").strip()
        if not q:
            raise QuestionError("问题是空的，请输入问题 · the question is empty; type a question")
        if not any(ch.isalnum() for ch in q):
            raise QuestionError("问题只有符号 · the question has no words, only punctuation or symbols; ask with words")
        if len(q) > self.config.max_question_chars:
            raise QuestionError(f"问题太长，请缩短 · the question is {len(q)} characters long; the limit is "
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
        if options.mode == "generate":  # retrieval and abstention first, then a model (rag/generate.py)
            from .generate import generate
            return generate(self, q, options, should_stop)
        t0 = time.perf_counter()
        store = self.store()
        retriever = Retriever(store, self.embedder, self.config)
        query_text, query, passages = resolve(q, options.history, searcher(retriever, options.top_k))
        if should_stop and should_stop():
            raise QuestionError("问题已取消 · the question was cancelled")
        config = self.config
        if options.answer_limits:  # a copy for this call: other threads keep their own length
            sentences, chars = options.answer_limits
            config = config.with_(answer_sentences=sentences, answer_chars=chars)
        passages, get_text = _readable(passages, store)
        result = cite_pages(answering.compose(query, passages, self.embedder, config, get_text), store)
        result = with_english_line(result, query)  # English questions: names and figures in English (english.py)
        result.timings_ms["total"] = (time.perf_counter() - t0) * 1e3
        return replace(result, question=q, search_query=query_text if query_text != q else None)


def _page_progress(progress, stop: Callable[[], bool], done: int, total: int, source: str):
    """For the pages of one PDF or scan (OCR takes seconds a page): progress shows "name (page 3/40)", and a stop
    request is honoured between pages instead of after the whole file."""
    def on_page(page: int, pages: int) -> None:
        if stop():
            raise IndexCancelled("stopped before the end; the batch in progress was not committed")
        if progress and pages > 1:
            progress(done, total, f"{source} (page {page}/{pages})")
    return on_page


def _readable(passages: list, store: Store) -> tuple[list, Callable[[str], str]]:
    """The passages whose document text can be read now, and a reader that keeps those texts for this question:
    a document removed by another writer after the search (its text deleted at that commit) drops out of this
    answer instead of failing it."""
    texts: dict[str, str] = {}
    kept = []
    for p in passages:
        doc_id = p.chunk.doc_id
        if doc_id not in texts:
            try:
                texts[doc_id] = store.document_text(doc_id)
            except StoreError:
                continue
        kept.append(p)

    def get_text(doc_id: str) -> str:
        return texts[doc_id] if doc_id in texts else store.document_text(doc_id)
    return kept, get_text
