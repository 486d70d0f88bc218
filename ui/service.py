"""What the chat UI and the HTTP API share: one Assistant, an indexing queue, content-addressed uploads, errors
with a status.

Both shells (ui/app.py, ui/api.py) parse their inputs into rag.options.AskOptions, call these methods and only
translate the results: a behaviour lives here once, so the browser and `curl` cannot disagree.
"""
from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from rag.assistant import Assistant, Failure, IndexReport
from rag.config import Config
from rag.kb import DEFAULT, KBError, KnowledgeBases
from rag.options import LENGTHS, AskOptions  # noqa: F401  (LENGTHS: the UI's presets, defined once)
from rag.records import Answer
from rag.store import DocRecord, StoreError
from rag.workspace import Workspace, workspace_path

from .jobs import Job, Jobs, QueueFull
from .limits import UploadLimits, payload_size, size_text
from .progress import IndexProgress
from .uploads import UPLOAD_TYPES, UploadNameError, UploadStore, check_name, safe_name, stale, visible_name

__all__ = ["NO_DOCUMENTS", "UPLOAD_TYPES", "Service", "ServiceError", "safe_name"]

# Commit batches of the upload queue: smaller than the CLI's 2 M characters, so a stop or crash loses less and
# progress moves in steps of seconds; each batch becomes a segment the store merges.
JOB_BATCH_CHARS = 250_000
MAX_PAGE = 10_000  # documents per listing page (API); the UI table shows fewer
MAX_OFFSET = 10**9
NO_DOCUMENTS = "还没有文档，请先在「文档 Documents」页上传。(No documents yet: upload some first.)"


