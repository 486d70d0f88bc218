"""Issue 11 §2 and §5: body caps before reading, bounded history, the Origin/Host check, server-side sessions,
inert document URLs in chat answers, and every odd input answered in the project's JSON error shape."""
import re
import time

import pytest

from conftest import client_for
from ui.auth import LOOPBACK, Sessions
from ui.limits import JSON_BYTES
from ui.render import answer_markdown, md_text

TOKEN = "auth-test-token"


def _error(r, status: int, words: str) -> None:
    assert r.status_code == status, (r.status_code, r.text[:300])
    e = r.json()["error"]
    assert e["code"] == status and words in e["message"] and "\n" not in e["message"], e


# ---------- body caps ----------

def test_declared_bodies_over_the_cap_are_refused_unread(service):
    with client_for(service) as c:
        for path in ("/login", "/api/ask", "/v1/chat/completions"):
            # Only the header says 300 MB: the server must answer without waiting for (or reading) the body.
            r = c.post(path, content=b"x" * 10, headers={"content-length": str(300 * 1024 * 1024)})
            _error(r, 413, "over this route's limit")
        _error(c.post("/api/documents", content=b"x", headers={"content-length": str(10**9),
                                                              "content-type": "multipart/form-data; boundary=b"}),
               413, "over this route's limit")


def test_streamed_bodies_are_cut_at_the_cap(service):
    def chunks(total: int):
        sent = 0
        while sent < total:
            sent += 64 * 1024
            yield b'{"question": "' + b"a" * (64 * 1024 - 20) + b'"}     '
    with client_for(service) as c:  # a generator body goes out chunked, without Content-Length
        _error(c.post("/api/ask", content=chunks(JSON_BYTES * 4)), 413, "over this route's limit")
        _error(c.post("/login", content=chunks(1024 * 1024)), 413, "over this route's limit")
        r = c.post("/api/ask", json={"question": "12345热线"})
        assert r.status_code == 200


def test_history_is_bounded_at_the_api(service):
    history = [f"第{i}个问题：" + "热线" * 999 for i in range(100)]  # 100 turns of ~2,000 characters
    with client_for(service) as c:
        t0 = time.perf_counter()
        r = c.post("/api/ask", json={"question": "那接通率呢？", "history": history[:60]})
        assert r.status_code == 200 and time.perf_counter() - t0 < 30
        messages = [{"role": "user", "content": h} for h in history[:60]] + [{"role": "user", "content": "接通率呢？"}]
        r = c.post("/v1/chat/completions", json={"messages": messages, "length": "short"})
        assert r.status_code == 200 and r.json()["choices"][0]["message"]["content"]
        _error(c.post("/api/ask", json={"question": "x", "history": "一个问题"}), 400, "history")


# ---------- Origin and Host ----------

def test_cross_site_writes_are_refused(service, monkeypatch):
    with client_for(service) as c:
        evil = {"Origin": "http://evil.example"}
        _error(c.post("/api/ask", json={"question": "12345热线"}, headers=evil), 403, "cross-site request")
        _error(c.post("/api/documents", files={"file": ("a.txt", "内容。".encode())}, headers=evil), 403,
               "RAG_ALLOWED_ORIGINS")
        _error(c.delete("/api/documents/abc", headers=evil), 403, "cross-site")
        _error(c.post("/api/ask", json={"question": "x"}, headers={"Origin": "null"}), 403, "cross-site")
        assert not service.uploads.exists()  # nothing was stored
        for ok in ({}, {"Origin": "http://testserver"}, {"Origin": "http://127.0.0.1:5173"},
                   {"Origin": "http://localhost"}):
            assert c.post("/api/ask", json={"question": "12345热线"}, headers=ok).status_code == 200, ok
        assert c.get("/api/documents", headers=evil).status_code == 200  # reads are not state changes
    monkeypatch.setenv("RAG_ALLOWED_ORIGINS", "https://intranet.example, https://wiki.example:8443")
    with client_for(service) as c:
        r = c.post("/api/ask", json={"question": "12345热线"}, headers={"Origin": "https://wiki.example:8443"})
        assert r.status_code == 200
        _error(c.post("/api/ask", json={"question": "x"}, headers={"Origin": "https://wiki.example"}), 403,
               "cross-site")


def test_host_check_against_dns_rebinding(service):
    with client_for(service, hosts=LOOPBACK, base_url="http://127.0.0.1:7860") as c:
        assert c.get("/api/documents").status_code == 200
        assert c.get("/api/documents", headers={"Host": "localhost:7860"}).status_code == 200
        _error(c.get("/api/documents", headers={"Host": "evil.example:7860"}), 403, "unknown Host")


# ---------- sessions ----------

