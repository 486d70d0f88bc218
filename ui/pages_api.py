"""GET /api/documents/{id}/pages/{n}.png: a page of a PDF or scanned document as the page viewer shows it.

Pages are rendered on demand (rag/formats/render.py: ~0.1-0.3 s for an A4 page) and kept in a small LRU by
bytes, keyed by the file's identity (path, size, modification time) and the page: the same citation clicked
twice, or by two users, renders once. The route sits under /api/, so the token, session, Host and Origin rules
of every API route apply (ui/auth.py).
"""
from __future__ import annotations

import collections
import os
import threading
from pathlib import Path

from fastapi import FastAPI
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from rag.formats import FormatError

from .schemas import document
from .service import Service, ServiceError
from .viewer import page_file, page_map

CACHE_BYTES = 64 * 1024 * 1024  # ~150 rendered A4 pages
MAX_PAGE_NUMBER = 100_000


class PageCache:
    """Rendered PNGs, least recently used dropped first once over `limit` bytes."""

    def __init__(self, limit: int = CACHE_BYTES):
        self.limit = limit
        self._items: collections.OrderedDict[tuple, bytes] = collections.OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.misses = 0

    def get(self, path: Path, n: int, render) -> bytes:
        st = os.stat(path)
        key = (str(path.resolve()), st.st_size, st.st_mtime_ns, n)
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        png = render(path, n).png  # outside the lock: another page may be served meanwhile
        with self._lock:
            self.misses += 1
            if key not in self._items:
                self._items[key] = png
                self._bytes += len(png)
            while self._bytes > self.limit and len(self._items) > 1:
                self._bytes -= len(self._items.popitem(last=False)[1])
        return png


def page_png(service: Service, cache: PageCache, doc_id: str, n: int, kb: str | None = None) -> bytes:
    """The PNG of page n of a document (ServiceError 404 with what to do when there is none)."""
    from rag.formats.render import render
    rec = service.document(doc_id, kb)
    pages = page_map(service, doc_id, kb)
    if not pages:
        raise ServiceError("这个文档没有页面 (this document has no pages: only PDFs and scans do); "
                           "open its text instead", 404)
    count = len(pages["pages"])
    if not 1 <= n <= count:
        raise ServiceError(f"没有第 {n} 页 (no page {n}: the document has {count} pages)", 404)
    path = page_file(rec)
    if path is None:
        raise ServiceError("原文件已不在或已改变 (the original file is gone or changed since it was indexed); "
                           "index it again to see its pages", 404)
    try:
        return cache.get(path, n, render)
    except (FormatError, OSError) as e:
        raise ServiceError(f"无法显示这一页 (page {n} cannot be shown: {e}); index the file again", 422) from None


def add_page_routes(app: FastAPI, service: Service) -> PageCache:
    cache = PageCache()

    @app.get("/api/documents/{doc_id}/pages/{n}.png", response_class=Response,
             responses={200: {"content": {"image/png": {}}}})
    async def document_page(doc_id: str, n: int, kb: str = ""):
        """Page n (1-based) of a PDF or scanned document as PNG; the page map (page sizes, line boxes) comes
        with the citation in the chat UI."""
        if not 1 <= n <= MAX_PAGE_NUMBER:
            raise ServiceError(f"page must be a number from 1 to {MAX_PAGE_NUMBER:,}")
        png = await run_in_threadpool(page_png, service, cache, doc_id, n, kb or None)
        # The id is a content hash and the cache key has the file's identity: a page seldom changes, but a
        # re-indexed file may, so the browser keeps it for an hour, privately (it may need a token).
        return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=3600"})

    document("/api/documents/{doc_id}/pages/{n}.png", "get", None, {})  # errors in the one shape, no 422
    return cache
