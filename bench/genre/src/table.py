"""Markdown tables from `rag eval --json` outputs: one column per file, then the per-kind rows of the files that
have kinds. Usage: python bench/genre/src/table.py NAME=result.json [NAME=result.json ...]"""
import json
import sys

ROWS = ("n", "recall@1", "answer_hit", "abstain_answerable", "abstain_unanswerable", "complete",
        "short_answer_exact", "answer_chars_median", "latency_ms_p50")


def main(args: list[str]) -> None:
    cols = [(a.split("=", 1)[0], json.load(open(a.split("=", 1)[1], encoding="utf-8"))) for a in args]
    print("| metric | " + " | ".join(name for name, _ in cols) + " |")
    print("|---" * (len(cols) + 1) + "|")
    for key in ROWS:
        print(f"| {key} | " + " | ".join("-" if r.get(key) is None else str(r[key]) for _, r in cols) + " |")
    for table in ("complete_by_kind", "complete_by_split", "complete_by_lang"):
        groups = sorted({g for _, r in cols for g in r.get(table, {})})
        for g in groups:
            cells = [r.get(table, {}).get(g) for _, r in cols]
            print(f"| complete: {g} | " + " | ".join(f"{c['complete']} ({c['n']})" if c else ""
                                                     for c in cells) + " |")


if __name__ == "__main__":
    main(sys.argv[1:])