def test_login_sets_a_session_not_the_token_and_logout_ends_it(service):
    service.token = TOKEN
    with client_for(service) as c:
        r = c.post("/login", data={"token": TOKEN}, follow_redirects=False)
        cookie = r.headers["set-cookie"]
        sid = re.search(r"rag_session=([^;]+)", cookie).group(1)
        assert TOKEN not in cookie and len(sid) >= 40 and "httponly" in cookie.lower()
        assert "secure" not in cookie.lower()  # plain http: a Secure cookie would never come back
        assert c.get("/api/documents").status_code == 200
        assert c.get("/logout", follow_redirects=False).status_code == 303
        c.cookies.set("rag_session", sid)  # the old id, sent again after logout
        _error(c.get("/api/documents"), 401, "API token")
        c.cookies.set("rag_session", TOKEN)  # the raw token is not a session
        _error(c.get("/api/documents"), 401, "API token")
    with client_for(service, base_url="https://testserver") as c:
        r = c.post("/login", data={"token": TOKEN}, follow_redirects=False)
        assert "secure" in r.headers["set-cookie"].lower()


def test_sessions_expire():
    s = Sessions(seconds=-1)
    sid = s.new()
    assert not s.valid(sid) and not s.valid(None)
    s = Sessions()
    sid = s.new()
    assert s.valid(sid)
    s.end(sid)
    assert not s.valid(sid)


# ---------- error shapes ----------

@pytest.mark.parametrize("name, status, words", [
    ("长" * 5000 + ".txt", 400, "rename"),
    ("\u200b\u200b\u200b.txt", 400, "no visible characters"),
    ("\u200b\u200d\ufeff", 400, "no visible characters"),
    ("报告.exe\u200b", 415, "unsupported file type '.exe'"),
    ("报告.doc\u200b", 415, "save as .docx"),
])
def test_odd_file_names_get_a_clear_json_error(service, name, status, words):
    with client_for(service) as c:
        r = c.post("/api/documents", files={"file": (name, "一段正常的中文内容。".encode())})
        _error(r, status, words)


@pytest.mark.parametrize("body, words", [
    ({"question": "12345", "top_k": True}, "top_k must be a whole number"),
    ({"question": "12345", "top_k": "5"}, "top_k must be a whole number"),
    ({"question": "12345", "length": 3}, "length must be one of"),
    ({"question": "12345", "mode": "llm"}, "mode must be one of"),
])
def test_odd_ask_options_are_refused(service, body, words):
    with client_for(service) as c:
        _error(c.post("/api/ask", json=body), 400, words)
        messages = [{"role": "user", "content": body["question"]}]
        _error(c.post("/v1/chat/completions", json={**body, "messages": messages}), 400, words)


@pytest.mark.parametrize("params, words", [
    ({"offset": 10**31}, "offset must be a whole number from 0 to 1,000,000,000"),
    ({"offset": "abc"}, "offset"),
    ({"limit": "1e9"}, "limit"),
])
def test_odd_listing_parameters_are_refused_not_echoed(service, params, words):
    with client_for(service) as c:
        r = c.get("/api/documents", params=params)
        _error(r, 400, words)
        assert str(10**31) not in r.text


# ---------- document URLs in chat answers ----------

GFM_AUTOLINK = re.compile(r"(?i)(?:https?|ftp)://|\bwww\.|[\w.+-]+@[\w-]+\.")  # what marked turns into links


@pytest.mark.parametrize("text", [
    "详见http://evil.example/a_b*c?x=1&y=2市长说要按期完成。",
    "网址WWW.Example.com/路径_下划线,请访问。",
    "联系 someone.name+tag@mail.example.com 或者 ftp://files.example/x",
])
def test_document_urls_are_plain_text_in_chat(text):
    md = answer_markdown(text + "[1]", 1)
    assert not GFM_AUTOLINK.search(md), md  # nothing marked would link
    assert md.count("<a ") == 1  # the [1] marker only
    # What a Markdown reader shows after removing the escapes is the text itself, nothing swallowed.
    shown = re.sub(r"\\(.)", r"\1", md_text(text)).replace("&amp;", "&")
    assert shown == text


# ---------- a client that leaves ----------

def test_work_stops_when_the_client_disconnects():
    import threading

    import anyio

    from ui.http import unless_gone
    from ui.service import ServiceError

    started, seen_stop = threading.Event(), threading.Event()

    class Gone:  # a request whose client leaves once the work has begun
        async def is_disconnected(self):
            return started.is_set()

    def work(should_stop):
        started.set()
        for _ in range(600):  # at most 30 s, unless told to stop
            if should_stop():
                seen_stop.set()
                return "stopped"
            threading.Event().wait(0.05)
        return "finished"

    with pytest.raises(ServiceError, match="disconnected"):
        anyio.run(unless_gone, Gone(), work)
    assert started.is_set() and seen_stop.wait(10)

    class Stays:
        async def is_disconnected(self):
            return False
    assert anyio.run(unless_gone, Stays(), lambda should_stop: 42) == 42
