"""Issue 14's "done when", in headless Chromium against a real `rag serve`: upload a generated 9-page Chinese PDF
(and a file of a refused type) in the Documents tab, ask a question answered on page 7, click the citation and
see page 7 with the cited characters highlighted. The highlight's place is checked against the characters'
own boxes read from the PDF by PDFium (not against the page map the server used), and the screenshot is checked
for the page image and the highlight colour over the cited text. j / k step through a list answer's citations.
Screenshots land in the test's tmp folder."""
from pathlib import Path

import httpx
import numpy as np
import pytest

import format_fixtures as ff
from conftest import SHOT_TIMEOUT, chat_ask, open_page, start_server

TOKEN = "viewer-token"
FACT = ("汉林街改造工程总预算为一千二百万元，由市城建集团负责实施，计划于明年五月一日前完工，"
        "完工后沿街商铺的外立面、路面和地下管网将全部更新。")
LIST = "滨江公园提升工程主要有三项任务：一是新建滨江步道三公里；二是改造儿童游乐场两处；三是增设公共厕所六座。"


@pytest.fixture(scope="module")
def pdf(tmp_path_factory) -> Path:
    return ff.text_pdf(tmp_path_factory.mktemp("pdf") / "工作报告.pdf", ff.report_pages(9, {7: FACT, 8: LIST}))


