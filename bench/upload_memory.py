"""A big upload against a real `rag serve`: how much the server's peak memory grows while it takes the file.

    python bench/upload_memory.py            # a 150 MB .pdf (not a real PDF: indexing refuses it, storing is measured)
    python bench/upload_memory.py --mb 190

The form parser spools the part to disk and ui/uploads.py stores it a piece at a time, so the growth should stay
a few MB whatever the size (reading the part into one bytes object would grow it by the file's size). The
server runs the tests' hashing model (tests/fake_model.py): the model does not matter here.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

MB = 1024 * 1024


def peak_mb(pid: int) -> float:
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise SystemExit("no VmHWM in /proc (Linux only)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mb", type=int, default=150)
    args = ap.parse_args()
    import httpx

    import conftest  # start_server: `rag serve` on a free loopback port
    with tempfile.TemporaryDirectory(prefix="bench-upload-") as d:
        server = conftest.start_server(Path(d) / "index", Path(d))
        try:
            time.sleep(8)  # the chat UI is built in the background after /healthz answers: let it finish
            before = peak_mb(server.proc.pid)

            def body():
                yield (b'--XX\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\n'
                       b"Content-Type: application/pdf\r\n\r\n")
                for _ in range(args.mb):
                    yield b"%PDF-1.4" + bytes(MB - 8)
                yield b"\r\n--XX--\r\n"
            t0 = time.perf_counter()
            r = httpx.post(server.base + "/api/documents?wait=true", content=body(), timeout=600,
                           headers={"content-type": "multipart/form-data; boundary=XX"})
            seconds = time.perf_counter() - t0
            after = peak_mb(server.proc.pid)
        finally:
            server.stop()
    print(json.dumps({"upload_mb": args.mb, "status": r.status_code, "seconds": round(seconds, 1),
                      "peak_rss_before_mb": round(before), "peak_rss_after_mb": round(after),
                      "grew_mb": round(after - before), "load_avg_1m": round(os.getloadavg()[0], 2)}))


if __name__ == "__main__":
    main()
