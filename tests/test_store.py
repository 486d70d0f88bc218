import json

import numpy as np
import pytest

from rag import Assistant, Config
from rag.store import IndexMismatch, StoreError

# The behaviour every backend must share is tested once, on each backend (`any_config`); what only the local
# backend has (document log, segments, merges, IVF) is tested on it alone further below.


@pytest.fixture(params=["local", "milvus"])
def any_config(request, config, tmp_path) -> Config:
    if request.param == "local":
        return config
    pytest.importorskip("pymilvus")
    pytest.importorskip("milvus_lite")
    return config.with_(store="milvus", milvus_uri=str(tmp_path / "milvus.db"), milvus_collection="t")


def test_index_is_incremental(any_config, seeds):
    config = any_config
    a = Assistant(config)
    r1 = a.index([seeds])
    assert len(r1.added) == 5 and not r1.failed
    manifest = a.store().manifest
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
    store = a.store()
    if config.store == "milvus":  # the old version's chunk rows are gone, not just hidden
        rows = store.client.query(store.chunks_col, filter='id != ""', output_fields=["count(*)"])
        assert rows[0]["count(*)"] == store.chunk_count()
    ans = a.ask("江城市长")
    assert ans.citations and not ans.abstained
    for c in ans.citations:
        assert a.document_text(c.doc_id)[c.start:c.end] == c.quote


def test_every_chunk_slices_its_document(any_config, seeds):
    a = Assistant(any_config)
    a.index([seeds])
    store = a.store()
    for d in store.documents():
        assert len(store.document_text(d.id)) == d.chars
    found = store.bm25_search(["市长", "发展", "江城"], 1000)
    for chunk, _, _ in found:
        assert store.document_text(chunk.doc_id)[chunk.start:chunk.end] == chunk.text


def test_remove_and_duplicates(any_config, seeds, tmp_path):
    a = Assistant(any_config)
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


def test_reopen_and_model_mismatch(any_config, seeds):
    Assistant(any_config).index([seeds])
    again = Assistant(any_config)
    assert len(again.documents()) == 5
    other = Assistant(any_config.with_(model="use-multilingual-v3"))
    with pytest.raises(IndexMismatch, match="built with model 'test-hash'"):
        other.documents()


def test_missing_index_message(any_config):
    with pytest.raises(StoreError, match="rag index"):
        Assistant(any_config).documents()


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
    from rag.store import local_writer

    def boom(*args, **kwargs):
        raise RuntimeError("simulated crash")
    monkeypatch.setattr(local_writer, "write_atomic", boom)
    f = next(seeds.glob("002*"))
    f.write_text("完全不同的内容。", encoding="utf-8")
    with pytest.raises(RuntimeError):
        a.index([f])
    assert (config.index_dir / "manifest.json").read_bytes() == before
    monkeypatch.undo()
    fresh = Assistant(config)
    assert len(fresh.documents()) == 5 and fresh.ask("江城市长").citations


# ---------- scale machinery: document log, tiered merges, IVF, stored vectors ----------

def _docs(tmp_path, n, tag=""):
    folder = tmp_path / f"docs{tag}"
    folder.mkdir()
    for i in range(n):
        body = f"第{i}号{tag}文件讲的是编号{i}的事情。" + "这里还有第二句话，内容是江城的发展。" * 3
        (folder / f"d{i}.txt").write_text(body, encoding="utf-8")
    return folder


def test_commit_appends_to_the_document_log(config, tmp_path):
    a = Assistant(config)
    a.index([_docs(tmp_path, 5)])
    root = config.index_dir
    m1 = json.loads((root / "manifest.json").read_text())
    assert "documents" not in m1 and m1["format"] == 2
    log = root / m1["documents_log"]["file"]
    size1 = log.stat().st_size
    one = tmp_path / "one.txt"
    one.write_text("单独加入的一个文件。", encoding="utf-8")
    a.index([one])
    m2 = json.loads((root / "manifest.json").read_text())
    assert m2["documents_log"]["file"] == m1["documents_log"]["file"]  # appended, not rewritten
    assert log.stat().st_size == m2["documents_log"]["bytes"] > size1
    # a crashed writer's bytes past the committed length are ignored by readers and cut by the next writer
    with open(log, "ab") as f:
        f.write(b'{"del": "garbage-from-a-crash"')
    fresh = Assistant(config)
    assert len(fresh.documents()) == 6
    a.remove(str(one))
    assert len(Assistant(config).documents()) == 5
    assert log.stat().st_size == json.loads((root / "manifest.json").read_text())["documents_log"]["bytes"]


def test_reader_picks_up_appended_records(config, tmp_path):
    writer, reader = Assistant(config), Assistant(config)
    writer.index([_docs(tmp_path, 3)])
    assert len(reader.documents()) == 3
    writer.index([_docs(tmp_path, 2, "b")])
    assert len(reader.documents()) == 5  # refresh read only the log's new lines
    writer.remove(str(tmp_path / "docs" / "d0.txt"))
    assert len(reader.documents()) == 4 and reader.store().doc_for_source(str(tmp_path / "docs" / "d0.txt")) is None


