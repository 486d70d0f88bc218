"""Citations of paged documents get their page numbers from the page map stored beside the text."""
from __future__ import annotations

from dataclasses import replace

from ..records import Answer
from .model import page_of


def cite_pages(answer: Answer, store) -> Answer:
    """The answer with `page` (and `pages` when a quote runs over a page break) on every citation whose document
    has a page map; stores without page maps (Milvus) and text documents leave citations as they are."""
    read = getattr(store, "document_pages", None)
    if read is None or not answer.citations:
        return answer
    maps: dict[str, dict | None] = {}
    cites = []
    for c in answer.citations:
        if c.doc_id not in maps:
            maps[c.doc_id] = read(c.doc_id)
        pages = page_of(maps[c.doc_id], c.start, c.end)
        cites.append(replace(c, page=pages[0], pages=tuple(pages)) if pages else c)
    return replace(answer, citations=cites)
