"""The OpenAI-compatible routes: `POST /v1/chat/completions` (with or without `stream: true`) and `GET /v1/models`.

The last message is the question, earlier user messages are the history; the knowledge base is the model's
suffix (`"model": "rag-zh:notices"`) or a `kb` field; `top_k` and `length` ride as extra fields (the `openai`
client sends them with `extra_body`). Citations come in an extra `citations` field (on the last chunk when
streaming), so the client works unchanged. With `mode: "generate"` and `stream: true` the model's answer streams
sentence by sentence, each sent once checked (its mark and [n] final).
"""
from __future__ import annotations

import json
import re
import time
import uuid

from fastapi import FastAPI, Request
from fastapi.responses import StreamingResponse

from rag.conversation import user_questions
from rag.options import QuestionError
from rag.store import StoreError

from .http import ask_options, body_json, unless_gone
from .service import Service, ServiceError

MODEL_ID = "rag-zh"


def add_openai_routes(app: FastAPI, service: Service) -> None:
    @app.get("/v1/models")
    async def models():
        """rag-zh (the default knowledge base) and rag-zh:NAME for each other one."""
        ids = [MODEL_ID] + [f"{MODEL_ID}:{n}" for n in service.kbs.names()[1:]]
        return {"object": "list", "data": [{"id": i, "object": "model", "created": 0, "owned_by": "rag-zh"}
                                           for i in ids]}

    @app.post("/v1/chat/completions")
    async def chat_completions(request: Request):
        body = await body_json(request)
        messages = body.get("messages")
        if not isinstance(messages, list) or not messages:
            raise ServiceError("messages 须为非空列表 · 'messages' must be a non-empty list of {role, content}")
        last = messages[-1]
        if not isinstance(last, dict) or last.get("role") != "user":
            raise ServiceError("最后一条消息须为用户的问题 · the last message must be the user's question")
        questions = user_questions(messages)
        question = questions[-1] if user_questions([last]) else ""
        history = questions[:-1] if question else questions
        model_name = body.get("model")
        if body.get("kb") is None and isinstance(model_name, str) and model_name.startswith(MODEL_ID + ":"):
            body = {**body, "kb": model_name.split(":", 1)[1]}  # "rag-zh:KB" names the knowledge base
        options = ask_options(body, history)
        if body.get("stream") and options.mode == "generate":
            service.assistant.check_question(question)  # a 400 before the stream starts
            return StreamingResponse(_generated(service, question, options, body.get("model") or MODEL_ID),
                                     media_type="text/event-stream",
                                     headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
        data = (await unless_gone(request, service.ask, question, options)).to_json()
        cid, created, model = f"chatcmpl-{uuid.uuid4().hex}", int(time.time()), body.get("model") or MODEL_ID
        extra = {"citations": data["citations"], "passages": data["passages"], "abstained": data["abstained"]}
        for key in ("search_query", "mode", "flags", "notice", "generation"):  # present when they apply
            if key in data:
                extra[key] = data[key]
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


def _generated(service: Service, question: str, options, model: str):
    """Chunks of a generated answer: each sentence once checked; at the end what the final answer adds (a
    fallback after some sentences: a line break, the notice, the extractive answer), then the citations."""
    cid, created = f"chatcmpl-{uuid.uuid4().hex}", int(time.time())

    def chunk(delta: dict, finish: str | None = None, **more) -> str:
        obj = {"id": cid, "object": "chat.completion.chunk", "created": created, "model": model,
               "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}], **more}
        return f"data: {json.dumps(obj, ensure_ascii=False)}\n\n"
    yield chunk({"role": "assistant", "content": ""})
    sent = ""
    try:
        for event in service.ask_stream(question, options):
            if event.kind == "sentence" and event.text.startswith(sent):
                yield chunk({"content": event.text[len(sent):]})
                sent = event.text
            elif event.kind == "answer":
                a = event.answer
                if a.text.startswith(sent) and not a.notice:
                    rest = a.text[len(sent):]
                else:
                    rest = ("\n\n" if sent else "") + (f"（{a.notice}）\n\n" if a.notice else "") + a.text
                if rest:
                    yield chunk({"content": rest})
                d = a.to_json()
                extra = {k: d[k] for k in ("citations", "passages", "abstained", "search_query", "mode", "flags",
                                           "notice", "generation") if k in d}
                yield chunk({}, "stop", **extra)
    except (QuestionError, ServiceError, StoreError) as e:
        yield chunk({"content": ("\n\n" if sent else "") + f"⚠ {e}"}, "stop")
    yield "data: [DONE]\n\n"


_TOKEN = re.compile(r"\[\d+\]|.", flags=re.DOTALL)


def pieces(text: str, size: int = 12):
    """Split an answer for streaming without cutting a [n] marker in two."""
    buf = ""
    for token in _TOKEN.findall(text):
        buf += token
        if len(buf) >= size:
            yield buf
            buf = ""
    if buf:
        yield buf
