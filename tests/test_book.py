"""store/book.py: the source ↔ document bookkeeping both writers share, and the snapshot readers hold."""
from __future__ import annotations

import threading

import pytest

from rag import Assistant
from rag.store import StoreError
from rag.store.base import DocRecord
from rag.store.book import RecordBook


def _rec(doc_id: str, *sources: str) -> DocRecord:
    return DocRecord(id=doc_id, sources=list(sources), chunks=2, chars=10, encoding="utf-8", added="t")


def test_new_content_under_a_known_name_moves_the_name():
    book = RecordBook({"a": _rec("a", "x.txt", "y.txt")})
    book.claim("x.txt", "b")
    book.put(_rec("b", "x.txt"))
    assert book.by_source == {"x.txt": "b", "y.txt": "a"} and book.docs["a"].sources == ["y.txt"]
    book.claim("y.txt", "b")  # its last name gone: the old document goes
    book.add_source("b", "y.txt")
    assert "a" not in book.docs and book.by_source == {"x.txt": "b", "y.txt": "b"}
    assert book.changed == {"a", "b"} and book.counts() == {"documents": 1, "chunks": 2}


def test_records_are_replaced_never_changed_in_place():
    original = _rec("a", "x.txt")
    snapshot = {"a": original}
    book = RecordBook(snapshot)
    book.add_source("a", "z.txt")
    assert original.sources == ["x.txt"] and snapshot["a"] is original  # a reader's snapshot is untouched
    assert book.docs["a"].sources == ["x.txt", "z.txt"]


def test_remove_by_id_and_by_name():
    book = RecordBook({"a": _rec("a", "x.txt", "y.txt")})
    assert book.remove_source("x.txt") == "a" and "a" in book.docs
    assert book.remove_source("nothing.txt") is None
    book.remove("a")
    assert not book.docs and not book.by_source
    with pytest.raises(StoreError, match="rag docs"):
        book.remove("a")


def test_a_reader_keeps_its_snapshot_while_a_writer_commits(config, seeds):
    a = Assistant(config)
    a.index([seeds])
    store = a.store()
    before = store._snap
    n_before = len(before.docs)
    removed = store.documents()[0].id
    done = threading.Event()

    def write():
        a.remove(removed)
        done.set()
    threading.Thread(target=write).start()
    assert done.wait(60)
    assert len(before.docs) == n_before and removed in before.docs  # the old snapshot is as it was
    assert store._snap is not before and removed not in store._snap.docs  # published without a reload
    assert store.refresh() is False  # the stamp of the published snapshot is the manifest on disk
