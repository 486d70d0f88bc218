"""File formats beyond plain text: PDF (text layer or scanned), images, Word, spreadsheets.

Each format gives one canonical text (what is stored, chunked and cited) plus structure beside it: a page map
(page number → character range of the text) and, for PDF and OCR pages, line boxes in page coordinates, so a
citation (start, end) also yields its page(s) and the rectangles to highlight. Running headers, footers and
page numbers stay in the text (a citation may show them) but are listed as `boilerplate` so they are not indexed.

The extension decides the reader; the sets below are the one list of what we take, used by the CLI, the UI
and the API.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .model import Extracted, FormatError, Line, Page, PageLines, highlight_boxes, page_of, pages_json, without

TEXT_TYPES = frozenset({".txt", ".md", ".markdown", ".html", ".htm", ".text"})
PDF_TYPES = frozenset({".pdf"})
IMAGE_TYPES = frozenset({".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".webp"})
WORD_TYPES = frozenset({".docx"})
SHEET_TYPES = frozenset({".xlsx", ".csv"})
SUPPORTED = TEXT_TYPES | PDF_TYPES | IMAGE_TYPES | WORD_TYPES | SHEET_TYPES

# Formats people have and we cannot read: say what to do instead of "unsupported".
REFUSED = {
    ".doc": "旧版 Word 格式，请另存为 .docx · old Word format (.doc); open it in Word or WPS and save as .docx",
    ".wps": "WPS 格式，请另存为 .docx · WPS format (.wps); open it in WPS and save as .docx",
    ".ppt": "不支持 PowerPoint 幻灯片，请另存为 PDF · PowerPoint slides are not supported; save them as PDF",
    ".pptx": "不支持 PowerPoint 幻灯片，请另存为 PDF · PowerPoint slides are not supported; save them as PDF",
    ".xls": "旧版 Excel 格式，请另存为 .xlsx · old Excel format (.xls); open it and save as .xlsx",
    ".et": "WPS 表格，请另存为 .xlsx · WPS spreadsheet (.et); open it in WPS and save as .xlsx",
}

MB = 1024 * 1024
# Per-type size limits: a scanned report is big long before it is long; a 200 MB text file is not a document.
MAX_BYTES = {".pdf": 200 * MB, ".docx": 100 * MB, ".xlsx": 100 * MB, **{e: 50 * MB for e in IMAGE_TYPES}}
DEFAULT_MAX_PAGES = 2000

__all__ = ["DEFAULT_MAX_PAGES", "Extracted", "FormatError", "IMAGE_TYPES", "Line", "MAX_BYTES", "PDF_TYPES",
           "Page", "PageLines", "REFUSED", "SHEET_TYPES", "SUPPORTED", "TEXT_TYPES", "WORD_TYPES", "extract",
           "highlight_boxes", "is_structured", "page_of", "pages_json", "read_csv", "supported_list", "without"]


def supported_list() -> str:
    """The supported extensions as users read them in a message: ".csv .docx .htm …"."""
    return " ".join(sorted(SUPPORTED))


def is_structured(ext: str) -> bool:
    """Formats read by a reader of their own (binary files), not decoded as text."""
    return ext in PDF_TYPES | IMAGE_TYPES | WORD_TYPES or ext == ".xlsx"


def read_csv(text: str, encoding: str) -> Extracted:
    """A .csv already decoded by rag.ingest (which knows the encodings) → one line per row with its headers."""
    from .sheet import read_csv_text
    return read_csv_text(text, encoding)


def _check_not_encrypted(path: Path, ext: str) -> None:
    """A password-protected .docx/.xlsx is an OLE container, not a zip (so is an old .doc/.xls renamed)."""
    try:
        with open(path, "rb") as f:
            head = f.read(8)
    except OSError as e:
        raise FormatError(f"无法读取 · cannot read ({e.strerror or e})") from None
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise FormatError(f"有密码保护或是改了扩展名的旧文件，请去掉密码或重新另存 · "
                          f"password protected (or an old Word/Excel file renamed to {ext}); remove the password, "
                          f"or open it and save it again as {ext}")


def extract(path: Path, max_pages: int = DEFAULT_MAX_PAGES,
            progress: Callable[[int, int], None] | None = None) -> Extracted:
    """Read a PDF, image, .docx or .xlsx file (FormatError with a one-line reason when it cannot be used).
    progress(done, total) is called after each page of a PDF or multi-page image."""
    ext = path.suffix.lower()
    if ext in PDF_TYPES:
        from .pdf import read_pdf
        return read_pdf(path, max_pages, progress)
    if ext in IMAGE_TYPES:
        from .ocr import read_image
        return read_image(path, max_pages, progress)
    if ext in WORD_TYPES or ext == ".xlsx":
        _check_not_encrypted(path, ext)
    if ext in WORD_TYPES:
        from .docx import read_docx
        return read_docx(path)
    if ext == ".xlsx":
        from .sheet import read_xlsx
        return read_xlsx(path)
    raise FormatError(f"不支持的文件类型 · unsupported file type '{ext or 'none'}' (supported: {supported_list()})")
