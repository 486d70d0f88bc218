"""What the chat UI and the HTTP API share: one Assistant, serialized writes, safe uploads, errors with a status.

Both shells (ui/app.py, ui/api.py) call these methods and only translate the results: a behaviour lives here
once, so the browser and `curl` cannot disagree.
"""
from __future__ import annotations

import copy
import hashlib
import os
import re
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from rag.assistant import Assistant, IndexReport
from rag.config import Config
from rag.conversation import contextualize, user_questions
from rag.records import Answer
from rag.store import DocRecord, StoreError

UPLOAD_TYPES = (".txt", ".md", ".html", ".htm")
# Answer length presets: (sentences, characters) at most.
LENGTHS = {"short": (1, 80), "medium": (3, 150), "long": (5, 320)}
MAX_PAGE = 10_000  # documents per listing page (API); the UI table shows fewer
NO_DOCUMENTS = "还没有文档，请先在「文档 Documents」页上传。(No documents yet: upload some first.)"


class ServiceError(Exception):
    """A request we refuse; `status` is the HTTP status, str() the one-line reason."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


@dataclass
class Asked:
    answer: Answer
    query: str  # what we searched with (the question, or the question with context carried from history)

    def to_json(self, question: str) -> dict:
        d = self.answer.to_json()
        d["question"] = question
        if self.query != question:
            d["search_query"] = self.query
        return d


def safe_name(name: str) -> str:
    """A file name that cannot leave the uploads folder: last path part only, no control characters, no
    leading dots, sane characters, bounded length; the extension is kept (lower-cased)."""
    name = unicodedata.normalize("NFC", str(name)).replace("\\", "/").split("/")[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    stem, ext = os.path.splitext(name)
    stem = re.sub(r"[^\w\-. ()\u3000-\u303f\uff00-\uffef]+", "_", stem).strip(" ._") or "upload"
    return stem[:100] + ext.lower()


class Service:
    def __init__(self, config: Config | None = None, assistant: Assistant | None = None,
                 max_upload_bytes: int | None = None, token: str | None = None):
        self.assistant = assistant or Assistant(config)
        self.config = self.assistant.config
        self.uploads = Path(self.config.index_dir) / "uploads"
        self.max_upload_bytes = max_upload_bytes or min(self.config.max_file_bytes, 20 * 1024 * 1024)
        self.token = token if token is not None else (os.environ.get("RAG_API_TOKEN") or None)
        self._write_lock = threading.Lock()  # one writer at a time; readers never wait

    def warm_up(self) -> None:
        """Load the model (and the index when there is one) before the first user waits for it."""
        self.assistant.embedder.encode(["warm up"])
        if self.has_index():
            self.assistant.ask("warm up")

    def has_index(self) -> bool:
        try:
            self.assistant.store()
            return True
        except StoreError:
            return False

    # ---------- asking ----------
    def ask(self, question: str, top_k: int | None = None, history: list | None = None,
            length: str | None = None) -> Asked:
        question = self.assistant.check_question(question)  # QuestionError → 400
        if top_k is not None and not (isinstance(top_k, int) and 1 <= top_k <= 50):
            raise ServiceError("top_k must be a whole number from 1 to 50")
        if length is not None and length not in LENGTHS:
            raise ServiceError(f"length must be one of {', '.join(LENGTHS)}")
        if not self.document_count():
            raise ServiceError(NO_DOCUMENTS, 409)
        query = contextualize(question, user_questions(history))
        assistant = self.assistant
        if length:
            # Same Assistant (model, store, lock), other answer length: a shallow copy with its own config.
            sentences, chars = LENGTHS[length]
            assistant = copy.copy(self.assistant)
            assistant.config = self.config.with_(answer_sentences=sentences, answer_chars=chars)
        return Asked(assistant.ask(query, top_k=top_k), query)

    # ---------- documents ----------
    def documents(self) -> list[DocRecord]:
        return self.assistant.documents() if self.has_index() else []

    def document_count(self) -> int:
        return self.assistant.document_count() if self.has_index() else 0

    def documents_page(self, query: str = "", offset: int = 0, limit: int = 1000,
                       newest_first: bool = False) -> tuple[list[DocRecord], int]:
        """One page of the documents whose id or file name contains `query` (case-insensitive), and how many
        match: a folder of 100k files must not reach a browser or a client as one list."""
        if not (isinstance(offset, int) and offset >= 0):
            raise ServiceError("offset must be a whole number, 0 or more")
        if not (isinstance(limit, int) and 1 <= limit <= MAX_PAGE):
            raise ServiceError(f"limit must be a whole number from 1 to {MAX_PAGE}")
        docs = self.documents()
        if newest_first:
            docs.reverse()
        needle = query.strip().casefold()
        if needle:
            docs = [d for d in docs
                    if needle in d.id or any(needle in os.path.basename(s).casefold() for s in d.sources)]
        return docs[offset:offset + limit], len(docs)

    def records_for(self, sources: list[str]) -> list[DocRecord]:
        """The records now holding these sources (what an upload produced), in order, each once."""
        store, out, seen = self.assistant.store(), [], set()
        for source in sources:
            doc_id = store.doc_for_source(source)
            if doc_id and doc_id not in seen and (rec := store.document(doc_id)):
                seen.add(doc_id)
                out.append(rec)
        return out

    def document(self, doc_id: str) -> DocRecord:
        rec = self.assistant.store().document(doc_id) if self.has_index() else None
        if rec is None:
            raise ServiceError(f"no document with id '{doc_id}'; GET /api/documents lists them", 404)
        return rec

    def document_window(self, doc_id: str, start: int, end: int, context: int = 3000) -> dict:
        """The span and up to `context` characters either side, as plain text pieces (the caller escapes)."""
        rec = self.document(doc_id)
        text = self.assistant.document_text(doc_id)
        start, end = max(0, min(int(start), len(text))), max(0, min(int(end), len(text)))
        lo, hi = max(0, start - context), min(len(text), end + context)
        return {"id": doc_id, "source": rec.sources[0] if rec.sources else doc_id, "chars": len(text),
                "start": start, "end": end, "before": text[lo:start], "span": text[start:end],
                "after": text[end:hi], "cut_before": lo > 0, "cut_after": hi < len(text)}

    def check_upload(self, name: str, size: int) -> None:
        ext = os.path.splitext(str(name))[1].lower()
        if ext not in UPLOAD_TYPES:
            raise ServiceError(f"{os.path.basename(str(name))}: unsupported file type '{ext or 'none'}' "
                               f"(supported: {' '.join(UPLOAD_TYPES)})", 415)
        if size > self.max_upload_bytes:
            raise ServiceError(f"{os.path.basename(str(name))}: {size / 1e6:.1f} MB is over the upload limit "
                               f"of {self.max_upload_bytes / 1e6:.1f} MB", 413)

    def _store_upload(self, name: str, data: bytes) -> Path:
        """Write under <index>/uploads/ only, never over another file: the same bytes reuse their file (so the
        index reports them unchanged), other bytes under a taken name get a numbered name."""
        self.uploads.mkdir(parents=True, exist_ok=True)
        clean = safe_name(name)
        stem, ext = os.path.splitext(clean)
        digest = hashlib.sha256(data).digest()
        for i in range(10_000):
            target = self.uploads / (clean if i == 0 else f"{stem}-{i}{ext}")
            if not target.exists():
                break
            if hashlib.sha256(target.read_bytes()).digest() == digest:
                return target
        if target.resolve().parent != self.uploads.resolve():
            raise ServiceError(f"{name}: not a usable file name", 400)
        tmp = target.with_name(f".{target.name}.part")
        tmp.write_bytes(data)
        os.replace(tmp, target)
        return target

    def add_files(self, files: list[tuple[str, bytes]],
                  progress: Callable[[int, int, str], None] | None = None) -> IndexReport:
        """Upload (name, bytes) pairs and index them incrementally. Files refused by type or size are reported
        in `failed` with the others still indexed; nothing already indexed is touched by a bad file."""
        refused, paths = [], []
        with self._write_lock:
            for name, data in files:
                try:
                    self.check_upload(name, len(data))
                    paths.append(self._store_upload(name, data))
                except ServiceError as e:
                    refused.append(str(e))
            report = self.assistant.index(paths, progress=progress) if paths else IndexReport()
            # Files that failed to ingest (binary, undecodable) are not kept on disk.
            failed_names = {r.split(":", 1)[0] for r in report.failed}
            for p in paths:
                if os.path.normpath(str(p)) in failed_names:
                    p.unlink(missing_ok=True)
        report.failed = refused + [r.replace(str(self.uploads) + os.sep, "") for r in report.failed]
        return report

    def delete(self, doc_id: str) -> DocRecord:
        with self._write_lock:
            rec = self.document(doc_id)
            self.assistant.remove(doc_id)
            for source in rec.sources:  # uploaded copies go too; files indexed from elsewhere are not ours
                path = Path(source)
                if path.parent.resolve() == self.uploads.resolve():
                    path.unlink(missing_ok=True)
        return rec

    # ---------- auth ----------
    def token_ok(self, given: str | None) -> bool:
        import hmac
        return self.token is None or (given is not None and hmac.compare_digest(given.encode(), self.token.encode()))
