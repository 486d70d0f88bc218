"""Answer plans: which document slices answer and in what form. Shared by the shape planners (shaped.py,
factoid.py); answer.py turns a plan into text with [n] citations."""
from __future__ import annotations

from dataclasses import dataclass, field

from . import replies
from .records import Passage
from .spans import is_question

REPLY_CHARS = 220       # the reply to a question found in the text


@dataclass
class Cand:
    score: float
    lex: float
    rank: int
    passage: Passage
    start: int
    end: int
    text: str


@dataclass
class Part:
    passage: Passage
    spans: list[tuple[int, int]]
    item: bool = False  # a list line: one citation each, never merged with its neighbours


@dataclass
class Plan:
    parts: list[Part] = field(default_factory=list)
    lead: str = ""
    abstained: bool = False


def answer_slices(c: Cand, get_text, budget: int = REPLY_CHARS) -> list[tuple[int, int]]:
    """A question sentence answers nothing: what follows it does. Otherwise the sentence itself."""
    if is_question(c.text):
        reply = replies.reply_after(get_text(c.passage.chunk.doc_id), c.start, c.end, budget)
        if reply:
            return reply
    return [(c.start, c.end)]
