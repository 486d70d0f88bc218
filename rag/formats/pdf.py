"""PDF → lines with boxes, page by page (pypdfium2 / PDFium); pages without a usable text layer go to OCR.

PDFium gives the characters of a page in content order with generated line breaks between laid-out lines; we
cut lines there and take each line's box as the union of its characters' boxes (PDF points, turned to y down so
PDF and OCR pages share one convention). A page whose text layer is empty or garbage (unmapped glyphs, private
use characters) is rendered and read by OCR, one page at a time: only one page image is ever held.
"""
from __future__ import annotations

import ctypes
import threading
from collections.abc import Callable
from pathlib import Path

from .layout import build, is_cjk
from .model import Extracted, FormatError, Line, PageLines
from .ocr import PagesRead

OCR_DPI = 200  # enough for 10.5 pt Chinese body text; the OCR scales larger images down to 2000 px anyway
MIN_TEXT_CHARS = 5  # fewer real characters than this: the page is a scan (or blank)
GARBAGE_SHARE = 0.3  # more unreadable characters than this: the text layer is broken, read the page by OCR
# PDFium is not thread-safe: every call into it, from any thread of the process, holds this lock (the server
# indexes in a worker thread; a page viewer would render in request threads).
PDFIUM_LOCK = threading.RLock()


def _open(path: Path):
    import pypdfium2 as pdfium
    try:
        return pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as e:
        if getattr(e, "err_code", None) == pdfium.raw.FPDF_ERR_PASSWORD:
            raise FormatError("the PDF is encrypted (password protected); remove the password "
                              "(print or save it as a new PDF) and add it again") from None
        raise FormatError(f"not a readable PDF ({e}); re-save or re-export it as PDF") from None
    except OSError as e:
        raise FormatError(f"cannot read ({e.strerror or e})") from None


def _bad(ch: str) -> bool:
    o = ord(ch)
    return ch == "\ufffd" or 0xE000 <= o <= 0xF8FF or (o < 32 and ch not in "\t\r\n")


def text_lines(textpage, height: float) -> tuple[list[Line], int, int]:
    """The page's lines, and (real characters, unreadable characters) to judge the text layer."""
    import pypdfium2.raw as raw
    n = raw.FPDFText_CountChars(textpage)
    lines: list[Line] = []
    chars: list[str] = []
    box = [float("inf"), float("inf"), float("-inf"), float("-inf")]
    real = bad = 0
    lft, rgt, btm, top = ctypes.c_double(), ctypes.c_double(), ctypes.c_double(), ctypes.c_double()

    def flush():
        text = "".join(chars).strip()
        if text and box[0] < float("inf"):
            lines.append(Line(text, (box[0], height - box[3], box[2], height - box[1])))
        chars.clear()
        box[:] = [float("inf"), float("inf"), float("-inf"), float("-inf")]

    for i in range(n):
        code = raw.FPDFText_GetUnicode(textpage, i)
        ch = chr(code) if code < 0x110000 else "\ufffd"
        if ch == "\n":  # PDFium puts "\r\n" between laid-out lines (generated) and keeps the PDF's own
            flush()
            continue
        if ch == "\r":
            continue
        if ch.isspace() or code == 0:
            if chars and chars[-1] != " ":
                chars.append(" ")
            continue
        if _bad(ch) or raw.FPDFText_HasUnicodeMapError(textpage, i) == 1:
            bad += 1
            continue
        real += 1
        if len(chars) > 1 and chars[-1] == " " and is_cjk(ch) and is_cjk(chars[-2]):
            chars.pop()  # letter-spaced headings ("工 作 报 告") and PDFium's gap spaces mean nothing in Chinese
        chars.append(ch)
        if raw.FPDFText_GetCharBox(textpage, i, lft, rgt, btm, top):
            box[0], box[1] = min(box[0], lft.value), min(box[1], btm.value)
            box[2], box[3] = max(box[2], rgt.value), max(box[3], top.value)
    flush()
    return lines, real, bad


def _has_images(page) -> bool:
    import pypdfium2.raw as raw
    return any(True for _ in page.get_objects(filter=(raw.FPDF_PAGEOBJ_IMAGE,), max_depth=3))


def _read_page(pdf, i: int):
    """(width, height, lines, image) of page i: image is the rendered page when it needs OCR, else None."""
    page = pdf[i]
    try:
        width, height = page.get_size()
        textpage = page.get_textpage()
        try:
            lines, real, bad = text_lines(textpage, height)
        finally:
            textpage.close()
        if (real < MIN_TEXT_CHARS or bad > GARBAGE_SHARE * (real + bad)) and _has_images(page):
            bitmap = page.render(scale=OCR_DPI / 72, grayscale=True)
            try:
                return width, height, lines, bitmap.to_pil().copy()  # a copy: the bitmap's memory is freed now
            finally:
                bitmap.close()
        return width, height, lines, None
    finally:
        page.close()


def read_pdf(path: Path, max_pages: int, progress: Callable[[int, int], None] | None = None) -> Extracted:
    with PDFIUM_LOCK:
        pdf = _open(path)
    try:
        total = len(pdf)
        if total == 0:
            raise FormatError("the PDF has no pages")
        if total > max_pages:
            raise FormatError(f"{total} pages, more than the limit of {max_pages}; split the PDF "
                              f"(or raise the page limit)")
        pages: list[PageLines] = []
        queue = None
        read = PagesRead(progress, total)
        for i in range(total):
            with PDFIUM_LOCK:
                width, height, lines, image = _read_page(pdf, i)
            pages.append(PageLines(i + 1, width, height, lines, ocr=image is not None))
            if image is not None:  # OCR outside the lock, in the OCR threads (a few pages in flight at most)
                from .ocr import OcrQueue
                queue = queue or OcrQueue()
                for n, found in queue.put(i, image, OCR_DPI / 72):
                    pages[n].lines = found
                image = None
            read.upto(i + 1 - (len(queue.pending) if queue else 0))  # pages before those in the OCR threads
        for n, found in queue.drain() if queue else []:
            pages[n].lines = found
            read.upto(n + 1)
        read.upto(total)
        scanned = sum(p.ocr for p in pages)
    finally:
        with PDFIUM_LOCK:
            pdf.close()
    if not any(p.lines for p in pages):
        raise FormatError("no text found on any page (blank pages, or images OCR could not read)")
    kind = "pdf" if not scanned else ("ocr-pdf" if scanned == total else "pdf+ocr")
    return build(pages, kind)


def render_page(path: Path, n: int, dpi: int = 110) -> bytes:
    """Page n (1-based) of a PDF as PNG bytes, for a page view with the cited boxes drawn over it (the boxes are in
    points: multiply by dpi / 72)."""
    import io
    with PDFIUM_LOCK:
        pdf = _open(path)
        try:
            if not 1 <= n <= len(pdf):
                raise FormatError(f"page {n} is not in the PDF (it has {len(pdf)} pages)")
            page = pdf[n - 1]
            try:
                bitmap = page.render(scale=dpi / 72)
                image = bitmap.to_pil().copy()  # the PIL image shares the bitmap's memory until copied
                bitmap.close()
            finally:
                page.close()
        finally:
            pdf.close()
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=1)  # fast over small: a page is sent once and cached
    return out.getvalue()
