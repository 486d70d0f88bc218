"""OCR for scanned PDF pages and images: RapidOCR (PP-OCR Chinese models inside the rapidocr_onnxruntime wheel,
run by onnxruntime; nothing is downloaded at run time).

Pages are read by WORKERS threads, each with its own single-threaded engine (loaded on first use, about a second):
on 2 cores two pages at once with one thread each cost 4.4 CPU-seconds a page, one page with two threads 7.0 (the
threads spin waiting for each other), so pages in parallel are the better use of the cores. Callers keep at most
WORKERS pages in flight (`OcrQueue`), and an image is dropped as soon as its page is read: a 500-page scan holds
a few page images, never the document.
"""
from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from .layout import build
from .model import Extracted, FormatError, Line, PageLines

MIN_SCORE = 0.5  # recognition confidence below this is noise (specks, stamps, table rules)
WORKERS = 2  # pages read at once (the machines we target have 2 cores)
THREADS = 1  # onnxruntime threads per engine (see above)
# Detection input: longest side scaled down to this. The package default scales the shortest side UP to 736, so a
# one-line strip 1654x300 became 4000x736 (seconds for one line); a page at 1280 still sees 10.5 pt text at 15 px.
DET_SIDE = 1280
# Recognition one line at a time: batches of 6 (the package default) pad every line to the widest and cost 1.7x
# the CPU of single lines on our pages (12 lines of 38 characters: 2.4 s vs 1.4 s), 4x while shapes are new.
REC_BATCH = 1

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
        eng = _local.engine = RapidOCR(use_cls=False, intra_op_num_threads=THREADS, inter_op_num_threads=1,
                                       det_limit_type="max", det_limit_side_len=DET_SIDE, rec_batch_num=REC_BATCH)
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


def ocr_lines(image, scale: float = 1.0) -> list[Line]:
    """Text lines of an RGB image (PIL image or array), boxes divided by `scale` (pixels → page units)."""
    import numpy as np
    arr = np.asarray(image.convert("RGB") if hasattr(image, "convert") else image)
    result, _ = engine()(arr, use_cls=False)
    lines = []
    for points, text, score in result or []:
        if float(score) < MIN_SCORE or not str(text).strip():
            continue
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        lines.append(Line(str(text).strip(), (min(xs) / scale, min(ys) / scale, max(xs) / scale, max(ys) / scale)))
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
        for i, frame in enumerate(ImageSequence.Iterator(img)):
            try:
                # A copy (the iterator reuses `frame`), turned upright as the camera's EXIF tag says.
                page_image = ImageOps.exif_transpose(frame).convert("RGB")
            except (OSError, Image.DecompressionBombError) as e:
                raise FormatError(f"image page {i + 1} cannot be decoded ({e}); re-save it as PNG") from None
            pages.append(PageLines(i + 1, page_image.width, page_image.height, [], ocr=True))
            for n, lines in queue.put(i, page_image):
                pages[n].lines = lines
            if progress:
                progress(i + 1, total)
        for n, lines in queue.drain():
            pages[n].lines = lines
    finally:
        img.close()
    if not any(p.lines for p in pages):
        raise FormatError("OCR found no text in the image (blank, too small or not text); "
                          "scan it at 200 dpi or more")
    return build(pages, "ocr")
