"""Pages of laid-out lines → one canonical text, the page map and the running headers and footers.

Why join lines: a PDF or a scan breaks a Chinese paragraph wherever the line is full, and our chunker ends a
sentence at a line break, so "预计在今年五月一日\n完成" would be cut in two. Two lines are one paragraph when the
first runs to the right margin, the next is not indented and the gap between them is an ordinary line gap;
then CJK meets CJK with nothing between them and Latin meets Latin with one space. Anything else keeps "\n".

Running headers and footers (a report title on every page, "- 7 -", "第 7 页 共 30 页") are lines at the top or
bottom of a page whose text, digits ignored, recurs on at least half the pages (three at least), a page's very
first or last line recurring on three pages (chapter titles), or page numbers alone. They stay in the text, on
lines of their own, and are returned as boilerplate (not indexed).
"""
from __future__ import annotations

import re
from collections import Counter
from statistics import median

from .model import Extracted, Line, Page, PageLines

EDGE = 0.09  # top and bottom share of the page where running headers and footers live (body text starts lower)
EDGE_LINES = 2  # how many lines from the top and from the bottom of a page may be running lines
_PAGE_NO = re.compile(r"^[\s\-—–_·•|()（）\[\]]*(?:第\s*)?(?:\d{1,4}|[ivxlcdm]{1,6})\s*(?:页)?"
                      r"(?:\s*(?:[/／]|共|of)\s*\d{1,4}\s*页?)?[\s\-—–_·•|()（）\[\]]*$|^(?:page|p\.)\s*\d{1,4}"
                      r"(?:\s*(?:/|of)\s*\d{1,4})?$", re.I)


# A line that starts a list item or an article ("（二）", "二、", "2.", "(3)", "③", "第五条") starts a paragraph
# even when the line above is full.
_ITEM = re.compile(r"^(?:[（(][一二三四五六七八九十\d]{1,3}[)）]|[一二三四五六七八九十]{1,3}、|\d{1,3}[.、．](?!\d)|"
                   r"[\u2460-\u2473]|第[一二三四五六七八九十百\d]{1,4}[条章节])")


def is_cjk(ch: str) -> bool:
    """CJK ideographs and full-width punctuation: joined to a neighbour without a space."""
    o = ord(ch)
    return 0x2E80 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or 0xFF00 <= o <= 0xFFEF or 0x20000 <= o <= 0x3FFFF


