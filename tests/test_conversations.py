"""Saved conversations and feedback (rag/workspace.py, SQLite in the workspace folder): over HTTP, across a
restart, exported as Markdown with quotes and sources and as JSON; 👍/👎 exported by `rag feedback export` in the
`rag eval` question format (and loadable by it)."""
import json

import pytest
from fastapi.testclient import TestClient

from rag.cli import main
from rag.eval import _query
from ui.api import build_api
from ui.auth import protect
from ui.service import Service


def client_for(service):
    app = build_api(service)
    return TestClient(protect(app, service, app.state.sessions))


@pytest.fixture
def service(config, seeds, monkeypatch):
    monkeypatch.delenv("RAG_API_TOKEN", raising=False)
    svc = Service(config)
    svc.assistant.index([seeds])
    return svc


def test_a_conversation_is_saved_and_survives_a_restart(service, config):
    with client_for(service) as c:
        conv = c.post("/api/conversations", json={}).json()
        assert conv["title"] == "" and conv["kb"] == "default"
        first = c.post(f"/api/conversations/{conv['id']}/ask", json={"question": "老农贸市场改造是怎么回事？"}).json()
        assert first["turn"] == 1 and first["citations"]
        follow = c.post(f"/api/conversations/{conv['id']}/ask", json={"question": "那资金呢？"}).json()
        assert follow["turn"] == 2 and "农贸市场" in follow["search_query"]  # the saved turns are the history
    assert (config.index_dir.parent / "workspace.db").is_file()
    with client_for(Service(config)) as c:  # a new process, the same workspace file
        listed = c.get("/api/conversations").json()["conversations"]
        assert [x["id"] for x in listed] == [conv["id"]] and listed[0]["turns"] == 2
        assert listed[0]["title"] == "老农贸市场改造是怎么回事？"  # the first question names it
        full = c.get(f"/api/conversations/{conv['id']}").json()
        assert [t["question"] for t in full["turns"]] == ["老农贸市场改造是怎么回事？", "那资金呢？"]
        assert full["turns"][1]["answer"]["answer"] == follow["answer"] and full["turns"][1]["panel"]["citations"]
        assert c.get("/api/conversations", params={"q": "资金"}).json()["conversations"][0]["id"] == conv["id"]
        assert c.get("/api/conversations", params={"q": "火星"}).json()["conversations"] == []

        md = c.get(f"/api/conversations/{conv['id']}/export", params={"format": "md"})
        assert md.status_code == 200 and md.headers["content-type"].startswith("text/markdown")
        assert "attachment" in md.headers["content-disposition"]
        assert "## 2. 那资金呢？" in md.text and follow["citations"][0]["quote"].split()[0] in md.text
        assert "[1] “" in md.text and "000_" in md.text  # each citation's quote and its file
        js = c.get(f"/api/conversations/{conv['id']}/export", params={"format": "json"}).json()
        assert js["turns"][0]["answer"]["citations"] == first["citations"]

        r = c.patch(f"/api/conversations/{conv['id']}", json={"title": "农贸市场"})
        assert r.json()["title"] == "农贸市场"
        assert c.delete(f"/api/conversations/{conv['id']}").status_code == 200
        r = c.get(f"/api/conversations/{conv['id']}")
        assert r.status_code == 404 and "no conversation" in r.json()["error"]["message"]


def test_feedback_is_stored_and_exported_as_eval_questions(service, config, tmp_path, capsys, monkeypatch):
    with client_for(service) as c:
        cid = c.post("/api/conversations", json={"title": "热线"}).json()["id"]
        good = c.post(f"/api/conversations/{cid}/ask", json={"question": "市长对12345热线提出了哪些要求"}).json()
        c.post(f"/api/conversations/{cid}/ask", json={"question": "火星上的天气怎么样"})
        r = c.post("/api/feedback", json={"conversation": cid, "turn": 1, "rating": "up"})
        assert r.status_code == 201 and r.json()["rating"] == "up" and r.json()["citations"] == good["citations"]
        assert r.json()["passages"] and r.json()["answer"] == good["answer"]
        r = c.post("/api/feedback", json={"conversation": cid, "turn": 2, "rating": "down", "comment": "应该说没有"})
        assert r.status_code == 201
        r = c.post("/api/feedback", json={"conversation": cid, "turn": 2, "rating": "down", "comment": "文档里没有"})
        assert len(c.get("/api/feedback").json()["feedback"]) == 2  # rating again replaces
        for body, status, words in (({"conversation": cid, "turn": 9, "rating": "up"}, 404, "no answer number 9"),
                                    ({"conversation": cid, "turn": 1, "rating": "meh"}, 400, "'up' or 'down'"),
                                    ({"conversation": "x", "turn": 1, "rating": "up"}, 404, "no conversation")):
            r = c.post("/api/feedback", json=body)
            assert r.status_code == status and words in r.json()["error"]["message"], r.text
    monkeypatch.setenv("RAG_MODEL", "test-hash")
    out = tmp_path / "queries.jsonl"
    assert main(["feedback", "export", "--index", str(config.index_dir), "-o", str(out)]) == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["rating"] for r in rows] == ["up", "down"]
    up, down = rows
    assert up["question"] == "市长对12345热线提出了哪些要求" and up["answers"] == [good["citations"][0]["quote"]]
    assert up["doc"].startswith("001_") and down["answers"] == ["文档里没有"] and down["history"]
    for i, row in enumerate(rows):
        _query(row, i)  # loads as a `rag eval` question
    assert main(["feedback", "export", "--rating", "down", "--index", str(config.index_dir)]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 1
