"""Spreadsheets (.xlsx, .csv) → one line per row with its header names ("项目：…；预算：…；完成时间：…").

Why the header on every row: a row is what answers "汉林街改造的预算是多少", and a passage holding only
"汉林街改造；1200万元" says neither what the numbers are nor lets a citation stand on its own. The first row
with two or more filled cells is the header; a workbook with several sheets names each sheet on a line of its own.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from pathlib import Path

from .docx import row_text
from .model import Extracted, FormatError

MAX_ROWS = 1_000_000  # per sheet: an .xlsx can declare more; past this it is data, not a document


def _cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if (v.hour, v.minute, v.second) == (0, 0, 0) else v.isoformat(" ", "minutes")
    if isinstance(v, dt.date | dt.time):
        return v.isoformat()
    return str(v)


def rows_to_lines(rows, name: str = "") -> list[str]:
    """Rows of cell strings → lines; the first row with two or more cells of text is the header (a title row
    above it stays a line of its own)."""
    lines: list[str] = []
    header = None
    for n, row in enumerate(rows):
        if n >= MAX_ROWS:
            raise FormatError(f"sheet {name or ''} has more than {MAX_ROWS:,} rows; split it".replace("  ", " "))
        cells = [_cell(v) for v in row]
        if not any(c.strip() for c in cells):
            continue
        if header is None:
            filled = [c.strip() for c in cells if c.strip()]
            if len(filled) >= 2 or n > 50:  # the header: a title row above it ("2025年项目表") has one cell
                header = cells
            lines.append("；".join(filled))
            continue
        line = row_text(cells, header)
        if line:
            lines.append(line)
    return lines


def read_xlsx(path: Path) -> Extracted:
    import openpyxl
    try:
        book = openpyxl.load_workbook(str(path), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError) as e:
        raise FormatError(f"not a readable .xlsx ({e or 'damaged'}); open it and save it again as .xlsx") from None
    except OSError as e:
        raise FormatError(f"cannot read ({e.strerror or e})") from None
    try:
        sheets = book.worksheets
        lines: list[str] = []
        for ws in sheets:
            rows = rows_to_lines(ws.iter_rows(values_only=True), ws.title)
            if rows and len(sheets) > 1:
                lines.append(f"工作表：{ws.title}")
            lines.extend(rows)
    finally:
        book.close()
    if not lines:
        raise FormatError("the workbook has no cells with text")
    return Extracted("\n".join(lines), kind="xlsx")


def read_csv_text(text: str, encoding: str) -> Extracted:
    """A decoded .csv → Extracted. The delimiter is the one of , tab ; | the first line holds most of (Excel
    writes ; in some locales, and exports from Chinese systems are often tab separated)."""
    first = text.split("\n", 1)[0]
    delimiter = max(",\t;|", key=first.count) if any(d in first for d in ",\t;|") else ","
    lines = rows_to_lines(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    if not lines:
        raise FormatError("the CSV has no cells with text")
    return Extracted("\n".join(lines), kind=f"csv/{encoding}")
