"""A long scanned PDF streams through OCR: a few page images alive at any time, whatever the page count, and
progress reported page by page."""
import time
import weakref

import pytest

import format_fixtures as ff
from rag.formats import ocr
from rag.formats.model import Line
from rag.ingest import load

needs_font = pytest.mark.skipif(not ff.WQY.exists(), reason="needs fonts-wqy-microhei (scripts/test.sh)")


@needs_font
def test_a_long_scan_holds_a_few_page_images_at_a_time(tmp_path, monkeypatch):
    pages = 60
    path = ff.scan_pdf(tmp_path / "long.pdf", [[f"第{n}页"] for n in range(1, pages + 1)])
    refs, most = [], []  # every rendered page image (PIL images are not hashable: no WeakSet); live counts
    put = ocr.OcrQueue.put

    def counting_put(self, key, image, scale=1.0):
        refs.append(weakref.ref(image))
        most.append(sum(r() is not None for r in refs))
        return put(self, key, image, scale)

    def fake_ocr(image, scale=1.0):  # the models are not what is measured here, the images in flight are
        time.sleep(0.05)  # slower than rendering a page, as real OCR is: unbounded queueing would show
        k = len(most) * 7 % len(ff.FILLER)  # a different sentence on every page (repeats would be boilerplate)
        return [Line(ff.FILLER[k:] + ff.FILLER[:k], (50.0, 300.0, 550.0, 320.0))]
    monkeypatch.setattr(ocr.OcrQueue, "put", counting_put)
    monkeypatch.setattr(ocr, "ocr_lines", fake_ocr)
    seen = []
    doc = load(path, progress=lambda page, total: seen.append((page, total)))
    assert doc.meta["encoding"] == "ocr-pdf" and len(doc.meta["pages"]["pages"]) == pages
    assert len(refs) == pages and max(most) <= ocr.WORKERS + 1, max(most)  # queued ones and the one arriving
    assert seen == [(n, pages) for n in range(1, pages + 1)]
