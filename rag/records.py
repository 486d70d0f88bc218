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
    # For documents with pages (PDF, scans): the page the quote starts on, and every page it touches.
    page: int | None = None
    pages: tuple[int, ...] = ()

    def to_json(self) -> dict:
        d = {"n": self.n, "doc_id": self.doc_id, "source": self.source, "start": self.start, "end": self.end,
             "quote": self.quote, "score": round(self.score, 4)}
        if self.page is not None:
            d["page"] = self.page
            if len(self.pages) > 1:
                d["pages"] = list(self.pages)
        return d


@dataclass(frozen=True)
class Flag:
    """A generated sentence that its cited passages do not support (rag/verify.py): shown marked or removed."""
    sentence: str
    reasons: tuple[str, ...]
    detail: str = ""
    cited: tuple[int, ...] = ()  # the passage numbers the model gave it

    def to_json(self) -> dict:
        return {"sentence": self.sentence, "reasons": list(self.reasons), "detail": self.detail,
                "cited": list(self.cited)}


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
    # Generated answers (rag/generate.py): what the text is ("generate" or "extractive"), the sentences flagged,
    # a one-line notice (a fallback, the model not asked) and the model's figures (tokens, sentences verified).
    mode: str = "extractive"
    flags: tuple[Flag, ...] = ()
    notice: str | None = None
    generation: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        d = {
            "question": self.question,
            "answer": self.text,
            "abstained": self.abstained,
            "citations": [c.to_json() for c in self.citations],
            "passages": [
                {"doc_id": p.chunk.doc_id, "source": p.source, "start": p.chunk.start, "end": p.chunk.end,
                 "text": p.chunk.text, "score": round(p.score, 4)}
                for p in self.passages
            ],
            "timings_ms": {k: round(v, 2) for k, v in self.timings_ms.items()},
        }
        if self.search_query and self.search_query != self.question:
            d["search_query"] = self.search_query
        if self.mode != "extractive" or self.notice or self.generation:  # only when generation was asked for
            d.update(mode=self.mode, flags=[f.to_json() for f in self.flags], notice=self.notice,
                     generation=dict(self.generation))
        return d


@dataclass(frozen=True)
class Failure:
    """A file that was not indexed and why; str() is the one-line message users see."""
    source: str
    reason: str

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}"

    @classmethod
    def from_message(cls, message: str, source: str | None = None) -> Failure:
        """From an ingest message "<source>: <reason>" (the form every ingest error takes)."""
        if source is not None and message.startswith(source + ": "):
            return cls(source, message[len(source) + 2:])
        head, sep, tail = message.partition(": ")
        return cls(head, tail) if sep else cls(source or "", message)


@dataclass
class IndexReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    failed: list[Failure] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # indexed, but something was off (truncated, mixed)
    chunks: int = 0
    seconds: float = 0.0

    @property
    def indexed(self) -> list[str]:
        """The sources this run leaves in the index: new, updated, unchanged, or the duplicate of another."""
        return self.added + self.updated + self.unchanged + self.duplicates
