"""The HTTP API in process (fake "test-hash" model): httpx through FastAPI's TestClient, and the real `openai`
client pointed at it."""
import json

import pytest
from fastapi.testclient import TestClient

from conftest import client_for
from ui.service import Service

GBK_TEXT = "青石镇的古井修缮工程由镇文化站负责，总投资八十万元，预计明年三月完工。"


def test_ask_returns_the_rag_ask_json_object(client, service):
    r = client.post("/api/ask", json={"question": "市长对12345热线提出了哪些要求", "top_k": 3})
    assert r.status_code == 200, r.text
    d = r.json()
    assert set(d) == {"question", "answer", "abstained", "citations", "passages", "timings_ms"}
    assert not d["abstained"] and "[1]" in d["answer"] and len(d["passages"]) == 3
    for c in d["citations"]:
        assert f"[{c['n']}]" in d["answer"]
        assert service.assistant.document_text(c["doc_id"])[c["start"]:c["end"]] == c["quote"]


@pytest.mark.parametrize("body, status, words", [
    ({"question": "   "}, 400, "empty"),
    ({"question": "长" * 3000}, 400, "limit is 2000"),
    ({"question": 12345}, 400, "must be a string"),
    ({"question": "12345", "top_k": 0}, 400, "top_k"),
    ({"question": "12345", "history": "x"}, 400, "history"),
])
def test_ask_errors_are_json_with_a_message(client, body, status, words):
    r = client.post("/api/ask", json=body)
    assert r.status_code == status and words in r.json()["error"]["message"]


def test_ask_rejects_a_body_that_is_not_json(client):
    r = client.post("/api/ask", content=b"question=hi", headers={"content-type": "text/plain"})
    assert r.status_code == 400 and "JSON" in r.json()["error"]["message"]


def test_follow_up_question_uses_the_history(client):
    r = client.post("/api/ask", json={"question": "那资金呢？", "history": ["老农贸市场改造是怎么回事？"]})
    d = r.json()
    assert r.status_code == 200 and d["question"] == "那资金呢？"
    assert "农贸市场" in d["search_query"] and "资金" in d["search_query"]
    assert d["citations"] and "000_" in d["citations"][0]["source"]


def test_openai_client_works_unchanged(client):
    from openai import OpenAI
    oa = OpenAI(base_url="http://testserver/v1", api_key="unused", http_client=client)
    resp = oa.chat.completions.create(model="rag-zh", messages=[
        {"role": "system", "content": "answer from the documents"},
        {"role": "user", "content": "市长对12345热线提出了哪些要求"}])
    text = resp.choices[0].message.content
    assert "[1]" in text and resp.choices[0].finish_reason == "stop"
    citations = resp.model_extra["citations"]
    assert citations[0]["n"] == 1 and citations[0]["quote"] in text

    stream = oa.chat.completions.create(model="rag-zh", stream=True, messages=[
        {"role": "user", "content": "市长对12345热线提出了哪些要求"}])
    pieces, last = [], None
    for chunk in stream:
        pieces.append(chunk.choices[0].delta.content or "")
        last = chunk
    assert "".join(pieces) == text and len(pieces) > 2
    assert last.choices[0].finish_reason == "stop" and last.model_extra["citations"] == citations


def test_openai_client_sees_the_error_message(client):
    import openai
    oa = openai.OpenAI(base_url="http://testserver/v1", api_key="unused", http_client=client, max_retries=0)
    with pytest.raises(openai.BadRequestError, match="empty"):
        oa.chat.completions.create(model="rag-zh", messages=[{"role": "user", "content": " "}])


def test_chat_completions_uses_earlier_user_turns(client):
    r = client.post("/v1/chat/completions", json={"messages": [
        {"role": "user", "content": "老农贸市场改造是怎么回事？"},
        {"role": "assistant", "content": "…"},
        {"role": "user", "content": "那资金呢？"}]})
    assert r.status_code == 200 and "000_" in r.json()["citations"][0]["source"]


