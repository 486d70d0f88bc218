"""English questions over Chinese documents (issue 18): `rag eval` metrics by half, with and without each source.

    .venv/bin/python bench/english_eval.py ../shared/bench/xquad-en2zh-dev [--variant pinyin|none] [--lang en]
        [--details FILE]

Halves: an eval set with `split` (bench/genre) uses it (dev / held); one without (xquad) is cut by document
(a stable hash of the gold file name: A / B) or, with --halves id, by question id, so that a rule fitted on
half A is reported on half B. Variants: `none`: the dictionary alone (with the curated phrase table,
english_phrases.py, unless --no-phrases); `pinyin`: + pinyin names; `learned`: + corpus-learned translations;
`proper`: + capitalised words through the corpus's terms ('Warsaw' → 华沙); `all` (default): the shipped code.
--local-idf 0, --no-aliases and --no-titles turn off the candidate-IDF weighting (retrieve.py), the 杜总-style
aliases and the 'Mayor Lin' titled names (pinyin_names.py).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rag import corpus_terms, english_phrases, fuse, pinyin_names, transliterate  # noqa: E402
from rag.config import Config  # noqa: E402
from rag.eval import evaluate  # noqa: E402
from rag.retrieve import Retriever  # noqa: E402

HALVES = "doc"


def half(row: dict) -> str:
    if row.get("split"):
        return row["split"]
    key = (row.get("id") if HALVES == "id" else row.get("doc")) or ""
    return "AB"[hashlib.sha256(key.encode()).digest()[0] % 2]


def summarize(rows: list[dict]) -> dict:
    out = {}
    for name in sorted({half(r) for r in rows}):
        rs = [r for r in rows if half(r) == name]
        answerable = [r for r in rs if r["doc"]]
        out[name] = {"n": len(rs),
                     "recall@1": round(sum(r["rank"] == 1 for r in answerable) / max(1, len(answerable)), 4),
                     "complete": round(sum(r["complete"] for r in rs) / max(1, len(rs)), 4)}
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("folder")
    ap.add_argument("--variant", default="all", choices=["all", "pinyin", "learned", "proper", "none"])
    ap.add_argument("--learned-weight", type=float, default=None, help="fuse.LEARNED_WEIGHT")
    ap.add_argument("--floor", type=float, default=None, help="corpus_terms.FLOOR")
    ap.add_argument("--proper-weight", type=float, default=None, help="fuse.PROPER_WEIGHT")
    ap.add_argument("--name-floor", type=float, default=None, help="corpus_terms.NAME_FLOOR")
    ap.add_argument("--lang", default=None, help="only rows of this language (the genre set has en and zh)")
    ap.add_argument("--name-weight", type=float, default=None, help="fuse.NAME_WEIGHT")
    ap.add_argument("--name-bm25", type=float, default=None, help="fuse.NAME_BM25")
    ap.add_argument("--cover-weight", type=float, default=None, help="fuse.ENGLISH_COVER")
    ap.add_argument("--no-learned-units", action="store_true", help="learned terms not among the answer's units")
    ap.add_argument("--unanswerable", default=None, help="another set's questions, asked against these documents")
    ap.add_argument("--answer-name-scale", type=float, default=None)
    ap.add_argument("--search-name-scale", type=float, default=None, help="names in the coverage that ranks")
    ap.add_argument("--learned-terms", action="store_true", help="learned terms among the BM25 terms")
    ap.add_argument("--no-name-terms", action="store_true", help="names not among the BM25 terms")
    ap.add_argument("--local-idf", type=float, default=None, help="Retriever.local_idf (0: off)")
    ap.add_argument("--no-aliases", action="store_true", help="names not found through 杜总-style aliases")
    ap.add_argument("--no-phrases", action="store_true", help="without the curated phrase table")
    ap.add_argument("--no-titles", action="store_true", help="without 'Mayor Lin' → 蔺市长/蔺守拙 (english_titles.py)")
    ap.add_argument("--halves", default="doc", choices=["doc", "id"],
                    help="cut a set without `split` by a hash of the gold document (default) or of the question id")
    ap.add_argument("--no-foreign", action="store_true", help="without foreign names by sound (transliterate.py)")
    ap.add_argument("--no-foreign-terms", action="store_true", help="foreign names not among the BM25 terms")
    ap.add_argument("--foreign-floor", type=float, default=None, help="transliterate.FLOOR")
    ap.add_argument("--foreign-weight", type=float, default=None, help="fuse.FOREIGN_WEIGHT")
    ap.add_argument("--search-foreign", type=float, default=None, help="Retriever.search_foreign_scale")
    ap.add_argument("--answer-foreign", type=float, default=None, help="Retriever.answer_foreign_scale")
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--details", default=None)
    args = ap.parse_args()
    Retriever.use_names = args.variant in ("all", "pinyin")
    Retriever.use_learned = args.variant in ("all", "learned")
    Retriever.use_proper = args.variant in ("all", "proper")
    if args.proper_weight is not None:
        fuse.PROPER_WEIGHT = args.proper_weight
    if args.name_floor is not None:
        corpus_terms.NAME_FLOOR = args.name_floor
    if args.learned_weight is not None:
        fuse.LEARNED_WEIGHT = args.learned_weight
    if args.floor is not None:
        corpus_terms.FLOOR = args.floor
    if args.name_weight is not None:
        fuse.NAME_WEIGHT = args.name_weight
    Retriever.name_terms = not args.no_name_terms
    Retriever.learned_terms = args.learned_terms
    if args.search_name_scale is not None:
        Retriever.search_name_scale = args.search_name_scale
    if args.answer_name_scale is not None:
        Retriever.answer_name_scale = args.answer_name_scale
    Retriever.learned_units = not args.no_learned_units
    if args.name_bm25 is not None:
        fuse.NAME_BM25 = args.name_bm25
    if args.cover_weight is not None:
        fuse.ENGLISH_COVER = args.cover_weight
    if args.local_idf is not None:
        Retriever.local_idf = args.local_idf
    Retriever.name_aliases = not args.no_aliases
    english_phrases.ENABLED = not args.no_phrases
    pinyin_names.TITLED = not args.no_titles
    Retriever.use_foreign = not args.no_foreign
    Retriever.foreign_terms = not args.no_foreign_terms
    if args.foreign_floor is not None:
        transliterate.FLOOR = args.foreign_floor
    if args.foreign_weight is not None:
        fuse.FOREIGN_WEIGHT = args.foreign_weight
    if args.search_foreign is not None:
        Retriever.search_foreign_scale = args.search_foreign
    if args.answer_foreign is not None:
        Retriever.answer_foreign_scale = args.answer_foreign
    global HALVES
    HALVES = args.halves
    rows: list[dict] = []
    result = evaluate(args.folder, Config.from_env(), limit=args.limit, details=rows, unanswerable=args.unanswerable)
    if args.lang:
        rows = [r for r in rows if r.get("lang") == args.lang]
    if args.details:
        Path(args.details).write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                                      encoding="utf-8")
    print(json.dumps({"variant": args.variant, "recall@1": result["recall@1"], "complete": result["complete"],
                      "abstain_answerable": result["abstain_answerable"],
                      "abstain_unanswerable": result["abstain_unanswerable"],
                      "latency_ms_p50": result["latency_ms_p50"], "halves": summarize(rows)}))


if __name__ == "__main__":
    main()
