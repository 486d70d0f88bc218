"""One question over several knowledge bases at once: each is searched with its own index, the passages are fused
by score into one list, and the answer is composed from that list exactly as for one knowledge base.

Why by score and not round-robin: the fused score (rag/fuse.py) is dense cosine + coverage of the question's
units, which mean the same in every index, plus BM25 normalised by the best BM25 hit *of that index*. That last
part would give an off-topic knowledge base's best weak hit full BM25 weight, so it is re-normalised here by the
best raw BM25 over all the indexes searched (`_rescaled`); round-robin would instead seat that off-topic hit
second whatever its score. Measured on a bench set split into two knowledge bases (bench/multi_kb_eval.py), doc
recall@1 one index / rescaled / raw scores / round-robin: cmrc2018 0.971 / 0.968 / 0.889 / 0.491, xquad-zh
0.954 / 0.951 / 0.894 / 0.487.

`MultiAssistant` has the Assistant methods a question needs (ask, store, document_text, document_count,
check_question, embedder, config), so rag/generate.py and ui/service.py use it unchanged; `KnowledgeBases.assistant`
hands one out when given several names.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace

from . import answer as answering
from .assistant import Assistant, _readable
from .english import with_english_line
from .followup import resolve
from .formats.cite import cite_pages
from .options import AskOptions, QuestionError
from .records import Answer, Passage
from .retrieve import Query, Retriever
from .store import DocRecord, StoreError


class MultiStore:
    """The read side of several stores, looked up by document id (ids are content hashes: any store holding a
    document holds the same text)."""

    def __init__(self, stores: list):
        self.stores = stores

    def _holding(self, doc_id: str):
        for store in self.stores:
            if store.document(doc_id) is not None:
                return store
        return None

    def document(self, doc_id: str) -> DocRecord | None:
        store = self._holding(doc_id)
        return store.document(doc_id) if store else None

    def document_text(self, doc_id: str) -> str:
        store = self._holding(doc_id)
        if store is None:
            raise StoreError(f"no document with id '{doc_id}'")
        return store.document_text(doc_id)

    def document_pages(self, doc_id: str):
        store = self._holding(doc_id)
        read = getattr(store, "document_pages", None)
        return read(doc_id) if read else None

    def document_count(self) -> int:
        return sum(s.document_count() for s in self.stores)

    def documents(self) -> list[DocRecord]:
        return [d for s in self.stores for d in s.documents()]

    def refresh(self) -> None:
        for s in self.stores:
            s.refresh()


class MultiAssistant:
    """Several knowledge bases' Assistants asked as one (they share one embedder)."""

    def __init__(self, names: list[str], assistants: list[Assistant]):
        self.names, self.parts = list(names), list(assistants)
        self.config, self.embedder = assistants[0].config, assistants[0].embedder

    def _indexed(self) -> list[Assistant]:
        """The parts that have an index (a knowledge base created but never uploaded to has none)."""
        out = []
        for a in self.parts:
            try:
                a.store()
            except StoreError:
                continue
            out.append(a)
        return out

    def store(self, create: bool = False) -> MultiStore:
        parts = self._indexed()
        if not parts:
            raise StoreError(f"知识库 {', '.join(self.names)} 都还没有文档 (none of these knowledge bases has "
                             f"documents yet): upload some first")
        return MultiStore([a.store() for a in parts])

    def document_count(self) -> int:
        return sum(a.document_count() for a in self._indexed())

    def documents(self) -> list[DocRecord]:
        return self.store().documents()

    def document_text(self, doc_id: str) -> str:
        return self.store().document_text(doc_id)

    def check_question(self, question: str) -> str:
        return self.parts[0].check_question(question)

    def ask(self, question: str, options: AskOptions | None = None, *,
            should_stop: Callable[[], bool] | None = None) -> Answer:
        """Assistant.ask over every part: each searched with its own index, the passages fused by score."""
        options = options or AskOptions()
        q = self.check_question(question)
        if options.mode == "generate":  # retrieval here, then the model (rag/generate.py calls ask again)
            from .generate import generate
            return generate(self, q, options, should_stop)
        t0 = time.perf_counter()
        store = self.store()
        query_text, query, passages = resolve(q, options.history, lambda text: fuse_results(
            [_search(s, self.embedder, self.config, text, options.top_k) for s in store.stores],
            options.top_k or self.config.top_k))
        if should_stop and should_stop():
            raise QuestionError("the question was cancelled")
        config = self.config
        if options.answer_limits:
            sentences, chars = options.answer_limits
            config = config.with_(answer_sentences=sentences, answer_chars=chars)
        passages, get_text = _readable(passages, store)
        result = cite_pages(answering.compose(query, passages, self.embedder, config, get_text), store)
        result = with_english_line(result, query)
        result.timings_ms["total"] = (time.perf_counter() - t0) * 1e3
        return replace(result, question=q, search_query=query_text if query_text != q else None)


def _search(store, embedder, config, text: str, top_k: int | None) -> tuple[Query, list[Passage]]:
    retriever = Retriever(store, embedder, config)
    query = retriever.query(text)
    return query, retriever.search(query, top_k)


def fuse_results(found: list[tuple[Query, list[Passage]]], top_k: int) -> tuple[Query, list[Passage]]:
    """The best `top_k` passages of all the searches by their rescaled score, each chunk once, and the query of
    the search that gave the best one (its units and names are what the answer is composed with)."""
    ranked: list[tuple[float, int, Passage]] = []
    for i, p in _rescaled(found):
        ranked.append((p.score, i, p))
    ranked.sort(key=lambda t: -t[0])
    seen, passages = set(), []
    for _, _, p in ranked:
        if p.chunk.id not in seen:
            seen.add(p.chunk.id)
            passages.append(p)
    best = ranked[0][1] if ranked else 0
    return found[best][0], passages[:top_k]


def _rescaled(found: list[tuple[Query, list[Passage]]]) -> list[tuple[int, Passage]]:
    """Each passage with its BM25 part re-normalised by the best raw BM25 over all searches instead of its own
    index's best; an index with no BM25 hit keeps its scores."""
    overall = max((p.bm25 for _, ps in found for p in ps), default=0.0)
    out = []
    for i, (query, passages) in enumerate(found):
        own = max((p.bm25 for p in passages), default=0.0)
        if own <= 0 or overall <= own:
            out.extend((i, p) for p in passages)
            continue
        # score = rest + w·bm25/own  →  rest + w·bm25/overall
        w = _bm25_weight(query, passages)
        out.extend((i, replace(p, score=p.score - w * p.bm25 * (1 / own - 1 / overall))) for p in passages)
    return out


def _bm25_weight(query: Query, passages: list[Passage]) -> float:
    """The BM25 weight rag/fuse.py gave this search. Its share of matched terms is taken over the kept passages
    (the search counted all its candidates): it only moves an English question's small BM25 weight (0.02-0.08);
    a Chinese question's is 0.6 whatever the share."""
    from .fuse import weights_for
    terms = set(query.terms)
    matched = {t for p in passages for t in p.matched}
    share = len(matched & terms) / len(terms) if terms else 0.0
    return weights_for(query.cjk, share, bool(query.names), any(t for _, t in query.learned)).bm25
