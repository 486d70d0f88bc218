"""Copy a local index into another store (Milvus) with its vectors and terms: nothing is re-embedded."""
from __future__ import annotations

from dataclasses import replace

from ..records import Document

COMMIT_CHUNKS = 5000  # commit in batches: an interrupted copy keeps what it committed


def migrate(local, target, progress=None) -> tuple[int, int]:
    """Copy every document of `local` (a LocalStore) missing from `target`; a rerun finishes an interrupted
    copy. Returns (documents copied, chunks copied)."""
    todo = sum(1 for d in local.documents() if target.document(d.id) is None)
    n_docs = n_chunks = pending = 0
    with target.writer() as w:
        for rec, text, chunks, vectors, terms in local.export():
            if target.document(rec.id) is not None:
                continue
            doc = Document(id=rec.id, source=rec.sources[0] if rec.sources else rec.id, text=text, spans=())
            w.add(doc, chunks, vectors, terms, record=replace(rec, sources=list(rec.sources), segment="milvus"))
            n_docs += 1
            n_chunks += len(chunks)
            pending += len(chunks)
            if pending >= COMMIT_CHUNKS:
                w.commit()
                pending = 0
            if progress:
                progress(n_docs, todo)
    return n_docs, n_chunks