def test_format_1_index_is_read_and_upgraded(config, tmp_path):
    a = Assistant(config)
    a.index([_docs(tmp_path, 4)])
    root = config.index_dir
    m = json.loads((root / "manifest.json").read_text())
    store = a.store()
    m["documents"] = {d.id: d.to_json() for d in store.documents()}
    m["format"] = 1
    del m["documents_log"]
    for f in root.glob("documents-*.jsonl"):
        f.unlink()
    (root / "manifest.json").write_text(json.dumps(m))
    old = Assistant(config)
    assert len(old.documents()) == 4
    more = tmp_path / "more.txt"
    more.write_text("升级之后加入的文件。", encoding="utf-8")
    old.index([more])
    m2 = json.loads((root / "manifest.json").read_text())
    assert m2["format"] == 2 and "documents" not in m2 and len(Assistant(config).documents()) == 5


def test_tiered_merges_keep_every_chunk_and_use_ivf(config, tmp_path, monkeypatch):
    from rag.store import merge, segment
    monkeypatch.setattr(segment, "FLAT_MAX_ROWS", 12)
    monkeypatch.setattr(merge, "FLAT_MAX_ROWS", 12)
    monkeypatch.setattr(merge, "SMALL_SEGMENTS_MAX", 3)
    a = Assistant(config)
    for i in range(10):
        a.index([_docs(tmp_path, 3, f"t{i}")])
        store = a.store()
        assert sum(d.chunks for d in store.documents()) == store.chunk_count()
    store = a.store()
    assert len(store.documents()) == 30
    sizes = [len(s) for s in store._segments.values()]
    assert any(s >= 12 for s in sizes)  # large segments exist and carry an IVF index
    assert any(s.nprobe for s in store._segments.values())
    assert len(store.manifest["segments"]) < 10
    hits = store.bm25_search(["编号"], 100)
    assert len({c.doc_id for c, _, _ in hits}) == 30
    for c, _, _ in hits:
        assert store.document_text(c.doc_id)[c.start:c.end] == c.text
    # every live chunk is still found by its own vector
    vecs = store.chunk_vectors([c.id for c, _, _ in hits])
    assert len(vecs) == len(hits)
    for v in list(vecs.values())[:10]:
        assert store.dense_search(v, 3)[0][1] == pytest.approx(1.0, abs=1e-4)


def test_dead_rows_are_skipped_and_rewritten(config, tmp_path, monkeypatch):
    from rag.store import merge, segment
    monkeypatch.setattr(segment, "FLAT_MAX_ROWS", 12)
    monkeypatch.setattr(merge, "FLAT_MAX_ROWS", 12)
    a = Assistant(config)
    folder = _docs(tmp_path, 20)
    a.index([folder])
    store = a.store()
    assert len(store._segments) == 1
    seg_before = next(iter(store._segments))
    a.remove(str(folder / "d0.txt"))  # a few dead rows: skipped by the search, segment kept
    store = a.store()
    assert next(iter(store._segments)) == seg_before
    v = next(iter(store.chunk_vectors([f"{d.id}:0" for d in store.documents()]).values()))
    found = store.dense_search(v, 100)
    removed = {d.id for d in Assistant(config).documents()}
    assert all(c.doc_id in removed for c, _ in found) and len(found) == store.chunk_count()
    for i in range(1, 8):  # past 30% dead: the segment is rewritten with only live rows
        a.remove(str(folder / f"d{i}.txt"))
    store = a.store()
    assert next(iter(store._segments)) != seg_before
    rows = sum(len(s) for s in store._segments.values())
    assert rows < 20 and store.chunk_count() > (1 - merge.DEAD_RATIO_TO_MERGE) * rows


def test_chunk_vectors_match_what_was_indexed(any_config, seeds):
    from rag.embed import Embedder
    from rag.normalize import fold
    a = Assistant(any_config)
    a.index([seeds])
    store = a.store()
    hits = store.bm25_search(["市长"], 5)
    vecs = store.chunk_vectors([c.id for c, _, _ in hits] + ["nope:1", "x"])
    assert set(vecs) == {c.id for c, _, _ in hits}
    emb = Embedder("test-hash")
    for c, _, _ in hits:
        assert np.allclose(vecs[c.id], emb.encode([fold(c.text)])[0], atol=1e-5)


def test_bm25_merge_scores_like_the_parts():
    from rag.store.bm25 import SegmentBM25, search
    a = SegmentBM25.build([["江城", "市长"], ["市长", "热线", "热线"], ["天气"]])
    b = SegmentBM25.build([["热线", "12345"], ["江城"]])
    merged = SegmentBM25.merge([(a, np.array([0, 1, 2])), (b, np.array([0, 1]))])
    q = ["市长", "热线", "12345", "江城"]
    parts = search([(a, np.ones(3, bool)), (b, np.ones(2, bool))], q, 10)
    whole = search([(merged, np.ones(5, bool))], q, 10)
    offset = {0: 0, 1: 3}
    assert sorted((offset[s] + r, round(sc, 5), set(m)) for s, r, sc, m in parts) == \
        sorted((r, round(sc, 5), set(m)) for _, r, sc, m in whole)
    dropped = SegmentBM25.merge([(a, np.array([2]))])
    assert dropped.vocab == ["天气"]
