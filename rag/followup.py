"""Which query a follow-up is searched with: its own words, or with the earlier question's key terms carried in.

conversation.contextualize carries the earlier terms into any short question. A short question can still stand
on its own ('老桥限高多少？' after a question about the library): carrying '图书馆 开放' into it searches for a
sentence about both and can end in 'not found'. So when only shortness (no pronoun, no '那…呢') asked for
context, both queries are searched and the question's own is kept when the passages it finds answer it
clearly better (answer.relevance, the score abstention uses). A question that points back is always
completed: its own words alone do not say what it is about.
"""
from __future__ import annotations

import re
from collections.abc import Callable

from .conversation import contextualize, leans_back
from .records import Passage
from .retrieve import Query

# The own query wins when its relevance beats the completed one's by this much: a real follow-up
# ('培训多少人次？' after '…对养老护理员有什么奖励？') finds the earlier topic's passage with both.
OWN_MARGIN = 0.1
_POINTS_BACK = re.compile(r"^(那|那么|那个|还有|另外)|呢[？?]?$")

Search = Callable[[str], tuple[Query, list[Passage]]]


def searcher(retriever, top_k: int | None) -> Search:
    """text → (its query, the passages a Retriever finds for it)."""
    def search(text: str) -> tuple[Query, list[Passage]]:
        query = retriever.query(text)
        return query, retriever.search(query, top_k)
    return search


def resolve(question: str, history, search: Search) -> tuple[str, Query, list[Passage]]:
    """(text searched, its query, its passages) for `question` after the earlier user questions `history`."""
    from .answer import _own_weights, relevance

    text = contextualize(question, list(history)) if history else question
    query, passages = search(text)
    if text == question or leans_back(question) or _POINTS_BACK.search(question.strip()):
        return text, query, passages
    own_query, own_passages = search(question)
    if relevance(_own_weights(own_query), own_passages) >= relevance(_own_weights(query), passages) + OWN_MARGIN:
        return question, own_query, own_passages
    return text, query, passages
