"""`rag eval`: how good are the passages and the answers, measured on a folder with known answers.

    DIR/docs/*.txt        the documents
    DIR/queries.jsonl     {"id", "question", "answers": [...], "doc": "<file name in docs/>" | null,
                           optional: "kind", "expect_all", "expect_any", "history", "lang", "split"}

The documents are indexed once into a cache folder named by a hash of their contents, the model, the index
settings and the source of the modules that shape an index (so a changed tokenizer rebuilds, an unchanged
set is never re-embedded). Every question then goes through Assistant.ask, the code path of `rag ask`.
Metrics (see `METRICS`): doc-level recall@k and MRR@10 over the documents of the retrieved passages, in
order; answer_hit = the answer contains a gold answer (both folded: NFKC, traditional → simplified, lower
case); abstention rates on these answerable questions and, with `unanswerable`, on questions from another
set asked against these documents (there a "not found" is right). The stricter metrics of issue 13
(`complete`, `short_answer_exact`, per kind / split / language) are in rag/eval_metrics.py; a question with
`doc: null` is unanswerable from these documents, one with `history` is asked as a follow-up.
"""
from __future__ import annotations

import inspect
import json
import os
import re
import statistics
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from . import eval_generate as eg
from . import eval_metrics as em
from .config import Config
from .eval_index import EvalError, fingerprint, open_index  # noqa: F401  (re-exported)
from .normalize import search_form

METRICS = ("n", "recall@1", "recall@5", "recall@10", "mrr@10", "answer_hit", "answer_chars_median",
           "abstain_answerable", "abstain_unanswerable", "latency_ms_p50", "latency_ms_p95", "index_seconds",
           "n_unanswerable", "complete", "short_answer_exact")
# Per-group tables added to the result after METRICS: {group: {"n", "complete"}}.
BREAKDOWNS = {"complete_by_kind": "kind", "complete_by_split": "split", "complete_by_lang": "lang"}
RETRIEVE_K = 10
_MARKER = re.compile(r"\[\d+\]")


@dataclass(frozen=True)
class Query:
    id: str
    question: str
    answers: tuple[str, ...]
    doc: str | None  # None: unanswerable from these documents
    kind: str = ""
    expect_all: tuple[str, ...] = ()
    expect_any: tuple[str, ...] = ()
    history: tuple[str, ...] = ()  # earlier user questions, oldest first
    lang: str = ""
    split: str = ""


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
            queries.append(_query(json.loads(line), i))
        except (ValueError, KeyError, TypeError) as e:
            raise EvalError(f"{qfile}:{i}: not a query line ({e})") from None
    return EvalSet(root, docs, queries)


def _query(d: dict, line: int) -> Query:
    """One line of queries.jsonl; the fields of issue 13 are optional, so older sets load unchanged."""
    def strings(key: str) -> tuple[str, ...]:
        value = d.get(key) or ()
        if isinstance(value, str) or not all(isinstance(v, str) for v in value):
            raise ValueError(f"{key} must be a list of strings")
        return tuple(value)
    doc = d["doc"] if "doc" in d else ""
    return Query(str(d.get("id", line)), d["question"], strings("answers"), doc, str(d.get("kind") or ""),
                 strings("expect_all"), strings("expect_any"), strings("history"), str(d.get("lang") or ""),
                 str(d.get("split") or ""))


def sample(queries: list[Query], limit: int | None) -> list[Query]:
    """An evenly spread, deterministic subset (sets are grouped by document: the first N would be a few docs)."""
    if not limit or limit >= len(queries):
        return list(queries)
    step = len(queries) / limit
    return [queries[int(i * step)] for i in range(limit)]


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


def asker(assistant, top_k: int, mode: str = "extractive") -> Callable[[str, tuple[str, ...]], object]:
    """ask(question, history) -> Answer. Through AskOptions when Assistant.ask takes them (the one path for
    follow-ups); with an older Assistant.ask, the question is contextualized here the way it would be there."""
    if "options" in inspect.signature(assistant.ask).parameters:
        from .options import AskOptions
        return lambda q, history: assistant.ask(q, AskOptions(top_k=top_k, history=tuple(history), mode=mode))
    from .conversation import contextualize
    return lambda q, history: assistant.ask(contextualize(q, list(history)) if history else q, top_k=top_k)


def cited_docs(assistant, answer) -> set[str]:
    """File names of the documents the answer cites (all names of a document indexed under several)."""
    names: set[str] = set()
    for c in answer.citations:
        rec = assistant.store().document(c.doc_id)
        names |= {os.path.basename(s) for s in (rec.sources if rec else [c.source])}
    return names


