"""The Documents tab, the phone layout and a conversation over two knowledge bases, in headless Chromium against
`rag serve` with the tests' hashing model (issue 15)."""

import httpx
import pytest

from conftest import SEEDS, chat_ask, choose, open_page, saved_conversation, shot, start_server

GOOD = ["通知：东城区图书馆自下周一起闭馆装修，预计六月重新开放，借阅服务暂停。\n",
        "公告：青石镇老桥限高调整为四米二，货车请绕行新桥，自三月一日起执行。\n",
        "消息：西湖区新建社区食堂三处，老年人用餐享受八折优惠。\n",
        "通报：城南污水处理厂二期工程完工，日处理能力提高到十万吨。\n",
        "提示：本周六上午九点起，市民中心停车场封闭检修，请改停地下车库。\n"]
AMBER, GREEN = "rgb(180, 83, 9)", "rgb(21, 128, 61)"



@pytest.fixture
def server(tmp_path):
    server = start_server(tmp_path / "index", tmp_path)
    yield server
    server.stop()


@pytest.fixture
def page(browser, server, tmp_path):
    with open_page(browser, tmp_path) as page:
        page.base = server.base
        yield page


def status(page, expect: str) -> str:
    page.wait_for_function(f"document.querySelector('#upload-status').innerText.includes({expect!r})",
                           timeout=90_000)
    return page.inner_text("#upload-status")


def head_colour(page) -> str:
    return page.eval_on_selector("#upload-status .upload-head", "e => getComputedStyle(e).color")


