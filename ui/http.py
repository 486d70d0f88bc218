"""What every HTTP route shares: the JSON error shape, reading a JSON body, turning a body into AskOptions, and
running a question in a worker thread that stops when the client has gone."""
from __future__ import annotations

import json
import threading
from collections.abc import Callable

import anyio
from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from rag.conversation import user_questions
from rag.options import AskOptions

from .service import ServiceError


def error(status: int, message: str, kind: str = "invalid_request_error") -> JSONResponse:
    """OpenAI's error shape, so its client shows the message; every refusal of this server uses it."""
    return JSONResponse({"error": {"message": message, "type": kind, "code": status}}, status_code=status)


async def body_json(request: Request) -> dict:
    try:
        body = await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise ServiceError("请求体须为 JSON 对象 · the body must be a JSON object") from None
    if not isinstance(body, dict):
        raise ServiceError("请求体须为 JSON 对象 · the body must be a JSON object")
    return body


def ask_options(body: dict, history=None) -> AskOptions:
    """AskOptions from a request body: top_k, length, kb, mode, and history as earlier questions or chat
    messages (only the user's turns count)."""
    if history is None:
        history = body.get("history")
    if history is not None and not isinstance(history, list):
        raise ServiceError("history 须为列表 · 'history' must be a list of earlier questions or chat messages")
    return AskOptions(top_k=body.get("top_k"), length=body.get("length"), history=user_questions(history),
                      kb=body.get("kb"), mode=body.get("mode") or "extractive")


async def unless_gone(request: Request, fn: Callable, *args):
    """fn(*args, should_stop=...) in a worker thread. When the client disconnects meanwhile, should_stop()
    turns true (the work stops at its next check) and we stop waiting for it."""
    gone, done = threading.Event(), threading.Event()
    result: list = []
    failure: list[BaseException] = []

    async def watch():
        while not done.is_set():
            if await request.is_disconnected():
                gone.set()
                tg.cancel_scope.cancel()
                return
            await anyio.sleep(0.1)

    async with anyio.create_task_group() as tg:
        tg.start_soon(watch)
        try:
            result.append(await run_in_threadpool(fn, *args, should_stop=gone.is_set))
        except Exception as e:  # noqa: BLE001  (raised below, outside the task group, as itself)
            failure.append(e)
        finally:
            done.set()
            tg.cancel_scope.cancel()
    if gone.is_set():  # nobody is waiting for the answer (499: nginx's "client closed request")
        raise ServiceError("客户端已断开 · the client disconnected", 499)
    if failure:
        raise failure[0]
    return result[0]
