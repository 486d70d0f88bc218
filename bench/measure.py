"""Measuring helpers shared by the workers: percentiles, memory, disk, stage timers, throughput, recall.

Imports only the standard library and numpy at load time (bench/baseline.py imports qps_two_clients from its
own virtualenv, which has no rag).
"""
from __future__ import annotations

import os
import resource
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import numpy as np


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def pct(values, q) -> float:
    return float(np.percentile(values, q)) if len(values) else float("nan")


def du(path: Path) -> int:
    return sum(f.stat().st_size for f in Path(path).rglob("*") if f.is_file())


class Stages:
    """Exclusive time per stage: wrap functions; time spent in a nested wrapped call counts for the inner one."""

    def __init__(self):
        self.seconds: dict[str, float] = {}
        self._local = threading.local()  # embedding runs in its own thread, alongside tokenizing

    def call(self, stage: str, fn, *a, **kw):
        stack = self._local.__dict__.setdefault("stack", [])
        t0 = time.perf_counter()
        stack.append([0.0])
        try:
            return fn(*a, **kw)
        finally:
            inner = stack.pop()[0]
            dt = time.perf_counter() - t0
            self.seconds[stage] = self.seconds.get(stage, 0.0) + dt - inner
            if stack:
                stack[-1][0] += dt

    def wrap(self, owner, attr: str, stage: str) -> bool:
        """Time owner.attr as `stage`; False (and nothing changed) when owner has no such attribute, so a
        renamed library function costs a stage column, not the whole run."""
        fn = getattr(owner, attr, None)
        if fn is None:
            print(f"bench: no {getattr(owner, '__name__', owner)}.{attr} to time as '{stage}'", file=sys.stderr)
            return False

        def timed(*a, **kw):
            return self.call(stage, fn, *a, **kw)
        setattr(owner, attr, timed)
        return True


def qps_two_clients(ask, qs: list[str]) -> float:
    """Questions per second with two client threads splitting `qs` between them (bench/baseline.py too)."""
    done = []

    def client(part):
        for q in part:
            ask(q)
            done.append(1)
    t = time.perf_counter()
    threads = [threading.Thread(target=client, args=(qs[i::2],)) for i in range(2)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return len(done) / (time.perf_counter() - t)


def chunk_ids(store, batch_docs: int = 2000):
    """Every live chunk id, a batch of documents at a time (chunk n of document d is "d:n", n from 0)."""
    batch = []
    for i, d in enumerate(store.documents()):
        batch.extend(f"{d.id}:{n}" for n in range(d.chunks))
        if (i + 1) % batch_docs == 0:
            yield batch
            batch = []
    if batch:
        yield batch


def exact_recall(store, vectors: list[np.ndarray], k: int) -> float | None:
    """Share of the exact top-k (brute force over every live vector, read back through the store's optional
    chunk_vectors) that dense_search returns; None for a store without chunk_vectors."""
    get = getattr(store, "chunk_vectors", None)
    if get is None or not vectors:
        return None
    q = np.vstack(vectors).astype(np.float32)
    top_s = np.full((len(q), 0), -np.inf, dtype=np.float32)
    top_i = np.empty((len(q), 0), dtype=object)
    for ids in chunk_ids(store):  # a batch at a time: 1M vectors at once would be 2 GB
        got = get(ids)
        if not got:
            continue
        names = np.array(list(got), dtype=object)
        s = np.concatenate([top_s, q @ np.vstack(list(got.values())).T], axis=1)
        i = np.concatenate([top_i, np.broadcast_to(names, (len(q), len(names)))], axis=1)
        keep = np.argsort(-s, axis=1, kind="stable")[:, :k]
        top_s, top_i = np.take_along_axis(s, keep, 1), np.take_along_axis(i, keep, 1)
    hits = 0
    for row, v in enumerate(vectors):
        found = {c.id for c, _ in store.dense_search(v, k)}
        hits += len(found & set(top_i[row].tolist()))
    return hits / (k * len(vectors))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cold_start_serve(index: Path, timeout: float = 180) -> dict:
    """Seconds from starting `rag serve` until /healthz answers."""
    port = free_port()
    env = dict(os.environ, GRADIO_ANALYTICS_ENABLED="False")
    rag = Path(sys.executable).with_name("rag")
    t0 = time.perf_counter()
    proc = subprocess.Popen([str(rag), "serve", "--index", str(index), "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    seconds = None
    try:
        while time.perf_counter() - t0 < timeout and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    if r.status == 200:
                        seconds = time.perf_counter() - t0
                        break
            except OSError:
                time.sleep(0.1)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return {"seconds": seconds, "returncode_if_died": proc.returncode if seconds is None else None}
