"""`rag eval`: how good are the passages and the answers, measured on a folder with known answers.

    DIR/docs/*.txt        the documents
    DIR/queries.jsonl     {"id", "question", "answers": [...], "doc": "<file name in docs/>"}

The documents are indexed once into a cache folder named by a hash of their contents, the model, the index
settings and the source of the modules that shape an index (so a changed tokenizer rebuilds, an unchanged
set is never re-embedded). Every question then goes through Assistant.ask, the code path of `rag ask`.
Metrics (see `METRICS`): doc-level recall@k and MRR@10 over the documents of the retrieved passages, in
order; answer_hit = the answer contains a gold answer (both folded: NFKC, traditional → simplified, lower
case); abstention rates on these answerable questions and, with `unanswerable`, on questions from another
set asked against these documents (there a "not found" is right).
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import statistics
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .config import Config
from .normalize import search_form

METRICS = ("n", "recall@1", "recall@5", "recall@10", "mrr@10", "answer_hit", "answer_chars_median",
           "abstain_answerable", "abstain_unanswerable", "latency_ms_p50", "latency_ms_p95", "index_seconds")
RETRIEVE_K = 10
# Modules whose code decides what goes into an index: a change to any of them invalidates cached indexes.
_INDEX_MODULES = ("ingest", "clean", "html_text", "normalize", "chunk", "tokenize", "store/local",
                  "store/bm25")
_MARKER = re.compile(r"\[\d+\]")


class EvalError(ValueError):
    """A folder that is not an eval set; str() says what is missing."""


@dataclass(frozen=True)
class Query:
    id: str
    question: str
    answers: tuple[str, ...]
    doc: str


@dataclass(frozen=True)
class EvalSet:
    root: Path
    docs: Path
    queries: list[Query]


def load_set(folder: str | os.PathLike) -> EvalSet:
    root = Path(folder)
    docs, qfile = root / "docs", root / "queries.jsonl"
    if not docs.is_dir() or not qfile.is_file():
        raise EvalError(f"{root} is not an eval set: it needs docs/ and queries.jsonl")
    queries = []
    for i, line in enumerate(qfile.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
            queries.append(Query(str(d.get("id", i)), d["question"], tuple(d.get("answers", ())), d.get("doc", "")))
        except (ValueError, KeyError) as e:
            raise EvalError(f"{qfile}:{i}: not a query line ({e})") from None
    return EvalSet(root, docs, queries)


def sample(queries: list[Query], limit: int | None) -> list[Query]:
    """An evenly spread, deterministic subset (sets are grouped by document: the first N would be a few docs)."""
    if not limit or limit >= len(queries):
        return list(queries)
    step = len(queries) / limit
    return [queries[int(i * step)] for i in range(limit)]


def fingerprint(docs: Path, config: Config) -> str:
    h = hashlib.sha256()
    for path in sorted(p for p in docs.rglob("*") if p.is_file()):
        h.update(str(path.relative_to(docs)).encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    settings = {"model": config.model, "chunk_chars": config.chunk_chars,
                "chunk_overlap_chars": config.chunk_overlap_chars, "bigrams": config.use_bigrams}
    h.update(json.dumps(settings, sort_keys=True).encode())
    if config.user_dict:
        h.update(Path(config.user_dict).read_bytes())
    pkg = Path(__file__).parent
    for name in _INDEX_MODULES:
        src = pkg / f"{name}.py"
        if src.exists():
            h.update(src.read_bytes())
    return h.hexdigest()[:16]


def open_index(docs: Path, config: Config, progress: Callable[[int, int, str], None] | None = None):
    """(Assistant over a cached index of `docs`, seconds the index took to build). Builds it when absent,
    into a temporary sibling that is renamed into place, so an interrupted build leaves nothing half-done."""
    from .assistant import Assistant
    key = fingerprint(docs, config)
    final = Path(config.eval_cache) / key  # content-keyed: two sets over the same documents share it
    info = final / "eval.json"
    if not info.exists():
        tmp = final.with_name(f".{final.name}.{os.getpid()}.tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        # Always built into local files: the cache is a folder (whatever backend is measured), and a Milvus
        # collection is then filled from it by copying, so both backends answer from the same vectors.
        builder = Assistant(config.with_(index_dir=tmp, store="local"))
        report = builder.index([docs], progress=progress)
        if report.failed and not (report.added or report.updated):
            raise EvalError(f"nothing in {docs} could be indexed: {report.failed[0]}")
        (tmp / "eval.json").write_text(json.dumps({"docs": str(docs), "index_seconds": report.seconds,
                                                   "chunks": report.chunks}), encoding="utf-8")
        final.parent.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(final, ignore_errors=True)
        os.replace(tmp, final)
        embedder = builder.embedder  # already loaded: reuse it
    else:
        embedder = None
    if config.store == "milvus":
        _copy_to_milvus(final, config)
    assistant = Assistant(config.with_(index_dir=final), embedder=embedder)
    return assistant, json.loads(info.read_text(encoding="utf-8"))["index_seconds"]


def _copy_to_milvus(cached: Path, config: Config) -> None:
    """Fill the configured Milvus collection from the cached local index (documents already there are
    skipped, so this is a no-op on the second run). A collection holding other documents would mix them into
    the measurement: refused."""
    from .store.local import LocalStore
    from .store.milvus import MilvusStore, migrate
    local = LocalStore.open(cached, config=config.with_(store="local"))
    target = MilvusStore.open(config, create=True, model_dim=local.manifest["model"]["dim"])
    extra = {d.id for d in target.documents()} - {d.id for d in local.documents()}
    if extra:
        raise EvalError(f"Milvus collection '{target.name}' holds {len(extra)} documents that are not in the "
                        f"eval set; name an empty one with --milvus-collection")
    if target.document_count() < local.document_count():
        migrate(local, target)  # its writer refreshes the target when it closes


def gold_hit(answer_text: str, answers: tuple[str, ...]) -> bool:
    text = search_form(_MARKER.sub("", answer_text))
    return any(a.strip() and search_form(a.strip()) in text for a in answers)


def doc_rank(assistant, passages, gold: str) -> int | None:
    """1-based rank of the gold document among the passages' distinct documents, None when absent."""
    seen: list[str] = []
    for p in passages:
        if p.chunk.doc_id not in seen:
            seen.append(p.chunk.doc_id)
            rec = assistant.store().document(p.chunk.doc_id)
            names = {os.path.basename(s) for s in (rec.sources if rec else [p.source])}
            if gold in names:
                return len(seen)
    return None


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    values = sorted(values)
    i = min(len(values) - 1, max(0, round(q * (len(values) - 1))))
    return values[i]


