"""`rag serve` in a real process, driven in headless Chromium as a person would: log in with the token, ask,
follow [n] to the sources, open the document, upload a GBK file and ask about it, check that a document's
markup stays inert, look at it at phone width. Screenshots land in the test's tmp folder."""
import shutil
from pathlib import Path

import httpx
import pytest

from conftest import SHOT_TIMEOUT, chat_ask, open_page, start_server

TOKEN = "e2e-token"
ROOT = Path(__file__).resolve().parent.parent
GBK_DOC = ("青石镇古井修缮公告\n"
           "青石镇古井修缮工程总投资八十万元，由镇文化站负责实施。\n"
           "资金来自县文物保护专项经费。\n"
           "预计明年三月完工，完工后古井将向游客开放。\n")
EVIL_DOC = ("测试用的网页片段说明。\n"
            "页面里有一张图片<img src=x onerror=\"window.__xss=1\">和一段脚本<script>window.__xss=2</script>。\n"
            "值班室的值班电话是八八六六九九，工作日早八点到晚六点有人接听。\n")


@pytest.fixture(scope="module")
def server(browser, real_seed_assistant, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("serve")
    index = tmp / "index"
    shutil.copytree(real_seed_assistant.config.index_dir, index)  # the seeds, indexed once per session
    running = start_server(index, tmp, env={"RAG_API_TOKEN": TOKEN}, fake_model=False)
    yield running.base
    running.stop()


def _ask(page, question: str, turn: int):
    answer = chat_ask(page, question)
    page.wait_for_selector(f'#sources .turn[data-turn="{turn}"]', timeout=30_000)  # its sources panel too
    return answer


def test_chat_in_the_browser(server, browser, tmp_path):
    with open_page(browser, tmp_path) as page:
        _session(page, server, tmp_path)


def _session(page, server, tmp_path):
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

    # The token is asked for once; the cookie carries it afterwards.
    page.goto(server + "/")
    page.wait_for_url("**/login**")
    page.fill("input[name=token]", TOKEN)
    page.click("button[type=submit]")
    page.wait_for_selector("#question textarea", timeout=60_000)
    assert "示例问题" in page.inner_text("body")  # example questions on first open

    # The 12345-hotline question: an answer with [n] markers and a sources panel with those n.
    answer = _ask(page, "市长对12345热线提出了哪些要求？", 1)
    text = answer.inner_text()
    markers = answer.locator('a[href^="#src-1-"]')
    assert "12345" in text and markers.count() >= 1 and "[1]" in text
    sources = page.locator("#sources .turn[data-turn='1'] .src:not(.passage)")
    assert sources.count() == markers.count()
    # A list question: every order on a line of its own, each cited (issue 13), rendered as a list.
    assert answer.locator("li").count() >= 3, answer.inner_html()
    marks = page.locator("#sources .turn[data-turn='1'] .src:not(.passage) mark")
    assert any("闭环管理" in marks.nth(i).inner_text() for i in range(marks.count()))
    first = page.locator("#src-1-1")
    assert "001_" in first.inner_text() and first.locator("mark").inner_text().strip()
    assert first.locator(".term").count() >= 1  # the terms that matched
    # The flash lasts 1.6 s: on a loaded machine a poll for the class can miss it, an observer cannot.
    page.evaluate("""() => { const el = document.getElementById('src-1-1'); window.__flashed = false;
        new MutationObserver(() => { if (el.classList.contains('flash')) window.__flashed = true; })
            .observe(el, {attributes: true, attributeFilter: ['class']}); }""")
    markers.first.click()
    page.wait_for_function("window.__flashed", timeout=30_000)
    first.click()  # the document view opens at the cited span
    page.wait_for_selector("#sources .doc-view:not([hidden]) mark.doc-span", timeout=30_000)
    assert page.inner_text("#sources .doc-view mark.doc-span") == first.locator("mark").inner_text()
    page.screenshot(path=str(tmp_path / "chat.png"), full_page=True, timeout=SHOT_TIMEOUT)

    # A how-many question: the short answer first, in bold, then its sentence, cited.
    bold = _ask(page, "12345热线新增了多少坐席人员？", 2)
    assert "50名" in bold.locator("strong").first.inner_text(), bold.inner_html()
    page.screenshot(path=str(tmp_path / "shapes.png"), full_page=True, timeout=SHOT_TIMEOUT)

    # A follow-up leans on the previous question.
    _ask(page, "老农贸市场改造是怎么回事？", 3)
    _ask(page, "那资金呢？", 4)
    assert "000_" in page.inner_text("#src-4-1") and "农贸市场" in page.inner_text("#sources .src-query")
    # The chat's own 🗑 clears the follow-up context too: the same follow-up now searches only its own words.
    page.locator('#chatbot button[aria-label="Clear"], #chatbot button[title="Clear"]').first.click()
    page.wait_for_function("!document.querySelector('#sources .turn')", timeout=30_000)
    _ask(page, "那资金呢？", 1)
    assert "农贸市场" not in page.inner_text("#sources")
    page.click("#new-chat")
    page.wait_for_function("!document.querySelector('#sources .turn')", timeout=30_000)

    # Upload a GBK file (and one with markup) in the documents tab, then ask about it.
    gbk, evil = tmp_path / "青石镇古井.txt", tmp_path / "evil.txt"
    gbk.write_bytes(GBK_DOC.encode("gbk"))
    evil.write_text(EVIL_DOC, encoding="utf-8")
    page.get_by_role("tab", name="文档 Documents").click()
    photo = tmp_path / "photo.txt"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    page.set_input_files("#upload input[type=file]", [str(gbk), str(evil), str(photo)])
    page.wait_for_function("document.querySelector('#upload-status').innerText.includes('新增 added 2')",
                           timeout=120_000)
    assert "photo.txt: 二进制文件，不是文本，请先转成 .txt · binary file (a PNG image)" \
        in page.inner_text("#upload-status")
    page.wait_for_selector("#doc-table :text('青石镇古井.txt')", timeout=30_000)
    assert "gb18030" in page.inner_text("#doc-table")
    page.locator("#doc-filter textarea, #doc-filter input").first.fill("古井")  # the filter reaches big indexes
    page.wait_for_function("!document.querySelector('#doc-table').innerText.includes('001_')", timeout=30_000)
    assert "青石镇古井.txt" in page.inner_text("#doc-table")
    page.screenshot(path=str(tmp_path / "documents.png"), full_page=True, timeout=SHOT_TIMEOUT)
    page.get_by_role("tab", name="对话 Chat").click()
    answer = _ask(page, "青石镇古井修缮工程总投资多少？", 1)
    assert "八十万元" in answer.inner_text()
    assert "青石镇古井.txt" in page.inner_text("#src-1-1")

    # A document's markup is shown as text, in the panel and in the document view, and never runs.
    _ask(page, "值班室的值班电话是多少？", 2)
    page.click("#src-2-1")
    page.wait_for_selector("#sources .doc-view:not([hidden]) mark.doc-span", timeout=30_000)
    assert '<img src=x onerror="window.__xss=1">' in page.inner_text("#sources .doc-view")
    assert page.locator("#sources img, #chatbot img[src=x]").count() == 0
    assert page.evaluate("window.__xss") is None and not dialogs
    page.screenshot(path=str(tmp_path / "inert.png"), full_page=True, timeout=SHOT_TIMEOUT)

    # Phone width: the panel goes under the chat and nothing needs sideways scrolling.
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_function("document.documentElement.scrollWidth <= window.innerWidth + 1", timeout=30_000)
    page.screenshot(path=str(tmp_path / "phone.png"), full_page=True, timeout=SHOT_TIMEOUT)
    print(f"\nscreenshots: {tmp_path}/chat.png shapes.png documents.png inert.png phone.png")


def test_clients_against_the_server(server):
    """The same process answers httpx, the openai client and gradio_client (all with the bearer token)."""
    auth = {"Authorization": f"Bearer {TOKEN}"}
    assert httpx.post(f"{server}/api/ask", json={"question": "12345热线"}, timeout=60).status_code == 401
    d = httpx.post(f"{server}/api/ask", json={"question": "市长对12345热线提出了哪些要求？", "top_k": 3},
                   headers=auth, timeout=60).json()
    assert "[1]" in d["answer"] and "001_" in d["citations"][0]["source"]

    from openai import OpenAI
    oa = OpenAI(base_url=f"{server}/v1", api_key=TOKEN)
    question = [{"role": "user", "content": "12345热线有什么要求"}]
    resp = oa.chat.completions.create(model="rag-zh", messages=question)
    assert "[1]" in resp.choices[0].message.content and resp.model_extra["citations"]
    streamed = "".join(c.choices[0].delta.content or "" for c in oa.chat.completions.create(
        model="rag-zh", stream=True, messages=question))
    assert streamed == resp.choices[0].message.content

    from gradio_client import Client
    result = Client(server + "/", headers=auth, verbose=False).predict(
        "市长对12345热线提出了哪些要求？", 3, [], api_name="/ask")
    assert result["answer"] == d["answer"]
