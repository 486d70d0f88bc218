import json

import numpy as np
import pytest

from rag import Assistant, Config
from rag.store import IndexMismatch, StoreError


def test_index_is_incremental(config, seeds):
    a = Assistant(config)
    r1 = a.index([seeds])
    assert len(r1.added) == 5 and not r1.failed
    manifest = json.loads((config.index_dir / "manifest.json").read_text())
    assert manifest["counts"]["documents"] == 5 and manifest["model"]["name"] == "test-hash"
    r2 = a.index([seeds])
    assert len(r2.unchanged) == 5 and r2.chunks == 0
    # change one file: its old chunks are replaced, the others untouched
    f = next(seeds.glob("003*"))
    f.write_text(f.read_text(encoding="utf-8") + "\n新增的一句话在这里。", encoding="utf-8")
    r3 = a.index([seeds])
    assert r3.updated == [str(f)] and len(r3.unchanged) == 4
    docs = a.documents()
    assert len(docs) == 5
    assert sum(d.chunks for d in docs) == a.store().chunk_count()


def test_every_chunk_slices_its_document(config, seeds):
    a = Assistant(config)
    a.index([seeds])
    store = a.store()
    for d in store.documents():
        text = store.document_text(d.id)
        found = store.bm25_search(["市长", "发展", "江城"], 1000)
        for chunk, _, _ in found:
            assert store.document_text(chunk.doc_id)[chunk.start:chunk.end] == chunk.text


def test_remove_and_duplicates(config, seeds, tmp_path):
    a = Assistant(config)
    a.index([seeds])
    copy = tmp_path / "copy_of_001.txt"
    copy.write_bytes(next(seeds.glob("001*")).read_bytes())
    r = a.index([copy])
    assert r.duplicates == [str(copy)] and r.chunks == 0
    rec = next(d for d in a.documents() if str(copy) in d.sources)
    assert len(rec.sources) == 2
    a.remove(str(copy))  # one name gone, document stays
    assert a.store().document(rec.id) is not None
    removed = a.remove(rec.id)
    assert removed == rec.id and a.store().document(rec.id) is None
    assert all(c.doc_id != rec.id for c, _ in a.store().dense_search(np.ones(64, np.float32) / 8, 500))
    with pytest.raises(StoreError, match="rag docs"):
        a.remove("no-such-doc")


def test_reopen_and_model_mismatch(config, seeds):
    Assistant(config).index([seeds])
    again = Assistant(config)
    assert len(again.documents()) == 5
    other = Assistant(Config(index_dir=config.index_dir, model="use-multilingual-v3"))
    with pytest.raises(IndexMismatch, match="built with model 'test-hash'"):
        other.documents()


def test_missing_index_message(config):
    with pytest.raises(StoreError, match="rag index"):
        Assistant(config).documents()


def test_segments_merge_without_losing_documents(config, tmp_path):
    a = Assistant(config)
    for i in range(12):  # more than MAX_SEGMENTS commits
        f = tmp_path / f"doc{i}.txt"
        f.write_text(f"第{i}号文件讲的是编号{i}的事情。这里还有第二句话。", encoding="utf-8")
        a.index([f])
    store = a.store()
    assert len(store.manifest["segments"]) <= 8
    assert len(store.documents()) == 12
    hits = store.bm25_search(["编号"], 50)
    assert len({c.doc_id for c, _, _ in hits}) == 12


def test_crash_before_commit_keeps_previous_state(config, seeds, monkeypatch):
    a = Assistant(config)
    a.index([seeds])
    before = (config.index_dir / "manifest.json").read_bytes()
    from rag.store import local

    def boom(*args, **kwargs):
        raise RuntimeError("simulated crash")
    monkeypatch.setattr(local, "_write_atomic", boom)
    f = next(seeds.glob("002*"))
    f.write_text("完全不同的内容。", encoding="utf-8")
    with pytest.raises(RuntimeError):
        a.index([f])
    assert (config.index_dir / "manifest.json").read_bytes() == before
    monkeypatch.undo()
    fresh = Assistant(config)
    assert len(fresh.documents()) == 5 and fresh.ask("江城市长").citations
