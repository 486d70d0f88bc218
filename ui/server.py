"""`rag serve`: one process, one port. The API and /healthz answer at once; the chat UI (ui/app.py) is built in
the background meanwhile; SIGTERM lets open requests finish and the indexing job roll back its batch."""
from __future__ import annotations

import time

from rag.config import Config

from .api import build_api
from .app import create_app
from .auth import LOOPBACK, protect
from .service import Service


def serve(config: Config, host: str = "127.0.0.1", port: int = 7860) -> None:
    import uvicorn

    from rag.ready_gate import ReadyGate
    t0 = time.perf_counter()
    service = Service(config)
    service.warm_up()  # the model loads once, here, not when the first user asks
    docs = service.documents()
    print(f"model {config.model} ready in {time.perf_counter() - t0:.1f}s; "
          f"{len(docs)} documents in {config.index_dir}" + ("" if docs else " (upload some in the UI)"), flush=True)
    if service.token:
        print("API token required (RAG_API_TOKEN is set)", flush=True)
    resumed = service.resume_uploads()  # uploads a stop or crash left unindexed
    if resumed:
        print(f"indexing {len(resumed.paths)} uploaded files left from the last run", flush=True)
    # Bound to loopback, only loopback Host names are answered (DNS rebinding); bound wider, the token guards.
    hosts = LOOPBACK if host in LOOPBACK else None
    # The API (and /healthz) answers at once; the chat UI (Gradio: ~5 s of imports on 2 cores) is built in a
    # background thread meanwhile, and its pages wait for it (rag/ready_gate.py).
    api = build_api(service)
    app = ReadyGate(protect(api, service, api.state.sessions, hosts), lambda: create_app(service, hosts=hosts),
                    early_paths=("/healthz", "/api/", "/v1/"))
    print(f"chat UI and API on http://{host}:{port}  (API docs: /api/docs)", flush=True)

    class Server(uvicorn.Server):
        def handle_exit(self, sig, frame):
            service.jobs.stop_soon()  # the running job drops its open batch; nothing waits in a signal handler
            super().handle_exit(sig, frame)

    # SIGTERM: open requests get 3 s, then the indexing worker is given a few seconds to roll back its batch.
    Server(uvicorn.Config(app, host=host, port=port, log_level="warning", timeout_graceful_shutdown=3)).run()
    service.jobs.stop(timeout=10)
