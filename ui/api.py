"""The HTTP API, on the same port as the chat UI: ask, an OpenAI-compatible chat endpoint, documents, health.

    POST   /api/ask                {"question", "top_k"?, "history"?, "length"?} → the `rag ask --json` object
    POST   /v1/chat/completions    OpenAI-compatible; `stream: true` gives server-sent events
    GET    /v1/models
    GET    /api/documents?q=&offset=&limit=   POST /api/documents (multipart, one or more files)
    GET    /api/documents/{id}     DELETE /api/documents/{id}
    GET    /healthz

Errors are JSON `{"error": {"message", "type", "code"}}` with the right status (OpenAI's shape, so its client
shows the message). With RAG_API_TOKEN set, every call needs `Authorization: Bearer <token>` (or the cookie the
login page sets for browsers); only /healthz and /login stay open.
"""
from __future__ import annotations

import html
import json
import time
import uuid
from urllib.parse import parse_qs, quote

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, StreamingResponse
from starlette.datastructures import UploadFile

from rag.assistant import QuestionError
from rag.conversation import user_questions
from rag.store import StoreError

from .service import Service, ServiceError

COOKIE = "rag_token"
MODEL_ID = "rag-zh"
OPEN_PATHS = ("/healthz", "/login")


def error(status: int, message: str, kind: str = "invalid_request_error") -> JSONResponse:
    return JSONResponse({"error": {"message": message, "type": kind, "code": status}}, status_code=status)


class TokenGate:
    """ASGI middleware: with a token configured, refuse (401) any request without it. Browsers asking for a
    page are sent to /login once; the cookie it sets then carries the token for the UI and its API calls."""

    def __init__(self, app, service: Service):
        self.app, self.service = app, service

    async def __call__(self, scope, receive, send):
        if scope["type"] not in ("http", "websocket") or self.service.token is None \
                or scope["path"] in OPEN_PATHS:
            return await self.app(scope, receive, send)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        auth = headers.get("authorization", "")
        given = auth[7:].strip() if auth.lower().startswith("bearer ") else None
        if given is None:
            for part in headers.get("cookie", "").split(";"):
                k, _, v = part.strip().partition("=")
                if k == COOKIE:
                    given = v
        if self.service.token_ok(given):
            return await self.app(scope, receive, send)
        if scope["type"] == "websocket":
            return await send({"type": "websocket.close", "code": 1008})
        wants_page = scope["method"] == "GET" and "text/html" in headers.get("accept", "") \
            and not scope["path"].startswith(("/api/", "/v1/", "/gradio_api/"))
        if wants_page:
            response = RedirectResponse(f"/login?next={quote(scope['path'])}", status_code=303)
        else:
            response = error(401, "missing or wrong API token: send 'Authorization: Bearer <RAG_API_TOKEN>'",
                             "authentication_error")
            response.headers["WWW-Authenticate"] = "Bearer"
        await response(scope, receive, send)


LOGIN_PAGE = """<!doctype html><html lang="zh"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>登录 · rag-zh</title>
<style>body{{font-family:system-ui,sans-serif;max-width:26rem;margin:15vh auto;padding:0 1rem}}
input,button{{font-size:1rem;padding:.5rem;width:100%;box-sizing:border-box;margin:.3rem 0}}
.err{{color:#b00}}</style></head><body>
<h2>中文文档问答 · 访问令牌</h2><p>This server needs its API token (RAG_API_TOKEN). 请输入访问令牌：</p>
{message}<form method="post" action="/login"><input type="hidden" name="next" value="{next}">
<input type="password" name="token" placeholder="token" autofocus required>
<button type="submit">进入 Enter</button></form></body></html>"""


def _safe_next(value: str) -> str:
    return value if value.startswith("/") and not value.startswith("//") else "/"


