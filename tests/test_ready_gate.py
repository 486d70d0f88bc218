"""rag/ready_gate.py: the API answers while the full app is still being built; the full app's lifespan runs."""
import asyncio
import contextlib
import threading
import time

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from conftest import free_port, wait_until
from rag.ready_gate import ReadyGate


def _early() -> FastAPI:
    app = FastAPI()

    @app.get("/healthz")
    def healthz():
        return {"app": "early"}
    return app


def _full(events: list, release: threading.Event) -> FastAPI:
    release.wait(30)

    @contextlib.asynccontextmanager
    async def lifespan(app):
        events.append("startup")
        yield
        events.append("shutdown")
    app = FastAPI(lifespan=lifespan)

    @app.get("/healthz")
    def healthz():
        return {"app": "full"}

    @app.get("/")
    def page():
        return {"page": "ui", "started": events.count("startup")}
    return app


class _Server:
    def __init__(self, gate):
        self.base = f"http://127.0.0.1:{free_port()}"
        port = int(self.base.rsplit(":", 1)[1])
        self.srv = uvicorn.Server(uvicorn.Config(gate, host="127.0.0.1", port=port, log_level="warning"))
        self.thread = threading.Thread(target=self.srv.run, daemon=True)
        self.thread.start()
        wait_until(lambda: self.srv.started, 20, message="uvicorn to start")

    def stop(self):
        self.srv.should_exit = True
        self.thread.join(20)


@pytest.fixture
def server():
    started: list[_Server] = []

    def start(gate) -> _Server:
        started.append(_Server(gate))
        return started[-1]
    yield start
    for s in started:
        s.stop()


def test_api_first_then_the_full_app_with_its_lifespan(server):
    events, release = [], threading.Event()
    gate = ReadyGate(_early(), lambda: _full(events, release), ("/healthz", "/api/"))
    srv = server(gate)
    assert httpx.get(srv.base + "/healthz").json() == {"app": "early"}  # the full app is not built yet
    page: list = []
    waiting = threading.Thread(target=lambda: page.append(httpx.get(srv.base + "/", timeout=30).json()))
    waiting.start()
    time.sleep(0.3)
    assert not page  # a UI request waits for the full app instead of failing
    release.set()
    waiting.join(30)
    assert page == [{"page": "ui", "started": 1}]
    assert httpx.get(srv.base + "/healthz").json() == {"app": "full"}
    srv.stop()
    assert events == ["startup", "shutdown"]


def test_without_lifespan_events_the_first_request_starts_the_full_app():
    events, release = [], threading.Event()
    release.set()
    gate = ReadyGate(_early(), lambda: _full(events, release), ("/healthz",))
    gate.wait_built(10)
    transport = httpx.ASGITransport(app=gate)

    async def go():
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            return (await client.get("/")).json()
    assert asyncio.run(go()) == {"page": "ui", "started": 1}


def test_a_failed_build_keeps_the_api(server):
    def broken():
        raise RuntimeError("no gradio here")
    gate = ReadyGate(_early(), broken, ("/healthz",))
    srv = server(gate)
    gate.wait_built(10)
    assert httpx.get(srv.base + "/healthz").json() == {"app": "early"}
    r = httpx.get(srv.base + "/")
    assert r.status_code == 503 and "RuntimeError: no gradio here" in r.json()["error"]["message"]


def test_stopping_during_the_build_does_not_wait_for_it(server):
    events, release = [], threading.Event()
    gate = ReadyGate(_early(), lambda: _full(events, release), ("/healthz",))
    srv = server(gate)
    assert httpx.get(srv.base + "/healthz").json() == {"app": "early"}
    srv.stop()
    assert not srv.thread.is_alive() and events == []  # stopped with the build still blocked
    release.set()
