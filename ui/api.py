"""The HTTP API, on the same port as the chat UI: ask, documents, indexing jobs, health. The OpenAI-compatible
routes are in ui/openai_api.py, the token, sessions and Origin check in ui/auth.py, body caps in ui/limits.py.

    POST   /api/ask                {"question", "top_k"?, "history"?, "length"?, "mode"?, "stream"?} → the
                                   `rag ask --json` object; `stream: true` gives server-sent events
    POST   /api/retrieve           {"question", "top_k"?, "kb"?} → ranked passages, score parts, abstention
    POST   /v1/chat/completions    OpenAI-compatible; `stream: true` gives server-sent events
    GET    /api/documents?q=&offset=&limit=
    POST   /api/documents          multipart, one or more files → 202 {"job", "status": "queued", …}
    POST   /api/documents?wait=true   … → the indexing report once the job is done
    GET    /api/jobs/{id}          progress, then the report
    GET    /api/documents/{id}     DELETE /api/documents/{id}
    GET    /api/documents/{id}/pages/{n}.png   a PDF or scan page for the viewer (ui/pages_api.py)
    GET    /healthz                POST /login, /logout
    GET/POST /api/kbs              PATCH/DELETE /api/kbs/{name}   knowledge bases (ui/kb_api.py)
    /api/conversations…, /api/feedback   saved conversations and 👍/👎 (ui/conversations_api.py)

Every document route and /api/ask take a knowledge base: `?kb=NAME` (or a `kb` field); none = the default.

Errors are JSON `{"error": {"message", "type", "code"}}` with the right status (OpenAI's shape, so its client
shows the message).
"""
from __future__ import annotations

import json

import anyio
from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, StreamingResponse
from starlette.exceptions import HTTPException

from rag.assistant import IndexReport
from rag.kb import KBError
from rag.options import QuestionError
from rag.store import StoreError

from .auth import Sessions, add_login_routes
from .conversations_api import add_conversation_routes
from .docs import add_docs_routes, add_fallbacks
from .http import ask_options, body_json, error, unless_gone
from .jobs import Job
from .kb_api import add_kb_routes
from .limits import BodyTooLarge
from .openai_api import add_openai_routes
from .pages_api import add_page_routes
from .schemas import install_openapi
from .service import Service, ServiceError
from .upload_batch import read_batch

MAX_FILES = 100  # files in one upload request


def _question(body: dict) -> str:
    """The question of an /api/ask or /api/retrieve body (its length is checked where it is asked)."""
    question = body.get("question")
    if not isinstance(question, str):
        raise ServiceError("'question' 须为字符串 · 'question' must be a string")
    return question


def report_json(report: IndexReport, service: Service, kb: str | None = None) -> dict:
    return {"added": len(report.added), "updated": len(report.updated), "unchanged": len(report.unchanged),
            "duplicates": len(report.duplicates), "failed": [str(f) for f in report.failed],
            "chunks": report.chunks, "documents": service.documents_json(service.records_for(report.indexed, kb), kb)}


def job_json(job: Job, service: Service) -> dict:
    d = {"job": job.id, "kb": job.kb, "status": job.status, "files": job.names, "done": job.done, "total": job.total,
         "current": job.current, "url": f"/api/jobs/{job.id}"}
    if job.status == "queued":
        d["position"] = service.jobs.position(job)
    if job.status == "running" and job.progress is not None:  # reading, embedding and writing (ui/progress.py)
        d["phase"], d["fraction"] = job.progress.phase, round(job.progress.fraction, 3)
    if job.refused:  # turned away before storing (ui/upload_batch.py); the report lists them too
        d["refused"] = [str(f) for f in job.refused]
    if job.error:
        d["error"] = job.error
    if job.report is not None:
        d["report"] = report_json(job.report, service, job.kb)
    return d