def build_api(service: Service, app: FastAPI | None = None) -> FastAPI:
    app = app or FastAPI(title="rag-zh", docs_url="/api/docs", openapi_url="/api/openapi.json")

    @app.exception_handler(ServiceError)
    async def _service_error(request, e: ServiceError):
        return error(e.status, str(e))

    @app.exception_handler(QuestionError)
    async def _question_error(request, e: QuestionError):
        return error(400, str(e))

    @app.exception_handler(StoreError)
    async def _store_error(request, e: StoreError):
        return error(409, str(e))

    async def body_json(request: Request) -> dict:
        try:
            body = await request.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise ServiceError("the body must be a JSON object") from None
        if not isinstance(body, dict):
            raise ServiceError("the body must be a JSON object")
        return body

    @app.get("/healthz")
    async def healthz():
        count = await run_in_threadpool(service.document_count)
        return {"status": "ok", "documents": count, "model": service.config.model,
                "auth": service.token is not None}

    @app.get("/login", include_in_schema=False)
    async def login_page(next: str = "/"):
        return HTMLResponse(LOGIN_PAGE.format(message="", next=html.escape(_safe_next(next), quote=True)))

    @app.post("/login", include_in_schema=False)
    async def login(request: Request):
        form = parse_qs((await request.body()).decode("utf-8", "replace"))
        token, nxt = form.get("token", [""])[0], _safe_next(form.get("next", ["/"])[0])
        if service.token is None or not service.token_ok(token):
            page = LOGIN_PAGE.format(message='<p class="err">令牌不对 (wrong token)</p>', next=html.escape(nxt))
            return HTMLResponse(page, status_code=401)
        response = RedirectResponse(nxt, status_code=303)
        response.set_cookie(COOKIE, token, max_age=30 * 24 * 3600, httponly=True, samesite="lax")
        return response

    @app.post("/api/ask")
    async def ask(request: Request):
        body = await body_json(request)
        question = body.get("question")
        if not isinstance(question, str):
            raise ServiceError("'question' must be a string")
        history = body.get("history")
        if history is not None and not isinstance(history, list):
            raise ServiceError("'history' must be a list of earlier questions or chat messages")
        asked = await run_in_threadpool(service.ask, question, body.get("top_k"), history, body.get("length"))
        return asked.to_json(question.strip())

    @app.get("/v1/models")
    async def models():
        return {"object": "list", "data": [{"id": MODEL_ID, "object": "model", "created": 0, "owned_by": "rag-zh"}]}

    @app.post("/v1/chat/completions")
    async def chat_completions(request: Request):
        body = await body_json(request)
        messages = body.get("messages")
        if not isinstance(messages, list) or not messages:
            raise ServiceError("'messages' must be a non-empty list of {role, content}")
        last = messages[-1]
        if not isinstance(last, dict) or last.get("role") != "user":
            raise ServiceError("the last message must be the user's question")
        questions = user_questions(messages)
        question = questions[-1] if user_questions([last]) else ""
        history = questions[:-1] if question else questions
        top_k = body.get("top_k")
        asked = await run_in_threadpool(service.ask, question, top_k, history)
        data = asked.to_json(question.strip())
        cid, created, model = f"chatcmpl-{uuid.uuid4().hex}", int(time.time()), body.get("model") or MODEL_ID
        extra = {"citations": data["citations"], "passages": data["passages"], "abstained": data["abstained"]}
        if not body.get("stream"):
            return {"id": cid, "object": "chat.completion", "created": created, "model": model,
                    "choices": [{"index": 0, "finish_reason": "stop", "logprobs": None,
                                 "message": {"role": "assistant", "content": data["answer"], "refusal": None}}],
                    "usage": {"prompt_tokens": len(question), "completion_tokens": len(data["answer"]),
                              "total_tokens": len(question) + len(data["answer"])},
                    **extra}

        def chunk(delta: dict, finish: str | None = None, **more) -> str:
            obj = {"id": cid, "object": "chat.completion.chunk", "created": created, "model": model,
                   "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}], **more}
            return f"data: {json.dumps(obj, ensure_ascii=False)}\n\n"

        def events():
            yield chunk({"role": "assistant", "content": ""})
            for piece in pieces(data["answer"]):
                yield chunk({"content": piece})
            yield chunk({}, "stop", **extra)  # citations ride on the last chunk
            yield "data: [DONE]\n\n"

        return StreamingResponse(events(), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})

    @app.get("/api/documents")
    async def list_documents(q: str = "", offset: int = 0, limit: int = 1000):
        """Documents oldest first, a page at a time (`total` counts those matching `q` in id or file name)."""
        docs, total = await run_in_threadpool(service.documents_page, q, offset, limit)
        return {"documents": [d.to_json() for d in docs], "total": total, "offset": offset, "limit": limit}

    @app.get("/api/documents/{doc_id}")
    async def get_document(doc_id: str):
        rec = await run_in_threadpool(service.document, doc_id)
        return {**rec.to_json(), "text": service.assistant.document_text(doc_id)}

    @app.post("/api/documents")
    async def upload(request: Request):
        if not request.headers.get("content-type", "").startswith("multipart/form-data"):
            raise ServiceError("send the files as multipart/form-data (curl -F file=@notes.txt)", 415)
        form = await request.form(max_files=100)
        files = []
        for _, value in form.multi_items():
            if isinstance(value, UploadFile):
                service.check_upload(value.filename or "upload", value.size or 0)  # 415 / 413 before reading
                data = await value.read(service.max_upload_bytes + 1)
                service.check_upload(value.filename or "upload", len(data))
                files.append((value.filename or "upload", data))
        if not files:
            raise ServiceError("no file in the upload; send one or more files as multipart/form-data")
        report = await run_in_threadpool(service.add_files, files)
        body = {"added": len(report.added), "updated": len(report.updated), "unchanged": len(report.unchanged),
                "duplicates": len(report.duplicates), "failed": report.failed, "chunks": report.chunks,
                "documents": [d.to_json() for d in service.records_for(report.indexed)]}
        if report.failed and not report.indexed:
            return JSONResponse({"error": {"message": "; ".join(report.failed), "type": "invalid_request_error",
                                           "code": 422}, **body}, status_code=422)
        return body

    @app.delete("/api/documents/{doc_id}")
    async def delete_document(doc_id: str):
        rec = await run_in_threadpool(service.delete, doc_id)
        return {"deleted": rec.id, "sources": rec.sources}

    return app


def pieces(text: str, size: int = 12):
    """Split an answer for streaming without cutting a [n] marker in two."""
    buf = ""
    for token in _tokens(text):
        buf += token
        if len(buf) >= size:
            yield buf
            buf = ""
    if buf:
        yield buf


def _tokens(text: str):
    import re
    return re.findall(r"\[\d+\]|.", text, flags=re.S)
