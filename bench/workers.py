"""The measurements, one per worker process (clean peak RSS, honest cold caches for the model).

Each worker takes the parsed command line of bench/run.py and returns a JSON-able dict. Indexes are written
only through the library's public API (`Assistant.index`, `Assistant.remove`); stage times come from wrapping
the pipeline's functions and the store writer's public methods, never the store's internals.
"""
from __future__ import annotations

import contextlib
import json
import shutil
import sys
import time
from pathlib import Path

import numpy as np

from corpus import RESULTS, questions, real_documents
from measure import Stages, du, exact_recall, pct, peak_rss_mb, qps_two_clients
from vectors import BenchEmbedder


def instrument(stages: Stages, embedder) -> None:
    """Time the indexing pipeline's steps as rag.assistant calls them."""
    import rag.assistant as assistant_module
    for attr, stage in [("load", "decode+clean"), ("chunk_document", "chunk"), ("fold", "chunk"),
                        ("keyword_terms", "bm25 tokenize"), ("search_form", "bm25 tokenize")]:
        stages.wrap(assistant_module, attr, stage)
    stages.wrap(embedder, "encode", "embed")


def time_writes(store, stages: Stages, captured: list | None = None) -> None:
    """Time the store's writer (opening, add, commit, closing) and, when `captured` is a list, keep every
    added chunk's (text, vector) there (the baseline indexes exactly these)."""
    open_writer = store.writer

    @contextlib.contextmanager
    def writer():
        cm = open_writer()
        w = stages.call("store commit", cm.__enter__)
        add = w.add

        def timed_add(doc, chunks, vectors, terms):
            if captured is not None:
                captured.extend(zip((c.text for c in chunks), np.asarray(vectors), strict=True))
            return stages.call("store add", add, doc, chunks, vectors, terms)
        w.add = timed_add
        stages.wrap(w, "commit", "store commit")
        try:
            yield w
        except BaseException:
            if not cm.__exit__(*sys.exc_info()):
                raise
        else:
            stages.call("store commit", cm.__exit__, None, None, None)
    store.writer = writer


def add_remove_timings(assistant, index: str, repeats: int) -> tuple[list[float], list[float]]:
    """Add one new real document to the index and remove it again, `repeats` times: seconds of each."""
    extra = Path(index + "-extra")
    shutil.rmtree(extra, ignore_errors=True)
    extra.mkdir()
    docs = real_documents()
    adds, removes = [], []
    for i in range(repeats):
        _, text = docs[(37 * i) % len(docs)]
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


def worker_build(a) -> dict:
    from rag import Assistant, Config
    from rag.embed import Embedder
    index = Path(a.index)
    shutil.rmtree(index, ignore_errors=True)
    config = Config(index_dir=index)
    emb = BenchEmbedder(Embedder(config.model), RESULTS / "vectors-cache.npz", a.encode_budget).load()
    stages = Stages()
    instrument(stages, emb)
    assistant = Assistant(config, embedder=emb)
    store = assistant.store(create=True)
    captured: list | None = [] if a.export else None
    time_writes(store, stages, captured)
    t0 = time.perf_counter()
    report = assistant.index([Path(a.corpus)])
    total = time.perf_counter() - t0
    emb.save()
    chars = sum(d.chars for d in assistant.documents())
    out = {"chunks": report.chunks, "documents": len(report.added), "chars": chars, "seconds": total,
           "stages": dict(stages.seconds), "peak_rss_mb": peak_rss_mb(), "disk_mb": du(index) / 2**20,
           "segments": list(store.manifest.get("segments", [])),
           "vectors": {"encoded": emb.encoded, "from_cache": emb.cached, "synthesized": emb.synthesized,
                       "encode_seconds": emb.encode_seconds}}
    if captured is not None:  # chunk texts and vectors for the baseline (the same encoder's, not re-encoded)
        export = Path(a.export)
        export.mkdir(parents=True, exist_ok=True)
        np.save(export / "vectors.npy", np.vstack([v for _, v in captured]))
        (export / "texts.json").write_text(json.dumps([t for t, _ in captured], ensure_ascii=False),
                                           encoding="utf-8")
        captured.clear()
    # incremental: add one new document, remove it, a few times (real encoding for the new one); the build's
    # stage times were copied above, so these do not count in them
    out["add_one_s"], out["remove_one_s"] = add_remove_timings(assistant, a.index, a.repeats)
    return out


def worker_incremental(a) -> dict:
    """Add one new document to an existing index and remove it again, a few times (real encoding)."""
    from rag import Assistant, Config
    assistant = Assistant(Config(index_dir=Path(a.index)))
    chunks0 = assistant.store().chunk_count()
    assistant.embedder.load()
    adds, removes = add_remove_timings(assistant, a.index, a.repeats)
    return {"chunks": chunks0, "add_one_s": adds, "remove_one_s": removes, "disk_mb": du(Path(a.index)) / 2**20,
            "peak_rss_mb": peak_rss_mb()}


def worker_query(a) -> dict:
    from rag import Assistant, Config
    assistant = Assistant(Config(index_dir=Path(a.index)))
    qs = questions(a.queries + 10)
    for q in qs[:10]:  # warm
        assistant.ask(q)
    lat, stage = [], {}
    cpu = []  # CPU time of the process per ask: what the latency would be on free cores (load-independent)
    for q in qs[10:]:
        t, c = time.perf_counter(), time.process_time()
        ans = assistant.ask(q)
        lat.append((time.perf_counter() - t) * 1e3)
        cpu.append((time.process_time() - c) * 1e3)
        for k, v in ans.timings_ms.items():
            stage.setdefault(k, []).append(v)
    qvecs = [assistant.embedder.encode([q])[0] for q in qs[10:10 + 50]]
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


def worker_embed(a) -> dict:
    """Embedding rate of the default model on real ~300-character chunks."""
    from corpus import CHUNK_CHARS, CHUNK_OVERLAP
    from rag.chunk import chunk_document
    from rag.embed import Embedder
    from rag.normalize import fold
    from rag.records import Document
    texts = []
    for i, (name, text) in enumerate(real_documents()):
        doc = Document(str(i), name, text, ((0, len(text)),), {})
        texts += [fold(c.text) for c in chunk_document(doc, CHUNK_CHARS, CHUNK_OVERLAP)]
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
