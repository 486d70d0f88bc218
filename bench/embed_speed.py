"""Embedding throughput of the default model through sentence-transformers, and what loading it costs.

    python bench/embed_speed.py [--n 600] [--chars 300]

Texts are real Chinese paragraphs from ../shared/bench/*/docs cut to --chars characters.
"""
from __future__ import annotations

import argparse
import glob
import json
import os
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=600)
    ap.add_argument("--chars", type=int, default=300)
    ap.add_argument("--model", default=None)
    args = ap.parse_args()
    files = sorted(glob.glob(str(ROOT.parent / "shared" / "bench" / "*" / "docs" / "*.txt")))
    texts = [t for t in (open(f, encoding="utf-8").read()[:args.chars] for f in files) if len(t) >= args.chars * 0.8]
    texts = (texts * (args.n // max(len(texts), 1) + 1))[:args.n]
    t0 = time.perf_counter()
    import sentence_transformers  # noqa: F401  (what every model goes through)
    t1 = time.perf_counter()
    from rag.config import DEFAULT_MODEL
    from rag.embed import Embedder
    e = Embedder(args.model or DEFAULT_MODEL).load()
    t2 = time.perf_counter()
    e.encode(texts[:16])  # warm
    t3 = time.perf_counter()
    vectors = e.encode(texts)
    t4 = time.perf_counter()
    print(json.dumps({
        "model": e.name, "texts": len(texts), "chars_each": args.chars, "cpus": os.cpu_count(),
        "load_average": os.getloadavg()[0], "import_sentence_transformers_s": round(t1 - t0, 2),
        "load_model_s": round(t2 - t1, 2), "chunks_per_s": round(len(texts) / (t4 - t3), 1),
        "chars_per_s": round(len(texts) * args.chars / (t4 - t3)), "dim": int(vectors.shape[1]),
    }, indent=1))


if __name__ == "__main__":
    main()
