"""Crashes and concurrency: SIGKILL at random moments, two writers, reading while writing."""
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from rag import Assistant
from rag.store.files import file_lock

ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, str(ROOT / "tests" / "fake_model.py")]
BENCH = ROOT.parent / "shared" / "bench" / "cmrc2018-dev" / "docs"
KILLS = int(os.environ.get("RAG_CRASH_KILLS", "3"))


def _run(args, env=None):
    return subprocess.run(CLI + args, capture_output=True, text=True, env=env, timeout=300)


def _check_consistent(index: Path, allowed: dict[str, set[str]]):
    """The index loads; every document is whole (text present, all its chunks live); every source points at
    the content it had before or after the interrupted run, never anything else."""
    from rag.config import Config
    a = Assistant(Config(index_dir=index, model="test-hash"))
    store = a.store()
    docs = store.documents()
    assert sum(d.chunks for d in docs) == store.chunk_count()
    for d in docs:
        text = store.document_text(d.id)
        assert len(text) == d.chars
        for source in d.sources:
            assert d.id in allowed[Path(source).name], (source, d.id)
    if docs:  # the vectors of what is left are searchable
        assert store.dense_search(a.embedder.encode(["市民 热线 期待"])[0], 3)
    ans = a.ask("市民 热线 期待")  # answers or says "not found" (its documents may be removed), never fails
    for c in ans.citations:
        assert store.document_text(c.doc_id)[c.start:c.end] == c.quote


def _corpus(tmp_path: Path, n_extra: int) -> Path:
    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "seeds", corpus)
    files = sorted(BENCH.glob("*.txt"))[:n_extra] if BENCH.exists() else []
    for f in files:
        shutil.copy(f, corpus / f.name)
    return corpus


def _ids(corpus: Path) -> dict[str, str]:
    from rag.ingest import load
    return {f.name: load(f).id for f in corpus.iterdir()}


def _kill_loop(tmp_path, kills, make_args, mutate):
    corpus = _corpus(tmp_path, 60)
    index = tmp_path / "index"
    assert _run(["index", str(corpus), "--index", str(index), "-q"]).returncode == 0
    t0 = time.monotonic()
    mutate(corpus, 0)
    assert _run(make_args(corpus, index)).returncode == 0
    full = time.monotonic() - t0
    rng = random.Random(1234)
    for i in range(1, kills + 1):
        previous = _index_state(index)
        mutate(corpus, i)
        new = _ids(corpus)
        allowed = {name: {previous.get(name), new.get(name)} - {None} for name in previous | new}
        proc = subprocess.Popen(CLI + make_args(corpus, index), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.3, max(0.5, full)))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        _check_consistent(index, allowed)


def _index_state(index: Path) -> dict[str, str]:
    """file name → document id, as the index holds it now."""
    from rag.config import Config
    store = Assistant(Config(index_dir=index, model="test-hash")).store()
    return {Path(s).name: d.id for d in store.documents() for s in d.sources}


def _rewrite_some(corpus: Path, i: int):
    files = sorted(corpus.glob("*.txt"))
    for f in random.Random(i).sample(files, 5):
        f.write_text(f.read_text(encoding="utf-8") + f"\n第{i}次修改加上的一句话。", encoding="utf-8")


def test_sigkill_while_indexing(tmp_path):
    _kill_loop(tmp_path, KILLS, lambda c, idx: ["index", str(c), "--index", str(idx), "-q"], _rewrite_some)


def test_sigkill_while_removing(tmp_path):
    def make_args(corpus, index):
        names = sorted(p.name for p in corpus.glob("*.txt"))[:40]
        return ["remove", "--index", str(index)] + [str(corpus / n) for n in names]

    def mutate(corpus, i):  # re-add what the last removal took, so each round has something to remove
        subprocess.run(CLI + ["index", str(corpus), "--index", str(corpus.parent / "index"), "-q"],
                       capture_output=True, timeout=300)
    _kill_loop(tmp_path, max(2, KILLS // 2), make_args, mutate)


@pytest.mark.slow
def test_sigkill_fifty_times(tmp_path):
    _kill_loop(tmp_path, 50, lambda c, idx: ["index", str(c), "--index", str(idx), "-q"], _rewrite_some)


def test_second_writer_waits_for_the_first(tmp_path):
    corpus = _corpus(tmp_path, 0)
    index = tmp_path / "index"
    assert _run(["index", str(corpus / "001_2b5757c2b96f3ff0.txt"), "--index", str(index), "-q"]).returncode == 0
    with file_lock(index):
        proc = subprocess.Popen(CLI + ["index", str(corpus), "--index", str(index), "-q"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        err_lines: list[str] = []
        reader = threading.Thread(target=lambda: err_lines.extend(proc.stderr), daemon=True)
        reader.start()
        deadline = time.monotonic() + 180  # process start-up is slow on a loaded machine
        while not any("waiting for another process" in line for line in err_lines):
            assert proc.poll() is None, "".join(err_lines)  # it must wait, not fail or go ahead
            assert time.monotonic() < deadline, "the second writer never reported waiting"
            time.sleep(0.2)
        time.sleep(1)
        assert proc.poll() is None  # still waiting for the lock we hold
    out = proc.stdout.read()
    proc.wait(timeout=300)
    reader.join(timeout=10)
    assert proc.returncode == 0, "".join(err_lines)
    assert "4 new" in out


def test_reader_sees_old_state_until_commit(config, seeds, tmp_path):
    reader = Assistant(config)
    reader.index([seeds / "001_2b5757c2b96f3ff0.txt"])
    assert len(reader.documents()) == 1
    writer = Assistant(config)
    store = writer.store()
    with store.writer() as w:
        docs_during = len(reader.documents())  # the writer has not committed
        from rag.chunk import chunk_document
        from rag.ingest import load
        from rag.normalize import search_form
        from rag.tokenize import terms
        doc = load(seeds / "004_567314c39f3d4d23.txt")
        chunks = chunk_document(doc)
        vectors = writer.embedder.encode([c.text for c in chunks])
        w.add(doc, chunks, vectors, [terms(search_form(c.text)) for c in chunks])
        assert len(reader.documents()) == 1
    assert docs_during == 1
    assert len(reader.documents()) == 2  # visible after the commit
    assert "004_" in reader.ask("淄博市委书记江敦涛").citations[0].source
