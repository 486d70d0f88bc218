"""/api/docs from our own files, and the JSON error shape for routes that do not exist.

- Swagger UI 5.31.0 is vendored in ui/static/swagger/ (Apache-2.0, LICENSE beside it; taken from the PyPI
  package swagger-ui-bundle-v2), so the page works with no network: FastAPI's default loads it from a CDN and
  shows a blank page offline.
- Unknown paths under /api/ and /v1/ answer 404, and a known path with the wrong method 405 with `Allow`, both
  as `{"error": {...}}`: without this, Gradio (mounted at /) would answer them with its own page or shape.
- Elsewhere (Gradio's own routes), Starlette's bare `{"detail": "Not Found"}` / `"Method Not Allowed"` are
  rewritten into the same shape by `ErrorShape`; other bodies, Gradio's own errors included, pass untouched.
"""
from __future__ import annotations

import json
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse
from starlette.routing import Match

from .http import error

SWAGGER = Path(__file__).parent / "static" / "swagger"
ASSETS = {"swagger-ui-bundle.js": "text/javascript", "swagger-ui.css": "text/css",
          "favicon-32x32.png": "image/png", "LICENSE": "text/plain"}
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]


def add_docs_routes(app: FastAPI) -> None:
    @app.get("/api/docs", include_in_schema=False)
    async def docs():
        return get_swagger_ui_html(
            openapi_url=app.openapi_url, title=f"{app.title} · API",
            swagger_js_url="/api/docs/assets/swagger-ui-bundle.js", swagger_css_url="/api/docs/assets/swagger-ui.css",
            swagger_favicon_url="/api/docs/assets/favicon-32x32.png",
            swagger_ui_parameters={"validatorUrl": None})  # no badge fetched from the validator's site

    @app.get("/api/docs/assets/{name}", include_in_schema=False)
    async def asset(name: str):
        if name not in ASSETS:
            return error(404, f"没有这个文件 · no asset '{name[:100]}'", "not_found_error")
        return FileResponse(SWAGGER / name, media_type=ASSETS[name], headers={"Cache-Control": "max-age=86400"})


def add_fallbacks(app: FastAPI) -> None:
    """Call last in build_api: every route registered before is matched first."""

    async def fallback(request: Request, rest: str = ""):
        allowed = _allowed(app, request, fallback)
        if allowed:
            response = error(405, f"不允许的请求方法 · {request.method} is not allowed on {request.url.path}; use "
                                  f"{' or '.join(allowed)}", "method_not_allowed")
            response.headers["Allow"] = ", ".join(allowed)
            return response
        return error(404, f"没有这个路径 · "
                          f"no route {request.url.path[:200]}; see /api/docs for the API", "not_found_error")

    for prefix in ("/api", "/v1"):
        app.add_api_route(prefix + "/{rest:path}", fallback, methods=METHODS, include_in_schema=False)


def _allowed(app: FastAPI, request: Request, fallback) -> list[str]:
    """The methods of the routes whose path matches this request (none: the path is unknown)."""
    out: set[str] = set()
    for route in app.router.routes:
        if getattr(route, "endpoint", None) is fallback or not getattr(route, "methods", None):
            continue
        match, _ = route.matches(request.scope)
        if match in (Match.PARTIAL, Match.FULL):
            out.update(route.methods)
    return sorted(out - {"HEAD"})


_BARE = {404: {"detail": "Not Found"}, 405: {"detail": "Method Not Allowed"}}


def _is_bare(body: bytes, status: int) -> bool:
    try:
        return len(body) < 200 and json.loads(body) == _BARE[status]
    except ValueError:
        return False


class ErrorShape:
    """ASGI middleware: Starlette's default 404/405 bodies become {"error": {message, type, code}}."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        held: list[dict] = []

        async def watch(message):
            if message["type"] == "http.response.start" and message["status"] in _BARE:
                held.append(message)  # hold the start until the body shows whether it is the bare default
                return
            if held and message["type"] == "http.response.body":
                start = held.pop()
                if not message.get("more_body") and _is_bare(message.get("body", b""), start["status"]):
                    status = start["status"]
                    what = "no route" if status == 404 else f"{scope.get('method')} is not allowed on"
                    body = json.dumps({"error": {"message": f"{what} {scope.get('path', '')[:200]}",
                                                 "type": "invalid_request_error", "code": status}}).encode()
                    headers = [(k, v) for k, v in start["headers"] if k.lower() != b"content-length"]
                    await send({**start, "headers": headers + [(b"content-length", str(len(body)).encode())]})
                    return await send({"type": "http.response.body", "body": body})
                await send(start)
            await send(message)

        await self.app(scope, receive, watch)
