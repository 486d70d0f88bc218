"""Knowledge-base routes (rag/kb.py does the work):

    GET    /api/kbs                       → {"kbs": [{"name", "documents", "chunks", "default"}]}
    POST   /api/kbs          {"name"}     → 201 the new knowledge base
    PATCH  /api/kbs/{name}   {"name"}     → the renamed one
    DELETE /api/kbs/{name}?confirm=NAME   → {"deleted": name}; without the matching confirm, 400 (a typo in a
                                            script must not delete a department's documents)
"""
from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from .http import body_json
from .service import Service, ServiceError


def _name(body: dict) -> str:
    name = body.get("name")
    if not isinstance(name, str):
        raise ServiceError("name 须为知识库名称（字符串）· 'name' must be a string: the knowledge base's name")
    return name


def add_kb_routes(app: FastAPI, service: Service) -> None:
    @app.get("/api/kbs")
    async def list_kbs():
        """Every knowledge base, the default first, with its document and chunk counts."""
        return {"kbs": await run_in_threadpool(service.kbs.list)}

    @app.post("/api/kbs", status_code=201)
    async def create_kb(request: Request):
        """Create an empty knowledge base; upload into it with `POST /api/documents?kb=NAME`."""
        info = await run_in_threadpool(service.kbs.create, _name(await body_json(request)))
        return JSONResponse(info, status_code=201)

    @app.patch("/api/kbs/{name}")
    async def rename_kb(name: str, request: Request):
        """Rename a knowledge base (its documents stay, nothing is re-embedded)."""
        new = _name(await body_json(request))
        return await run_in_threadpool(service.kb_change, name, new)

    @app.delete("/api/kbs/{name}")
    async def delete_kb(name: str, confirm: str = ""):
        """Delete a knowledge base and every document in it; `?confirm=` must repeat its name."""
        if confirm != name:
            raise ServiceError(f"删除知识库需要确认 (deleting '{name[:100]}' removes all its documents): "
                               f"repeat its name as ?confirm={name[:100]}")
        await run_in_threadpool(service.kb_change, name)
        return {"deleted": name}