def test_documents_tab_status_open_delete_filter(page, tmp_path):
    files = []
    for i, text in enumerate(GOOD):
        (tmp_path / f"good{i}.txt").write_text(text, encoding="utf-8")
        files.append(tmp_path / f"good{i}.txt")
    for i in range(3):  # read and refused by the indexer
        (tmp_path / f"photo{i}.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64 + i))
        files.append(tmp_path / f"photo{i}.txt")
    for i in range(3):  # refused before upload by type
        (tmp_path / f"setup{i}.exe").write_bytes(b"MZ" + bytes(10 + i))
        files.append(tmp_path / f"setup{i}.exe")
    page.goto(page.base + "/")
    page.wait_for_selector("#question textarea", timeout=60_000)
    page.get_by_role("tab", name="文档 Documents").click()
    page.set_input_files("#upload input[type=file]", [str(f) for f in files])
    text = status(page, "6 of 11 failed")
    assert "11 个文件中 6 个失败" in text and "✔" not in text and "新增 added 5" in text
    assert head_colour(page) == AMBER
    shot(page, tmp_path, "documents-status.png")

    extra = tmp_path / "市长讲话.txt"  # a longer one: its many chunks are what the document view marks
    extra.write_bytes((SEEDS / "001_2b5757c2b96f3ff0.txt").read_bytes())
    page.set_input_files("#upload input[type=file]", [str(extra)])
    text = status(page, "all 1 files done")
    assert text.startswith("✔") and head_colour(page) == GREEN

    # Filter by content: a word inside one document, not in any name.
    page.locator("#doc-content-filter textarea, #doc-content-filter input").first.fill("污水")
    page.keyboard.press("Enter")
    page.wait_for_function("!document.querySelector('#doc-table').innerText.includes('good0.txt')", timeout=30_000)
    assert "good3.txt" in page.inner_text("#doc-table")
    page.locator("#doc-content-filter textarea, #doc-content-filter input").first.fill("")
    page.keyboard.press("Enter")
    page.wait_for_function("document.querySelector('#doc-table').innerText.includes('good0.txt')", timeout=30_000)

    # Click a row: the document opens with its chunks marked.
    page.locator("#doc-table").get_by_text("good1.txt", exact=True).click()
    page.wait_for_selector("#doc-open .doc-full", timeout=30_000)
    assert "四米二" in page.inner_text("#doc-open .doc-body")
    assert page.locator("#doc-open .chunk").count() >= 1 and "good1.txt" in page.inner_text("#doc-open")

    # Delete asks first; cancel keeps it, confirm removes it.
    page.click("#doc-delete")
    page.wait_for_selector("#doc-delete-confirm", state="visible", timeout=30_000)
    assert "确定删除" in page.inner_text("#doc-confirm-row")
    shot(page, tmp_path, "documents-delete.png")
    page.click("#doc-delete-cancel")
    page.wait_for_selector("#doc-delete-confirm", state="hidden", timeout=30_000)
    assert "good1.txt" in page.inner_text("#doc-table")
    page.click("#doc-delete")
    page.click("#doc-delete-confirm")
    status(page, "已删除 deleted good1.txt")
    page.wait_for_function("!document.querySelector('#doc-table').innerText.includes('good1.txt')", timeout=30_000)
    assert not page.locator("#doc-open .doc-full").count()
    page.locator("#doc-table").get_by_text("市长讲话.txt", exact=True).click()
    page.wait_for_function("document.querySelectorAll('#doc-open .chunk-no').length > 5", timeout=30_000)
    assert page.locator("#doc-open .chunk.overlap").count() >= 1  # neighbouring chunks share a sentence
    page.locator("#doc-open .doc-full").scroll_into_view_if_needed()
    shot(page, tmp_path, "documents.png")
    r = httpx.get(page.base + "/api/documents").json()
    assert r["total"] == 5 and all("good1" not in d["sources"][0] for d in r["documents"])


def test_phone_layout_and_two_knowledge_bases(browser, server, tmp_path):
    for name, text in (("通知", GOOD[0]), ("交通", GOOD[1])):
        assert httpx.post(server.base + "/api/kbs", json={"name": name}).status_code == 201
        r = httpx.post(server.base + "/api/documents", params={"wait": "true", "kb": name}, timeout=60,
                       files={"file": (f"{name}.txt", text.encode(), "text/plain")})
        assert r.status_code == 200, r.text
    with open_page(browser, tmp_path, 390, 844, is_mobile=True, has_touch=True) as page:
        page.goto(server.base + "/")
        page.wait_for_selector("#question textarea", timeout=60_000)
        # Every tab is a visible button inside the screen, none behind "⋯".
        tabs = ("对话 Chat", "文档 Documents", "设置 Settings", "命中测试 Retrieval test", "知识库 Knowledge bases")
        for name in tabs:
            tab = page.get_by_role("tab", name=name)
            assert tab.is_visible(), name
            box = tab.bounding_box()
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390, (name, box)

        # One conversation over two knowledge bases answers from either. Each pick waits for the server events
        # it sets off: the page's load event sets the knowledge base to "default" (its note: no documents),
        # picking 通知 sets off one that empties "also search" and one that lists the others in it (without
        # 通知); either, landing after the next pick, would undo it.
        no_docs = "document.querySelector('#sources').innerText.includes('No documents yet')"
        page.wait_for_function(no_docs, timeout=60_000)
        choose(page, "#kb", "通知")
        page.wait_for_function(f"!{no_docs}", timeout=60_000)
        page.locator("#kb-also input").click()
        page.wait_for_function("(() => { const t = [...document.querySelectorAll('[role=option]')].map("
                               "o => o.textContent); return t.length === 2 && t.some(x => x.includes('default'))"
                               " && t.some(x => x.includes('交通')); })()", timeout=60_000)
        choose(page, "#kb-also", "交通")
        page.keyboard.press("Escape")
        bridge = chat_ask(page, "老桥限高多少？")
        assert "四米二" in bridge.inner_text()
        assert "交通.txt" in page.inner_text("#sources")
        library = chat_ask(page, "图书馆什么时候重新开放？")
        assert "六月" in library.inner_text()

        # On the phone the source opens under the answer it belongs to.
        bridge.locator("a.cite").first.click()
        page.wait_for_selector('#chatbot [data-testid="bot"] .inline-src', timeout=30_000)
        card = bridge.locator(".inline-src").first
        assert "交通.txt" in card.inner_text() and "四米二" in card.inner_text()
        shot(page, tmp_path, "phone.png")
    assert saved_conversation(server.base)["kb"] == ["通知", "交通"]
