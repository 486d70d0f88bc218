"""Speed and scale benchmark: index build, incremental add/remove, query latency, cold start, disk, 1M search.

    python bench/run.py                         # 1k, 10k, 100k chunks + 1M search side + baseline
    python bench/run.py --sizes 1000 --no-1m    # a quick look

Each measurement runs in its own process (clean peak RSS, honest cold caches for the model): this script
starts itself with --worker KIND. Results go to bench/results/<timestamp>.json and bench/results/latest.json;
a table is printed. See bench/README.md.

    corpus.py     the measured corpora and questions      workers.py    build, add/remove, ask, cold start, embed
    vectors.py    real-or-synthesized chunk vectors       search_1m.py  the 1M-chunk search side
    measure.py    timers, percentiles, recall, serve      report.py     JSON files and the README tables
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

from corpus import RESULTS, ROOT, make_corpus
from measure import cold_start_serve
from report import machine, now, save, table


def run_worker(kind: str, **kw) -> dict:
    args = [sys.executable, __file__, "--worker", kind]
    for k, v in kw.items():
        args += [f"--{k.replace('_', '-')}", str(v)]
    out = subprocess.run(args, capture_output=True, text=True, timeout=7200)
    if out.returncode:
        raise RuntimeError(f"{kind} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def run_baseline(python: str, kind: str, **kw) -> dict | None:
    """bench/baseline.py in its own virtualenv (LangChain is not our dependency); None when not set up."""
    if not python or not Path(python).exists():
        return None
    args = [python, str(ROOT / "bench" / "baseline.py"), kind]
    for k, v in kw.items():
        args += [f"--{k.replace('_', '-')}", str(v)]
    out = subprocess.run(args, capture_output=True, text=True, timeout=7200)
    if out.returncode:
        print(f"baseline {kind} failed: {out.stderr[-2000:]}", file=sys.stderr)
        return None
    return json.loads(out.stdout.strip().splitlines()[-1])


def parse(argv) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", default="1000,10000,100000")
    p.add_argument("--queries", type=int, default=200)
    p.add_argument("--repeats", type=int, default=5, help="incremental add/remove repetitions")
    p.add_argument("--encode-budget", type=int, default=12000,
                   help="chunks encoded for real per build; beyond it vectors are synthesized (stated)")
    p.add_argument("--no-1m", action="store_true")
    p.add_argument("--n-1m", type=int, default=1_000_000)
    p.add_argument("--no-baseline", action="store_true")
    p.add_argument("--baseline-python", default=os.environ.get("RAG_BASELINE_PYTHON", ""),
                   help="python of the virtualenv set up for bench/baseline.py (default: $RAG_BASELINE_PYTHON; "
                        "unset: no baseline)")
    p.add_argument("--baseline-max", type=int, default=10_000,
                   help="largest size for the baseline (its add/remove re-tokenize every chunk: minutes at 10k)")
    p.add_argument("--work", default=str(RESULTS / "work"))
    worker = p.add_argument_group("worker arguments (set by this script for its own subprocesses)")
    worker.add_argument("--worker")
    worker.add_argument("--corpus")
    worker.add_argument("--index")
    worker.add_argument("--base-index")
    worker.add_argument("--export", default="")
    worker.add_argument("--n", type=int, default=1000)
    worker.add_argument("--segments", type=int, default=5)
    return p.parse_args(argv)


def run_worker_here(a) -> int:
    import search_1m
    import workers
    fn = {"build": workers.worker_build, "query": workers.worker_query, "cold": workers.worker_library_cold,
          "1m": search_1m.worker_1m, "embed": workers.worker_embed, "incremental": workers.worker_incremental}
    print(json.dumps(fn[a.worker](a)))
    return 0


def main(argv=None) -> int:
    a = parse(argv)
    if a.worker:
        return run_worker_here(a)
    RESULTS.mkdir(parents=True, exist_ok=True)
    work = Path(a.work)
    work.mkdir(parents=True, exist_ok=True)
    baseline = "" if a.no_baseline else a.baseline_python
    if not a.no_baseline and not (baseline and Path(baseline).exists()):
        print("baseline skipped: set --baseline-python (see bench/baseline.py)", file=sys.stderr)
    res = {"machine": machine(), "started": now(), "sizes": {}}
    print(f"machine: {res['machine']}", file=sys.stderr)
    res["embed"] = run_worker("embed", n=1000)
    print(f"embed: {res['embed']}", file=sys.stderr)
    if baseline:
        res["baseline_embed"] = run_baseline(baseline, "embed", n=300)
    sizes = [int(s) for s in a.sizes.split(",") if s]
    for n in sizes:
        corpus = work / f"corpus-{n}"
        info = make_corpus(n, corpus)
        index = work / f"index-{n}"
        export = work / f"export-{n}" if baseline and n <= a.baseline_max else ""
        print(f"[{n}] corpus: {info}", file=sys.stderr)
        build = run_worker("build", corpus=corpus, index=index, encode_budget=a.encode_budget,
                           repeats=a.repeats, export=export)
        print(f"[{n}] build: {build['chunks']} chunks in {build['seconds']:.1f}s", file=sys.stderr)
        query = run_worker("query", index=index, queries=a.queries)
        print(f"[{n}] query p50 {query['p50']:.1f} ms p99 {query['p99']:.1f} ms", file=sys.stderr)
        entry = {"corpus": info, "build": build, "query": query}
        if n == sizes[-1]:
            entry["cold_library"] = run_worker("cold", index=index)
            entry["cold_serve"] = cold_start_serve(index)
        if export:
            entry["baseline"] = run_baseline(baseline, "run", export=export, queries=min(a.queries, 100), repeats=1)
        res["sizes"][str(n)] = entry
        save(res, RESULTS)
    if not a.no_1m:
        res["search_1m"] = run_worker("1m", index=work / "index-1m", base_index=work / f"index-{sizes[-1]}",
                                      corpus=work / f"corpus-{sizes[-1]}", n=a.n_1m, queries=a.queries,
                                      segments=a.segments)
    res["finished"] = now()
    res["machine"]["loadavg_at_end"] = os.getloadavg()
    save(res, RESULTS, final=True)
    print(table(res))
    return 0


if __name__ == "__main__":
    sys.exit(main())