def evaluate(folder, config: Config, limit: int | None = None, unanswerable=None,
             progress: Callable[[int, int], None] | None = None, details: list | None = None) -> dict:
    """The metrics of METRICS for one eval set (details, when given, receives one dict per question)."""
    data = load_set(folder)
    other = sample(load_set(unanswerable).queries, limit) if unanswerable else []
    queries = sample(data.queries, limit)
    assistant, index_seconds = open_index(data.docs, config)
    total = len(queries) + len(other)
    if queries or other:
        assistant.ask((queries or other)[0].question)  # warm up: model loaded, caches filled
    ranks, hits, chars, abstained, latency = [], [], [], [], []
    for i, q in enumerate(queries):
        t0 = time.perf_counter()
        ans = assistant.ask(q.question, top_k=max(RETRIEVE_K, config.top_k))
        latency.append((time.perf_counter() - t0) * 1e3)
        rank = doc_rank(assistant, ans.passages, q.doc)
        hit = not ans.abstained and gold_hit(ans.text, q.answers)
        ranks.append(rank)
        hits.append(hit)
        abstained.append(ans.abstained)
        if not ans.abstained:
            chars.append(len(_MARKER.sub("", ans.text)))
        if details is not None:
            details.append({"id": q.id, "question": q.question, "rank": rank, "hit": hit, "abstained": ans.abstained,
                            "answer": ans.text, "gold": list(q.answers)})
        if progress:
            progress(i + 1, total)
    other_abstained = []
    for j, q in enumerate(other):
        other_abstained.append(assistant.ask(q.question).abstained)
        if progress:
            progress(len(queries) + j + 1, total)
    n = len(queries)

    def share(xs) -> float:
        return round(sum(xs) / len(xs), 4) if xs else 0.0

    return {
        "n": n,
        "recall@1": share([r is not None and r <= 1 for r in ranks]),
        "recall@5": share([r is not None and r <= 5 for r in ranks]),
        "recall@10": share([r is not None and r <= 10 for r in ranks]),
        "mrr@10": round(sum(1 / r for r in ranks if r and r <= 10) / n, 4) if n else 0.0,
        "answer_hit": share(hits),
        "answer_chars_median": statistics.median(chars) if chars else 0,
        "abstain_answerable": share(abstained),
        "abstain_unanswerable": share(other_abstained) if unanswerable else None,
        "latency_ms_p50": round(_percentile(latency, 0.5), 1),
        "latency_ms_p95": round(_percentile(latency, 0.95), 1),
        "index_seconds": round(index_seconds, 1),
    }


def format_table(name: str, result: dict) -> str:
    width = max(len(k) for k in METRICS)
    lines = [f"{'set':{width}}  {name}"]
    for k in METRICS:
        v = result.get(k)
        lines.append(f"{k:{width}}  {'-' if v is None else v}")
    return "\n".join(lines)
