"""Word .docx → text: paragraphs and headings in order, list numbers as Word shows them, tables row by row.

A table row becomes one line that reads as a sentence, each cell after its column's header
("项目：汉林街改造；预算：1200万元"), so a row is answerable and citable on its own. Word stores list numbers as
rules (numbering.xml), not text: we count them the way Word does for the common formats (1. 2. 3., 一、二、,
(1), ①, a), i.) so "第三条" style lists keep their numbers. Word has no pages until it is laid out: no page map.
"""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

from .model import Extracted, FormatError

_CN = "零一二三四五六七八九"


def _chinese(n: int) -> str:
    if n < 10:
        return _CN[n]
    if n < 20:
        return "十" + (_CN[n % 10] if n % 10 else "")
    if n < 100:
        return _CN[n // 10] + "十" + (_CN[n % 10] if n % 10 else "")
    return str(n)


def _roman(n: int) -> str:
    out = ""
    for v, s in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"),
                 (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while n >= v:
            out, n = out + s, n - v
    return out


def _format(n: int, fmt: str) -> str:
    if fmt in ("chineseCounting", "chineseCountingThousand", "chineseLegalSimplified", "taiwaneseCounting",
               "ideographDigital", "japaneseCounting"):
        return _chinese(n)
    if fmt == "ideographTraditional":
        return "甲乙丙丁戊己庚辛壬癸"[(n - 1) % 10]
    if fmt == "decimalEnclosedCircle" or fmt == "decimalEnclosedCircleChinese":
        return chr(0x2460 + n - 1) if 1 <= n <= 20 else str(n)
    if fmt == "lowerLetter":
        return chr(ord("a") + (n - 1) % 26)
    if fmt == "upperLetter":
        return chr(ord("A") + (n - 1) % 26)
    if fmt == "lowerRoman":
        return _roman(n)
    if fmt == "upperRoman":
        return _roman(n).upper()
    if fmt == "decimalZero":
        return f"{n:02d}"
    return str(n)


class _Numbering:
    """Word's list counters: numId → level definitions; counters per list, deeper levels restart."""

    def __init__(self, document):
        from docx.oxml.ns import qn
        self.qn = qn
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}
        self.counters: dict[str, list[int]] = {}
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract = {}
        for a in root.findall(qn("w:abstractNum")):
            abstract[a.get(qn("w:abstractNumId"))] = {
                int(lvl.get(qn("w:ilvl"))): (self._val(lvl, "w:numFmt") or "decimal",
                                             self._val(lvl, "w:lvlText") or "", int(self._val(lvl, "w:start") or 1))
                for lvl in a.findall(qn("w:lvl"))}
        for num in root.findall(qn("w:num")):
            ref = num.find(qn("w:abstractNumId"))
            if ref is not None:
                self.levels[num.get(qn("w:numId"))] = abstract.get(ref.get(qn("w:val")), {})

    def _val(self, el, tag):
        child = el.find(self.qn(tag))
        return child.get(self.qn("w:val")) if child is not None else None

    def label(self, paragraph) -> str:
        """The number Word shows before this paragraph ("" when it is not in a numbered list)."""
        qn = self.qn
        num_pr = None
        for holder in (paragraph._p.pPr, getattr(paragraph.style.element, "pPr", None) if paragraph.style else None):
            if holder is not None and holder.find(qn("w:numPr")) is not None:
                num_pr = holder.find(qn("w:numPr"))
                break
        if num_pr is None:
            return ""
        num_id = self._val(num_pr, "w:numId")
        ilvl = int(self._val(num_pr, "w:ilvl") or 0)
        levels = self.levels.get(num_id)
        if not levels or ilvl not in levels:
            return ""
        fmt, text, start = levels[ilvl]
        if fmt == "bullet" or fmt == "none":
            return "• " if fmt == "bullet" else ""
        counters = self.counters.setdefault(num_id, [levels[i][2] - 1 if i in levels else 0 for i in range(9)])
        counters[ilvl] += 1
        for deeper in range(ilvl + 1, 9):  # a new item restarts the levels below it
            counters[deeper] = levels[deeper][2] - 1 if deeper in levels else 0

        def repl(m):
            lv = int(m.group(1)) - 1
            lvl_fmt = levels.get(lv, ("decimal", "", 1))[0]
            return _format(max(counters[lv], 1), lvl_fmt)
        label = re.sub(r"%(\d)", repl, text)
        return label + ("" if label.endswith(("、", "．", "）", ")")) and fmt.startswith("chinese") else " ") \
            if label else ""


def row_text(cells: list[str], header: list[str] | None) -> str:
    """A table or sheet row as a sentence: "项目：汉林街改造；预算：1200万元" (cells without a header as they are)."""
    parts = []
    for i, cell in enumerate(cells):
        cell = re.sub(r"\s+", " ", cell).strip()
        if not cell:
            continue
        name = re.sub(r"\s+", " ", header[i]).strip() if header and i < len(header) else ""
        parts.append(f"{name}：{cell}" if name and name != cell else cell)
    return "；".join(parts)


def _table_lines(table) -> list[str]:
    rows = []
    for row in table.rows:
        cells, last = [], None
        for cell in row.cells:  # a merged cell appears once per grid column it spans: keep it once
            if cell._tc is not last:
                cells.append(cell.text)
            last = cell._tc
        rows.append(cells)
    rows = [r for r in rows if any(c.strip() for c in r)]
    if not rows:
        return []
    first = rows[0]
    has_header = len(rows) > 1 and all(c.strip() and len(c.strip()) <= 30 for c in first)
    if not has_header:
        return [row_text(r, None) for r in rows]
    return ["；".join(c.strip() for c in first)] + [row_text(r, first) for r in rows[1:]]


def read_docx(path: Path) -> Extracted:
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as e:
        raise FormatError(f"not a readable .docx ({e or 'damaged'}); open it in Word or WPS and save it "
                          f"again as .docx") from None
    except OSError as e:
        raise FormatError(f"cannot read ({e.strerror or e})") from None
    numbering = _Numbering(document)
    lines: list[str] = []
    for block in document.iter_inner_content():
        if hasattr(block, "rows"):
            lines.extend(line for line in _table_lines(block) if line)
            continue
        text = block.text.strip()
        if text:
            lines.append(numbering.label(block) + text)
    text = "\n".join(lines)
    if not text.strip():
        raise FormatError("the document has no text (only images or empty); save it as PDF to have it read "
                          "by OCR")
    return Extracted(text, kind="docx")
