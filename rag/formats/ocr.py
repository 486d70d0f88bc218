"""OCR for scanned PDF pages and images: RapidOCR (PP-OCR Chinese models inside the rapidocr_onnxruntime wheel,
run by onnxruntime; nothing is downloaded at run time).

A full A4 page of 12 pt text costs about 1.4 CPU-seconds (3.5–4 with the package's own pipeline, same machine
and load), measured on generated scans by `python bench/formats.py --only ocr,ocr-noisy`, accuracy kept (99.9 %
clean, 99.8 % degraded):
- blank margins are cut off before detection (a page's text block is often half of it) and a blank page is
  not sent to the models at all;
- detection runs on the text block scaled to DET_SIDE: the package's "max" limit type ignores the side we
  give it and detects at 2000 px (2.2 CPU-s of a 4 CPU-s page); text lines are found as well at 960 px;
- the line images for recognition are cut from the full-resolution page, scaled to REC_HEIGHT and squeezed
  along the line (REC_SQUEEZE): recognition costs in proportion to the line image's area.

Pages are read by WORKERS threads, each with its own single-threaded engine (loaded on first use, about a second):
on 2 cores two pages at once with one thread each cost 4.4 CPU-seconds a page, one page with two threads 7.0 (the
threads spin waiting for each other), so pages in parallel are the better use of the cores. An engine holds about
300 MB (400 MB at its peak), so WORKERS stops at 4 whatever the core count. Callers keep at most
WORKERS pages in flight (`OcrQueue`), and an image is dropped as soon as its page is read: a 500-page scan holds
a few page images, never the document.
"""
from __future__ import annotations

import os
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from .layout import build
from .model import Extracted, FormatError, Line, PageLines

MIN_SCORE = 0.5  # recognition confidence below this is noise (specks, stamps, table rules)
# Pages read at once, one single-threaded engine each: the CPUs this process may use (a container or taskset may
# allow fewer than the machine has), at most 4 (memory, see above).
WORKERS = max(1, min(4, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1))
THREADS = 1  # onnxruntime threads per engine (see above)
# Detection input: the text block's longest side scaled down to this (never up): 12 pt lines of a full A4 page
# are then about 15 px high with 8 px between them. Accuracy was the same from 640 to 2000 px, the cost 0.1 s to
# 2.2 s a page.
DET_SIDE = 960
# Line images are scaled to REC_HEIGHT px high (the model was trained at 48, its input height is free) and
# narrowed to REC_SQUEEZE of their width: recognition costs in proportion to height x width. A character is then
# about 20x30 px. A/B on the same A4 pages, clean and degraded, 9 to 12 pt (CPU-s a page, accuracy):
# 48 px unsqueezed 2.45, 99.7 %; 48 px x 0.7 1.78, 99.8 %; 40 px x 0.7 1.33, 99.75 %; 32 px x 0.7 0.95, 99.0–99.7 %.
REC_HEIGHT = 40
REC_SQUEEZE = 0.7
# Recognition one line at a time: batches (the package default is 6) cost 1.7x the CPU of single lines on our
# pages even with lines of equal width.
REC_BATCH = 1
INK = 160  # a grey level below this is ink, for finding the text block (scanner noise stays well above it)
MARGIN = 24  # pixels kept around the text block, so detection sees whitespace around every line

_local = threading.local()
_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def engine():
    """This thread's RapidOCR engine (no angle classifier: scans are upright; it cost a fifth of the time)."""
    eng = getattr(_local, "engine", None)
    if eng is None:
        try:
            from rapidocr_onnxruntime import RapidOCR
        except ImportError as e:  # opencv or onnxruntime missing or broken
            fix = ("install the system library: apt-get install libgl1 libglib2.0-0" if ".so" in str(e)
                   else "reinstall with: pip install rapidocr_onnxruntime")
            raise FormatError(f"OCR is not available ({e}); {fix}") from None
        # "max": an image up to 1500 px is detected at its own size (we scale it to DET_SIDE before); the
        # default "min" would scale a one-line strip's short side up to 736 px.
        eng = _local.engine = RapidOCR(use_cls=False, intra_op_num_threads=THREADS, inter_op_num_threads=1,
                                       det_limit_type="max", rec_batch_num=REC_BATCH,
                                       rec_img_shape=[3, REC_HEIGHT, 320])
    return eng


def _shared_pool() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(WORKERS, thread_name_prefix="ocr")
        return _pool


def warm() -> None:
    """Load every OCR thread's engine now (a server at start, a benchmark before timing), not on first use."""
    barrier = threading.Barrier(WORKERS)  # each job waits for the others: WORKERS distinct threads

    def load_one():
        engine()
        barrier.wait(timeout=60)
    for f in [_shared_pool().submit(load_one) for _ in range(WORKERS)]:
        f.result()


class OcrQueue:
    """Pages sent to the OCR threads, at most WORKERS in flight; results come back in page order."""

    def __init__(self) -> None:
        self.pending: deque[tuple[object, Future]] = deque()

    def put(self, key, image, scale: float = 1.0) -> list[tuple[object, list[Line]]]:
        """Queue a page image; returns the (key, lines) of pages finished meanwhile, oldest first (it waits for
        the oldest when WORKERS pages are already in flight)."""
        self.pending.append((key, _shared_pool().submit(ocr_lines, image, scale)))
        return self.drain(WORKERS - 1)

    def drain(self, keep: int = 0) -> list[tuple[object, list[Line]]]:
        done = []
        while len(self.pending) > keep:
            key, future = self.pending.popleft()
            done.append((key, future.result()))
        return done


