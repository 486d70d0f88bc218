"""Document versions: a document is its name within a knowledge base, so a changed file uploaded under the same
name replaces the old one (reported "updated"), an unchanged one is a no-op, and two clients uploading versions
of one file at once end with exactly one."""
import os
import threading

import pytest
from fastapi.testclient import TestClient

from ui.api import build_api
from ui.auth import protect
from ui.service import Service

V1 = "通知：青石镇老桥限高四米五，货车请绕行。"
V2 = "通知：青石镇老桥限高已调整为四米二，货车请绕行东环路。"


@pytest.fixture
def service(config, monkeypatch):
    monkeypatch.delenv("RAG_API_TOKEN", raising=False)
    return Service(config, max_upload_bytes=20_000)


def client_for(service):
    app = build_api(service)
    return TestClient(protect(app, service, app.state.sessions))


def upload(c, name: str, text: str) -> dict:
    r = c.post("/api/documents?wait=true", files={"file": (name, text.encode(), "text/plain")})
    assert r.status_code == 200, r.text
    return r.json()


def blobs(folder):
    return sorted(p.name for p in folder.iterdir() if not p.is_symlink() and not p.name.startswith("."))


def test_a_changed_file_replaces_its_old_version(service):
    with client_for(service) as c:
        first = upload(c, "限高.txt", V1)
        assert first["added"] == 1
        second = upload(c, "限高.txt", V2)
        assert (second["added"], second["updated"], second["unchanged"]) == (0, 1, 0)
        docs = c.get("/api/documents").json()["documents"]
        assert len(docs) == 1 and docs[0]["id"] != first["documents"][0]["id"]
        assert docs[0]["sources"] == [str(service.uploads / "限高.txt")]
        assert docs[0]["version"] == 2 and len(docs[0]["versions"]) == 2
        assert c.get(f"/api/documents/{docs[0]['id']}").json()["text"] == V2
        assert len(blobs(service.uploads)) == 1  # the old bytes went with the old version
        answer = c.post("/api/ask", json={"question": "老桥限高多少"}).json()
        assert "四米二" in answer["answer"] and "四米五" not in answer["answer"]
        assert all(p["doc_id"] == docs[0]["id"] for p in answer["passages"])

        before = sorted(os.listdir(service.uploads))
        again = upload(c, "限高.txt", V2)  # unchanged: a no-op
        assert (again["added"], again["updated"], again["unchanged"]) == (0, 0, 1)
        assert sorted(os.listdir(service.uploads)) == before
        assert c.get("/api/documents").json()["documents"][0]["version"] == 2

        back = upload(c, "限高.txt", V1)  # an old version again is one more version
        assert back["updated"] == 1 and c.get("/api/documents").json()["total"] == 1

        assert c.delete(f"/api/documents/{back['documents'][0]['id']}").status_code == 200
        assert blobs(service.uploads) == [] and upload(c, "限高.txt", V2)["documents"][0]["version"] == 1


def test_a_version_that_equals_another_document_keeps_one_copy(service):
    with client_for(service) as c:
        upload(c, "a.txt", V1)
        upload(c, "b.txt", V2)
        r = upload(c, "a.txt", V2)  # a.txt now holds b.txt's content: one document, two names
        assert r["duplicates"] == 1
        docs = c.get("/api/documents").json()["documents"]
        assert len(docs) == 1 and sorted(os.path.basename(s) for s in docs[0]["sources"]) == ["a.txt", "b.txt"]
        assert len(blobs(service.uploads)) == 1


@pytest.mark.parametrize("round_", range(3))
def test_two_clients_uploading_versions_at_once_leave_one(service, round_):
    texts = [f"第{round_}轮版本甲：青石镇老桥限高四米{i}，货车绕行。" for i in range(2)]
    results: list = [None, None]
    with client_for(service) as c:
        upload(c, "桥.txt", "最初的版本：青石镇老桥限高五米。")
        start = threading.Barrier(2)

        def run(i):
            with client_for(service) as mine:
                start.wait()
                results[i] = upload(mine, "桥.txt", texts[i])
        threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert all(results), results
        docs = c.get("/api/documents").json()["documents"]
        assert len(docs) == 1, docs
        text = c.get(f"/api/documents/{docs[0]['id']}").json()["text"]
        link = service.uploads / "桥.txt"
        assert text in texts and link.read_text(encoding="utf-8") == text  # the index holds what the name holds
        assert blobs(service.uploads) == [os.readlink(link)]
        assert sum(r["updated"] for r in results) >= 1
