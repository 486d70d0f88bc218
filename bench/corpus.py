"""The measured corpora and questions: real documents from ../shared/bench and seeds/, grown to a chunk count.

Imports only the standard library at load time: bench/baseline.py runs in a virtualenv without rag and
takes its questions from here, so both sides ask the same ones by construction.
"""
from __future__ import annotations

import hashlib
import json
import random
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
RESULTS = ROOT / "bench" / "results"
CORPUS_SETS = ["cmrc2018-dev", "xquad-zh-dev"]  # xquad-en2zh has the same documents as xquad-zh
QUERY_SETS = ["cmrc2018-dev", "xquad-zh-dev", "xquad-en2zh-dev"]
CHUNK_CHARS, CHUNK_OVERLAP = 360, 80  # the defaults of Config: chunk counts estimated here match the index


def real_documents() -> list[tuple[str, str]]:
    """(name, text) of every distinct real document, in a fixed order."""
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
    shuffled, a numbered heading) until the count is reached. Returns what was made (cached in corpus.json)."""
    from rag.chunk import chunk_document, sentences
    from rag.records import Document
    info_path = folder / "corpus.json"
    if info_path.exists():
        return json.loads(info_path.read_text())
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    docs = real_documents()
    per_doc = [len(chunk_document(Document(str(i), n, t, ((0, len(t)),), {}), CHUNK_CHARS, CHUNK_OVERLAP))
               for i, (n, t) in enumerate(docs)]
    chunks = files = variants = chars = 0
    rng = random.Random(0)
    round_ = 0
    while chunks < n_chunks:
        for (name, text), k in zip(docs, per_doc, strict=True):
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
    """`limit` questions, an even shuffled mix of the three query sets (the same list on every call)."""
    qs = []
    for s in QUERY_SETS:
        lines = (SHARED / "bench" / s / "queries.jsonl").read_text(encoding="utf-8").splitlines()
        qs.append([json.loads(x)["question"] for x in lines])
    rng = random.Random(1)
    out = []
    for group in qs:
        rng.shuffle(group)
        out.extend(group[:limit // len(qs) + 1])
    rng.shuffle(out)
    return out[:limit]
