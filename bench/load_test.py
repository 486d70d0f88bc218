"""Load test: C concurrent clients against POST /api/ask for D seconds, on loopback only.

    python bench/load_test.py --index embeddings/index --clients 20 --seconds 60

Starts `rag serve` on a free 127.0.0.1 port (or uses --url of a running one), asks questions drawn from the
seeds and the bench sets in a loop bounded by time, samples the server's memory every second, and prints
throughput, latency percentiles, error count and RSS at start, middle and end (memory must stay flat).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = [
    "what did the mayor order about 12345 hotline", "市长对12345热线提出了哪些要求？", "老農貿市場改造的資金從哪裡來？",
    "淄博提出了哪“五个转变”？", "镇江兔年要怎么干", "What is the capital of France?", "杜宏远想投资什么",
    "高耗能企业怎么处理", "雷书记为什么替孙运通说情", "江辰如何推动战略布局",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _rss_mb(pid: int) -> float:
    total = 0
    for p in [pid] + _children(pid):
        try:
            for line in open(f"/proc/{p}/status"):
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in open(f"/proc/{pid}/task/{pid}/children").read().split()]
    except OSError:
        return []


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--index", default="embeddings/index")
    ap.add_argument("--url", help="a running server (default: start one on a free loopback port)")
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--json", help="write the results here too")
    args = ap.parse_args()
    server = None
    url = args.url
    if not url:
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        server = subprocess.Popen([sys.executable, "-m", "rag", "serve", "--index", args.index, "--port", str(port)],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        else:
            server.kill()
            print("server did not come up in 120 s", file=sys.stderr)
            return 1
    assert url.startswith(("http://127.", "http://localhost", "http://[::1]")), "loopback only"
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop = time.monotonic() + args.seconds

    def client(seed: int):
        rng = random.Random(seed)
        with httpx.Client(timeout=30) as http:
            while time.monotonic() < stop:
                q = rng.choice(QUESTIONS)
                t0 = time.perf_counter()
                try:
                    r = http.post(url + "/api/ask", json={"question": q})
                    ok = r.status_code == 200 and "answer" in r.json()
                    err = None if ok else f"HTTP {r.status_code}"
                except Exception as e:  # a refused or timed-out request is an error to count, not to hide
                    err = f"{type(e).__name__}: {e}"
                dt = (time.perf_counter() - t0) * 1e3
                with lock:
                    (errors.append(err) if err else latencies.append(dt))

    rss = []
    threads = [threading.Thread(target=client, args=(i,)) for i in range(args.clients)]
    t_start = time.monotonic()
    for t in threads:
        t.start()
    while any(t.is_alive() for t in threads):
        if server:
            rss.append(_rss_mb(server.pid))
        time.sleep(1)
    elapsed = time.monotonic() - t_start
    if server:
        server.terminate()
        server.wait(timeout=30)
    latencies.sort()

    def pct(p):
        return latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))] if latencies else float("nan")
    result = {
        "clients": args.clients, "seconds": round(elapsed, 1), "requests": len(latencies), "errors": len(errors),
        "throughput_rps": round(len(latencies) / elapsed, 2), "p50_ms": round(pct(50), 1),
        "p95_ms": round(pct(95), 1), "p99_ms": round(pct(99), 1),
        "rss_mb_first": round(rss[0], 1) if rss else None,
        "rss_mb_middle": round(rss[len(rss) // 2], 1) if rss else None,
        "rss_mb_last": round(rss[-1], 1) if rss else None, "rss_mb_max": round(max(rss), 1) if rss else None,
        "first_errors": errors[:3], "cpus": os.cpu_count(),
    }
    print(json.dumps(result, ensure_ascii=False, indent=1))
    if args.json:
        Path(args.json).write_text(json.dumps(result, ensure_ascii=False, indent=1))
    return 0 if not errors else 1


if __name__ == "__main__":
    sys.exit(main())
