"""Saved conversations and feedback over HTTP (rag/workspace.py keeps them in embeddings/workspace.db):

    GET    /api/conversations?q=              newest first; q matches titles and questions
    POST   /api/conversations   {"title"?, "kb"?}          → 201 the conversation (kb: a name or a list)
    GET    /api/conversations/{id}            with its turns (question, answer object, sources)
    PATCH  /api/conversations/{id}  {"title"}              DELETE /api/conversations/{id}
    POST   /api/conversations/{id}/ask  {"question", "top_k"?, "length"?}  → the answer, saved, with "turn"
    GET    /api/conversations/{id}/export?format=md|json   a download (Markdown with quotes and sources)
    POST   /api/feedback   {"conversation", "turn", "rating": "up"|"down", "comment"?}  → 201
    GET    /api/feedback
"""
from __future__ import annotations

from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response

from rag.options import AskOptions, checked_kb
from rag.records import Answer
from rag.workspace import WorkspaceError
from rag.workspace_export import conversation_markdown

from .http import body_json, error, unless_gone
from .render import turn_data
from .service import Service, ServiceError


def save_turn(service: Service, cid: str, question: str, answer: Answer) -> int:
    """Store an answered question in its conversation, with what the sources panel shows for it."""
    n = len(service.workspace.get(cid)["turns"]) + 1
    panel = turn_data(n, question, answer.search_query or answer.question, answer)
    return service.workspace.add_turn(cid, question, answer.to_json(), panel)


def converse(service: Service, cid: str, question: str, body: dict, should_stop=None) -> dict:
    """Ask inside a saved conversation: its earlier questions are the history, its knowledge base the index."""
    conv = service.workspace.get(cid)
    options = AskOptions(top_k=body.get("top_k"), length=body.get("length"), kb=conv["kb"],
                         history=[t["question"] for t in conv["turns"]], mode=body.get("mode") or "extractive")
    answer = service.ask(question, options, should_stop=should_stop)
    return {**answer.to_json(), "conversation": cid, "turn": save_turn(service, cid, question, answer)}


def _rating(value) -> int:
    if value in ("up", 1, "👍"):
        return 1
    if value in ("down", -1, "👎"):
        return -1
    raise ServiceError("rating 须为 up 或 down · 'rating' must be 'up' or 'down'")


def add_conversation_routes(app: FastAPI, service: Service) -> None:
    @app.exception_handler(WorkspaceError)
    async def _workspace_error(request, e: WorkspaceError):
        return error(e.status, str(e))

    ws = service.workspace

    @app.get("/api/conversations")
    async def list_conversations(q: str = ""):
        return {"conversations": await run_in_threadpool(ws.list, q)}

    @app.post("/api/conversations", status_code=201)
    async def create_conversation(request: Request):
        body = await body_json(request) if await request.body() else {}
        kb = checked_kb(body.get("kb")) or "default"  # a name or a list of names (searched together)
        service.kbs.assistant(kb)  # 400/404 for a bad or unknown knowledge base
        return JSONResponse(await run_in_threadpool(ws.create, body.get("title") or "", kb), status_code=201)

    @app.get("/api/conversations/{cid}")
    async def get_conversation(cid: str):
        return await run_in_threadpool(ws.get, cid)

    @app.patch("/api/conversations/{cid}")
    async def rename_conversation(cid: str, request: Request):
        return await run_in_threadpool(ws.rename, cid, (await body_json(request)).get("title"))

    @app.delete("/api/conversations/{cid}")
    async def delete_conversation(cid: str):
        await run_in_threadpool(ws.delete, cid)
        return {"deleted": cid}

    @app.post("/api/conversations/{cid}/ask")
    async def ask_in_conversation(cid: str, request: Request):
        body = await body_json(request)
        question = body.get("question")
        if not isinstance(question, str):
            raise ServiceError("'question' 须为字符串 · 'question' must be a string")
        return await unless_gone(request, converse, service, cid, question, body)

    @app.get("/api/conversations/{cid}/export")
    async def export_conversation(cid: str, format: str = "md"):
        conv = await run_in_threadpool(ws.get, cid)
        if format not in ("md", "json"):
            raise ServiceError("format 须为 md 或 json · format must be md or json")
        name = quote(f"{(conv['title'] or 'conversation')[:60]}.{format}")
        headers = {"Content-Disposition": f"attachment; filename*=UTF-8''{name}"}
        if format == "json":
            return JSONResponse(conv, headers=headers)
        return Response(conversation_markdown(conv), media_type="text/markdown; charset=utf-8", headers=headers)

    @app.post("/api/feedback", status_code=201)
    async def rate(request: Request):
        body = await body_json(request)
        turn = body.get("turn")
        if isinstance(turn, bool) or not isinstance(turn, int):
            raise ServiceError("turn 须为回答的序号（1 = 第一个） · "
                               "'turn' must be the answer's number in the conversation (1 = first)")
        fb = await run_in_threadpool(ws.rate, str(body.get("conversation") or ""), turn, _rating(body.get("rating")),
                                     body.get("comment") or "")
        return JSONResponse(fb, status_code=201)

    @app.get("/api/feedback")
    async def list_feedback():
        return {"feedback": await run_in_threadpool(ws.feedback)}
