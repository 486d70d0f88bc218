"""Who may call the server: the API token and browser sessions, the Origin/Host check, the login page.

- Token: with RAG_API_TOKEN set, every route but /healthz, /login and /logout needs `Authorization: Bearer …` or
  the session cookie that /login sets. The cookie holds a random session id kept (with its expiry) in this
  process, never the token itself; /logout ends it. `Secure` when the login came over HTTPS.
- Origin: a browser attaches `Origin` to every cross-site POST, and a multipart POST needs no CORS preflight, so
  without this check any web page could upload into a token-less server on 127.0.0.1. State-changing requests
  with an Origin other than this server's, a loopback name, or one listed in RAG_ALLOWED_ORIGINS (for embedding
  the UI in another site) get 403. Requests without Origin (curl, scripts) are not from a browser page.
- Host: bound to loopback, the server answers only Host names that are loopback (or allowed): DNS rebinding
  makes evil.example resolve to 127.0.0.1, and its pages would then read the API as same-origin.
"""
from __future__ import annotations

import html
import os
import secrets
import threading
import time
from urllib.parse import parse_qs, quote, urlsplit

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from .http import error
from .limits import BodyLimit
from .service import Service

COOKIE = "rag_session"
OPEN_PATHS = ("/healthz", "/login", "/logout")
SESSION_SECONDS = 7 * 24 * 3600
MAX_SESSIONS = 10_000  # logins kept; the oldest is forgotten first (a login loop must not grow memory)
LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})
STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def allowed_origins() -> set[str]:
    """RAG_ALLOWED_ORIGINS: comma-separated origins (scheme://host[:port]) allowed to embed and call."""
    return {o.strip().rstrip("/").lower() for o in os.environ.get("RAG_ALLOWED_ORIGINS", "").split(",") if o.strip()}


class Sessions:
    def __init__(self, seconds: int = SESSION_SECONDS):
        self.seconds = seconds
        self._expiry: dict[str, float] = {}
        self._lock = threading.Lock()

    def new(self) -> str:
        sid = secrets.token_urlsafe(32)
        with self._lock:
            if len(self._expiry) >= MAX_SESSIONS:
                self._expiry.pop(next(iter(self._expiry)))
            self._expiry[sid] = time.time() + self.seconds
        return sid

    def valid(self, sid: str | None) -> bool:
        if not sid:
            return False
        with self._lock:
            expiry = self._expiry.get(sid)
            if expiry is not None and expiry < time.time():
                del self._expiry[sid]
                expiry = None
        return expiry is not None

    def end(self, sid: str | None) -> None:
        with self._lock:
            self._expiry.pop(sid or "", None)


def _headers(scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}


def _cookie(headers: dict[str, str], name: str) -> str | None:
    for part in headers.get("cookie", "").split(";"):
        k, _, v = part.strip().partition("=")
        if k == name:
            return v
    return None


def _hostname(host: str) -> str:
    return (urlsplit("//" + host).hostname or "").lower()


class OriginGate:
    """ASGI middleware: the Origin check on state-changing requests, and the Host check when `hosts` is given
    (rag serve on a loopback address passes the loopback names)."""

    def __init__(self, app, hosts: frozenset[str] | None = None):
        self.app, self.hosts = app, hosts

    async def __call__(self, scope, receive, send):
        if scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        headers = _headers(scope)
        allowed = allowed_origins()
        host = headers.get("host", "")
        if self.hosts is not None and _hostname(host) not in self.hosts | {urlsplit(o).hostname for o in allowed}:
            return await error(403, f"未知的主机名 · "
                                    f"unknown Host '{host[:100]}': this server answers on 127.0.0.1 or localhost; "
                                    f"list other origins in RAG_ALLOWED_ORIGINS", "permission_error"
                               )(scope, receive, send)
        origin = headers.get("origin")
        changes = scope["type"] == "websocket" or scope.get("method") in STATE_CHANGING
        if changes and origin is not None and not self.origin_ok(origin.rstrip("/").lower(), host, allowed):
            return await error(403, f"拒绝跨站请求 · "
                                    f"cross-site request from {origin[:100]} refused; to embed the UI on that "
                                    f"site, add it to RAG_ALLOWED_ORIGINS", "permission_error")(scope, receive, send)
        return await self.app(scope, receive, send)

    @staticmethod
    def origin_ok(origin: str, host: str, allowed: set[str]) -> bool:
        parts = urlsplit(origin)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return False  # "null" (sandboxed frames, file://) and anything odd
        return parts.netloc == host.lower() or parts.hostname in LOOPBACK or origin in allowed


class TokenGate:
    """ASGI middleware: with a token configured, refuse (401) any request without it or a live session.
    Browsers asking for a page are sent to /login once."""

    def __init__(self, app, service: Service, sessions: Sessions):
        self.app, self.service, self.sessions = app, service, sessions

    async def __call__(self, scope, receive, send):
        if scope["type"] not in ("http", "websocket") or self.service.token is None \
                or scope["path"] in OPEN_PATHS:
            return await self.app(scope, receive, send)
        headers = _headers(scope)
        auth = headers.get("authorization", "")
        given = auth[7:].strip() if auth.lower().startswith("bearer ") else None
        if (given is not None and self.service.token_ok(given)) or \
                (given is None and self.sessions.valid(_cookie(headers, COOKIE))):
            return await self.app(scope, receive, send)
        if scope["type"] == "websocket":
            return await send({"type": "websocket.close", "code": 1008})
        wants_page = scope["method"] == "GET" and "text/html" in headers.get("accept", "") \
            and not scope["path"].startswith(("/api/", "/v1/", "/gradio_api/"))
        if wants_page:
            response = RedirectResponse(f"/login?next={quote(scope['path'])}", status_code=303)
        else:
            response = error(401, "缺少或错误的 API 令牌 · "
                                  "missing or wrong API token: send 'Authorization: Bearer <RAG_API_TOKEN>'",
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


def add_login_routes(app: FastAPI, service: Service, sessions: Sessions) -> None:
    @app.get("/login", include_in_schema=False)
    async def login_page(next: str = "/"):
        return HTMLResponse(LOGIN_PAGE.format(message="", next=html.escape(_safe_next(next), quote=True)))

    @app.post("/login", include_in_schema=False)
    async def login(request: Request):
        form = parse_qs((await request.body()).decode("utf-8", "replace"))  # at most LOGIN_BYTES (BodyLimit)
        token, nxt = form.get("token", [""])[0], _safe_next(form.get("next", ["/"])[0])
        if service.token is None or not service.token_ok(token):
            page = LOGIN_PAGE.format(message='<p class="err">令牌不对 (wrong token)</p>', next=html.escape(nxt))
            return HTMLResponse(page, status_code=401)
        response = RedirectResponse(nxt, status_code=303)
        response.set_cookie(COOKIE, sessions.new(), max_age=sessions.seconds, httponly=True, samesite="lax",
                            secure=request.url.scheme == "https")
        return response

    @app.api_route("/logout", methods=["GET", "POST"], include_in_schema=False)
    async def logout(request: Request):
        sessions.end(request.cookies.get(COOKIE))
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(COOKIE, httponly=True, samesite="lax")
        return response


def protect(app, service: Service, sessions: Sessions, hosts: frozenset[str] | None = None):
    """Wrap the app, outermost first: Origin/Host check, body caps, then the token."""
    app.add_middleware(TokenGate, service=service, sessions=sessions)
    app.add_middleware(BodyLimit, upload_bytes=service.max_upload_bytes)
    app.add_middleware(OriginGate, hosts=hosts)
    return app
