"""OCR for scanned PDF pages and images: RapidOCR (PP-OCR Chinese models inside the rapidocr_onnxruntime wheel,
run by onnxruntime; nothing is downloaded at run time).

One engine per process, loaded on first use (about a second) and shared behind a lock: onnxruntime already uses
the cores for one image, and two images at once would only double the memory. Images are read one page (frame)
at a time and dropped after their page: a 500-page scan holds one page image, never the document.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from .layout import build
from .model import Extracted, FormatError, Line, PageLines

MIN_SCORE = 0.5  # recognition confidence below this is noise (specks, stamps, table rules)
THREADS = 2  # onnxruntime threads per image (the machines we target have 2 cores)
# Detection input: longest side scaled down to this. The package default scales the shortest side UP to 736, so a
# one-line strip 1654x300 became 4000x736 (seconds for one line); a page at 1280 still sees 10.5 pt text at 15 px.
DET_SIDE = 1280

_engine = None
_lock = threading.Lock()


def engine():
    """The shared RapidOCR engine (no angle classifier: scans are upright; it cost a fifth of the time)."""
    global _engine
    if _engine is None:
        try:
            from rapidocr_onnxruntime import RapidOCR
        except ImportError as e:  # opencv or onnxruntime missing or broken
            fix = ("install the system library: apt-get install libgl1 libglib2.0-0" if ".so" in str(e)
                   else "reinstall with: pip install rapidocr_onnxruntime")
            raise FormatError(f"OCR is not available ({e}); {fix}") from None
        _engine = RapidOCR(use_cls=False, intra_op_num_threads=THREADS, inter_op_num_threads=1,
                           det_limit_type="max", det_limit_side_len=DET_SIDE)
    return _engine


def ocr_lines(image, scale: float = 1.0) -> list[Line]:
    """Text lines of an RGB image (PIL image or array), boxes divided by `scale` (pixels → page units)."""
    import numpy as np
    arr = np.asarray(image.convert("RGB") if hasattr(image, "convert") else image)
    with _lock:
        eng = engine()
        result, _ = eng(arr, use_cls=False)
    lines = []
    for points, text, score in result or []:
        if float(score) < MIN_SCORE or not str(text).strip():
            continue
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        lines.append(Line(str(text).strip(), (min(xs) / scale, min(ys) / scale, max(xs) / scale, max(ys) / scale)))
    return lines


def read_image(path: Path, max_pages: int, progress: Callable[[int, int], None] | None = None) -> Extracted:
    """An image (a multi-page TIFF is several pages) → text by OCR; page units are the image's pixels."""
    from PIL import Image, ImageSequence, UnidentifiedImageError
    try:
        img = Image.open(path)
    except (UnidentifiedImageError, Image.DecompressionBombError) as e:
        raise FormatError(f"not a readable image ({e}); re-save it as PNG or JPEG") from None
    except OSError as e:
        raise FormatError(f"cannot read ({e.strerror or e})") from None
    pages: list[PageLines] = []
    try:
        total = getattr(img, "n_frames", 1)
        if total > max_pages:
            raise FormatError(f"{total} pages, more than the limit of {max_pages}; split the file")
        for i, frame in enumerate(ImageSequence.Iterator(img)):
            try:
                frame.load()
            except (OSError, Image.DecompressionBombError) as e:
                raise FormatError(f"image page {i + 1} cannot be decoded ({e}); re-save it as PNG") from None
            width, height = frame.size
            pages.append(PageLines(i + 1, width, height, ocr_lines(frame), ocr=True))
            if progress:
                progress(i + 1, total)
    finally:
        img.close()
    if not any(p.lines for p in pages):
        raise FormatError("OCR found no text in the image (blank, too small or not text); "
                          "scan it at 200 dpi or more")
    return build(pages, "ocr")
