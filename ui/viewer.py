"""The page viewer's side of a citation: which pages of a PDF or scan a span covers, the cited characters' boxes
on each (as fractions of the page, so the browser places them over a page image of any size), and where the
page images are served (ui/pages_api.py).

A document without a page map (text, Word, spreadsheets), or whose original file is gone or changed since it was
indexed, has no page view: the chat's sources panel shows the text view for it, as before.
"""
from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import quote

from rag.formats import IMAGE_TYPES, PDF_TYPES, highlight_boxes, page_of

MAX_PAGES_SHOWN = 3  # a quote runs over a page break now and then, never over many pages


def page_map(service, doc_id: str, kb: str | None) -> dict | None:
    """The document's page map (None for documents without pages, and for stores that keep none)."""
    read = getattr(service.kbs.assistant(kb).store(), "document_pages", None)
    return read(doc_id) if read else None


def page_file(rec) -> Path | None:
    """The original PDF or image of a document record, if one of its sources is still the file that was indexed
    (same size: the page map's boxes belong to those bytes). Uploaded files are content-addressed and stay."""
    want = (rec.meta or {}).get("bytes") or None
    for source in rec.sources:
        path = Path(source)
        if path.suffix.lower() not in PDF_TYPES | IMAGE_TYPES:
            continue
        try:
            size = os.stat(path).st_size
        except OSError:
            continue
        if want is None or size == want:
            return path
    return None


def page_url(doc_id: str, n: int, kb: str | None) -> str:
    return f"/api/documents/{quote(doc_id)}/pages/{n}.png" + (f"?kb={quote(kb)}" if kb else "")


def page_view(service, doc_id: str, start: int, end: int, kb: str | None = None) -> dict | None:
    """{"pages": [{"n", "url", "ratio", "boxes": [[left, top, width, height] as fractions of the page]}],
    "label": "p. 7"} for a span of a paged document whose original file is at hand; None otherwise."""
    pages_map = page_map(service, doc_id, kb)
    if not pages_map or page_file(service.document(doc_id, kb)) is None:
        return None
    touched = page_of(pages_map, start, end)
    if not touched:
        return None
    sizes = {p["n"]: (p["width"], p["height"]) for p in pages_map["pages"]}
    boxes: dict[int, list] = {}
    for n, x0, top, x1, bottom in highlight_boxes(pages_map, start, end):
        w, h = sizes[n]
        if w > 0 and h > 0:
            boxes.setdefault(n, []).append([round(x0 / w, 5), round(top / h, 5), round((x1 - x0) / w, 5),
                                            round((bottom - top) / h, 5)])
    shown = touched[:MAX_PAGES_SHOWN]
    pages = [{"n": n, "url": page_url(doc_id, n, kb), "boxes": boxes.get(n, []),
              "ratio": round(sizes[n][1] / sizes[n][0], 5) if sizes[n][0] else 1.414} for n in shown]
    label = f"p. {touched[0]}" if len(touched) == 1 else f"pp. {touched[0]}–{touched[-1]}"
    return {"pages": pages, "label": label, "total": len(pages_map["pages"])}