def answer_events(service: Service, question: str, options) -> StreamingResponse:
    """`/api/ask` with stream: true. Mode generate: "delta" events (the model's text), "sentence" (each sentence
    once checked: the answer so far with its marks, and the verdict), then "answer" (the `rag ask --json` object);
    extractive: "answer" alone. A failure after the stream began is an "error" event in the JSON error shape."""
    service.assistant.check_question(question)  # a bad question is a 400 before any event

    def sse(kind: str, data: dict) -> str:
        return f"event: {kind}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"

    def events():
        try:
            if options.mode == "generate":
                for event in service.ask_stream(question, options):
                    yield sse(event.kind, event.to_json())
            else:
                yield sse("answer", {"type": "answer", **service.ask(question, options).to_json()})
        except (QuestionError, ServiceError, StoreError) as e:
            code = getattr(e, "status", 400)
            yield sse("error", {"error": {"message": str(e), "type": "invalid_request_error", "code": code}})
    return StreamingResponse(events(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


def _validation_message(e: RequestValidationError) -> str:
    first = e.errors()[0] if e.errors() else {}
    where = ".".join(str(p) for p in first.get("loc", ()) if p not in ("query", "path", "body"))
    return f"{where or 'request'}: {first.get('msg', 'invalid value')}".lower().replace("input", "value")


def build_api(service: Service, app: FastAPI | None = None) -> FastAPI:
    app = app or FastAPI(title="rag-zh", docs_url=None, openapi_url="/api/openapi.json",
                         description="Cited answers over Chinese documents. Errors are always "
                                     '`{"error": {"message", "type", "code"}}`.')
    install_openapi(app)
    add_docs_routes(app)  # /api/docs from local files
    app.state.sessions = Sessions()

    @app.exception_handler(ServiceError)
    async def _service_error(request, e: ServiceError):
        return error(e.status, str(e))

    @app.exception_handler(QuestionError)
    async def _question_error(request, e: QuestionError):
        return error(400, str(e))

    @app.exception_handler(KBError)
    async def _kb_error(request, e: KBError):
        return error(e.status, str(e))

    @app.exception_handler(StoreError)
    async def _store_error(request, e: StoreError):
        return error(409, str(e))

    @app.exception_handler(BodyTooLarge)
    async def _too_large(request, e: BodyTooLarge):
        return error(413, str(e))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request, e: RequestValidationError):
        return error(400, _validation_message(e))

    @app.exception_handler(HTTPException)
    async def _http_error(request, e: HTTPException):
        return error(e.status_code, str(e.detail))

    @app.exception_handler(Exception)
    async def _crash(request, e: Exception):  # logged by the server; the client still gets the shape
        return error(500, f"服务器内部错误，详见服务器日志 · "
                          f"internal error ({type(e).__name__}); the server log has the details", "server_error")

    add_login_routes(app, service, app.state.sessions)
    add_openai_routes(app, service)
    add_kb_routes(app, service)
    add_conversation_routes(app, service)
    app.state.pages = add_page_routes(app, service)  # page images for the viewer (ui/pages_api.py)

    @app.get("/healthz")
    async def healthz():
        count = await run_in_threadpool(service.document_count)
        return {"status": "ok", "documents": count, "model": service.config.model,
                "auth": service.token is not None, "indexing": service.jobs.busy()}

    @app.post("/api/ask")
    async def ask(request: Request):
        body = await body_json(request)
        question, options = _question(body), ask_options(body)
        if body.get("stream"):
            return answer_events(service, question, options)
        answer = await unless_gone(request, service.ask, question, options)
        return answer.to_json()

    @app.post("/api/retrieve")
    async def retrieve(request: Request):
        """命中测试: the passages a question retrieves, each score part, and why the answer would abstain."""
        body = await body_json(request)
        return await unless_gone(request, service.retrieve, _question(body), ask_options(body))

    @app.get("/api/documents")
    async def list_documents(q: str = "", offset: int = 0, limit: int = 1000, kb: str = ""):
        """Documents oldest first, a page at a time (`total` counts those matching `q` in id or file name)."""
        docs, total = await run_in_threadpool(service.documents_page, q, offset, limit, False, kb or None)
        return {"documents": service.documents_json(docs, kb or None), "total": total, "offset": offset, "limit": limit}

    @app.get("/api/documents/{doc_id}")
    async def get_document(doc_id: str, kb: str = ""):
        rec = await run_in_threadpool(service.document, doc_id, kb or None)
        return {**rec.to_json(), "text": service.kbs.assistant(kb or None).document_text(doc_id)}

    @app.post("/api/documents")
    async def upload(request: Request, wait: bool = False, kb: str = ""):
        """Store the files and queue them for indexing: 202 with a job id at once, or with `?wait=true` the
        report once they are indexed (what the chat UI does)."""
        batch = await read_batch(request, service, MAX_FILES, kb)  # refused files reported, the rest indexed
        try:
            batch.check_usable()
            kb = batch.kb
            owner = request.cookies.get("rag_session") or (request.client.host if request.client else "")
            service.kbs.assistant(kb or None)  # 404 for an unknown knowledge base before anything is stored
            job = await run_in_threadpool(service.queue_files, batch.files, owner, kb or None, batch.refused)
        finally:
            await batch.form.close()  # the spooled files are stored by now
        if not wait:
            return JSONResponse(job_json(job, service), status_code=202)
        while not job.event.is_set():
            if await request.is_disconnected():
                return error(499, "客户端已断开，索引继续 · the client disconnected; the job goes on")
            await anyio.sleep(0.05)
        if job.report is None:
            return error(503, job.error or "索引未完成 · indexing did not finish")
        body = {"job": job.id, "kb": job.kb, **report_json(job.report, service, job.kb)}
        if job.report.failed and not job.report.indexed:
            return JSONResponse({"error": {"message": "; ".join(body["failed"]), "type": "invalid_request_error",
                                           "code": 422}, **body}, status_code=422)
        return body

    @app.get("/api/jobs/{job_id}")
    async def get_job(job_id: str):
        job = service.jobs.get(job_id)
        if job is None:
            raise ServiceError(f"没有这个任务 · "
                               f"no job '{job_id[:40]}' (finished jobs are kept for a while, then forgotten)", 404)
        return job_json(job, service)

    @app.delete("/api/documents/{doc_id}")
    async def delete_document(doc_id: str, kb: str = ""):
        rec = await run_in_threadpool(service.delete, doc_id, kb or None)
        return {"deleted": rec.id, "sources": rec.sources}

    add_fallbacks(app)  # last: 404/405 in our shape for what no route above matched
    return app
