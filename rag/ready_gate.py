"""An ASGI app that serves a quick app at once and the full one when it is built: `rag serve` answers /healthz
and the HTTP API within a second or two of the model loading, while the chat UI (Gradio: ~5-7 s of imports on
2 cores) is built in a background thread.

    gate = ReadyGate(early=api_app, build=lambda: full_app, early_paths=("/healthz", "/api/", "/v1/"))
    uvicorn.run(gate, …)

Until `build()` returns, requests under `early_paths` go to `early`; every other request (the UI's pages,
assets, websockets) waits for the full app. Afterwards everything goes to the full app, which carries the same
routes. The full app's lifespan (Gradio starts its queue there) is run when it arrives, inside the server's
event loop, and ended at shutdown. If building fails, the API stays up and the other paths answer 503.
"""
from __future__ import annotations

import asyncio
import json
import logging
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)


class ReadyGate:
    def __init__(self, early, build: Callable[[], object], early_paths: tuple[str, ...]):
        self.early = early
        self.full = None
        self.error: str | None = None
        self.early_paths = early_paths
        self._built = threading.Event()
        self._ready: asyncio.Event | None = None
        self._lifespan: tuple | None = None  # (receive queue, send queue, task) of the full app's lifespan
        self._starter: asyncio.Task | None = None
        # Started now, not at server start-up: the build overlaps whatever the caller does next (model loading).
        self._thread = threading.Thread(target=self._build, args=(build,), name="build-ui", daemon=True)
        self._thread.start()

    def _build(self, build) -> None:
        try:
            self.full = build()
        except Exception as e:  # noqa: BLE001  (the API keeps serving; the UI paths say why they cannot)
            log.exception("building the full app failed")
            self.error = f"{type(e).__name__}: {e}"
        finally:
            self._built.set()

    def wait_built(self, timeout: float | None = None) -> bool:
        return self._built.wait(timeout)

    async def __call__(self, scope, receive, send):
        if scope["type"] == "lifespan":
            return await self._own_lifespan(receive, send)
        ready = self._ready is not None and self._ready.is_set()
        if not ready or self.full is None or self.error:
            if scope.get("path", "").startswith(self.early_paths):
                return await self.early(scope, receive, send)
            await self._ensure_started().wait()
        if self.full is None or self.error:
            return await _unavailable(scope, send, f"the chat UI could not be built ({self.error})")
        return await self.full(scope, receive, send)

    def _ensure_started(self) -> asyncio.Event:
        """The one task that waits for the build and starts the full app (at server start-up, or at the first
        request when the server sends no lifespan events)."""
        if self._ready is None:
            self._ready = asyncio.Event()
            self._starter = asyncio.get_running_loop().create_task(self._start_full())
        return self._ready

    async def _own_lifespan(self, receive, send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                self._ensure_started()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self._stop_full()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _start_full(self) -> None:
        """Wait for the build (off the loop), run the full app's lifespan startup, then open the gate."""
        try:
            # Polled, not awaited in an executor thread: a server stopped meanwhile must not wait for the build
            # (asyncio's shutdown joins its executor's threads).
            while not self._built.is_set():
                await asyncio.sleep(0.05)
            if self.full is not None:
                inbox: asyncio.Queue = asyncio.Queue()
                outbox: asyncio.Queue = asyncio.Queue()
                scope = {"type": "lifespan", "asgi": {"version": "3.0", "spec_version": "2.0"}, "state": {}}
                task = asyncio.get_running_loop().create_task(self.full(scope, inbox.get, outbox.put))
                self._lifespan = (inbox, outbox, task)
                await inbox.put({"type": "lifespan.startup"})
                getter = asyncio.ensure_future(outbox.get())
                done, _ = await asyncio.wait({getter, task}, return_when=asyncio.FIRST_COMPLETED)
                if getter not in done:  # the app raised on the lifespan scope: it has none (ASGI spec)
                    getter.cancel()
                    self._lifespan = None
                elif getter.result()["type"] != "lifespan.startup.complete":
                    self.error = str(getter.result().get("message") or "its start-up failed")
        except Exception as e:  # noqa: BLE001  (reported to the requests that wait for it)
            log.exception("starting the full app failed")
            self.error = f"{type(e).__name__}: {e}"
        finally:
            self._ready.set()

    async def _stop_full(self) -> None:
        if self._lifespan is None:
            return
        inbox, outbox, task = self._lifespan
        await inbox.put({"type": "lifespan.shutdown"})
        try:
            await asyncio.wait_for(outbox.get(), 10)
        except asyncio.TimeoutError:
            task.cancel()


async def _unavailable(scope, send, message: str) -> None:
    if scope["type"] != "http":
        await send({"type": "websocket.close", "code": 1011})
        return
    body = json.dumps({"error": {"message": message[:300], "type": "server_error", "code": 503}}).encode()
    await send({"type": "http.response.start", "status": 503,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
