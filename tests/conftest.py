import os
import shutil
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from fake_model import HashEmbedding  # noqa: F401  (registers the "test-hash" model)
from rag.config import Config

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SHOTS = os.environ.get("RAG_SCREENSHOTS")  # a folder (e.g. docs) to keep the screenshots in, for the README


# A screenshot waits for the page to paint and its fonts to load: on a loaded machine a starved renderer can take
# longer than an action's 30 s to do that, which is slowness, not a failure.
SHOT_TIMEOUT = 120_000


def shot(page, tmp_path, name: str) -> None:
    """A full-page screenshot in the test's folder, and in $RAG_SCREENSHOTS when set."""
    page.screenshot(path=str(tmp_path / name), full_page=True, timeout=SHOT_TIMEOUT)
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / name), full_page=True, timeout=SHOT_TIMEOUT)


@contextmanager
def open_page(browser, tmp_path, width: int = 1280, height: int = 900, **options):
    """A new browser page, closed after; on a failure its full-page screenshot lands in tmp_path/failure.png.
    `options` go to new_page (is_mobile=True, has_touch=True for a phone)."""
    page = browser.new_page(viewport={"width": width, "height": height}, **options)
    try:
        yield page
    except Exception:
        try:  # a help for reading the failure, never the failure reported (a starved page may not paint)
            page.screenshot(path=str(tmp_path / "failure.png"), full_page=True, timeout=SHOT_TIMEOUT)
            print(f"\nfailure screenshot: {tmp_path / 'failure.png'}")
        except Exception as e:
            print(f"\nno failure screenshot: {e}")
        raise
    finally:
        page.close()


def chat_ask(page, question: str, timeout: int = 120_000):
    """Send `question` in the chat and return its answer (the last bot message) once it is complete: a new user
    turn, then no "检索中" and no streaming cursor ▍ in the last bot message (the UI drops it in the last yield)."""
    users = page.locator('#chatbot [data-testid="user"]').count()
    page.fill("#question textarea", question)
    page.keyboard.press("Enter")
    page.wait_for_function(
        """(n) => { const users = document.querySelectorAll('#chatbot [data-testid="user"]');
                    const bots = document.querySelectorAll('#chatbot [data-testid="bot"]');
                    if (users.length <= n || bots.length < users.length) return false;
                    const text = bots[bots.length - 1].textContent;
                    return !text.includes('检索中') && !text.includes('▍'); }""", arg=users, timeout=timeout)
    bots = page.locator('#chatbot [data-testid="bot"]')
    return bots.nth(bots.count() - 1)


def choose(page, dropdown: str, option, timeout: float = 60.0) -> None:
    """Pick `option` (its label, or a compiled regex) in the Gradio dropdown `dropdown` (a selector such as
    "#kb") and return once the dropdown shows it. A server event that updates the choices re-renders the open
    list (or closes it) under the click, so the dropdown is opened again until the pick shows (`timeout` s)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    name = option if isinstance(option, str) else None
    shows = ("([sel, name]) => { const d = document.querySelector(sel); const i = d && d.querySelector('input');"
             " return !!i && (i.value === name || [...d.querySelectorAll('.token')].some("
             "t => t.textContent.includes(name))); }")
    deadline = time.monotonic() + timeout
    while True:
        try:
            page.locator(f"{dropdown} input").click(timeout=10_000)
            item = page.get_by_role("option", name=option, exact=name is not None)
            if name is None:  # a pattern: the label it matched is what the dropdown shows afterwards
                name = item.first.inner_text(timeout=10_000).strip()
            item.first.click(timeout=10_000)
            page.wait_for_function(shows, arg=[dropdown, name], timeout=10_000)
            return
        except PlaywrightTimeout:
            if time.monotonic() > deadline:
                raise
            if name is not None and page.evaluate(shows, [dropdown, name]):
                return  # picked after all (a multiselect must not be clicked again: that removes the pick)
            page.keyboard.press("Escape")


def saved_conversation(base: str, turns: int = 1, timeout: float = 60.0) -> dict:
    """The newest saved conversation, once it holds at least `turns` turns: the chat saves a turn in a `.then()`
    after its answer has finished streaming, so a finished answer is not yet a saved one."""
    def newest():
        convs = httpx.get(base + "/api/conversations", timeout=30).json()["conversations"]
        return convs[0] if convs and convs[0]["turns"] >= turns else None
    return wait_until(newest, timeout, 0.2, f"a saved conversation with {turns} turns")


def indexed(folder: Path, docs: dict[str, str], **settings):
    """An Assistant (fake 'test-hash' model) over `docs` (file name → text) written to folder/docs and indexed."""
    from rag import Assistant
    (folder / "docs").mkdir(parents=True, exist_ok=True)
    for name, text in docs.items():
        (folder / "docs" / name).write_text(text, encoding="utf-8")
    assistant = Assistant(Config(index_dir=folder / "index", model="test-hash", **settings))
    assistant.index([folder / "docs"])
    return assistant


@pytest.fixture
def config(tmp_path) -> Config:
    return Config(index_dir=tmp_path / "index", model="test-hash", abstain_threshold=0.2)


@pytest.fixture
def seeds(tmp_path) -> Path:
    dst = tmp_path / "seeds"
    shutil.copytree(SEEDS, dst)
    return dst


@pytest.fixture(scope="session")
def real_seed_assistant(tmp_path_factory):
    """The real default model over the seeds, built once per session."""
    from rag import Assistant
    tmp = tmp_path_factory.mktemp("real")
    shutil.copytree(SEEDS, tmp / "seeds")
    assistant = Assistant(Config(index_dir=tmp / "index"))
    report = assistant.index([tmp / "seeds"])
    assert len(report.added) == 5, report
    return assistant


# ---------- one `rag serve` helper for every test that needs a real server process ----------

def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(condition, timeout: float = 30.0, interval: float = 0.05, message: str = "condition"):
    """Poll `condition()` until it returns something true (returned), or fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f}s waiting for {message}")
        time.sleep(interval)


