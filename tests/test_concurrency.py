"""Uploads, deletes, questions and a second process's `rag index`, all at once, against one index; then a fresh
reader checks that every acknowledged add is searchable by its unique code, every acknowledged delete is gone,
and `rag check` finds records, segments, texts and rows in agreement (issue 11: this once lost data).

The default suite runs a short round per backend; `-m slow` runs 60 s each."""
from __future__ import annotations

import os
import random
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from rag import Assistant, Config
from rag.normalize import search_form
from rag.store import StoreError
from rag.store.check import verify
from rag.tokenize import terms as keyword_terms

ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, str(ROOT / "tests" / "fake_model.py")]
THREADS = 6


def _text(code: str) -> str:
    return f"这是编号为 {code} 的测试文件。它记录了第{code[2:]}号事项的办理情况，请按编号查找。"


@dataclass
class Ledger:
    """What the system acknowledged: path → code for adds, and the paths whose removal it acknowledged."""
    added: dict[str, str] = field(default_factory=dict)
    deleted: dict[str, str] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    errors: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: {"ask": 0, "add": 0, "delete": 0, "process": 0})
    want: dict[str, int] = field(default_factory=dict)  # the least of each operation the test asserts on

    def running(self, stop: float) -> bool:
        """Until `stop`, and past it (at most 5 minutes) while the operations the test wants are not done yet:
        a slow or loaded machine gets more time instead of a failure. An error ends it at once."""
        now = time.monotonic()
        with self.lock:
            short = any(self.counts[k] < n for k, n in self.want.items()) and not self.errors
        return now < stop or (short and now < stop + 300)


def _worker(a: Assistant, folder: Path, ledger: Ledger, seed: int, stop: float) -> None:
    rng = random.Random(seed)
    n = 0
    while ledger.running(stop):
        r = rng.random()
        try:
            if r < 0.55:
                ans = a.ask(rng.choice(["编号为 ZK 的测试文件记录了什么？", "市长对热线有什么要求？", "办理情况"]))
                for c in ans.citations:
                    try:
                        text = a.store().document_text(c.doc_id)
                    except StoreError:  # removed by another thread since the answer: nothing to compare
                        continue
                    assert text[c.start:c.end] == c.quote
                kind = "ask"
            elif r < 0.8:
                n += 1
                code = f"ZK{seed:02d}{n:04d}"
                path = folder / f"t{seed}-{n}.txt"
                path.write_text(_text(code), encoding="utf-8")
                report = a.index([path])
                assert os.path.normpath(str(path)) in report.indexed, report
                with ledger.lock:
                    ledger.added[os.path.normpath(str(path))] = code
                kind = "add"
            else:
                with ledger.lock:
                    mine = [p for p in ledger.added if Path(p).name.startswith(f"t{seed}-")]
                    victim = rng.choice(mine) if mine else None
                    code = ledger.added.pop(victim) if victim else None
                if victim is None:
                    continue
                a.remove(victim)
                with ledger.lock:
                    ledger.deleted[victim] = code
                kind = "delete"
            with ledger.lock:
                ledger.counts[kind] += 1
        except Exception as e:  # every failure is a finding: collect, fail the test at the end
            ledger.errors.append(f"{type(e).__name__}: {e}")
            return


def _other_process(index: Path, folder: Path, ledger: Ledger, stop: float) -> None:
    """A second process running `rag index` on fresh batches of files while the threads work."""
    batch = 0
    while ledger.running(stop):
        batch += 1
        sub = folder / f"batch{batch}"
        sub.mkdir()
        files = {}
        for i in range(5):
            code = f"ZP{batch:03d}{i:03d}"
            p = sub / f"p{i}.txt"
            p.write_text(_text(code), encoding="utf-8")
            files[os.path.normpath(str(p))] = code
        r = subprocess.run(CLI + ["index", str(sub), "--index", str(index), "-q"], capture_output=True,
                           text=True, timeout=300)
        if r.returncode != 0:
            ledger.errors.append(f"rag index exited {r.returncode}: {r.stderr.strip()[-300:]}")
            return
        with ledger.lock:
            ledger.added.update(files)
            ledger.counts["process"] += 1


def _found_by_code(a: Assistant, code: str) -> set[str]:
    hits = a.store().bm25_search(keyword_terms(search_form(code)), 20)
    return {c.doc_id for c, _, _ in hits if code in c.text}


def _stress(config: Config, tmp_path: Path, seconds: float, second_process: bool, want=None) -> Ledger:
    a = Assistant(config)
    a.index([ROOT / "seeds"])
    folder = tmp_path / "files"
    folder.mkdir()
    ledger = Ledger(want=want or {})
    stop = time.monotonic() + seconds
    threads = [threading.Thread(target=_worker, args=(a, folder, ledger, i, stop)) for i in range(THREADS)]
    if second_process:
        threads.append(threading.Thread(target=_other_process, args=(config.index_dir, folder, ledger, stop)))
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + 600)
    assert not ledger.errors, ledger.errors[:5]
    fresh = Assistant(config)  # a new reader: nothing cached from the run
    store = fresh.store()
    lost = [p for p, code in ledger.added.items()
            if store.doc_for_source(p) is None or store.doc_for_source(p) not in _found_by_code(fresh, code)]
    assert not lost, f"{len(lost)} of {len(ledger.added)} acknowledged adds are not searchable: {lost[:5]}"
    back = [p for p, code in ledger.deleted.items() if store.doc_for_source(p) or _found_by_code(fresh, code)]
    assert not back, f"{len(back)} acknowledged deletes are still there: {back[:5]}"
    assert sum(d.chunks for d in store.documents()) == store.chunk_count()
    assert len(store.documents()) == 5 + len(ledger.added)
    return ledger


def _check_local(config: Config) -> None:
    report, _ = verify(config.index_dir)
    assert report.ok, report.problems[:5]
    assert not report.garbage, report.garbage[:5]


def test_uploads_deletes_questions_and_a_second_writer(config, tmp_path):
    ledger = _stress(config, tmp_path, 8, second_process=True, want={"add": 6, "delete": 1, "process": 1})
    _check_local(config)
    assert ledger.counts["add"] > 5 and ledger.counts["delete"] > 0 and ledger.counts["process"] >= 1, ledger.counts


@pytest.mark.slow
def test_sixty_seconds_of_concurrent_use(config, tmp_path):
    ledger = _stress(config, tmp_path, 60, second_process=True)
    _check_local(config)
    print(f"\nacknowledged: {ledger.counts}; {len(ledger.added)} documents remain")


def _milvus_config(tmp_path) -> Config:
    pytest.importorskip("pymilvus")
    pytest.importorskip("milvus_lite")
    return Config(model="test-hash", store="milvus", milvus_uri=str(tmp_path / "m.db"), abstain_threshold=0.2)


def test_milvus_store_under_concurrent_threads(tmp_path):
    # Milvus Lite serves one process: threads only (a server or cluster takes several processes).
    ledger = _stress(_milvus_config(tmp_path), tmp_path, 6, second_process=False, want={"add": 4})
    assert ledger.counts["add"] > 3, ledger.counts


@pytest.mark.slow
def test_milvus_sixty_seconds(tmp_path):
    ledger = _stress(_milvus_config(tmp_path), tmp_path, 60, second_process=False)
    print(f"\nacknowledged: {ledger.counts}; {len(ledger.added)} documents remain")