def evaluate(folder, config: Config, limit: int | None = None, unanswerable=None,
             progress: Callable[[int, int], None] | None = None, details: list | None = None,
             generate: bool = False) -> dict:
    """The metrics of METRICS, then the tables of BREAKDOWNS, for one eval set (details, when given, receives
    one dict per question). generate=True asks the configured model (rag/eval_generate.py adds its metrics)."""
    if generate and not eg.model_configured():
        raise EvalError("rag eval --generate needs a model: set RAG_LLM_BASE_URL and RAG_LLM_MODEL")
    data = load_set(folder)
    other = sample(load_set(unanswerable).queries, limit) if unanswerable else []
    queries = sample(data.queries, limit)
    assistant, index_seconds = open_index(data.docs, config)
    ask = asker(assistant, max(RETRIEVE_K, config.top_k), "generate" if generate else "extractive")
    total = len(queries) + len(other)
    if queries or other:
        assistant.ask((queries or other)[0].question)  # warm up: model loaded, caches filled
    ranks, hits, chars, abstained, latency, exact = [], [], [], [], [], []
    not_stated, rows = [], []  # abstentions on this set's doc-null questions; one graded row per question
    figures = []  # the model's figures per answer (generate only)
    for i, q in enumerate(queries):
        t0 = time.perf_counter()
        ans = ask(q.question, q.history)
        latency.append((time.perf_counter() - t0) * 1e3)
        figures.append(ans.generation)
        answerable = q.doc is not None
        rank = doc_rank(assistant, ans.passages, q.doc) if answerable else None
        hit = answerable and not ans.abstained and gold_hit(ans.text, q.answers)
        verdict = em.judge(answerable=answerable, abstained=ans.abstained, answer_text=ans.text,
                           cited_gold=answerable and q.doc in cited_docs(assistant, ans), expect_all=q.expect_all,
                           expect_any=q.expect_any, answers=q.answers)
        if answerable:
            ranks.append(rank)
            hits.append(hit)
            abstained.append(ans.abstained)
            if not q.kind or q.kind in em.SHORT_KINDS:
                exact.append(not ans.abstained and em.short_answer_exact(ans.text, q.answers))
            if not ans.abstained:
                chars.append(len(_MARKER.sub("", ans.text)))
        else:
            not_stated.append(ans.abstained)
        rows.append({"id": q.id, "question": q.question, "kind": q.kind, "split": q.split, "lang": q.lang,
                     "history": list(q.history), "doc": q.doc, "rank": rank, "hit": hit, "abstained": ans.abstained,
                     "complete": verdict.complete, "cited": verdict.cited, "missing": list(verdict.missing),
                     "short": em.short_answer(ans.text), "answer": ans.text, "gold": list(q.answers),
                     **({"notice": ans.notice, "flags": [f.to_json() for f in ans.flags]} if generate else {})})
        if progress:
            progress(i + 1, total)
    other_abstained = []
    for j, q in enumerate(other):
        ans = ask(q.question, q.history)
        other_abstained.append(ans.abstained)
        figures.append(ans.generation)
        if progress:
            progress(len(queries) + j + 1, total)
    if details is not None:
        details.extend(rows)
    n = len(ranks)
    share = em.share
    result = {
        "n": len(queries),
        "recall@1": share([r is not None and r <= 1 for r in ranks]),
        "recall@5": share([r is not None and r <= 5 for r in ranks]),
        "recall@10": share([r is not None and r <= 10 for r in ranks]),
        "mrr@10": round(sum(1 / r for r in ranks if r and r <= 10) / n, 4) if n else 0.0,
        "answer_hit": share(hits),
        "answer_chars_median": statistics.median(chars) if chars else 0,
        "abstain_answerable": share(abstained),
        # Right abstentions: this set's doc-null questions and the other set's, together.
        "abstain_unanswerable": share(not_stated + other_abstained) if (not_stated or unanswerable) else None,
        "latency_ms_p50": round(_percentile(latency, 0.5), 1),
        "latency_ms_p95": round(_percentile(latency, 0.95), 1),
        "index_seconds": round(index_seconds, 1),
        "n_unanswerable": len(not_stated),
        "complete": share(r["complete"] for r in rows),
        "short_answer_exact": share(exact),
    }
    result.update({name: em.breakdown(rows, key) for name, key in BREAKDOWNS.items()})
    if generate:
        result.update(eg.metrics(figures))
    return result


def format_table(name: str, result: dict) -> str:
    width = max(len(k) for k in METRICS)
    lines = [f"{'set':{width}}  {name}"]
    for k in METRICS:
        v = result.get(k)
        lines.append(f"{k:{width}}  {'-' if v is None else v}")
    lines += eg.format_lines(result, width)
    for title, key in BREAKDOWNS.items():
        table = em.format_breakdown(key, result.get(title) or {})
        if table:
            lines += ["", table]
    return "\n".join(lines)