class PagesRead:
    """progress(page, pages) once per page, when the page's text is final: an OCR page is reported when it comes
    back from the OCR threads (a page or two after it was rendered), not when it is queued."""

    def __init__(self, progress: Callable[[int, int], None] | None, total: int) -> None:
        self.progress, self.total, self.done = progress, total, 0

    def upto(self, n: int) -> None:
        while self.progress and self.done < n:
            self.done += 1
            self.progress(self.done, self.total)


def text_block(gray) -> tuple[int, int, int, int] | None:
    """(x0, y0, x1, y1) of the ink on a grey page (uint8 array) with MARGIN around it; None for a blank page."""
    import numpy as np
    ink = gray < INK
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    if not len(rows):
        return None
    h, w = gray.shape
    return (max(0, cols[0] - MARGIN), max(0, rows[0] - MARGIN), min(w, cols[-1] + 1 + MARGIN),
            min(h, rows[-1] + 1 + MARGIN))


def ocr_lines(image, scale: float = 1.0) -> list[Line]:
    """Text lines of an image (PIL image or RGB array), boxes divided by `scale` (pixels → page units)."""
    import cv2
    import numpy as np
    if hasattr(image, "convert"):  # PIL: a grey scan stays grey (a third of the memory), the rest becomes RGB
        image = np.asarray(image if image.mode == "L" else image.convert("RGB"))
    arr = np.ascontiguousarray(image)
    gray = arr if arr.ndim == 2 else cv2.cvtColor(arr, cv2.COLOR_RGB2GRAY)
    block = text_block(gray)
    if block is None:
        return []
    x0, y0, x1, y1 = block
    rgb = arr[y0:y1, x0:x1]  # the models take three channels: only the text block is converted
    rgb = cv2.cvtColor(rgb, cv2.COLOR_GRAY2RGB) if rgb.ndim == 2 else np.ascontiguousarray(rgb)
    eng = engine()
    h, w = rgb.shape[:2]
    # A one-line strip gets white above and below it (as the package does): detection needs some page around.
    pad = max(0, (w // 8 - h) // 2)
    if pad:
        rgb = cv2.copyMakeBorder(rgb, pad, pad, 0, 0, cv2.BORDER_CONSTANT, value=(255, 255, 255))
        h += 2 * pad
    ratio = min(1.0, DET_SIDE / max(h, w))
    small = rgb if ratio == 1.0 else cv2.resize(rgb, (max(32, round(w * ratio)), max(32, round(h * ratio))),
                                                interpolation=cv2.INTER_AREA)
    boxes, _ = eng.text_det(small)
    if boxes is None or len(boxes) == 0:
        return []
    sx, sy = w / small.shape[1], h / small.shape[0]
    boxes = [np.asarray(b, dtype=np.float32) * np.array([sx, sy], dtype=np.float32)
             for b in eng.sorted_boxes(boxes)]
    crops = [cv2.resize(c, (max(1, round(c.shape[1] * REC_SQUEEZE)), c.shape[0]), interpolation=cv2.INTER_AREA)
             for c in eng.get_crop_img_list(rgb, boxes)]
    recognized, _ = eng.text_rec(crops)
    lines = []
    for points, (text, score, *_) in zip(boxes, recognized, strict=True):
        if float(score) < MIN_SCORE or not str(text).strip():
            continue
        xs, ys = points[:, 0] + x0, points[:, 1] + y0 - pad
        lines.append(Line(str(text).strip(), (float(xs.min()) / scale, float(ys.min()) / scale,
                                              float(xs.max()) / scale, float(ys.max()) / scale)))
    return lines


def read_image(path: Path, max_pages: int, progress: Callable[[int, int], None] | None = None) -> Extracted:
    """An image (a multi-page TIFF is several pages) → text by OCR; page units are the image's pixels."""
    from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError
    try:
        img = Image.open(path)
    except (UnidentifiedImageError, Image.DecompressionBombError) as e:
        raise FormatError(f"not a readable image ({e}); re-save it as PNG or JPEG") from None
    except OSError as e:
        raise FormatError(f"cannot read ({e.strerror or e})") from None
    pages: list[PageLines] = []
    queue = OcrQueue()
    try:
        total = getattr(img, "n_frames", 1)
        if total > max_pages:
            raise FormatError(f"{total} pages, more than the limit of {max_pages}; split the file")
        read = PagesRead(progress, total)
        for i, frame in enumerate(ImageSequence.Iterator(img)):
            try:
                # A copy (the iterator reuses `frame`), turned upright as the camera's EXIF tag says; black-and-white
                # and grey scans stay grey (a third of the memory of RGB).
                upright = ImageOps.exif_transpose(frame)
                page_image = upright.convert("L" if upright.mode in ("1", "L") else "RGB")
            except (OSError, Image.DecompressionBombError) as e:
                raise FormatError(f"image page {i + 1} cannot be decoded ({e}); re-save it as PNG") from None
            pages.append(PageLines(i + 1, page_image.width, page_image.height, [], ocr=True))
            for n, lines in queue.put(i, page_image):
                pages[n].lines = lines
            read.upto(i + 1 - len(queue.pending))
        for n, lines in queue.drain():
            pages[n].lines = lines
            read.upto(n + 1)
    finally:
        img.close()
    if not any(p.lines for p in pages):
        raise FormatError("OCR found no text in the image (blank, too small or not text); "
                          "scan it at 200 dpi or more")
    return build(pages, "ocr")
