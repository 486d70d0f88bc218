"""`rag ask --server URL` (or $RAG_SERVER): the question goes to a running `rag serve` (POST /api/ask with the
same options) and comes back as the `rag ask --json` object, so a script pays an HTTP round trip instead of a
cold start. Only the standard library here (urllib, json, records): nothing of the model, the index or numpy
is imported, which is what keeps a fresh process under ~0.1 s.
"""
from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
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
    request = urllib.request.Request(url.rstrip("/") + "/api/ask", data=json.dumps(body).encode("utf-8"),
                                     headers=headers, method="POST")
    # A proxy from the environment must not see questions meant for a server on this machine.
    handlers = [urllib.request.ProxyHandler({})] if parts.hostname in _LOOPBACK else []
    try:
        with urllib.request.build_opener(*handlers).open(request, timeout=timeout) as response:
            return json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as e:
        raise RemoteError(f"{url} answered {e.code}: {_message(e)}") from None
    except (urllib.error.URLError, OSError) as e:
        reason = getattr(e, "reason", e)
        raise RemoteError(f"cannot reach rag serve at {url} ({reason}); start it with `rag serve` or "
                          f"leave out --server (and RAG_SERVER)") from None
    except ValueError:
        raise RemoteError(f"{url} did not answer with JSON; is it a `rag serve`?") from None


def _message(e: urllib.error.HTTPError) -> str:
    try:
        return str(json.loads(e.read().decode("utf-8"))["error"]["message"])
    except (ValueError, KeyError, TypeError, OSError):
        return str(e.reason)


def answer_from_json(d: dict) -> Answer:
    """The server's answer object as the Answer record `rag ask` prints (chunk ids are not sent: left empty)."""
    citations = [Citation(c["n"], c["doc_id"], "", c["source"], c["start"], c["end"], c["quote"], c["score"])
                 for c in d.get("citations", [])]
    passages = [Passage(Chunk("", p["doc_id"], p["text"], p["start"], p["end"]), p["source"], p["score"])
                for p in d.get("passages", [])]
    return Answer(d["question"], d["answer"], citations, bool(d["abstained"]), passages,
                  dict(d.get("timings_ms", {})), d.get("search_query"))