class ServiceError(Exception):
    """A request we refuse; `status` is the HTTP status, str() the one-line reason."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


class Service:
    def __init__(self, config: Config | None = None, assistant: Assistant | None = None,
                 max_upload_bytes: int | None = None, token: str | None = None):
        self.assistant = assistant or Assistant(config)
        self.config = self.assistant.config
        self.kbs = KnowledgeBases(self.config, self.assistant)  # one embedder for every knowledge base
        self.uploads = Path(self.config.index_dir) / "uploads"  # the default knowledge base's
        self.upload_store = UploadStore(self.uploads)
        self._upload_stores = {DEFAULT: self.upload_store}
        self.workspace = Workspace(workspace_path(self.config))  # saved conversations and feedback (SQLite)
        self.limits = UploadLimits(self.config.max_file_bytes, max_upload_bytes)  # per type, as `rag index`
        self.max_upload_bytes = self.limits.largest
        self.token = token if token is not None else (os.environ.get("RAG_API_TOKEN") or None)
        self.jobs = Jobs(self._run_job)

    def warm_up(self) -> None:
        """Load the model (and the index when there is one) before the first user waits for it."""
        self.assistant.embedder.encode(["warm up"])
        if self.has_index():
            self.assistant.ask("warm up")

    def has_index(self, kb: str | None = None) -> bool:
        try:
            self.kbs.assistant(kb).store()
            return True
        except KBError:
            raise
        except StoreError:
            return False

    def uploads_for(self, kb: str | None = None) -> UploadStore:
        """The knowledge base's uploads folder (one UploadStore each: its lock guards that folder)."""
        folder = Path(self.kbs.assistant(kb).config.index_dir) / "uploads"
        return self._upload_stores.setdefault(kb or DEFAULT, UploadStore(folder))

    # ---------- asking ----------
    def ask(self, question: str, options: AskOptions | None = None,
            should_stop: Callable[[], bool] | None = None) -> Answer:
        """One question through Assistant.ask (which checks it, refreshes the store once and resolves
        follow-ups); only the "no documents yet" case is the UI's own."""
        kb = options.kb if options else None
        assistant = self.kbs.assistant(kb)
        try:
            answer = assistant.ask(question, options, should_stop=should_stop)
        except KBError:
            raise
        except StoreError:
            if not self.has_index(kb):
                raise ServiceError(NO_DOCUMENTS, 409) from None
            raise
        if not answer.passages and not assistant.document_count():
            raise ServiceError(NO_DOCUMENTS, 409)
        return answer

    def retrieve(self, question: str, options: AskOptions | None = None, should_stop=None) -> dict:
        """The retrieval test (命中测试): ranked passages with each score part and the abstention verdict."""
        from rag.inspect import inspect_retrieval
        options = options or AskOptions()
        if isinstance(options.kb, tuple):  # the score parts belong to one index's fusion (rag/multi_kb.py)
            raise ServiceError("命中测试一次只测一个知识库 · the retrieval test takes one knowledge base at a time")
        try:
            return inspect_retrieval(self.kbs.assistant(options.kb), question, options.top_k,
                                     list(options.history)).to_json()
        except KBError:
            raise
        except StoreError:
            if not self.has_index(options.kb):
                raise ServiceError(NO_DOCUMENTS, 409) from None
            raise

    def ask_stream(self, question: str, options: AskOptions, should_stop: Callable[[], bool] | None = None):
        """A generated answer as rag.generate.stream events: model text, each sentence once checked, the answer."""
        from rag.generate import stream
        assistant = self.kbs.assistant(options.kb)
        try:
            for event in stream(assistant, question, options, should_stop):
                if event.kind == "answer" and not event.answer.passages and not assistant.document_count():
                    raise ServiceError(NO_DOCUMENTS, 409)
                yield event
        except StoreError:
            if not self.has_index(options.kb):
                raise ServiceError(NO_DOCUMENTS, 409) from None
            raise

    # ---------- documents ----------
    def documents(self, kb: str | None = None) -> list[DocRecord]:
        return self.kbs.assistant(kb).documents() if self.has_index(kb) else []

    def document_count(self, kb: str | None = None) -> int:
        return self.kbs.assistant(kb).document_count() if self.has_index(kb) else 0

    def documents_page(self, query: str = "", offset: int = 0, limit: int = 1000,
                       newest_first: bool = False, kb: str | None = None) -> tuple[list[DocRecord], int]:
        """One page of the documents whose id or file name contains `query` (case-insensitive), and how many
        match: a folder of 100k files must not reach a browser or a client as one list."""
        if not (isinstance(offset, int) and not isinstance(offset, bool) and 0 <= offset <= MAX_OFFSET):
            raise ServiceError(f"offset 须为整数 · offset must be a whole number from 0 to {MAX_OFFSET:,}")
        if not (isinstance(limit, int) and not isinstance(limit, bool) and 1 <= limit <= MAX_PAGE):
            raise ServiceError(f"limit 须为整数 · limit must be a whole number from 1 to {MAX_PAGE}")
        docs = self.documents(kb)
        if newest_first:
            docs.reverse()
        needle = query.strip().casefold()
        if needle:
            docs = [d for d in docs
                    if needle in d.id or any(needle in os.path.basename(s).casefold() for s in d.sources)]
        return docs[offset:offset + limit], len(docs)

    def records_for(self, sources: list[str], kb: str | None = None) -> list[DocRecord]:
        """The records now holding these sources (what an upload produced), in order, each once."""
        store, out, seen = self.kbs.assistant(kb).store(), [], set()
        for source in sources:
            doc_id = store.doc_for_source(source)
            if doc_id and doc_id not in seen and (rec := store.document(doc_id)):
                seen.add(doc_id)
                out.append(rec)
        return out

    def documents_json(self, docs: list[DocRecord], kb: str | None = None) -> list[dict]:
        """Records as JSON, each with its versions' times when it was uploaded here (oldest first)."""
        uploads = self.uploads_for(kb)
        versions = uploads.versions()
        out = []
        for d in docs:
            mine = [v for s in d.sources if uploads.owns(s) for v in versions.get(Path(s).name, [])]
            out.append({**d.to_json(), "version": max(1, len(mine)), "versions": [v["time"] for v in mine]})
        return out

    def document(self, doc_id: str, kb: str | None = None) -> DocRecord:
        rec = self.kbs.assistant(kb).store().document(doc_id) if self.has_index(kb) else None
        if rec is None:
            raise ServiceError(f"没有这个文档 · no document with id '{doc_id}'; GET /api/documents lists them", 404)
        return rec

    def document_window(self, doc_id: str, start: int, end: int, context: int = 3000,
                        kb: str | None = None) -> dict:
        """The span and up to `context` characters either side, as plain text pieces (the caller escapes)."""
        rec = self.document(doc_id, kb)
        text = self.kbs.assistant(kb).document_text(doc_id)
        start, end = max(0, min(int(start), len(text))), max(0, min(int(end), len(text)))
        lo, hi = max(0, start - context), min(len(text), end + context)
        return {"id": doc_id, "source": rec.sources[0] if rec.sources else doc_id, "chars": len(text),
                "start": start, "end": end, "before": text[lo:start], "span": text[start:end],
                "after": text[end:hi], "cut_before": lo > 0, "cut_after": hi < len(text)}

    def check_upload(self, name: str, size: int) -> None:
        try:
            ext = check_name(name)
        except UploadNameError as e:
            raise ServiceError(str(e), e.status) from None
        if size > (limit := self.limits.for_type(ext)):
            raise ServiceError(f"{visible_name(name)}: 超过上传大小限制 · {size_text(size)} is over the upload limit "
                               f"of {size_text(limit)} for {ext} files; split it", 413)

    # ---------- uploads: stored by content, indexed by the queue ----------
    def queue_files(self, files: list[tuple[str, object]], owner: str = "", kb: str | None = None,
                    refused: list[Failure] = ()) -> Job:
        """Store (name, bytes or path or open file) pairs under uploads/ and queue them; a refused name, type or
        size raises before anything is stored (`refused`: files of the batch already turned away, reported with
        the job's failures). Bytes indexed under the same name already are reported unchanged, not read again."""
        for name, data in files:
            self.check_upload(name, payload_size(data))
        uploads = self.uploads_for(kb)
        paths, names = [], []
        for name, data in files:
            try:
                paths.append(uploads.put(name, data))
            except UploadNameError as e:
                raise ServiceError(str(e)) from None
            names.append(visible_name(name))
        try:
            return self.jobs.submit(paths, names, owner, kb or DEFAULT, refused=list(refused))
        except QueueFull as e:
            raise ServiceError(str(e), e.status) from None

    def _run_job(self, job: Job, should_stop: Callable[[], bool]) -> IndexReport:
        """The worker's side: index what is not indexed yet, drop the stored copies of refused files."""
        assistant, uploads = self.kbs.assistant(job.kb), self.uploads_for(job.kb)
        store = assistant.store(create=True)
        todo = [p for p in job.paths if stale(store, p)]
        versions = {p: uploads.target(p) for p in todo}  # before reading: a version stored later is not marked
        report = IndexReport(unchanged=[os.path.normpath(str(p)) for p in job.paths if p not in todo])
        tracker = job.progress = IndexProgress(len(job.paths), skipped=len(report.unchanged))

        def progress(done: int, total: int, name: str) -> None:
            job.done, job.total, job.current = done + len(report.unchanged), len(job.paths), Path(name).name
            tracker.on_read(done, total, Path(name).name)

        if todo:
            ran = assistant.index(todo, progress=progress, should_stop=should_stop, batch_chars=JOB_BATCH_CHARS,
                                  guard=self.jobs.gate.hold, stage=tracker.on_stage)
            ran.unchanged = report.unchanged + ran.unchanged
            report = ran
        failed = {failure.source for failure in report.failed}
        for failure in report.failed:
            uploads.discard(failure.source)
        for path, version in versions.items():
            if os.path.normpath(str(path)) not in failed:
                uploads.mark_indexed(path, version)
        report.failed = job.refused + [Failure(Path(f.source).name, f.reason) for f in report.failed]
        job.done = job.total
        return report

    def add_files(self, files: list[tuple[str, bytes]],
                  progress: Callable[[int, int, str], None] | None = None, kb: str | None = None) -> IndexReport:
        """Queue the files and wait for their job (the Gradio upload, and `?wait=true`)."""
        job = self.queue_files(files, kb=kb)
        while not job.wait(0.2):
            if progress and job.status == "running":
                progress(job.done, job.total, job.current)
        if job.report is None:
            raise ServiceError(job.error or "索引未完成 · indexing did not finish", 503)
        return job.report

    def resume_uploads(self) -> Job | None:
        """At start, in every knowledge base: files uploaded but never indexed (the server was stopped or killed
        meanwhile) are queued again; stored bytes no name points at, and half-written files, are removed."""
        jobs = []
        for kb in self.kbs.names():
            uploads = self.uploads_for(kb)
            uploads.sweep()
            names = uploads.names()
            if not names:
                continue
            store = self.kbs.assistant(kb).store(create=True)
            todo = [p for p in names if stale(store, p)]
            if todo:
                jobs.append(self.jobs.submit(todo, [p.name for p in todo], kb=kb))
        return jobs[0] if jobs else None  # the default's first: what the start-up line reports

    def delete(self, doc_id: str, kb: str | None = None) -> DocRecord:
        with self.jobs.gate.hold(urgent=True):  # waits for one commit of a running job, never its embedding
            rec = self.document(doc_id, kb)
            self.kbs.assistant(kb).remove(doc_id)
            for source in rec.sources:  # uploaded copies go too; files indexed from elsewhere are not ours
                self.uploads_for(kb).discard(source)
        return rec

    # ---------- knowledge bases ----------
    def kb_change(self, name: str, new_name: str | None = None) -> dict | None:
        """Rename (new_name given) or delete a knowledge base: refused while its uploads are being indexed."""
        if self.jobs.busy(name):
            raise ServiceError(f"知识库正在索引 (knowledge base '{name}' is indexing uploads); try again when done",
                               409)
        with self.jobs.gate.hold(urgent=True):
            self._upload_stores.pop(name, None)
            if new_name is None:
                self.kbs.delete(name)
                return None
            info = self.kbs.rename(name, new_name)
            self.workspace.kb_renamed(name, info["name"])
            return info

    # ---------- auth ----------
    def token_ok(self, given: str | None) -> bool:
        import hmac
        return self.token is None or (given is not None and hmac.compare_digest(given.encode(), self.token.encode()))
