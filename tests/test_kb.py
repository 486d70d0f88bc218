"""Knowledge bases: each its own index folder beside the default one, one embedder for all; the HTTP routes, the
`kb` option of /api/ask, /api/documents and the OpenAI endpoint, and `rag kb` / `--kb` in the CLI."""
import json

import pytest

from rag.cli import main

NOTICE = "通知：东城区图书馆自下周一起闭馆装修，预计六月重新开放，借阅服务暂停。"


def kbs(c) -> dict:
    r = c.get("/api/kbs")
    assert r.status_code == 200, r.text
    return {k["name"]: k for k in r.json()["kbs"]}


def test_create_upload_ask_rename_delete(client, service, config):
    assert list(kbs(client)) == ["default"] and kbs(client)["default"]["documents"] == 5
    r = client.post("/api/kbs", json={"name": "通知"})
    assert r.status_code == 201 and r.json() == {"name": "通知", "documents": 0, "chunks": 0, "default": False}
    assert (config.index_dir.parent / "kb" / "通知").is_dir()
    r = client.post("/api/documents?wait=true&kb=通知", files={"file": ("闭馆.txt", NOTICE.encode(), "text/plain")})
    assert r.status_code == 200 and r.json()["added"] == 1 and r.json()["kb"] == "通知", r.text
    assert kbs(client)["通知"]["documents"] == 1 and kbs(client)["default"]["documents"] == 5
    assert client.get("/api/documents", params={"kb": "通知"}).json()["total"] == 1
    assert client.get("/api/documents").json()["total"] == 5

    here = client.post("/api/ask", json={"question": "图书馆什么时候重新开放", "kb": "通知"}).json()
    assert "六月" in here["answer"] and all("闭馆.txt" in c["source"] for c in here["citations"])
    default = client.post("/api/ask", json={"question": "图书馆什么时候重新开放"}).json()
    assert all("闭馆" not in p["source"] for p in default["passages"])  # the default never sees it
    assert service.kbs.assistant("通知").embedder is service.assistant.embedder  # one model for all

    conv = client.post("/api/conversations", json={"kb": "通知"}).json()["id"]
    r = client.patch("/api/kbs/通知", json={"name": "notices"})
    assert client.get(f"/api/conversations/{conv}").json()["kb"] == "notices"  # conversations follow
    assert r.status_code == 200 and r.json()["documents"] == 1 and list(kbs(client)) == ["default", "notices"]
    doc = client.get("/api/documents", params={"kb": "notices"}).json()["documents"][0]
    assert doc["sources"][0].endswith("kb/notices/uploads/闭馆.txt")
    again = client.post("/api/documents?wait=true", data={"kb": "notices"},
                        files={"file": ("闭馆.txt", NOTICE.encode(), "text/plain")}).json()
    assert again["unchanged"] == 1  # the renamed source still names its document
    assert client.get(f"/api/documents/{doc['id']}", params={"kb": "notices"}).json()["text"] == NOTICE

    r = client.delete("/api/kbs/notices")
    assert r.status_code == 400 and "confirm=notices" in r.json()["error"]["message"]
    r = client.delete("/api/kbs/notices", params={"confirm": "notices"})
    assert r.status_code == 200 and list(kbs(client)) == ["default"]
    r = client.post("/api/ask", json={"question": "图书馆", "kb": "notices"})
    assert r.status_code == 404 and "no knowledge base 'notices'" in r.json()["error"]["message"]


@pytest.mark.parametrize("method, path, body, status, words", [
    ("POST", "/api/kbs", {"name": "../etc"}, 400, "invalid knowledge-base name"),
    ("POST", "/api/kbs", {"name": ".hidden"}, 400, "invalid knowledge-base name"),
    ("POST", "/api/kbs", {"name": "x" * 101}, 400, "invalid knowledge-base name"),
    ("POST", "/api/kbs", {"name": 3}, 400, "'name' must be a string"),
    ("POST", "/api/kbs", {"name": "default"}, 409, "exists already"),
    ("PATCH", "/api/kbs/default", {"name": "x"}, 400, "keeps its name"),
    ("PATCH", "/api/kbs/nope", {"name": "x"}, 404, "no knowledge base 'nope'"),
    ("DELETE", "/api/kbs/default?confirm=default", None, 400, "cannot be deleted"),
    ("GET", "/api/documents?kb=nope", None, 404, "no knowledge base"),
    ("POST", "/api/ask", {"question": "12345", "kb": "a/b"}, 400, "kb must be a knowledge-base name"),
])
def test_kb_errors_are_one_line(client, method, path, body, status, words):
    r = client.request(method, path, json=body)
    message = r.json()["error"]["message"]
    assert r.status_code == status and words in message and "\n" not in message, r.text


def test_openai_endpoint_takes_the_kb_from_the_model_name(client):
    client.post("/api/kbs", json={"name": "notices"})
    client.post("/api/documents?wait=true&kb=notices", files={"file": ("闭馆.txt", NOTICE.encode())})
    ids = [m["id"] for m in client.get("/v1/models").json()["data"]]
    assert ids == ["rag-zh", "rag-zh:notices"]
    question = [{"role": "user", "content": "图书馆什么时候重新开放"}]
    for body in ({"model": "rag-zh:notices"}, {"model": "rag-zh", "kb": "notices"}):
        r = client.post("/v1/chat/completions", json={**body, "messages": question})
        assert r.status_code == 200 and "六月" in r.json()["choices"][0]["message"]["content"], r.text
    r = client.post("/v1/chat/completions", json={"model": "rag-zh:nope", "messages": question})
    assert r.status_code == 404 and "nope" in r.json()["error"]["message"]


def test_cli_kb(config, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("RAG_MODEL", "test-hash")
    idx = str(config.index_dir)
    (tmp_path / "闭馆.txt").write_text(NOTICE, encoding="utf-8")
    assert main(["kb", "create", "notices", "--index", idx]) == 0
    assert main(["index", str(tmp_path / "闭馆.txt"), "--index", idx, "--kb", "notices", "-q"]) == 0
    assert "1 new" in capsys.readouterr().out
    assert main(["kb", "list", "--index", idx]) == 0
    out = capsys.readouterr().out
    assert "notices" in out and "default" in out
    assert main(["ask", "--json", "--index", idx, "--kb", "notices", "图书馆什么时候重新开放"]) == 0
    assert "六月" in json.loads(capsys.readouterr().out)["answer"]
    # Several knowledge bases at once, as the API's kb list: the default holds nothing about the library.
    assert main(["ask", "--json", "--index", idx, "--kb", "default,notices", "图书馆什么时候重新开放"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert "六月" in answer["answer"] and answer["citations"][0]["source"].endswith("闭馆.txt")
    assert main(["kb", "delete", "notices", "--index", idx]) == 2
    assert "--yes notices" in capsys.readouterr().err
    assert main(["kb", "delete", "notices", "--index", idx, "--yes", "notices"]) == 0
    assert main(["ask", "--index", idx, "--kb", "notices", "图书馆"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error:") and "no knowledge base 'notices'" in err and "\n" not in err
