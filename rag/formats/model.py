"""The records every format reader returns, and the page map as it is stored beside the text."""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from ..chunk import add_trimmed as _add_trimmed  # the one whitespace-trimmed span appender


class FormatError(Exception):
    """A file this reader cannot use; str() is the reason (without the file name) and says what to do."""


@dataclass(frozen=True)
class Line:
    """One laid-out line of a page as read (PDF text layer or OCR), before it enters the canonical text."""
    text: str
    box: tuple[float, float, float, float]  # x0, top, x1, bottom in page units (PDF points or pixels), y down


@dataclass
class PageLines:
    """A page as read: its lines in reading order and its size in the same units as the boxes."""
    n: int
    width: float
    height: float
    lines: list[Line]
    ocr: bool = False


@dataclass(frozen=True)
class Page:
    """A page in the canonical text: text[start:end] is the page; lines are (start, end, x0, top, x1, bottom)."""
    n: int
    start: int
    end: int
    width: float = 0.0
    height: float = 0.0
    ocr: bool = False
    lines: tuple[tuple, ...] = ()


@dataclass
class Extracted:
    text: str
    pages: list[Page] = field(default_factory=list)  # empty for formats without pages (Word, spreadsheets)
    boilerplate: list[tuple[int, int]] = field(default_factory=list)  # running headers, footers, page numbers
    kind: str = "text"  # shown where text files show their encoding: pdf, pdf+ocr, ocr, docx, xlsx
    warning: str | None = None


def pages_json(pages: list[Page], boilerplate: list[tuple[int, int]] = ()) -> dict:
    """The page map as stored in docs/<id>.pages.json (plain JSON: numbers rounded to 0.1 page units). The running
    headers and footers ride along, so a viewer can dim them and a rebuild from the text can leave them out."""
    return {"version": 1, "pages": [
        {"n": p.n, "start": p.start, "end": p.end, "width": round(p.width, 1), "height": round(p.height, 1),
         "ocr": p.ocr, "lines": [[s, e, *(round(v, 1) for v in box)] for s, e, *box in p.lines]}
        for p in pages], "boilerplate": [list(b) for b in boilerplate]}


def page_of(page_map: dict | None, start: int, end: int) -> list[int]:
    """Page numbers that the span [start, end) touches, in order (empty when the map is missing)."""
    if not page_map or not page_map.get("pages"):
        return []
    pages = page_map["pages"]
    end = max(end, start + 1)
    i = max(0, bisect.bisect_right([p["start"] for p in pages], start) - 1)
    out = []
    while i < len(pages) and pages[i]["start"] < end:
        if pages[i]["end"] > max(start, pages[i]["start"]):  # an empty page holds nothing
            out.append(pages[i]["n"])
        i += 1
    return out


def without(text: str, spans: tuple[tuple[int, int], ...],
             holes: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    """The indexable spans minus the holes (running headers and footers, whole lines), trimmed of whitespace."""
    if not holes:
        return spans
    holes = sorted(holes)
    out: list[tuple[int, int]] = []
    h = 0
    for s, e in spans:
        while h < len(holes) and holes[h][1] <= s:
            h += 1
        k, pos = h, s
        while k < len(holes) and holes[k][0] < e:
            _add_trimmed(text, pos, holes[k][0], out)
            pos = max(pos, holes[k][1])
            k += 1
        _add_trimmed(text, pos, e, out)
    return tuple(out)


def highlight_boxes(page_map: dict | None, start: int, end: int) -> list[tuple[int, float, float, float, float]]:
    """Rectangles (page, x0, top, x1, bottom) covering text[start:end] on its pages, in page units with y down.
    A line partly inside the span is cut by character share: exact for Chinese (one em per character), close
    for mixed lines."""
    out = []
    for page in (page_map or {}).get("pages", []):
        if page["end"] <= start or page["start"] >= end:
            continue
        for s, e, x0, top, x1, bottom in page["lines"]:
            if e <= start or s >= end or e <= s:
                continue
            a, b = (max(s, start) - s) / (e - s), (min(e, end) - s) / (e - s)
            out.append((page["n"], x0 + a * (x1 - x0), top, x0 + b * (x1 - x0), bottom))
    return out
