"""The workspace in headless Chromium (issue 15), against `rag serve` with the tests' hashing model: a re-upload
replaces its document; create a knowledge base, upload into it, ask, switch back; delete it after confirming."""
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import chat_ask, choose, open_page, saved_conversation, shot, start_server

V1 = "通知：青石镇老桥限高四米五，货车请绕行。\n"
V2 = "通知：青石镇老桥限高已调整为四米二，货车请绕行东环路。\n"
NOTICE = "通知：东城区图书馆自下周一起闭馆装修，预计六月重新开放，借阅服务暂停。\n"



@pytest.fixture
def page(browser, tmp_path):
    server = start_server(tmp_path / "index", tmp_path)
    try:
        with open_page(browser, tmp_path) as page:
            page.base, page.base_tmp = server.base, tmp_path
            yield page
    finally:
        server.stop()


def ask(page, question: str) -> str:
    return chat_ask(page, question).inner_text()


def upload(page, path: Path, expect: str) -> None:
    page.get_by_role("tab", name="文档 Documents").click()
    page.set_input_files("#upload input[type=file]", [str(path)])
    page.wait_for_function(f"document.querySelector('#upload-status').innerText.includes({expect!r})",
                           timeout=60_000)


def pick_kb(page, name: str) -> None:
    choose(page, "#kb", name)


def test_versions_and_knowledge_bases(page, tmp_path):
    page.goto(page.base + "/")
    page.wait_for_selector("#question textarea", timeout=60_000)

    # A changed file under the same name replaces its document.
    doc = tmp_path / "限高.txt"
    doc.write_text(V1, encoding="utf-8")
    upload(page, doc, "新增 added 1")
    doc.write_text(V2, encoding="utf-8")
    upload(page, doc, "更新 updated 1")
    page.wait_for_function("document.querySelector('#doc-table').innerText.includes('v2')", timeout=30_000)
    assert page.inner_text("#doc-table").count("限高.txt") == 1
    shot(page, tmp_path, "versions.png")

    # A knowledge base of its own: created, picked, uploaded into, asked.
    page.get_by_role("tab", name="知识库 Knowledge bases").click()
    page.fill("#kb-new-name textarea, #kb-new-name input", "通知")
    page.click("#kb-create")
    page.wait_for_function("document.querySelector('#kb-status').innerText.includes('已创建')", timeout=30_000)
    assert "通知" in page.inner_text("#kb-table")
    pick_kb(page, "通知")
    notice = tmp_path / "闭馆.txt"
    notice.write_text(NOTICE, encoding="utf-8")
    upload(page, notice, "新增 added 1")
    page.wait_for_function("!document.querySelector('#doc-table').innerText.includes('限高')", timeout=30_000)
    assert "闭馆.txt" in page.inner_text("#doc-table")
    page.get_by_role("tab", name="对话 Chat").click()
    assert "六月" in ask(page, "图书馆什么时候重新开放？")
    assert "闭馆.txt" in page.inner_text("#sources")
    shot(page, tmp_path, "kb-chat.png")

    # Back to the default: a new conversation, its own documents.
    pick_kb(page, "default")
    page.wait_for_function("!document.querySelector('#sources').innerText.includes('闭馆')", timeout=30_000)
    answer = ask(page, "老桥限高多少？")
    assert "四米二" in answer and "四米五" not in answer
    assert "闭馆.txt" not in page.inner_text("#sources")

    # Deleting asks for the name first.
    page.get_by_role("tab", name="知识库 Knowledge bases").click()
    choose(page, "#kb-pick", "通知")
    page.click("#kb-delete")
    page.wait_for_function("document.querySelector('#kb-status').innerText.includes('确认')", timeout=30_000)
    assert "通知" in page.inner_text("#kb-table")
    choose(page, "#kb-pick", "通知")
    page.fill("#kb-confirm textarea, #kb-confirm input", "通知")
    page.click("#kb-delete")
    page.wait_for_function("document.querySelector('#kb-status').innerText.includes('已删除')", timeout=30_000)
    assert "通知" not in page.inner_text("#kb-table")
    shot(page, tmp_path, "kbs.png")


def test_api_docs_load_with_the_network_off(page):
    outside: list[str] = []

    def only_ours(route):
        if route.request.url.startswith(page.base):
            return route.continue_()
        outside.append(route.request.url)
        return route.abort()
    page.route("**/*", only_ours)
    page.goto(page.base + "/api/docs")
    page.wait_for_selector(".opblock-summary-path", timeout=30_000)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert any("/api/ask" in p for p in paths) and any("/api/kbs" in p for p in paths)
    assert "AskRequest" in page.inner_text("body") and not outside, outside
    shot(page, Path(page.base_tmp), "api-docs.png")


