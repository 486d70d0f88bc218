"""Documents generated for the format tests and bench/formats.py: no binary fixtures of unknown origin.

Text PDFs: reportlab with its built-in CID font STSong-Light (no font file needed). Scans: Chinese rendered by
Pillow with WenQuanYi Micro Hei (Debian's fonts-wqy-microhei, installed by scripts/test.sh), wrapped in a PDF
as an image without any text layer.
"""
from __future__ import annotations

import io
from pathlib import Path

WQY = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
FONT, SIZE, LEADING = "STSong-Light", 11, 18
LEFT, TOP = 72, 72

FILLER = ("本市坚持以人民为中心的发展思想，统筹推进经济社会发展各项工作，全年地区生产总值增长百分之五点二，"
          "城乡居民人均可支配收入稳步提高，民生保障持续加强，社会大局和谐稳定。")


def _font():
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    try:
        pdfmetrics.getFont(FONT)
    except KeyError:
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def wrap(text: str, width: float, first_indent: float = 0.0) -> list[str]:
    """Lines of at most `width` points (first line indented), cut anywhere as Chinese typesetting does."""
    from reportlab.pdfbase.pdfmetrics import stringWidth
    lines, line, avail = [], "", width - first_indent
    for ch in text:
        if stringWidth(line + ch, FONT, SIZE) > avail:
            lines.append(line)
            line, avail = "", width
        line += ch
    if line:
        lines.append(line)
    return lines


def text_pdf(path: Path, pages: list[list[str]], header: str | None = "某市人民政府2025年工作报告",
             page_numbers: bool = True) -> Path:
    """A PDF with a text layer: each page a list of paragraphs (first line indented by two characters), a
    running header and a "- n -" footer on every page."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas
    _font()
    width, height = A4
    c = canvas.Canvas(str(path), pagesize=A4)
    for n, paragraphs in enumerate(pages, 1):
        if header:
            c.setFont(FONT, 9)
            c.drawString(LEFT, height - 40, header)
        c.setFont(FONT, SIZE)
        y = height - TOP - SIZE
        for para in paragraphs:
            for i, line in enumerate(wrap(para, width - 2 * LEFT, 2 * SIZE)):
                c.drawString(LEFT + (2 * SIZE if i == 0 else 0), y, line)
                y -= LEADING
            y -= 6  # paragraph spacing
        if page_numbers:
            c.setFont(FONT, 9)
            c.drawCentredString(width / 2, 36, f"- {n} -")
        c.showPage()
    c.save()
    return path


def render_lines(lines: list[str], size: int = 40, width: int = 1654, margin: int = 120):
    """Chinese text lines rendered black on white (a clean 200 dpi scan), as a PIL image."""
    from PIL import Image, ImageDraw, ImageFont
    font = ImageFont.truetype(str(WQY), size)
    height = 2 * margin + int(len(lines) * size * 1.6)
    img = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(img)
    for i, line in enumerate(lines):
        draw.text((margin, margin + int(i * size * 1.6)), line, font=font, fill=0)
    return img


def degrade(img, seed: int = 0):
    """What a real scanner and office copier do: a slight skew, speckle noise, JPEG compression at quality 60."""
    import numpy as np
    from PIL import Image
    rng = np.random.default_rng(seed)
    img = img.rotate(0.6, resample=Image.Resampling.BICUBIC, fillcolor=255)
    arr = np.asarray(img, dtype=np.int16) + rng.normal(0, 18, (img.height, img.width)).astype(np.int16)
    img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=60)
    return Image.open(io.BytesIO(buf.getvalue()))


def scan_pdf(path: Path, pages: list[list[str]], dpi: int = 200, text_first: str | None = None,
             noisy: bool = False) -> Path:
    """A scanned PDF: every page an image of its lines (A4 width), no text layer; `text_first` puts a page with
    a text layer (that paragraph) before them, as in a report with scanned annexes; `noisy` degrades the images
    like a real scan."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas
    width, _ = A4
    c = canvas.Canvas(str(path), pagesize=A4)
    if text_first:
        _font()
        c.setFont(FONT, SIZE)
        for i, line in enumerate(wrap(text_first, width - 2 * LEFT)):
            c.drawString(LEFT, A4[1] - TOP - SIZE - i * LEADING, line)
        c.showPage()
    for lines in pages:
        img = render_lines(lines, size=int(dpi / 72 * 12), width=int(width / 72 * dpi))  # 12 pt body text
        if noisy:
            img = degrade(img, seed=len(lines))
        buf = io.BytesIO()
        img.save(buf, format="PNG")
        w, h = img.size
        pw, ph = w * 72 / dpi, h * 72 / dpi
        c.drawImage(ImageReader(io.BytesIO(buf.getvalue())), 0, A4[1] - ph, pw, ph)
        c.showPage()
    c.save()
    return path


def docx_file(path: Path) -> Path:
    """A .docx with a heading, paragraphs, a numbered list and a table with a header row."""
    import docx
    d = docx.Document()
    d.add_heading("城市更新项目情况说明", level=1)
    d.add_paragraph("今年全市共安排城市更新项目三个，具体情况如下。")
    for item in ("完成老旧小区改造方案设计", "启动汉林街改造工程", "开展加装电梯试点"):
        d.add_paragraph(item, style="List Number")
    table = d.add_table(rows=1, cols=3)
    for cell, name in zip(table.rows[0].cells, ("项目", "预算", "完成时间"), strict=True):
        cell.text = name
    for row in (("汉林街改造", "1200万元", "5月1日"), ("滨江公园提升", "860万元", "9月30日")):
        for cell, value in zip(table.add_row().cells, row, strict=True):
            cell.text = value
    d.add_paragraph("以上项目资金由市财政统筹安排。")
    d.save(str(path))
    return path


SHEET_ROWS = [("项目", "预算", "完成时间"), ("汉林街改造", "1200万元", "5月1日"),
              ("滨江公园提升", 860, "9月30日"), ("老旧小区加装电梯", "300万元", "12月31日")]


def xlsx_file(path: Path) -> Path:
    import openpyxl
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "项目表"
    for row in SHEET_ROWS:
        ws.append(list(row))
    wb.save(str(path))
    return path


def csv_file(path: Path, encoding: str = "gb18030") -> Path:
    path.write_bytes("\r\n".join(",".join(str(v) for v in row) for row in SHEET_ROWS).encode(encoding))
    return path


def encrypted_pdf(path: Path) -> Path:
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas
    _font()
    c = canvas.Canvas(str(path), encrypt=pdfencrypt.StandardEncryption("secret", canPrint=0))
    c.setFont(FONT, SIZE)
    c.drawString(LEFT, 700, "机密文件")
    c.showPage()
    c.save()
    return path


def report_pages(n_pages: int, facts: dict[int, str] | None = None, paragraphs: int = 6) -> list[list[str]]:
    """A long report: every page some filler paragraphs, with `facts[page]` as the second paragraph."""
    facts = facts or {}
    out = []
    for n in range(1, n_pages + 1):
        paras = [f"第{n}部分。" + FILLER] + ([facts[n]] if n in facts else []) + [FILLER] * (paragraphs - 1)
        out.append(paras)
    return out