@pytest.fixture(scope="module")
def server(browser, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("serve")
    running = start_server(tmp / "index", tmp, env={"RAG_API_TOKEN": TOKEN, "RAG_MODEL": "test-hash"})
    yield running.base
    running.stop()


def char_boxes(pdf: Path, n: int, quote: str) -> tuple[list[tuple[float, float, float, float]], float, float]:
    """The boxes (x0, top, x1, bottom in points, y down) of the quote's characters on page n, straight from
    PDFium's character boxes, and the page size: the ground truth the highlight must fall on."""
    import pypdfium2 as pdfium
    doc = pdfium.PdfDocument(str(pdf))
    try:
        page = doc[n - 1]
        width, height = page.get_size()
        text = page.get_textpage()
        chars = [(i, text.get_text_range(i, 1)) for i in range(text.count_chars())]
        visible = [(i, ch) for i, ch in chars if ch.strip()]
        joined = "".join(ch for _, ch in visible)
        at = joined.index(quote)
        boxes = []
        for i, _ in visible[at:at + len(quote)]:
            left, bottom, right, top = text.get_charbox(i)
            boxes.append((left, height - top, right, height - bottom))
        return boxes, width, height
    finally:
        doc.close()


def test_cited_page_7_shows_with_the_highlight(server, browser, pdf, tmp_path):
    assert httpx.get(f"{server}/api/documents/x/pages/1.png", timeout=10).status_code == 401  # token rules apply
    with open_page(browser, tmp_path, 1400, 1000) as page:
        _session(page, server, pdf, tmp_path)


def _ask(page, question: str, turn: int) -> None:
    chat_ask(page, question)
    page.wait_for_selector(f"#sources .turn[data-turn='{turn}'] .src", timeout=120_000)


def _highlights(page) -> dict:
    """The page frame's and each highlight's rectangle in CSS pixels, once the page image has loaded."""
    page.wait_for_function("() => { const i = document.querySelector('#sources .doc-view .page-frame img');"
                           " return i && i.complete && i.naturalWidth > 0; }", timeout=30_000)
    return page.evaluate("""() => {
        const frame = document.querySelector('#sources .doc-view .page-frame');
        const r = (el) => { const b = el.getBoundingClientRect(); return [b.left, b.top, b.right, b.bottom]; };
        const img = frame.querySelector('img');
        return {frame: r(frame), img: r(img), natural: [img.naturalWidth, img.naturalHeight],
                boxes: [...frame.querySelectorAll('.page-hl')].map(r), label: frame.dataset.page,
                title: document.querySelector('#sources .doc-view .doc-title').textContent};
    }""")


def _session(page, server, pdf, tmp_path):
    page.goto(server + "/")
    page.wait_for_url("**/login**")
    page.fill("input[name=token]", TOKEN)
    page.click("button[type=submit]")
    page.wait_for_selector("#question textarea", timeout=60_000)

    # One batch: the PDF is indexed, the .exe is refused with its reason; neither stops the other.
    exe = tmp_path / "setup.exe"
    exe.write_bytes(b"MZ" + bytes(100))
    page.get_by_role("tab", name="文档 Documents").click()
    page.set_input_files("#upload input[type=file]", [str(pdf), str(exe)])
    page.wait_for_function("document.querySelector('#upload-status').innerText.includes('新增 added 1')",
                           timeout=180_000)
    assert "setup.exe: 不支持的文件类型 · unsupported file type '.exe'" in page.inner_text("#upload-status")
    page.get_by_role("tab", name="对话 Chat").click()

    _ask(page, "汉林街改造工程的总预算是多少？", 1)
    source = page.locator("#src-1-1")
    assert "工作报告.pdf" in source.inner_text()
    quote = source.locator("mark").inner_text()
    assert "一千二百万元" in quote
    source.click()
    page.wait_for_selector("#sources .doc-view:not([hidden]) .page-frame .page-hl", timeout=30_000)
    seen = _highlights(page)
    assert seen["label"] == "7" and "p. 7" in seen["title"]
    assert page.inner_text("#sources .doc-view .page-n") == "p. 7"

    # Every cited character lies inside a highlight, and every highlight lies on cited characters.
    truth, width, height = char_boxes(pdf, 7, quote)
    x0, y0, x1, y1 = seen["frame"]
    scale_x, scale_y = (x1 - x0) / width, (y1 - y0) / height
    assert abs(scale_x - scale_y) < 0.01 * scale_x  # the frame has the page's shape
    hl = [((a - x0) / scale_x, (b - y0) / scale_y, (c - x0) / scale_x, (d - y0) / scale_y)
          for a, b, c, d in seen["boxes"]]
    assert len(hl) >= 2  # the quote runs over more than one line of page 7
    for cx0, ctop, cx1, cbottom in truth:
        cx, cy = (cx0 + cx1) / 2, (ctop + cbottom) / 2
        assert any(a - 1 <= cx <= c + 1 and b - 1 <= cy <= d + 1 for a, b, c, d in hl), (cx, cy, hl)
    left, right = min(b[0] for b in truth), max(b[2] for b in truth)
    top, bottom = min(b[1] for b in truth), max(b[3] for b in truth)
    for a, b, c, d in hl:
        assert left - 3 <= a and c <= right + 3 and top - 4 <= b and d <= bottom + 4, ((a, b, c, d), truth)

    # The screenshot shows the rendered page under a yellow highlight: dark text strokes and a yellow tint
    # inside the box, plain grey-scale page outside it.
    shot = tmp_path / "page7.png"
    page.locator("#sources .doc-view .page-frame").first.screenshot(path=str(shot), timeout=SHOT_TIMEOUT)
    from PIL import Image
    img = Image.open(shot).convert("RGB")
    sx, sy = img.width / (x1 - x0), img.height / (y1 - y0)
    a, b, c, d = seen["boxes"][0]
    inside = img.crop((int((a - x0) * sx) + 3, int((b - y0) * sy) + 3, int((c - x0) * sx) - 3,
                       int((d - y0) * sy) - 3))
    px = np.asarray(inside, dtype=np.int32)
    assert (px.sum(axis=2) < 380).mean() > 0.03  # text strokes under the highlight: the page image is there
    light = px[px.sum(axis=2) > 450]
    assert len(light) and (light[:, 0] - light[:, 2]).mean() > 60  # yellow paper where no ink is
    margin = np.asarray(img.crop((5, int(img.height * 0.5), int(40 * scale_x * sx), int(img.height * 0.55))),
                        dtype=np.int32)
    assert np.abs(margin[..., 0] - margin[..., 2]).max() < 12  # the page outside the highlight is not tinted
    print(f"\nscreenshot: {shot}")

    # The text view is one click away and holds the same quote.
    page.click("#sources .doc-view .doc-toggle")
    assert page.inner_text("#sources .doc-view mark.doc-span") == quote

    # j / k step through a list answer's citations in the open viewer.
    _ask(page, "滨江公园提升工程有哪些任务？", 2)
    cites = page.locator("#sources .turn[data-turn='2'] .src:not(.passage)")
    assert cites.count() >= 3
    page.click("#src-2-1")
    page.wait_for_selector("#sources .doc-view:not([hidden]) .page-hl", timeout=30_000)
    texts = [page.inner_text(f"#src-2-{i} mark") for i in (1, 2)]
    page.keyboard.press("j")
    page.wait_for_function("(q) => { const m = document.querySelector('#sources .doc-view mark.doc-span');"
                           " return m && m.textContent === q; }", arg=texts[1], timeout=30_000)
    assert "p. 8" in page.inner_text("#sources .doc-view .doc-title")
    page.keyboard.press("k")
    page.wait_for_function("(q) => { const m = document.querySelector('#sources .doc-view mark.doc-span');"
                           " return m && m.textContent === q; }", arg=texts[0], timeout=30_000)
    page.screenshot(path=str(tmp_path / "viewer.png"), full_page=True, timeout=SHOT_TIMEOUT)

    # Phone width: the page fits the screen, the highlight still on it.
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_function("document.documentElement.scrollWidth <= window.innerWidth + 1", timeout=30_000)
    frame = page.locator("#sources .doc-view .page-frame").first.bounding_box()
    box = page.locator("#sources .doc-view .page-hl").first.bounding_box()
    assert 0 <= frame["x"] and frame["x"] + frame["width"] <= 391 and frame["height"] > frame["width"]
    assert frame["x"] <= box["x"] and box["x"] + box["width"] <= frame["x"] + frame["width"]
    page.screenshot(path=str(tmp_path / "phone.png"), full_page=True, timeout=SHOT_TIMEOUT)
    print(f"screenshots: {tmp_path}/page7.png viewer.png phone.png")
