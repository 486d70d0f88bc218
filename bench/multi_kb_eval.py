"""Several knowledge bases asked at once (rag/multi_kb.py): is fusing two halves as good as one index of both?

A bench set's documents are split into two knowledge bases (even and odd files); every question is searched
over both, and its gold document's rank is compared with one index holding all the documents. Three ways of
merging the two result lists are measured:

- rescaled (what rag/multi_kb.py does): by score, each BM25 part re-normalised by the best raw BM25 of both;
- raw: by the scores as each index gave them (BM25 normalised within each index);
- round-robin: first of A, first of B, second of A, …

    python bench/multi_kb_eval.py ../shared/bench/xquad-zh-dev [--limit 300] [--top-k 5] [--work /tmp/mkb]

Indexes are built once under --work with the configured model (the default: the bundled USE model) and reused.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from itertools import zip_longest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rag.assistant import Assistant  # noqa: E402
from rag.config import Config  # noqa: E402
from rag.multi_kb import _search, fuse_results  # noqa: E402


def build(config: Config, folder: Path, files: list[Path]) -> Assistant:
    assistant = Assistant(config.with_(index_dir=folder))
    if not (folder / "manifest.json").exists():
        t0 = time.perf_counter()
        report = assistant.index(files)
        print(f"built {folder.name}: {len(report.added)} documents, {report.chunks} chunks in "
              f"{time.perf_counter() - t0:.0f} s", file=sys.stderr)
    return assistant


def rank_of(gold: str, passages) -> int | None:
    """1-based rank of the first passage from the gold document, None if absent."""
    for i, p in enumerate(passages, 1):
        if os.path.basename(p.source) == gold:
            return i
    return None


def round_robin(found, top_k: int):
    out, seen = [], set()
    for row in zip_longest(*[ps for _, ps in found]):
        for p in row:
            if p is not None and p.chunk.id not in seen:
                seen.add(p.chunk.id)
                out.append(p)
    return out[:top_k]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("set", type=Path)
    ap.add_argument("--limit", type=int, default=0, help="questions (0 = all)")
    ap.add_argument("--top-k", type=int, default=5)
    ap.add_argument("--work", type=Path, default=Path("/tmp/multi_kb_eval"))
    args = ap.parse_args()
    config = Config.from_env()
    files = sorted((args.set / "docs").iterdir())
    work = args.work / args.set.name
    whole = build(config, work / "all", files)
    halves = [build(config, work / "even", files[0::2]), build(config, work / "odd", files[1::2])]
    queries = [json.loads(line) for line in (args.set / "queries.jsonl").read_text(encoding="utf-8").splitlines()
               if line.strip()]
    queries = queries[:args.limit] if args.limit else queries
    ranks: dict[str, list[int | None]] = {"one index": [], "rescaled": [], "raw": [], "round-robin": []}
    k = args.top_k
    t0 = time.perf_counter()
    for q in queries:
        _, ps = _search(whole.store(), whole.embedder, config, q["question"], k)
        ranks["one index"].append(rank_of(q["doc"], ps))
        found = [_search(h.store(), h.embedder, config, q["question"], k) for h in halves]
        ranks["rescaled"].append(rank_of(q["doc"], fuse_results(found, k)[1]))
        raw = sorted((p for _, ps in found for p in ps), key=lambda p: -p.score)[:k]
        ranks["raw"].append(rank_of(q["doc"], raw))
        ranks["round-robin"].append(rank_of(q["doc"], round_robin(found, k)))
    n = len(queries)
    print(f"{args.set.name}: {n} questions, top-k {k}, {time.perf_counter() - t0:.0f} s")
    print(f"| merge | R@1 | R@{k} | MRR@{k} |\n|---|---|---|---|")
    for name, rs in ranks.items():
        r1 = sum(r == 1 for r in rs) / n
        rk = sum(r is not None for r in rs) / n
        mrr = sum(1 / r for r in rs if r) / n
        print(f"| {name} | {r1:.3f} | {rk:.3f} | {mrr:.3f} |")


if __name__ == "__main__":
    main()
