"""The Documents tab's pieces without a browser: the status line's colour and counts, the content filter."""
from rag.records import Failure, IndexReport
from ui.documents_tab import content_matches, name_matches, status_html


def test_status_line_says_how_many_failed_in_its_colour():
    ok = IndexReport(added=["a.txt", "b.txt"], chunks=4, seconds=0.5)
    html = status_html(2, ok, [])
    assert 'class="upload-ok"' in html and "✔ 2 个文件全部完成 · all 2 files done" in html
    some = IndexReport(added=[f"{i}.txt" for i in range(5)], failed=[Failure("x.txt", "binary file")] * 3)
    html = status_html(11, some, ["a.exe: unsupported file type"] * 3)
    assert 'class="upload-warn"' in html and "✔" not in html
    assert "11 个文件中 6 个失败 · 6 of 11 failed" in html and html.count("<li>") == 6
    html = status_html(2, IndexReport(failed=[Failure("x.txt", "empty file")]), ["y.exe: unsupported"])
    assert 'class="upload-error"' in html and "2 of 2 failed" in html
    html = status_html(1, None, [], "3 uploads are already waiting <b>")
    assert 'class="upload-error"' in html and "&lt;b&gt;" in html  # the reason is text


def test_content_filter_finds_words_inside_documents(service):
    docs = service.documents()
    found, partial = content_matches(service, docs, "杜宏远", None)
    assert len(found) == 1 and not partial and "001_" in found[0].sources[0]
    assert all("杜宏远" in service.assistant.document_text(d.id) for d in found)
    assert content_matches(service, docs, "  ", None) == (docs, False)
    assert all(name_matches(d, "001_") == any("001_" in s for s in d.sources) for d in docs)
