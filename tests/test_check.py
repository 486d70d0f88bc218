"""Damaged indexes (issue 11 §4): every damage gives a one-line message naming the file and the fix, `rag check`
finds it, `rag check --repair` rebuilds what the stored texts allow, and questions skip what cannot be read."""
from __future__ import annotations

import errno
import json

import numpy as np
import pytest

from rag import Assistant
from rag.cli import main
from rag.store import StoreError


@pytest.fixture
def built(config, seeds, monkeypatch):
    monkeypatch.setenv("RAG_MODEL", "test-hash")
    a = Assistant(config)
    a.index([seeds])
    return config


def _cli(capsys, *args) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def _segment(config):
    return next(p for p in (config.index_dir / "segments").iterdir() if not p.name.startswith("."))


def _assert_one_line(err: str, *needles: str) -> None:
    err = err.strip()
    assert err.startswith("error:") and "\n" not in err and "Traceback" not in err, err
    for n in needles:
        assert n in err, err


def _assert_whole_after_repair(config, capsys, n_docs=5) -> None:
    idx = str(config.index_dir)
    code, out, _ = _cli(capsys, "check", "--repair", "--index", idx)
    assert code == 0, out
    code, out, _ = _cli(capsys, "check", "--index", idx)
    assert code == 0 and "0 problems" in out, out
    a = Assistant(config)
    assert len(a.documents()) == n_docs
    ans = a.ask("市长对12345热线提出了哪些要求？")
    assert ans.citations and all(a.document_text(c.doc_id)[c.start:c.end] == c.quote for c in ans.citations)


def test_healthy_index_checks_clean(built, capsys):
    code, out, _ = _cli(capsys, "check", "--index", str(built.index_dir))
    assert code == 0 and "5 documents" in out and "0 problems" in out


@pytest.mark.parametrize("damage", ["truncate-vectors", "truncate-chunks", "garbage-bm25"])
def test_damaged_segment_files(built, capsys, damage):
    seg = _segment(built)
    name = {"truncate-vectors": "vectors.npy", "truncate-chunks": "chunks.npz", "garbage-bm25": "bm25.npz"}[damage]
    path = seg / name
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2] if damage.startswith("truncate") else np.random.bytes(len(data)))
    idx = str(built.index_dir)
    for cmd in (["docs"], ["ask", "市长"], ["index", str(built.index_dir.parent / "seeds")]):
        code, _, err = _cli(capsys, *cmd, "--index", idx)
        assert code == 2
        _assert_one_line(err, seg.name, "rag check --repair")
    code, out, _ = _cli(capsys, "check", "--index", idx)
    assert code == 1 and seg.name in out and "rag check --repair" in out
    _assert_whole_after_repair(built, capsys)


def test_log_shorter_than_the_manifest_says(built, capsys):
    m = json.loads((built.index_dir / "manifest.json").read_text())
    m["documents_log"]["bytes"] += 50
    (built.index_dir / "manifest.json").write_text(json.dumps(m))
    code, _, err = _cli(capsys, "docs", "--index", str(built.index_dir))
    assert code == 2
    _assert_one_line(err, "documents-", "rag check --repair")
    _assert_whole_after_repair(built, capsys)


def test_unreadable_manifest_is_reconstructed(built, capsys):
    (built.index_dir / "manifest.json").write_bytes(b"{not json")
    code, _, err = _cli(capsys, "docs", "--index", str(built.index_dir))
    assert code == 2
    _assert_one_line(err, "manifest.json", "rag check --repair")
    _assert_whole_after_repair(built, capsys)


def test_missing_text_is_skipped_by_questions_and_dropped_by_repair(built, capsys):
    a = Assistant(built)
    ans = a.ask("市长对12345热线提出了哪些要求？")
    gone = ans.citations[0].doc_id
    (built.index_dir / "docs" / f"{gone}.txt").unlink()
    fresh = Assistant(built)
    after = fresh.ask("市长对12345热线提出了哪些要求？")  # no [Errno 2]: that document is skipped
    assert all(c.doc_id != gone for c in after.citations)
    assert gone in fresh.store().unreadable
    code, out, _ = _cli(capsys, "check", "--index", str(built.index_dir))
    assert code == 1 and gone in out and "index the file again" in out
    code, out, _ = _cli(capsys, "check", "--repair", "--index", str(built.index_dir))
    assert code == 1 and f"lost: {gone}" in out
    assert len(Assistant(built).documents()) == 4
    code, out, _ = _cli(capsys, "check", "--index", str(built.index_dir))
    assert code == 0, out


@pytest.mark.parametrize("err", [errno.ENOSPC, errno.EACCES, errno.EROFS])
def test_disk_full_or_read_only_keeps_the_index(built, tmp_path, capsys, monkeypatch, err):
    from rag.store import segment
    before = (built.index_dir / "manifest.json").read_bytes()

    def fail(*args, **kwargs):
        raise OSError(err, "simulated")
    monkeypatch.setattr(segment.np, "save", fail)
    new = tmp_path / "new.txt"
    new.write_text("磁盘满的时候加入的新文件，内容很短。", encoding="utf-8")
    code, _, out_err = _cli(capsys, "index", str(new), "--index", str(built.index_dir), "-q")
    assert code == 2
    _assert_one_line(out_err, {errno.ENOSPC: "free some space", errno.EACCES: "permissions",
                               errno.EROFS: "permissions"}[err])
    monkeypatch.undo()
    assert (built.index_dir / "manifest.json").read_bytes() == before
    assert len(Assistant(built).documents()) == 5
    with pytest.raises(StoreError):  # the writer raises StoreError, not OSError, to every caller
        monkeypatch.setattr(segment.np, "save", fail)
        Assistant(built).index([new])
