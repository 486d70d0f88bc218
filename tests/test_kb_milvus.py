"""Knowledge bases on Milvus (embedded Milvus Lite, offline): each its own collection, named in its folder, kept
through a rename and dropped with the knowledge base; two of them asked at once."""
import json

import pytest

pytest.importorskip("pymilvus")
pytest.importorskip("milvus_lite")

from rag import Assistant, Config  # noqa: E402
from rag.kb import MILVUS_MAP, KnowledgeBases, kb_config  # noqa: E402
from rag.options import AskOptions  # noqa: E402
from rag.store.milvus_setup import connect  # noqa: E402

NOTICE = "通知：东城区图书馆自下周一起闭馆装修，预计六月重新开放，借阅服务暂停。"
BRIDGE = "公告：青石镇老桥限高调整为四米二，货车请绕行新桥，自三月一日起执行。"


@pytest.fixture
def mconfig(tmp_path) -> Config:
    return Config(index_dir=tmp_path / "index", model="test-hash", abstain_threshold=0.2, store="milvus",
                  milvus_uri=str(tmp_path / "milvus.db") + "?collection=t", milvus_collection="ignored")


def test_knowledge_bases_on_milvus(mconfig, seeds, tmp_path):
    kbs = KnowledgeBases(mconfig)
    kbs.default.index([seeds])
    assert kbs.create("通知") == {"name": "通知", "documents": 0, "chunks": 0, "default": False}
    collection = json.loads((kbs.root / "通知" / MILVUS_MAP).read_text())["collection"]
    assert collection.startswith("t_kb_")
    notice = tmp_path / "闭馆.txt"
    notice.write_text(NOTICE, encoding="utf-8")
    kbs.assistant("通知").index([notice])
    client = connect(str(tmp_path / "milvus.db"), None)
    assert client.has_collection(f"{collection}_docs") and client.has_collection("t_docs")
    assert {k["name"]: k["documents"] for k in kbs.list()} == {"default": 5, "通知": 1}
    answer = kbs.assistant("通知").ask("图书馆什么时候重新开放")
    assert "六月" in answer.text and all("闭馆" in c.source for c in answer.citations)
    assert all("闭馆" not in p.source for p in kbs.assistant().ask("图书馆什么时候重新开放").passages)

    # Two knowledge bases on Milvus asked as one (rag/multi_kb.py).
    kbs.create("交通")
    bridge = tmp_path / "老桥.txt"
    bridge.write_text(BRIDGE, encoding="utf-8")
    kbs.assistant("交通").index([bridge])
    both = kbs.assistant(("通知", "交通"))
    assert "四米二" in both.ask("老桥限高多少", AskOptions(kb=("通知", "交通"))).text
    assert "六月" in both.ask("图书馆什么时候重新开放").text

    # A rename keeps the collection; the CLI's --kb finds it under the new name.
    kbs.rename("通知", "notices")
    assert kbs.config_for("notices").milvus_collection == collection
    assert kb_config(mconfig, "notices").milvus_collection == collection
    assert "六月" in Assistant(kb_config(mconfig, "notices")).ask("图书馆什么时候重新开放").text
    assert kbs.info("notices")["documents"] == 1

    kbs.delete("notices")
    assert not client.has_collection(f"{collection}_docs") and not client.has_collection(f"{collection}_chunks")
    assert kbs.names() == ["default", "交通"] and client.has_collection("t_docs")


def test_knowledge_base_routes_on_milvus(mconfig, seeds, monkeypatch):
    from conftest import client_for
    from ui.service import Service
    monkeypatch.delenv("RAG_API_TOKEN", raising=False)
    service = Service(mconfig, max_upload_bytes=20_000)
    service.assistant.index([seeds])
    try:
        client = client_for(service)
        assert client.post("/api/kbs", json={"name": "通知"}).status_code == 201
        r = client.post("/api/documents?wait=true&kb=通知", files={"file": ("闭馆.txt", NOTICE.encode(), "text/plain")})
        assert r.status_code == 200 and r.json()["added"] == 1, r.text
        r = client.post("/api/ask", json={"question": "图书馆什么时候重新开放", "kb": ["default", "通知"]})
        assert r.status_code == 200 and "六月" in r.json()["answer"], r.text
        assert client.patch("/api/kbs/通知", json={"name": "notices"}).json()["documents"] == 1
        again = client.post("/api/documents?wait=true&kb=notices",
                            files={"file": ("闭馆.txt", NOTICE.encode(), "text/plain")}).json()
        assert again["unchanged"] == 1  # the renamed upload still names its document
        assert client.delete("/api/kbs/notices", params={"confirm": "notices"}).status_code == 200
        assert [k["name"] for k in client.get("/api/kbs").json()["kbs"]] == ["default"]
    finally:
        service.jobs.stop(timeout=30)


def test_document_view_marks_chunks_on_milvus(mconfig, seeds, monkeypatch):
    from ui.doc_view import chunk_spans, document_html
    from ui.service import Service
    monkeypatch.delenv("RAG_API_TOKEN", raising=False)
    service = Service(mconfig)
    service.assistant.index([seeds])
    try:
        rec = service.documents()[0]
        spans = chunk_spans(service.assistant.store(), rec)
        assert spans and len(spans) == rec.chunks
        assert f"{rec.chunks} 块 chunks" in document_html(service, rec.id)
    finally:
        service.jobs.stop(timeout=30)
