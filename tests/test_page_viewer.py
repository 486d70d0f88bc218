"""The page viewer's server side: GET /api/documents/{id}/pages/{n}.png (rendered once, then cached; errors in
the one shape) and ui.viewer.page_view (the cited boxes as fractions of the page, only for documents whose
original PDF or image is at hand)."""
import io
import shutil

import pytest
from PIL import Image

import format_fixtures as ff
from conftest import client_for
from rag.formats.render import MAX_SIDE, VIEW_DPI
from ui.viewer import page_view

FACT = "汉林街改造工程总预算为一千二百万元，由市城建集团负责实施，计划于明年五月一日前完工。"


@pytest.fixture
def service(config, monkeypatch):
    from ui.service import Service
    monkeypatch.delenv("RAG_API_TOKEN", raising=False)
    svc = Service(config)
    yield svc
    svc.jobs.stop(timeout=30)


@pytest.fixture
def client(service):
    with client_for(service) as c:
        yield c


def _upload(client, name: str, data: bytes) -> dict:
    r = client.post("/api/documents?wait=true", files={"file": (name, data)})
    assert r.status_code == 200, r.text
    return r.json()["documents"][0]


def test_the_cited_page_is_served_with_its_boxes(client, service, tmp_path):
    pdf = ff.text_pdf(tmp_path / "报告.pdf", ff.report_pages(9, {7: FACT}))
    doc = _upload(client, "报告.pdf", pdf.read_bytes())
    cite = client.post("/api/ask", json={"question": "汉林街改造工程的总预算是多少？"}).json()["citations"][0]
    assert cite["page"] == 7 and cite["doc_id"] == doc["id"]

    view = page_view(service, doc["id"], cite["start"], cite["end"])
    assert view["label"] == "p. 7" and [p["n"] for p in view["pages"]] == [7] and view["total"] == 9
    seven = view["pages"][0]
    assert seven["ratio"] == pytest.approx(842 / 595, abs=0.01)  # A4
    # The fact is the second paragraph, indented two characters from the 72 pt margin, near the page's top.
    left, top, width, height = seven["boxes"][0]
    assert left * 595 == pytest.approx(ff.LEFT + 2 * ff.SIZE, abs=2) and 0.1 < top < 0.25
    assert all(0 < b[2] and 0 < b[3] < 0.03 for b in seven["boxes"])  # one line high each

    r = client.get(seven["url"])
    assert r.status_code == 200 and r.headers["content-type"] == "image/png"
    img = Image.open(io.BytesIO(r.content))
    assert abs(img.width - 595.3 * VIEW_DPI / 72) <= 1 and img.height / img.width == pytest.approx(seven["ratio"], 0.01)
    cache = client.app.state.pages
    misses = cache.misses
    assert client.get(seven["url"]).content == r.content and cache.misses == misses  # the second is cached

    for url, status, words in ((f"/api/documents/{doc['id']}/pages/10.png", 404, "no page 10"),
                               (f"/api/documents/{doc['id']}/pages/0.png", 400, "page must be"),
                               (f"/api/documents/{doc['id']}/pages/x.png", 400, "valid integer"),
                               ("/api/documents/nope/pages/1.png", 404, "no document")):
        r = client.get(url)
        assert r.status_code == status and words in r.json()["error"]["message"], (url, r.text)


def test_text_documents_and_vanished_files_keep_the_text_view(client, service, tmp_path):
    text = _upload(client, "通知.txt", "青石镇古井修缮工程总投资八十万元。".encode())
    assert page_view(service, text["id"], 0, 5) is None
    r = client.get(f"/api/documents/{text['id']}/pages/1.png")
    assert r.status_code == 404 and "has no pages" in r.json()["error"]["message"]

    # A PDF indexed from a folder whose file then changed: its boxes no longer belong to those bytes.
    folder = tmp_path / "docs"
    folder.mkdir()
    pdf = ff.text_pdf(folder / "报告.pdf", ff.report_pages(3, {2: FACT}))
    service.assistant.index([folder])
    doc_id = service.assistant.store().doc_for_source(str(pdf))
    assert page_view(service, doc_id, 0, 10)["pages"][0]["n"] == 1
    shutil.copy(pdf, tmp_path / "kept.pdf")
    pdf.write_bytes(pdf.read_bytes() + b"\n% appended\n")
    assert page_view(service, doc_id, 0, 10) is None
    r = client.get(f"/api/documents/{doc_id}/pages/1.png")
    assert r.status_code == 404 and "index it again" in r.json()["error"]["message"]


def test_a_scan_is_shown_as_the_stored_image_scaled_down(client, service, tmp_path):
    lines = ["青石镇古井修缮工程总投资八十万元，", "由镇文化站负责实施，预计明年三月完工。"]
    scan = ff.render_lines(lines, size=64, width=2600)  # wider than the viewer needs
    buf = io.BytesIO()
    scan.save(buf, format="PNG")
    doc = _upload(client, "扫描件.png", buf.getvalue())
    text = client.get(f"/api/documents/{doc['id']}").json()["text"]
    at = text.index("八十万元")
    view = page_view(service, doc["id"], at, at + 4)
    assert view["label"] == "p. 1" and view["pages"][0]["ratio"] == pytest.approx(scan.height / scan.width, 1e-3)
    left, top, width, height = view["pages"][0]["boxes"][0]
    assert 0 < left < 0.8 and top < 0.5 and 0 < width < 0.5  # on the first line, not the whole page
    img = Image.open(io.BytesIO(client.get(view["pages"][0]["url"]).content))
    assert img.width == MAX_SIDE and img.height == pytest.approx(MAX_SIDE * scan.height / scan.width, abs=1)
