"""The Documents tab's view of one document (ui/doc_view.py): the indexed chunks marked exactly where they are,
text outside every chunk greyed, document markup shown as text."""
import re

from ui.doc_view import chunk_spans, document_html, marked_text


def test_marked_text_cuts_at_every_chunk_boundary():
    text = "甲乙丙丁戊己庚辛壬癸"
    html = marked_text(text, [(0, 4), (3, 7)])  # two chunks overlapping on one character, then a gap
    pieces = re.findall(r'<span class="([^"]+)"[^>]*>([^<]*)</span>', html)
    assert pieces == [("chunk c1", "甲乙丙"), ("chunk c1 overlap", "丁"), ("chunk c0", "戊己庚"), ("gap", "辛壬癸")]
    assert "".join(p for _, p in pieces) == text and html.count('class="chunk-no"') == 2


def test_document_view_marks_the_stored_chunks(service):
    rec = service.documents()[0]
    spans = chunk_spans(service.assistant.store(), rec)
    assert spans and len(spans) == rec.chunks
    text = service.assistant.document_text(rec.id)
    assert all(0 <= s < e <= len(text) for s, e in spans)
    html = document_html(service, rec.id)
    assert html.count('class="chunk-no"') == len({s for s, _ in spans}) and f"{rec.chunks} 块 chunks" in html


def test_document_markup_is_text(service, tmp_path):
    evil = tmp_path / "evil.txt"
    evil.write_text("防汛通知：汛期期间各单位实行二十四小时值班制度，值班室电话七七五五三三。"
                    "<script>alert(1)</script><img src=x onerror=alert(2)>请各部门负责人保持通讯畅通，"
                    "遇到险情立即上报防汛指挥部，不得迟报漏报。", encoding="utf-8")
    report = service.assistant.index([evil])
    assert report.added, report.failed
    doc_id = service.assistant.store().doc_for_source(report.added[0])
    html = document_html(service, doc_id)
    assert "<script>" not in html and "&lt;script&gt;" in html and "<img" not in html


def test_a_pdf_links_its_pages(service, tmp_path):
    import format_fixtures as ff
    pdf = ff.text_pdf(tmp_path / "工作报告.pdf", ff.report_pages(3, {}))
    report = service.assistant.index([pdf])
    assert report.added, report.failed
    doc_id = service.assistant.store().doc_for_source(report.added[0])
    html = document_html(service, doc_id)
    assert "页面 Pages (3)" in html and html.count("/pages/") == 3 and f"/api/documents/{doc_id}/pages/2.png" in html
    assert 'class="chunk' in html  # the text view stays, its chunks marked
