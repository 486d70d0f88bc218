"""Issue 11 §2-3: indexing as a queue (job ids, progress, a bounded queue, deletes between commit batches,
SIGTERM within seconds, leftovers resumed at start) and content-addressed uploads."""
import os
import threading

import httpx
import pytest

import rag.assistant
from conftest import wait_until
from ui.service import Service, ServiceError

DOC = "第{n}号通知：青石镇的第{n}口古井由镇文化站负责修缮，编号{code}，预计明年三月完工。"


@pytest.fixture
def service(config, seeds, monkeypatch):
    monkeypatch.delenv("RAG_API_TOKEN", raising=False)
    svc = Service(config, max_upload_bytes=200_000)
    svc.assistant.index([seeds])
    yield svc
    svc.jobs.stop(timeout=30)


def _file(n: int, code: str = "") -> tuple[str, bytes]:
    return (f"通知{n}.txt", DOC.format(n=n, code=code or f"QX{n:05d}").encode())


def test_upload_is_queued_then_indexed(client):
    r = client.post("/api/documents", files=[("file", _file(1)), ("file", _file(2))])
    assert r.status_code == 202, r.text
    job = r.json()
    assert job["status"] in ("queued", "running", "done") and job["files"] == ["通知1.txt", "通知2.txt"]
    done = wait_until(lambda: (j := client.get(job["url"]).json())["status"] == "done" and j, 60, message="the job")
    assert done["done"] == done["total"] == 2 and done["report"]["added"] == 2
    assert {d["sources"][0].rsplit("/", 1)[-1] for d in done["report"]["documents"]} == {"通知1.txt", "通知2.txt"}
    assert "QX00002" in client.post("/api/ask", json={"question": "编号QX00002的古井"}).json()["answer"]
    r = client.get("/api/jobs/nope")
    assert r.status_code == 404 and "no job" in r.json()["error"]["message"]


def test_the_queue_is_bounded(service, client, monkeypatch):
    release = threading.Event()
    monkeypatch.setattr(service.jobs, "_run", lambda job, stop: release.wait(30) and None)
    service.jobs.max_waiting = 2
    try:
        first = client.post("/api/documents", files=[("file", _file(1))]).json()
        wait_until(lambda: service.jobs.get(first["job"]).status == "running", 10, message="the first job to start")
        for n in (2, 3):
            assert client.post("/api/documents", files=[("file", _file(n))]).status_code == 202
        r = client.post("/api/documents", files=[("file", _file(4))])
        assert r.status_code == 429 and "already waiting" in r.json()["error"]["message"]
        assert client.get(f"/api/jobs/{first['job']}").json()["status"] == "running"
        # One client cannot take the whole queue: five waiting uploads each, then 429 for that client only.
        service.jobs.max_waiting = 20
        for n in range(5):
            service.queue_files([_file(10 + n)], owner="alice")
        with pytest.raises(ServiceError, match="5 of your uploads are already waiting") as e:
            service.queue_files([_file(20)], owner="alice")
        assert e.value.status == 429
        service.queue_files([_file(21)], owner="bob")
    finally:
        release.set()


def test_a_delete_waits_for_one_batch_not_the_whole_job(service, monkeypatch):
    monkeypatch.setattr("ui.service.JOB_BATCH_CHARS", 10)  # every file is a commit batch
    encode = service.assistant.embedder.encode
    slow = threading.Event()

    def slow_encode(texts, *args, **kwargs):  # an embedding that takes a while, like a real model on 2 cores
        if any("古井" in t for t in texts):
            slow.wait(0.15)
        return encode(texts, *args, **kwargs)
    monkeypatch.setattr(service.assistant.embedder, "encode", slow_encode)
    victim = service.documents()[0]
    job = service.queue_files([_file(n) for n in range(40)])
    wait_until(lambda: job.done >= 2, 60, message="two batches")
    service.delete(victim.id)  # must get in between two batches
    assert job.status == "running" and job.done < job.total, "the delete waited for the whole job"
    assert job.wait(120) and job.status == "done" and len(job.report.added) == 40
    assert service.assistant.store().document(victim.id) is None


