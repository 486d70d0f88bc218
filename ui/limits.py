"""Request body caps per route, enforced before the body is read; the upload limit per file type.

Why: Starlette reads a whole body on `request.json()` / `form()`; a 300 MB POST to the open /login page raised
the server's memory from 0.8 to 2.0 GB before it answered 401. Here a declared Content-Length over the route's
cap is refused at once (413, nothing read), and a body sent without one (chunked) is counted as it streams and
cut off at the cap.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass

from rag.formats import MAX_BYTES

JSON_BYTES = 512 * 1024  # a question, 20 history turns of 2,000 characters and room for OpenAI messages
LOGIN_BYTES = 8 * 1024
UPLOAD_FILES_PER_REQUEST = 5  # full-size files in one upload request (more small ones fit the same budget)
# ... unless the files are big: a request then carries one file of the largest type and some smaller ones. Parts
# over 1 MB are spooled to disk by the form parser (Starlette, Gradio) and stored a piece at a time (ui/uploads.py):
# this bounds the disk a request can fill, not memory.
UPLOAD_REQUEST_BYTES = 256 * 1024 * 1024
UPLOAD_PATHS = ("/api/documents", "/gradio_api/upload")


@dataclass(frozen=True)
class UploadLimits:
    """The largest file of each type the server takes, as `rag index` does: PDF 200 MB, .docx/.xlsx 100 MB,
    images 50 MB (rag.formats.MAX_BYTES), text and .csv the configured text limit (64 MB by default); `cap`,
    when given, bounds them all (tests, small servers)."""
    text_bytes: int
    cap: int | None = None

    def for_type(self, ext: str) -> int:
        limit = MAX_BYTES.get(ext.lower(), self.text_bytes)
        return min(limit, self.cap) if self.cap else limit

    @property
    def largest(self) -> int:
        return max(self.for_type(ext) for ext in (*MAX_BYTES, ".txt"))


def size_text(n: int) -> str:
    """A size as people read a limit: "50 MB", "62.9 MB", "19.5 KB" (binary units, like file managers)."""
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} KB"
    return f"{n / (1024 * 1024):.1f}".removesuffix(".0") + " MB"


def payload_size(data) -> int:
    """Bytes in an upload given as bytes, a file path, or an open binary file (its position is kept)."""
    if isinstance(data, (bytes, bytearray)):
        return len(data)
    if isinstance(data, (str, os.PathLike)):
        return os.stat(data).st_size
    at = data.tell()
    try:
        return data.seek(0, os.SEEK_END)
    finally:
        data.seek(at)


class BodyTooLarge(Exception):
    def __init__(self, limit: int):
        super().__init__(f"请求太大，请拆分上传或缩短问题和历史 · "
                         f"the request body is over this route's limit of {limit / 1024:,.0f} KB; send less "
                         f"(split the upload, or shorten the question and history)")
        self.limit = limit


def _response(message: str) -> tuple[dict, bytes]:
    body = json.dumps({"error": {"message": message, "type": "invalid_request_error", "code": 413}}).encode()
    start = {"type": "http.response.start", "status": 413,
             "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                         (b"connection", b"close")]}
    return start, body


class BodyLimit:
    """ASGI middleware. `upload_bytes` is the per-file upload limit; an upload request may carry a few."""

    def __init__(self, app, upload_bytes: int):
        self.app = app
        full = upload_bytes * UPLOAD_FILES_PER_REQUEST
        self.upload_request = min(full, max(upload_bytes, UPLOAD_REQUEST_BYTES)) + 256 * 1024  # multipart overhead

    def limit_for(self, scope) -> int:
        path = scope.get("path", "")
        if path in UPLOAD_PATHS:
            return self.upload_request
        if path == "/login":
            return LOGIN_BYTES
        return JSON_BYTES

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope.get("method") in ("GET", "HEAD", "OPTIONS"):
            return await self.app(scope, receive, send)
        limit = self.limit_for(scope)
        declared = dict(scope.get("headers", [])).get(b"content-length")
        try:
            too_big = declared is not None and int(declared) > limit
        except ValueError:
            too_big = False
        if too_big:
            return await self._refuse(send, BodyTooLarge(limit))
        received = 0
        started = False

        async def counting_receive():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        async def watching_send(message):
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, watching_send)
        except BodyTooLarge as e:
            if not started:
                await self._refuse(send, e)

    @staticmethod
    async def _refuse(send, e: BodyTooLarge) -> None:
        start, body = _response(str(e))
        await send(start)
        await send({"type": "http.response.body", "body": body})
