"""Plain records passed between the stages (ingest → chunk → index → retrieve → answer)."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Document:
    """A decoded file. `text` is the original (display and citations); `spans` are the parts worth indexing
    (site boilerplate left out), as (start, end) offsets into `text`."""
    id: str
    source: str
    text: str
    spans: tuple[tuple[int, int], ...]
    meta: dict = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Chunk:
    """A passage; invariant: document.text[start:end] == text."""
    id: str
    doc_id: str
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk with its scores."""
    chunk: Chunk
    source: str
    score: float
    dense: float = 0.0
    bm25: float = 0.0
    matched: tuple[str, ...] = ()


@dataclass(frozen=True)
class Citation:
    n: int
    doc_id: str
    chunk_id: str
    source: str
    start: int
    end: int
    quote: str
    score: float


@dataclass(frozen=True)
class Answer:
    question: str
    text: str
    citations: list[Citation]
    abstained: bool
    passages: list[Passage]
    timings_ms: dict[str, float] = field(default_factory=dict)
    # What was searched when it differs from the question (a follow-up with terms carried from history).
    search_query: str | None = None

    def to_json(self) -> dict:
        d = {
            "question": self.question,
            "answer": self.text,
            "abstained": self.abstained,
            "citations": [
                {"n": c.n, "doc_id": c.doc_id, "source": c.source, "start": c.start, "end": c.end,
                 "quote": c.quote, "score": round(c.score, 4)}
                for c in self.citations
            ],
            "passages": [
                {"doc_id": p.chunk.doc_id, "source": p.source, "start": p.chunk.start, "end": p.chunk.end,
                 "text": p.chunk.text, "score": round(p.score, 4)}
                for p in self.passages
            ],
            "timings_ms": {k: round(v, 2) for k, v in self.timings_ms.items()},
        }
        if self.search_query and self.search_query != self.question:
            d["search_query"] = self.search_query
        return d
