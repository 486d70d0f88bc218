"""Indexing as a queue: an upload is acknowledged at once with a job id, one worker thread indexes the jobs in
order, and a delete never waits behind a long job for more than one commit.

Why a queue: five 19 MB files embed for 15-20 minutes on 2 cores; a request held that long times out, blocks
every delete, and keeps SIGTERM waiting. A job embeds with no lock held and takes the `WriteGate` only to commit,
and `stop()` makes it drop its uncommitted batch within one embedding slice.
"""
from __future__ import annotations

import collections
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from rag.assistant import IndexCancelled, IndexReport

from .progress import IndexProgress

MAX_WAITING = 20  # jobs queued and not started; one more is refused with 429
MAX_WAITING_PER_OWNER = 5  # of those, from one client (its session, else its address): one user cannot fill it
KEEP_FINISHED = 200  # finished jobs remembered for GET /api/jobs/{id}


class QueueFull(Exception):
    """Too many indexing jobs are waiting (status 429), or the server is stopping (503); str() says what to do."""

    def __init__(self, message: str, status: int = 429):
        super().__init__(message)
        self.status = status


class WriteGate:
    """One writer at a time, and a waiting delete goes before the next commit of a running job. Jobs hold it only
    while committing (reading and embedding happen outside), so a delete waits for one commit at most."""

    def __init__(self):
        self._cond = threading.Condition()
        self._held = False
        self._urgent = 0

    @contextmanager
    def hold(self, urgent: bool = False) -> Iterator[None]:
        with self._cond:
            self._urgent += urgent
            try:
                while self._held or (not urgent and self._urgent):
                    self._cond.wait()
            finally:
                self._urgent -= urgent
            self._held = True
        try:
            yield
        finally:
            with self._cond:
                self._held = False
                self._cond.notify_all()


@dataclass
class Job:
    id: str
    paths: list[Path]
    names: list[str]  # as the user named the files
    owner: str = ""  # who asked (session or address), for the per-client bound
    kb: str = "default"  # the knowledge base the files go into
    status: str = "queued"  # queued → running → done | failed | cancelled
    done: int = 0
    total: int = 0
    current: str = ""
    report: IndexReport | None = None
    refused: list = field(default_factory=list)  # Failure per file of the batch turned away before storing
    error: str | None = None
    created: float = field(default_factory=time.time)
    finished: float | None = None
    event: threading.Event = field(default_factory=threading.Event, repr=False)
    progress: IndexProgress | None = field(default=None, repr=False)  # reading, embedding, writing (running)

    def wait(self, timeout: float | None = None) -> bool:
        return self.event.wait(timeout)


class Jobs:
    """The queue and its one worker thread (started on the first job, not in the constructor)."""

    def __init__(self, run: Callable[[Job, Callable[[], bool]], IndexReport], max_waiting: int = MAX_WAITING):
        self._run = run  # run(job, should_stop) indexes job.paths and returns the report
        self.max_waiting = max_waiting
        self.gate = WriteGate()
        # Reentrant: a stop on the event-loop thread must not wait for a lock that thread already holds.
        self._cond = threading.Condition(threading.RLock())
        self._waiting: collections.deque[Job] = collections.deque()
        self._jobs: collections.OrderedDict[str, Job] = collections.OrderedDict()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def submit(self, paths: list[Path], names: list[str], owner: str = "", kb: str = "default",
               refused: list | None = None) -> Job:
        with self._cond:
            if self._stop.is_set():
                raise QueueFull("服务器正在停止，恢复后请重新上传 · "
                                "the server is stopping; upload again when it is back", 503)
            if len(self._waiting) >= self.max_waiting:
                raise QueueFull(f"已有 {len(self._waiting)} 个上传在等待索引，请过几分钟再试 · "
                                f"{len(self._waiting)} uploads are already waiting to be indexed; "
                                f"try again in a few minutes")
            mine = sum(1 for j in self._waiting if owner and j.owner == owner)
            if mine >= MAX_WAITING_PER_OWNER:
                raise QueueFull(f"你已有 {mine} 个上传在等待索引，请等它们完成 · "
                                f"{mine} of your uploads are already waiting to be indexed; "
                                f"try again when they are done")
            job = Job(uuid.uuid4().hex[:16], list(paths), list(names), owner, kb, total=len(paths),
                      refused=list(refused or []))
            self._jobs[job.id] = job
            self._waiting.append(job)
            self._forget_old()
            if self._thread is None:
                self._thread = threading.Thread(target=self._work, name="index-jobs", daemon=True)
                self._thread.start()
            self._cond.notify_all()
        return job

    def get(self, job_id: str) -> Job | None:
        return self._jobs.get(job_id)

    def position(self, job: Job) -> int:
        """Jobs ahead of this one (0 = running or next)."""
        with self._cond:
            return next((i for i, j in enumerate(self._waiting) if j is job), 0)

    def busy(self, kb: str | None = None) -> bool:
        """Jobs waiting or running (for one knowledge base when `kb` is given)."""
        with self._cond:
            mine = [j for j in (*self._waiting, *self._jobs.values()) if kb is None or j.kb == kb]
            return any(j.status in ("queued", "running") for j in mine)

    def stop_soon(self) -> None:
        """From a signal handler: only set the flag (no locks); the running job drops its batch at its next look."""
        self._stop.set()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop soon: the running job drops its uncommitted batch, waiting jobs are cancelled."""
        self._stop.set()
        with self._cond:
            while self._waiting:
                self._finish(self._waiting.popleft(), "cancelled", "服务器在索引前停止，下次启动时继续 · "
                                                      "the server stopped before this upload "
                                                                    "was indexed; it is resumed at the next start")
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout)

    def _forget_old(self) -> None:
        finished = [j for j in self._jobs.values() if j.finished is not None]
        for job in finished[:max(0, len(finished) - KEEP_FINISHED)]:
            del self._jobs[job.id]

    def _finish(self, job: Job, status: str, error: str | None = None) -> None:
        job.status, job.error, job.finished, job.current = status, error, time.time(), ""
        job.event.set()

    def _work(self) -> None:
        while True:
            with self._cond:
                while not self._waiting and not self._stop.is_set():
                    self._cond.wait()
                if self._stop.is_set():
                    return
                job = self._waiting.popleft()
                job.status = "running"
            try:  # the job takes self.gate around each of its commits (Service passes it to Assistant.index)
                job.report = self._run(job, self._stop.is_set)
            except IndexCancelled:
                self._finish(job, "cancelled", "服务器在索引中停止，已提交的保留，其余下次启动时继续 · "
                                               "the server stopped while indexing; what was committed stays, "
                                               "the rest is resumed at the next start")
            except Exception as e:  # noqa: BLE001  (one bad job must not end the worker; the caller sees why)
                self._finish(job, "failed", f"索引失败 · indexing failed: {e}")
            else:
                self._finish(job, "done")