def test_sse_stream_format(client):
    with client.stream("POST", "/v1/chat/completions",
                       json={"stream": True, "messages": [{"role": "user", "content": "12345热线"}]}) as r:
        assert r.headers["content-type"].startswith("text/event-stream")
        lines = [line for line in r.iter_lines() if line]
    assert all(line.startswith("data: ") for line in lines) and lines[-1] == "data: [DONE]"
    first = json.loads(lines[0][6:])
    assert first["object"] == "chat.completion.chunk" and first["choices"][0]["delta"]["role"] == "assistant"


def test_documents_are_listed_a_page_at_a_time(client):
    everything = client.get("/api/documents").json()
    assert everything["total"] == len(everything["documents"]) == 5
    page = client.get("/api/documents", params={"offset": 1, "limit": 2}).json()
    assert page["total"] == 5 and page["documents"] == everything["documents"][1:3]
    found = client.get("/api/documents", params={"q": "003_"}).json()
    assert found["total"] == 1 and found["documents"][0]["sources"][0].endswith(".txt") \
        and "003_" in found["documents"][0]["sources"][0]
    for params in ({"limit": 0}, {"limit": 10_001}, {"offset": -1}):
        r = client.get("/api/documents", params=params)
        assert r.status_code == 400 and "must be a whole number" in r.json()["error"]["message"]


def test_upload_list_and_delete_documents(client, service, tmp_path):
    before = len(client.get("/api/documents").json()["documents"])
    r = client.post("/api/documents?wait=true", files=[("files", ("古井.txt", GBK_TEXT.encode("gbk"), "text/plain"))])
    assert r.status_code == 200, r.text
    assert r.json()["added"] == 1 and not r.json()["failed"]
    docs = client.get("/api/documents").json()["documents"]
    assert len(docs) == before + 1
    new = next(d for d in docs if d["sources"][0].endswith("古井.txt"))
    assert new["encoding"] == "gb18030" and new["chunks"] >= 1 and new["added"]
    assert r.json()["documents"] == [new]  # the upload answers with what it made, not the whole index
    stored = service.uploads / "古井.txt"
    assert stored.is_file() and new["sources"] == [str(stored)]
    d = client.post("/api/ask", json={"question": "古井修缮工程总投资多少"}).json()
    assert "八十万元" in d["answer"] and d["citations"][0]["doc_id"] == new["id"]
    assert client.get(f"/api/documents/{new['id']}").json()["text"] == GBK_TEXT
    assert client.delete(f"/api/documents/{new['id']}").status_code == 200
    assert not stored.exists() and len(client.get("/api/documents").json()["documents"]) == before
    for method in (client.delete, client.get):
        r = method(f"/api/documents/{new['id']}")
        assert r.status_code == 404 and "no document" in r.json()["error"]["message"]


def test_upload_refusals_keep_the_index(client, service):
    before = client.get("/api/documents").json()["documents"]
    r = client.post("/api/documents?wait=true", files={"file": ("setup.exe", b"MZ...", "application/octet-stream")})
    assert r.status_code == 415 and "unsupported file type '.exe'" in r.json()["error"]["message"]
    r = client.post("/api/documents?wait=true", files={"file": ("big.txt", "大".encode() * 10_000, "text/plain")})
    assert r.status_code == 413 and "over the upload limit" in r.json()["error"]["message"]
    photo = ("photo.txt", b"\x89PNG\r\n\x1a\n" + bytes(200), "text/plain")
    r = client.post("/api/documents?wait=true", files={"file": photo})
    assert r.status_code == 422
    assert "photo.txt: 二进制文件，不是文本，请先转成 .txt · binary file (a PNG image)" in r.json()["error"]["message"]
    r = client.post("/api/documents", json={"files": []})
    assert r.status_code == 415 and "multipart" in r.json()["error"]["message"]
    assert client.get("/api/documents").json()["documents"] == before
    assert not list(service.uploads.glob("photo*"))  # the refused file is not kept


