"""Write bench/genre/queries.jsonl and bench/genre-seeds/queries.jsonl from the question lists in
questions_genre.py and questions_seeds.py, checking every expected phrase against its document.

Phrases may be written in simplified Chinese: each is located in the folded document (rag.normalize.search_form,
NFKC + traditional → simplified + lower case, length-preserving) and replaced by the document's own slice, so
the stored phrase is an exact substring of the document in its own script. A phrase that is not in its
document stops the build. Run from the repo root: .venv/bin/python bench/genre/src/build.py
"""
from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

from rag.normalize import search_form

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))

MISSING: list[str] = []
KINDS = ("list", "who", "when", "number", "where", "why_how", "attitude", "yes_no", "dialogue", "followup",
         "unanswerable")


def exact(phrase: str, doc_text: str, folded_doc: str) -> str:
    i = folded_doc.find(search_form(phrase))
    if i < 0:
        MISSING.append(phrase)
        return phrase
    return doc_text[i:i + len(phrase)]


def build(root: Path, rows: list[dict], prefix: str) -> None:
    docs = {p.name: p.read_text(encoding="utf-8") for p in (root / "docs").glob("*.txt")}
    folded = {name: search_form(t) for name, t in docs.items()}
    assert all(len(folded[n]) == len(docs[n]) for n in docs), "search_form changed a length"
    out, counts = [], Counter()
    for i, r in enumerate(rows, 1):
        kind, doc = r["kind"], r["doc"]
        assert kind in KINDS, kind
        if kind == "unanswerable":
            gold = None
            answers, expect_all, expect_any = [], [], []
        else:
            gold = doc
            text, fold = docs[doc], folded[doc]
            # Gold answers double as expect_all unless alternatives (expect_any) are given instead.
            expect_all = [exact(p, text, fold) for p in r.get("all") or ([] if r.get("any") else r.get("ans")) or []]
            expect_any = [exact(p, text, fold) for p in r.get("any", [])]
            answers = [exact(p, text, fold) for p in r.get("ans") or r.get("all") or []]
        if kind == "unanswerable":
            # The topic the question is about must be in that document; the asked figure must not.
            for p in r.get("topic", []):
                exact(p, docs[doc], folded[doc])
        out.append({"id": f"{prefix}-{i:03d}", "question": r["q"], "answers": answers, "doc": gold, "kind": kind,
                    "expect_all": expect_all, "expect_any": expect_any, "history": r.get("history", []),
                    "lang": r.get("lang", "zh"), "split": r["split"], "about": doc})
        counts[(kind, r.get("lang", "zh"), r["split"])] += 1
    with open(root / "queries.jsonl", "w", encoding="utf-8") as f:
        for o in out:
            f.write(json.dumps(o, ensure_ascii=False) + "\n")
    print(root, len(out), *(dict(sorted(_sum(counts, j).items())) for j in range(3)))


def _sum(counts: Counter, j: int) -> Counter:
    c: Counter = Counter()
    for k, v in counts.items():
        c[k[j]] += v
    return c


def main() -> None:
    import questions_genre
    import questions_seeds
    bench = HERE.parent.parent
    build(bench / "genre", questions_genre.rows(), "genre")
    build(bench / "genre-seeds", questions_seeds.rows(), "seeds")
    if MISSING:
        raise SystemExit(f"not in their documents: {MISSING}")


if __name__ == "__main__":
    main()