def test_uploads_are_content_addressed(service, client):
    # One name, twelve contents: versions of one document (issue 15), each replacing the one before.
    for i in range(12):
        data = DOC.format(n=i, code=f"CA{i}").encode()
        r = client.post("/api/documents?wait=true", files=[("file", ("同名.txt", data))])
        assert r.status_code == 200 and (r.json()["added"], r.json()["updated"]) == ((1, 0) if i == 0 else (0, 1))
        source = r.json()["documents"][0]["sources"][0]
    assert os.path.basename(source) == "同名.txt" and client.get("/api/documents").json()["total"] == 6
    d = client.post("/api/ask", json={"question": "编号CA11的古井"}).json()
    assert "CA11" in d["answer"] and d["citations"][0]["source"] == source
    blobs = [p for p in service.uploads.iterdir() if not p.is_symlink() and not p.name.startswith(".")]
    assert len(blobs) == 1 and len(blobs[0].stem) == 64  # sha256 names; old versions' bytes are gone
    # The same bytes again: nothing stored, nothing indexed (an O(1) name → content look-up).
    before = sorted(p.name for p in service.uploads.iterdir())
    r = client.post("/api/documents?wait=true", files=[("file", ("同名.txt", DOC.format(n=11, code="CA11").encode()))])
    assert r.json()["unchanged"] == 1 and r.json()["chunks"] == 0
    assert sorted(p.name for p in service.uploads.iterdir()) == before
    # Deleting it removes its name and its bytes.
    doc_id = r.json()["documents"][0]["id"]
    assert client.delete(f"/api/documents/{doc_id}").status_code == 200
    assert not os.path.lexists(source) and not blobs[0].exists()


def test_leftover_uploads_are_resumed_at_start(config, service):
    # As after a kill: stored and named, never indexed; plus a half-written file and bytes no name points at.
    link = service.upload_store.put("遗留.txt", DOC.format(n=9, code="LEFT9").encode())
    (service.uploads / ".deadbeef.txt.part").write_bytes(b"half")
    orphan = service.uploads / ("ab" * 32 + ".txt")
    orphan.write_bytes(b"nobody links here")
    fresh = Service(config)
    try:
        job = fresh.resume_uploads()
        assert job is not None and job.names == ["遗留.txt"]
        assert job.wait(60) and job.status == "done" and job.report.added == [str(link)]
        assert not orphan.exists() and not (service.uploads / ".deadbeef.txt.part").exists()
        assert fresh.resume_uploads() is None  # nothing left over the second time
    finally:
        fresh.jobs.stop()


def test_a_stopped_job_rolls_back_its_batch(service):
    stop = threading.Event()
    stop.set()
    with pytest.raises(rag.assistant.IndexCancelled):
        service.assistant.index([service.upload_store.put(*_file(1))], should_stop=stop.is_set)
    assert "QX00001" not in service.assistant.ask("编号QX00001的古井").text


def test_queue_refuses_after_stop(service):
    service.jobs.stop()
    with pytest.raises(ServiceError, match="stopping"):
        service.queue_files([_file(1)])


def _busy_server_stopped(tmp_path, seeds, serve, monkeypatch):
    """A server busy indexing a big upload gets SIGTERM; returns (index, seconds it took to exit)."""
    from rag.cli import main
    monkeypatch.setenv("RAG_MODEL", "test-hash")
    index = tmp_path / "index"
    assert main(["index", str(seeds), "--index", str(index), "-q"]) == 0
    server = serve(index)
    # ~4 MB of text: tokenizing and chunking it takes far longer than the few seconds a stop may take.
    big = ("".join(DOC.format(n=n, code=f"BIG{n}") for n in range(30_000))).encode()
    r = httpx.post(server.base + "/api/documents", files={"file": ("大文件.txt", big)}, timeout=60)
    assert r.status_code == 202, r.text
    url = server.base + r.json()["url"]
    wait_until(lambda: httpx.get(url).json()["status"] == "running", 30, message="the job to start")
    seconds = server.stop(timeout=20)
    print(f"SIGTERM to exit: {seconds:.2f}s")
    return index, seconds


def test_sigterm_stops_a_busy_server_within_seconds(tmp_path, seeds, serve, monkeypatch):
    _, seconds = _busy_server_stopped(tmp_path, seeds, serve, monkeypatch)
    assert seconds < 8, f"SIGTERM took {seconds:.1f}s"


@pytest.mark.slow
def test_sigterm_then_restart_resumes_the_upload(tmp_path, seeds, serve, monkeypatch):
    index, seconds = _busy_server_stopped(tmp_path, seeds, serve, monkeypatch)
    assert seconds < 8, f"SIGTERM took {seconds:.1f}s"
    again = serve(index)
    wait_until(lambda: httpx.get(again.base + "/api/documents", params={"q": "大文件"}).json()["total"] == 1,
               300, 0.5, "the resumed upload to be indexed")
    d = httpx.post(again.base + "/api/ask", json={"question": "编号BIG29999的古井"}, timeout=60).json()
    assert "BIG29999" in d["answer"]