def test_upload_names_stay_inside_the_uploads_folder(client, service):
    for i, name in enumerate(("../../evil.txt", "/etc/evil.txt", "..\\..\\evil.txt")):
        r = client.post("/api/documents?wait=true", files={"file": (name, f"第{i}个文件的内容是这样的。".encode(),
                                                          "text/plain")})
        assert r.status_code == 200, r.text
        assert (r.json()["added"], r.json()["updated"]) == ((1, 0) if i == 0 else (0, 1))
    # One name, so one document in three versions; the link and its bytes never leave the folder.
    links = [p for p in service.uploads.iterdir() if p.is_symlink()]
    assert [p.name for p in links] == ["evil.txt"] and links[0].resolve().parent == service.uploads.resolve()
    assert links[0].read_text(encoding="utf-8") == "第2个文件的内容是这样的。"
    before = sorted(service.uploads.iterdir())
    again = ("evil.txt", (service.uploads / "evil.txt").read_bytes())
    r = client.post("/api/documents?wait=true", files={"file": again})
    assert r.json()["unchanged"] == 1 and sorted(service.uploads.iterdir()) == before


def test_empty_index_says_so_then_accepts_uploads(config, monkeypatch):
    monkeypatch.delenv("RAG_API_TOKEN", raising=False)
    with client_for(Service(config)) as c:
        assert c.get("/healthz").json()["documents"] == 0
        assert c.get("/api/documents").json() == {"documents": [], "total": 0, "offset": 0, "limit": 1000}
        r = c.post("/api/ask", json={"question": "古井修缮"})
        assert r.status_code == 409 and "No documents yet" in r.json()["error"]["message"]
        c.post("/api/documents?wait=true", files={"file": ("古井.txt", GBK_TEXT.encode("gbk"))})
        assert "八十万元" in c.post("/api/ask", json={"question": "古井修缮工程总投资多少"}).json()["answer"]


def test_bearer_token(service):
    service.token = "s3cret"
    with client_for(service) as c:
        assert c.get("/healthz").status_code == 200
        for method, path in (("POST", "/api/ask"), ("GET", "/api/documents"), ("POST", "/v1/chat/completions"),
                             ("DELETE", "/api/documents/x"), ("GET", "/gradio_api/info")):
            r = c.request(method, path, json={"question": "12345"})
            assert r.status_code == 401 and "API token" in r.json()["error"]["message"], path
        r = c.post("/api/ask", json={"question": "12345"}, headers={"Authorization": "Bearer wrong"})
        assert r.status_code == 401
        r = c.post("/api/ask", json={"question": "12345热线"}, headers={"Authorization": "Bearer s3cret"})
        assert r.status_code == 200
        # A browser is sent to the login page once; the cookie then carries the token.
        r = c.get("/", headers={"Accept": "text/html"}, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/login?next=/"
        assert c.post("/login", data={"token": "nope"}).status_code == 401
        r = c.post("/login", data={"token": "s3cret", "next": "//evil.example"}, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/" and "httponly" in r.headers["set-cookie"].lower()
        assert c.get("/api/documents").status_code == 200  # the client kept the cookie


def test_ui_and_api_share_one_app(service):
    from ui.app import create_app
    with TestClient(create_app(service)) as c:
        page = c.get("/")
        assert page.status_code == 200 and "<gradio-app" in page.text.lower() or "gradio" in page.text.lower()
        assert c.post("/api/ask", json={"question": "12345热线"}).json()["citations"]
        info = c.get("/gradio_api/info").json()
        assert "/ask" in info["named_endpoints"]


def test_answer_length_setting(client):
    short = client.post("/api/ask", json={"question": "市长对12345热线提出了哪些要求", "length": "short"}).json()
    long = client.post("/api/ask", json={"question": "市长对12345热线提出了哪些要求", "length": "long"}).json()
    assert len(short["citations"]) == 1 and len(short["answer"]) <= len(long["answer"])
    r = client.post("/api/ask", json={"question": "12345", "length": "huge"})
    assert r.status_code == 400 and "short, medium, long" in r.json()["error"]["message"]
