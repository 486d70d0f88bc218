"""`rag ask --server URL` (or $RAG_SERVER): the question goes to a running `rag serve` (POST /api/ask with the
same options) and comes back as the `rag ask --json` object, so a script pays an HTTP round trip instead of a
cold start. Only the standard library here (a socket for a server on this machine, urllib for others, json,
records): nothing of the model, the index or numpy is imported, which keeps a fresh process near ~0.1 s.
"""
from __future__ import annotations

import json
import os
from urllib.parse import urlsplit

from .records import Answer, Chunk, Citation, Passage

TIMEOUT = 300.0  # seconds for one answer: a busy server may queue the question behind others
_LOOPBACK = {"127.0.0.1", "localhost", "::1"}


class RemoteError(Exception):
    """The server could not be reached or refused the question; str() is the one-line reason."""


def server_url(flag: str | None) -> str | None:
    """--server, else $RAG_SERVER; an empty value means 'no server'."""
    url = flag if flag is not None else os.environ.get("RAG_SERVER")
    return url.rstrip("/") if url else None


def ask(url: str, question: str, top_k: int | None = None, length: str | None = None,
        history: list[str] | None = None, token: str | None = None, timeout: float = TIMEOUT) -> dict:
    """POST /api/ask; returns the answer object (Answer.to_json() on the server's side)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise RemoteError(f"--server must be an http(s) URL such as http://127.0.0.1:7860, not '{url[:80]}'")
    body = {"question": question}
    body.update({k: v for k, v in (("top_k", top_k), ("length", length), ("history", history)) if v})
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    token = token if token is not None else os.environ.get("RAG_API_TOKEN")
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode("utf-8")
    path = parts.path.rstrip("/") + "/api/ask"
    try:
        if parts.scheme == "http" and parts.hostname in _LOOPBACK:
            status, reply = _post_loopback(parts, path, data, headers, timeout)
        else:
            status, reply = _post_urllib(url.rstrip("/") + "/api/ask", data, headers, timeout)
    except OSError as e:
        reason = getattr(e, "reason", None) or e.strerror or e
        raise RemoteError(f"cannot reach rag serve at {url} ({reason}); start it with `rag serve` or "
                          f"leave out --server (and RAG_SERVER)") from None
    try:
        answer = json.loads(reply.decode("utf-8"))
    except ValueError:
        raise RemoteError(f"{url} did not answer with JSON (status {status}); is it a `rag serve`?") from None
    if status != 200:
        message = answer.get("error", {}).get("message") if isinstance(answer, dict) else None
        raise RemoteError(f"{url} answered {status}: {message or 'no reason given'}")
    return answer


def _post_loopback(parts, path: str, data: bytes, headers: dict, timeout: float) -> tuple:
    """HTTP/1.1 POST over a plain socket: urllib.request alone costs ~40 ms to import, a third of what a
    `rag ask --server` may take in all. The server closes the connection after the reply."""
    import socket
    head = [f"POST {path} HTTP/1.1", f"Host: {parts.netloc}", f"Content-Length: {len(data)}", "Connection: close"]
    head += [f"{k}: {v}" for k, v in headers.items()]
    with socket.create_connection((parts.hostname, parts.port or 80), timeout=timeout) as sock:
        sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + data)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    raw = b"".join(chunks)
    header, _, body = raw.partition(b"\r\n\r\n")
    lines = header.decode("latin-1").split("\r\n")
    try:
        status = int(lines[0].split()[1])
    except (IndexError, ValueError):
        raise OSError(f"not an HTTP reply: {lines[0][:60]!r}") from None
    fields = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    if fields.get("transfer-encoding", "").lower() == "chunked":
        body = _unchunk(body)
    return status, body


def _unchunk(body: bytes) -> bytes:
    out, pos = [], 0
    while True:
        end = body.index(b"\r\n", pos)
        size = int(body[pos:end].split(b";")[0], 16)
        if size == 0:
            return b"".join(out)
        out.append(body[end + 2:end + 2 + size])
        pos = end + 2 + size + 2


def _post_urllib(url: str, data: bytes, headers: dict, timeout: float) -> tuple:
    import urllib.error
    import urllib.request
    request = urllib.request.Request(url, data=data, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def answer_from_json(d: dict) -> Answer:
    """The server's answer object as the Answer record `rag ask` prints (chunk ids are not sent: left empty)."""
    citations = [Citation(c["n"], c["doc_id"], "", c["source"], c["start"], c["end"], c["quote"], c["score"])
                 for c in d.get("citations", [])]
    passages = [Passage(Chunk("", p["doc_id"], p["text"], p["start"], p["end"]), p["source"], p["score"])
                for p in d.get("passages", [])]
    return Answer(d["question"], d["answer"], citations, bool(d["abstained"]), passages,
                  dict(d.get("timings_ms", {})), d.get("search_query"))
