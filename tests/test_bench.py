"""bench/: the helpers the speed suite's figures rest on (stage timing, exact recall, the report table)."""
from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))  # bench/ modules import each other by name

import measure  # noqa: E402
import report  # noqa: E402


def test_stages_count_nested_time_once():
    stages = measure.Stages()

    slept: list[float] = []

    class Owner:
        @staticmethod
        def inner():
            t0 = time.perf_counter()
            time.sleep(0.05)
            slept.append(time.perf_counter() - t0)

        @staticmethod
        def outer():
            time.sleep(0.02)
            Owner.inner()
    assert stages.wrap(Owner, "inner", "in") and stages.wrap(Owner, "outer", "out")
    assert not stages.wrap(Owner, "missing", "gone")  # a renamed function costs a column, not the run
    t0 = time.perf_counter()
    Owner.outer()
    wall = time.perf_counter() - t0
    # Bounds from the clock around the calls, not fixed ceilings: a loaded machine may stretch any sleep.
    assert slept[0] <= stages.seconds["in"] <= wall
    assert 0.015 <= stages.seconds["out"] <= wall - slept[0]  # the inner call's time is not counted twice


@dataclass
class Rec:
    id: str
    chunks: int


@dataclass
class Hit:
    id: str


class FakeStore:
    """Eight chunk vectors in two documents; dense_search misses the best one on purpose."""

    def __init__(self):
        rng = np.random.default_rng(0)
        v = rng.standard_normal((8, 4)).astype(np.float32)
        self.vectors = {f"{d}:{n}": v[i] for i, (d, n) in enumerate([("a", n) for n in range(5)] +
                                                                     [("b", n) for n in range(3)])}

    def documents(self):
        return [Rec("a", 5), Rec("b", 3)]

    def chunk_vectors(self, ids):
        return {i: self.vectors[i] for i in ids if i in self.vectors}

    def dense_search(self, q, k):
        ranked = sorted(self.vectors, key=lambda i: -float(self.vectors[i] @ q))
        return [(Hit(i), 0.0) for i in ranked[1:k + 1]]


def test_exact_recall_against_brute_force():
    store = FakeStore()
    q = [np.ones(4, dtype=np.float32)]
    assert measure.exact_recall(store, q, 2) == 0.5  # found the 2nd and 3rd best, not the best
    assert measure.exact_recall(store, q, 8) == 7 / 8
    assert measure.exact_recall(object(), q, 2) is None  # a store without chunk_vectors: no figure, no crash


def test_report_table_renders_a_minimal_run():
    build = {"chunks": 300, "seconds": 3.0, "stages": {"embed": 2.0, "store commit": 0.1}, "peak_rss_mb": 700,
             "add_one_s": [0.1, 0.2], "remove_one_s": [0.01, 0.02], "disk_mb": 2,
             "vectors": {"synthesized": 0, "encoded": 300, "from_cache": 0}}
    query = {"p50": 15, "p95": 30, "p99": 34, "stages_p50": {"encode": 2.8, "total": 15}, "qps_1_client": 60,
             "qps_2_clients": 100, "dense_recall_at_50": None, "peak_rss_mb": 800}
    res = {"started": "2026-01-01T00:00:00Z", "machine": {"cpus": 2, "loadavg_at_start": [0.5], "shared": False},
           "embed": {"chunks": 1000, "mean_chars": 280, "chunks_per_s": 200, "chars_per_s": 56000},
           "sizes": {"300": {"corpus": {"variant_files": 0}, "build": build, "query": query}}}
    text = report.table(res)
    assert "| 300 | 100 / " in text and "store commit" in text and "| n/a |" in text