def _key(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", text))


def running_lines(pages: list[PageLines]) -> list[set[int]]:
    """For each page, the indices of its lines that are running headers, footers or page numbers."""
    def edge_lines(page: PageLines) -> list[int]:
        n = len(page.lines)
        picks = sorted(set(range(min(EDGE_LINES, n))) | set(range(max(0, n - EDGE_LINES), n)))
        h = page.height or 1.0
        return [i for i in picks if page.lines[i].box[3] <= EDGE * h or page.lines[i].box[1] >= (1 - EDGE) * h]

    def outer(page: PageLines, i: int) -> bool:
        return i in (0, len(page.lines) - 1)

    candidates = [edge_lines(p) for p in pages]
    seen = Counter(k for p, idx in zip(pages, candidates, strict=True) for k in {_key(p.lines[i].text) for i in idx})
    # The very first or last line of a page recurring on three pages is a running line too: books repeat the
    # chapter title over each chapter's pages only ("Chapter 2: … 17", "第二章 发展目标 17").
    seen_outer = Counter(_key(p.lines[i].text) for p, idx in zip(pages, candidates, strict=True)
                         for i in idx if outer(p, i))
    need = max(3, (len(pages) + 1) // 2)
    out = []
    for p, idx in zip(pages, candidates, strict=True):
        out.append({i for i in idx if seen[_key(p.lines[i].text)] >= need or _PAGE_NO.match(p.lines[i].text.strip())
                    or (outer(p, i) and seen_outer[_key(p.lines[i].text)] >= 3)})
    return out


def _joint(prev: Line, nxt: Line, layout: _Layout) -> str:
    """What goes between two lines of a page: "" or " " when they are one paragraph, else "\n"."""
    height = layout.height
    gap = nxt.box[1] - prev.box[3]
    if not (-0.3 * height < gap < 1.0 * height):
        return "\n"  # a blank line, a new column or a line above
    left, right = layout.column(nxt)
    if layout.column(prev) != (left, right):
        return "\n"
    # A paragraph ends where the next line's first word would have fit on the line above, or where the next line
    # starts further in than the line above (a first-line indent; a whole block indented alike reads on).
    if right - prev.box[2] > _first_word(nxt) + 0.5 * height or nxt.box[0] > prev.box[0] + 0.8 * height \
            or _ITEM.match(nxt.text):
        return "\n"
    a, b = prev.text[-1], nxt.text[0]
    if is_cjk(a) or is_cjk(b):
        return ""
    return "" if a == "-" else " "


def _first_word(line: Line) -> float:
    """Width of a line's first word (a Latin word, or one character): what the line above had no room for."""
    m = re.match(r"[A-Za-z0-9\u00C0-\u024F'’()\-]+", line.text)
    return (len(m.group()) if m else 1) * (line.box[2] - line.box[0]) / max(1, len(line.text))


class _Layout:
    """A page's text columns (left, right margins) and its line height, from the lines long enough to reach the
    margins. Lines starting more than a quarter page apart are in different columns (two-column news pages);
    paragraph indents are not. With few long lines the longest may be a paragraph's short last line: a single
    column's right margin is then assumed to mirror its left."""

    def __init__(self, lines: list[Line], width: float):
        long = [ln for ln in lines if len(ln.text) >= 8] or lines
        self.height = max(median(ln.box[3] - ln.box[1] for ln in lines), 1e-6) if lines else 1.0
        self.cols: list[list[float]] = []  # [left, right]
        for ln in sorted(long, key=lambda ln: ln.box[0]):
            if self.cols and ln.box[0] - self.cols[-1][0] <= max(width / 4, 4 * self.height):
                self.cols[-1][1] = max(self.cols[-1][1], ln.box[2])
            else:
                self.cols.append([ln.box[0], ln.box[2]])
        if len(self.cols) == 1 and len(long) < 5 and width > 2 * self.cols[0][0]:
            self.cols[0][1] = max(self.cols[0][1], width - self.cols[0][0])

    def column(self, line: Line) -> tuple[float, float]:
        """The (left, right) of the column a line starts in."""
        found = self.cols[0] if self.cols else [line.box[0], line.box[2]]
        for col in self.cols:
            if col[0] <= line.box[0] + self.height:
                found = col
        return found[0], found[1]


class TextBuilder:
    """Appends pages to one text, keeping exact offsets for the page map, the line boxes and the boilerplate."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pos = 0
        self.pages: list[Page] = []
        self.boilerplate: list[tuple[int, int]] = []

    def _put(self, s: str) -> None:
        self.parts.append(s)
        self.pos += len(s)

    def add_page(self, page: PageLines, running: set[int] = frozenset()) -> None:
        if self.pages:
            self._put("\n")  # pages never share a line: every page is a clean range of the text
        start = self.pos
        lines = [ln for ln in page.lines if ln.text.strip()]
        kept = [i for i, ln in enumerate(page.lines) if ln.text.strip()]
        body = [ln for i, ln in zip(kept, lines, strict=True) if i not in running]
        layout = _Layout(body or lines, page.width)
        boxes = []
        prev, prev_running = None, False
        for i, ln in zip(kept, lines, strict=True):
            text = ln.text.strip()
            ln = Line(text, ln.box)
            is_running = i in running
            if prev is not None:
                self._put("\n" if is_running or prev_running else _joint(prev, ln, layout))
            s = self.pos
            self._put(text)
            boxes.append((s, self.pos, *ln.box))
            if is_running:
                self.boilerplate.append((s, self.pos))
            prev, prev_running = ln, is_running
        self.pages.append(Page(page.n, start, self.pos, page.width, page.height, page.ocr, tuple(boxes)))

    def text(self) -> str:
        return "".join(self.parts)


def build(pages: list[PageLines], kind: str, warning: str | None = None) -> Extracted:
    """All pages of a document → Extracted (running lines found across the pages first)."""
    running = running_lines(pages)
    builder = TextBuilder()
    for page, run in zip(pages, running, strict=True):
        builder.add_page(page, run)
    return Extracted(builder.text(), builder.pages, builder.boilerplate, kind, warning)
