"""Sentences and chunks, both as exact (start, end) slices of the original document text."""
from __future__ import annotations

import re

from .records import Chunk, Document

# A sentence ends at 。！？!?；; or an ellipsis, plus any closing quotes/brackets; a line break ends one too.
_END = re.compile(r"(?:[。！？!?；;]+|…+|\.{3,}|(?<=[^\d\s])\.(?=\s|$))[”’」』\"')）】]*|\r\n|\n|\r")
_SOFT = re.compile(r"[，,、：:]")


def sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """(start, end) of each sentence within text[start:end], surrounding whitespace trimmed."""
    end = len(text) if end is None else end
    out: list[tuple[int, int]] = []
    pos = start
    for m in _END.finditer(text, start, end):
        add_trimmed(text, pos, m.end(), out)
        pos = m.end()
    add_trimmed(text, pos, end, out)
    return out


def add_trimmed(text: str, s: int, e: int, out: list[tuple[int, int]]) -> None:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    if e > s:
        out.append((s, e))


def _split_long(text: str, s: int, e: int, limit: int) -> list[tuple[int, int]]:
    """A sentence longer than the limit: cut at the last comma-like mark before it, else hard at the limit."""
    pieces = []
    while e - s > limit:
        cut = None
        for m in _SOFT.finditer(text, s + limit // 2, s + limit):
            cut = m.end()
        cut = cut or s + limit
        pieces.append((s, cut))
        s = cut
    pieces.append((s, e))
    return pieces


def chunk_document(doc: Document, max_chars: int = 360, overlap_chars: int = 80) -> list[Chunk]:
    """Pack whole sentences into chunks of at most max_chars; each chunk repeats the last sentences of the
    previous one (up to overlap_chars) so an answer that spans a boundary is still found in one piece."""
    chunks: list[Chunk] = []
    for span_start, span_end in doc.spans:
        sents: list[tuple[int, int]] = []
        for s, e in sentences(doc.text, span_start, span_end):
            sents.extend(_split_long(doc.text, s, e, max_chars))
        i = 0
        while i < len(sents):
            j = i
            while j + 1 < len(sents) and sents[j + 1][1] - sents[i][0] <= max_chars:
                j += 1
            start, end = sents[i][0], sents[j][1]
            chunks.append(Chunk(id=f"{doc.id}:{len(chunks)}", doc_id=doc.id, text=doc.text[start:end],
                                start=start, end=end))
            if j + 1 >= len(sents):
                break
            # Step back over the last sentences that fit in the overlap, but always move forward.
            k = j + 1
            while k - 1 > i and sents[j][1] - sents[k - 1][0] <= overlap_chars:
                k -= 1
            i = k
    return chunks