def test_retrieval_test_page(page, tmp_path):
    page.goto(page.base + "/")
    page.wait_for_selector("#question textarea", timeout=60_000)
    doc = tmp_path / "限高.txt"
    doc.write_text(V2 + NOTICE, encoding="utf-8")
    upload(page, doc, "新增 added 1")
    page.get_by_role("tab", name="命中测试 Retrieval test").click()
    page.fill("#rt-question textarea", "老桥限高多少？")
    page.click("#rt-run")
    page.wait_for_selector("#rt-results .rt-row", timeout=30_000)
    verdict = page.inner_text("#rt-verdict")
    assert "relevance" in verdict and "threshold" in verdict
    first = page.locator("#rt-results .rt-row").first.inner_text()
    assert "限高.txt" in first and "限高" in first
    assert "向量 dense" in page.inner_text("#rt-results thead") and "覆盖 coverage" in page.inner_text("#rt-results")
    page.fill("#rt-question textarea", "火星上的天气怎么样")
    page.click("#rt-run")
    page.wait_for_function("document.querySelector('#rt-verdict').innerText.includes('would abstain')",
                           timeout=30_000)
    shot(page, tmp_path, "retrieval.png")


def test_conversation_survives_reload_and_restart_export_and_feedback(browser, tmp_path):
    index = tmp_path / "index"
    server = start_server(index, tmp_path)
    page = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    try:
        page.base = server.base
        page.goto(page.base + "/")
        page.wait_for_selector("#question textarea", timeout=60_000)
        doc = tmp_path / "限高.txt"
        doc.write_text(V2 + NOTICE, encoding="utf-8")
        upload(page, doc, "新增 added 1")
        page.get_by_role("tab", name="对话 Chat").click()
        assert "四米二" in ask(page, "老桥限高多少？")
        page.click("#conv-bar button, #conv-bar .label-wrap")  # open the accordion
        page.wait_for_selector("#conv-export a#export-md", timeout=30_000)  # saved after the answer

        page.reload()  # the conversation comes back, with its sources
        page.wait_for_selector("#chatbot", timeout=60_000)
        page.wait_for_function("document.querySelector('#chatbot').innerText.includes('老桥限高多少')",
                               timeout=30_000)
        assert "四米二" in page.inner_text("#chatbot") and "限高.txt" in page.inner_text("#sources")
        ask(page, "货车怎么走？")  # a follow-up in the reopened conversation
        saved_conversation(page.base, 2)  # saved by a .then() after the answer: the export below must hold it

        page.click("#conv-bar button, #conv-bar .label-wrap")
        page.wait_for_selector("#conv-export a#export-md", timeout=30_000)
        with page.expect_download() as info:
            page.click("#conv-export a#export-md")
        markdown = Path(info.value.path()).read_text(encoding="utf-8")
        assert "## 1. 老桥限高多少？" in markdown and "## 2. 货车怎么走？" in markdown and "限高.txt" in markdown

        page.fill("#feedback-comment textarea", "答得对")
        first_bot = page.locator('#chatbot [data-testid="bot"]').first
        first_bot.hover()
        page.locator("#chatbot").get_by_role("button", name="Like", exact=True).first.click()
        page.wait_for_function("document.querySelector('#feedback-status').innerText.includes('feedback saved')",
                               timeout=30_000)
        shot(page, tmp_path, "conversation.png")
    finally:
        page.close()
        server.stop()
    out = subprocess.run([sys.executable, str(Path(__file__).parent / "fake_model.py"), "feedback", "export",
                          "--index", str(index)], capture_output=True, text=True, timeout=60,
                         env={**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)})
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert len(rows) == 1 and rows[0]["rating"] == "up" and rows[0]["question"] == "老桥限高多少？", out
    assert rows[0]["comment"] == "答得对" and rows[0]["doc"] == "限高.txt"

    server = start_server(index, tmp_path)  # restarted (on another port, so another localStorage): in the list
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(server.base + "/")
        page.wait_for_selector("#question textarea", timeout=60_000)
        assert "货车怎么走" not in page.inner_text("#chatbot")
        page.click("#conv-bar button, #conv-bar .label-wrap")
        choose(page, "#conv-pick", re.compile("老桥限高多少"))
        page.wait_for_function("document.querySelector('#chatbot').innerText.includes('货车怎么走')",
                               timeout=30_000)
        assert "限高.txt" in page.inner_text("#sources")
    finally:
        page.close()
        server.stop()


def test_settings_persist_in_the_browser(page):
    page.goto(page.base + "/")
    page.wait_for_selector("#question textarea", timeout=60_000)
    page.get_by_role("tab", name="设置 Settings").click()
    box = page.locator("#top-k input[type=number]")
    stored = "localStorage.getItem('rag-zh-settings')"
    for change in (lambda: (box.fill("3"), box.press("Enter")),
                   lambda: page.locator("#answer-length").get_by_text("长 long").click()):
        before = page.evaluate(stored)
        change()  # each change event writes the settings to the browser's storage: wait for that write
        page.wait_for_function(f"(b) => {stored} !== b", arg=before, timeout=30_000)
    page.reload()
    page.wait_for_selector("#question textarea", timeout=60_000)
    page.get_by_role("tab", name="设置 Settings").click()
    page.wait_for_function("document.querySelector('#top-k input[type=number]').value === '3'", timeout=30_000)
    assert page.locator("#answer-length input[value=long]").is_checked()