@dataclass
class Server:
    base: str
    proc: subprocess.Popen
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self, timeout: float = 20.0) -> float:
        """SIGTERM, then wait; returns the seconds it took (kills and fails past `timeout`)."""
        t0 = time.monotonic()
        self.proc.terminate()
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            pytest.fail(f"rag serve did not stop within {timeout:.0f}s of SIGTERM:\n{self.log()[-2000:]}")
        return time.monotonic() - t0


def start_server(index: Path, workdir: Path, env: dict | None = None, fake_model: bool = True,
                 timeout: float = 180.0) -> Server:
    """`rag serve` on a free loopback port over `index`, with the tests' hashing model unless fake_model is
    False; returns when /healthz answers."""
    port = free_port()
    log_path = workdir / f"serve-{port}.log"
    cmd = [sys.executable, str(ROOT / "tests" / "fake_model.py")] if fake_model else [sys.executable, "-m", "rag"]
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    with open(log_path, "w") as log:
        proc = subprocess.Popen(cmd + ["serve", "--index", str(index), "--port", str(port)], cwd=workdir,
                                env=full_env, stdout=log, stderr=subprocess.STDOUT)
    server = Server(f"http://127.0.0.1:{port}", proc, log_path)

    def up():
        if proc.poll() is not None:
            pytest.fail(f"rag serve exited with {proc.returncode}:\n{server.log()[-3000:]}")
        try:
            return httpx.get(server.base + "/healthz", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False
    try:
        wait_until(up, timeout, 0.2, "rag serve to answer /healthz")
    except BaseException:
        proc.kill()
        raise
    return server


@pytest.fixture
def serve(tmp_path):
    """start(index, env=…) → a running Server, stopped at the end of the test."""
    started: list[Server] = []

    def start(index: Path, **kwargs) -> Server:
        server = start_server(index, tmp_path, **kwargs)
        started.append(server)
        return server
    yield start
    for server in started:
        if server.proc.poll() is None:
            server.proc.kill()
            server.proc.wait()


# ---------- one headless Chromium for the browser tests: the system's, never a downloaded one ----------

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is missing (/usr/bin/chromium): apt-get install chromium, or run bash scripts/test.sh")
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright (the [test] extra)")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


# ---------- one in-process Service and HTTP client over the seeds, for the API tests ----------

@pytest.fixture
def service(config, seeds, monkeypatch):
    """A Service over the seeds (no token, no extra allowed origins, 20 KB uploads); its job worker is stopped
    afterwards. A test file that needs other limits defines its own `service`."""
    from ui.service import Service
    monkeypatch.delenv("RAG_API_TOKEN", raising=False)
    monkeypatch.delenv("RAG_ALLOWED_ORIGINS", raising=False)
    svc = Service(config, max_upload_bytes=20_000)
    svc.assistant.index([seeds])
    yield svc
    svc.jobs.stop(timeout=30)


def client_for(service, hosts=None, base_url="http://testserver"):
    """The HTTP API of `service` as the server wraps it (token, sessions, Origin/Host checks), in process."""
    from fastapi.testclient import TestClient

    from ui.api import build_api
    from ui.auth import protect
    app = build_api(service)
    return TestClient(protect(app, service, app.state.sessions, hosts), base_url=base_url)


@pytest.fixture
def client(service):
    with client_for(service) as c:
        yield c
