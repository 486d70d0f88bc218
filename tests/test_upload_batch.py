"""Upload batches and limits (issue 14): a batch indexes its good files and reports each refused one with its
reason; the limit is per file type, as `rag index` has it; uploads are stored a piece at a time."""
import hashlib
import io
import tempfile
import tracemalloc

import pytest

from conftest import client_for
from rag.formats import SUPPORTED
from ui.limits import UPLOAD_REQUEST_BYTES, BodyLimit, UploadLimits, payload_size
from ui.uploads import UPLOAD_LABEL, UploadStore

MB = 1024 * 1024
NOTICE = "青石镇古井修缮工程总投资八十万元，由镇文化站负责实施。".encode()


@pytest.fixture
def client(service):
    with client_for(service) as c:
        yield c


def test_a_batch_indexes_the_good_files_and_reports_each_refused_one(client):
    files = [("file", ("setup.exe", b"MZ" + bytes(50))), ("file", ("古井.txt", NOTICE)),
             ("file", ("旧报告.doc", b"\xd0\xcf\x11\xe0"))]
    r = client.post("/api/documents?wait=true", files=files)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["added"] == 1 and [d["sources"][0].rsplit("/", 1)[1] for d in body["documents"]] == ["古井.txt"]
    assert len(body["failed"]) == 2
    assert body["failed"][0].startswith("setup.exe: 不支持的文件类型 · unsupported file type '.exe' (supported: ")
    assert body["failed"][1] == ("旧报告.doc: 旧版 Word 格式，请另存为 .docx · old Word format (.doc); open it in Word "
                                 "or WPS and save as .docx")
    d = client.post("/api/ask", json={"question": "古井修缮工程总投资多少"}).json()
    assert "八十万元" in d["answer"]

    # Without ?wait the refusals come at once, with the job; the job's report lists them too.
    r = client.post("/api/documents", files=[("file", ("a.exe", b"MZ")), ("file", ("新.txt", NOTICE + "。".encode()))])
    assert r.status_code == 202 and r.json()["files"] == ["新.txt"]
    assert r.json()["refused"][0].startswith("a.exe: 不支持的文件类型 · unsupported file type")
    from conftest import wait_until
    wait_until(lambda: client.get(r.json()["url"]).json()["status"] == "done", 60)
    report = client.get(r.json()["url"]).json()["report"]
    assert report["added"] == 1 and report["failed"][0].startswith("a.exe: 不支持的文件类型 · unsupported")


def test_a_batch_with_nothing_usable_is_refused_with_every_reason(client, service):
    before = client.get("/api/documents").json()["documents"]
    r = client.post("/api/documents", files=[("file", ("a.exe", b"MZ")), ("file", ("b.doc", b"x"))])
    message = r.json()["error"]["message"]
    assert r.status_code == 415 and "a.exe: 不支持的文件类型 · unsupported file type '.exe'" in message
    assert "b.doc: 旧版 Word 格式，请另存为 .docx · old Word" in message
    r = client.post("/api/documents", files=[("file", ("big.txt", "大".encode() * 10_000)), ("file", ("c.exe", b"MZ"))])
    assert r.status_code == 413
    assert "big.txt: 超过上传大小限制 · 29.3 KB is over the upload limit of 19.5 KB for .txt files" \
        in r.json()["error"]["message"]
    assert client.get("/api/documents").json()["documents"] == before and not UploadStore(service.uploads).names()


def test_limits_are_per_file_type(config):
    limits = UploadLimits(64 * MB)
    assert limits.for_type(".pdf") == 200 * MB and limits.for_type(".PDF") == 200 * MB
    assert limits.for_type(".docx") == limits.for_type(".xlsx") == 100 * MB
    assert limits.for_type(".png") == limits.for_type(".tiff") == 50 * MB
    assert limits.for_type(".txt") == limits.for_type(".csv") == limits.for_type(".html") == 64 * MB
    assert limits.largest == 200 * MB
    assert UploadLimits(64 * MB, cap=20_000).for_type(".pdf") == 20_000

    from ui.service import Service, ServiceError
    service = Service(config)  # no cap given: the per-type limits
    assert service.max_upload_bytes == 200 * MB
    service.check_upload("报告.pdf", 150 * MB)
    service.check_upload("长文.txt", 30 * MB)  # over the old 20 MB cap of every upload
    with pytest.raises(ServiceError) as e:
        service.check_upload("照片.jpg", 60 * MB)
    assert e.value.status == 413 and str(e.value) == "照片.jpg: 超过上传大小限制 · 60 MB is over the upload " \
                                                     "limit of 50 MB for .jpg " \
                                                     "files; split it"
    # A request carries one PDF of the largest size and some smaller files, not five of them.
    assert BodyLimit(None, 200 * MB).upload_request == UPLOAD_REQUEST_BYTES + 256 * 1024
    assert BodyLimit(None, 20_000).upload_request == 5 * 20_000 + 256 * 1024


def test_the_upload_box_lists_every_supported_type(service):
    from ui.app import build
    demo = build(service)
    box = next(b for b in demo.blocks.values() if getattr(b, "elem_id", None) == "upload")
    assert box.label == UPLOAD_LABEL and all(ext in UPLOAD_LABEL.split() for ext in SUPPORTED)
    assert not box.file_types  # any file is taken, and the ones we cannot read are reported by name


def test_uploads_are_stored_a_piece_at_a_time(tmp_path):
    data = bytes(range(256)) * (80 * 1024)  # 20 MB
    spooled = tempfile.SpooledTemporaryFile(max_size=MB)  # as the form parser hands a file over
    spooled.write(data)
    spooled.seek(123)
    assert payload_size(spooled) == len(data) and spooled.tell() == 123
    store = UploadStore(tmp_path / "uploads")
    tracemalloc.start()
    link = store.put("大文件.pdf", spooled)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 4 * MB, peak  # never the whole 20 MB at once
    assert link.read_bytes() == data and store.target(link) == hashlib.sha256(data).hexdigest() + ".pdf"
    # The same bytes again, as a path or as bytes: one blob, no temporary file left behind.
    assert store.put("大文件.pdf", link) == link and store.put("副本.pdf", io.BytesIO(data).getvalue()).exists()
    assert sorted(p.name for p in store.folder.iterdir() if not p.is_symlink() and p.name != ".versions.jsonl") \
        == [hashlib.sha256(data).hexdigest() + ".pdf"]
