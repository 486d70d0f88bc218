"""One page of a PDF or image as a PNG, for the page viewer that draws the cited boxes over it.

The boxes of the page map are in page units (PDF points, or the image's pixels, y down), so the viewer places
them as fractions of the page's width and height and the PNG may have any size: PDFs are rendered at a fixed
resolution, images scaled down to at most MAX_SIDE pixels (a 6000-pixel phone photo is 100 MB of RGB, and a
browser panel shows 800 of them).
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from .model import FormatError

VIEW_DPI = 110  # an A4 page is 910 × 1290 px: the characters of 10.5 pt body text stay legible
MAX_SIDE = 1800  # images: longest side in pixels


@dataclass(frozen=True)
class Rendered:
    png: bytes
    width: int  # pixels of the PNG
    height: int


def render(path: Path, n: int) -> Rendered:
    """Page n (1-based) of a PDF or image file as PNG (FormatError with a one-line reason)."""
    from . import IMAGE_TYPES, PDF_TYPES
    ext = path.suffix.lower()
    if ext in PDF_TYPES:
        from .pdf import render_page
        png = render_page(path, n, VIEW_DPI)
    elif ext in IMAGE_TYPES:
        png = _image_page(path, n)
    else:
        raise FormatError(f"'{ext}' files have no pages to show")
    from PIL import Image
    with Image.open(io.BytesIO(png)) as img:  # reads the header only
        return Rendered(png, img.width, img.height)


def _image_page(path: Path, n: int) -> bytes:
    """The stored image's page n, upright as its EXIF tag says (as OCR read it), scaled down, as PNG."""
    from PIL import Image, ImageOps, UnidentifiedImageError
    try:
        with Image.open(path) as img:
            pages = getattr(img, "n_frames", 1)
            if not 1 <= n <= pages:
                raise FormatError(f"page {n} is not in the image (it has {pages} pages)")
            img.seek(n - 1)
            page = ImageOps.exif_transpose(img)
            if page.mode not in ("L", "RGB"):  # grey scans stay grey: a third of the bytes to encode
                page = page.convert("RGB")
    except (UnidentifiedImageError, Image.DecompressionBombError) as e:
        raise FormatError(f"not a readable image ({e})") from None
    except OSError as e:
        raise FormatError(f"cannot read ({e.strerror or e})") from None
    page.thumbnail((MAX_SIDE, MAX_SIDE))  # keeps the aspect ratio: the page-unit boxes still fit as fractions
    out = io.BytesIO()
    page.save(out, format="PNG", compress_level=1)
    return out.getvalue()
