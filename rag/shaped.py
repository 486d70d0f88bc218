"""Answer plans by question shape: which document slices answer, in what form (shapes.py decides the kind).

Input: the scored candidate sentences (best first) from answer.py. Output: a `Plan` of parts — runs of slices
shown as text, or list items shown one per line — plus an optional lead (the bold short answer, or the
"not stated" note). answer.py turns a plan into text with [n] citations.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import replies
from .normalize import search_form
from .records import Passage
from .shapes import ATTITUDE, HOW_MANY, LIST, WHEN, WHERE, WHO, Shape
from .spans import best_span, is_question, people
from .units import Unit, coverage

LIST_CHARS = 400        # a list gets every item, up to this many characters
REPLY_CHARS = 220       # the reply to a question found in the text
OWN_WORDS_CHARS = 260   # an attitude question: the person's own words
NEAR_TOPIC = 0.6        # a sentence 'on the topic' covers at least this share of the best sentence's coverage
WHAT = {HOW_MANY: ("具体数字", "the figure"), WHEN: ("具体时间", "the date or time"),
        WHO: ("是谁", "who it is"), WHERE: ("具体地点", "the place")}
NOT_STATED_KINDS = (HOW_MANY, WHEN, WHO)  # 'where' spans are too loose to tell absence reliably


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


def as_list(shape: Shape, cands: list[Cand], get_text) -> Plan | None:
    """Every item of the enumeration that the best sentences belong to, one cited line each."""
    for c in cands[:3]:
        text = get_text(c.passage.chunk.doc_id)
        start, end = answer_slices(c, get_text)[0]
        items = replies.list_items(text, start, end, LIST_CHARS, shape.count)
        if items:
            return Plan([Part(c.passage, [it], item=True) for it in items])
    return None


def own_words(question: str, units: list[Unit], cands: list[Cand], get_text) -> Plan | None:
    """Quoted lines said by the person the question asks about, best covering the rest of the question."""
    sf = search_form(question)
    names = [sf[a:b] for a, b in people(sf)]
    if not names:
        cut = sf.find("对")  # '雷书记对孙运通是什么态度': the holder stands before 对
        names = [sf[max(0, cut - 4):cut]] if cut > 1 else []
    if not names:
        return None
    holder = names[0]
    rest = [u for u in units if u.label not in holder and holder not in u.label] or units
    best, best_score = None, 0.0
    seen = set()
    for c in cands[:6]:
        doc = c.passage.chunk.doc_id
        text = get_text(doc)
        lo, hi = max(0, c.passage.chunk.start - 300), min(len(text), c.passage.chunk.end + 300)
        for a, b in replies.spoken_by(text, lo, hi, holder):
            if (doc, a) in seen:
                continue
            seen.add((doc, a))
            score = coverage(rest, search_form(text[a:b])) - 0.02 * c.rank
            if score > best_score:
                best, best_score = (c.passage, text, a, b), score
    if best is None:
        return None
    p, text, a, b = best
    from .chunk import sentences
    out, used = [], 0
    for s, e in sentences(text, a, b):
        if out and used + e - s > OWN_WORDS_CHARS:
            break
        out.append((s, e))
        used += e - s
    return Plan([Part(p, out)])


_ASKING = re.compile(r"多少|几|什么时候|何时|哪一?年|哪一?天|什么时间|谁|哪位|何人|什么人|哪里|哪儿|何处|何地|"
                     r"什么地方|哪个|在哪|how|when|who|where")


def focus(question: str, units: list[Unit]) -> list[Unit]:
    """The units next to the question word, two on each side within its clause: what the figure, date or person
    is of ('新增了多少名坐席人员' → 新增, 坐席, 人员). A sentence holding none of them answers something else."""
    sf = search_form(question)
    m = _ASKING.search(sf)
    if not m:
        return []
    clause_start = max(sf.rfind(ch, 0, m.start()) for ch in "，,；;。") + 1
    clause_end = min([i for i in (sf.find(ch, m.end()) for ch in "，,；;。？?") if i >= 0] or [len(sf)])
    placed = sorted((sf.find(u.forms[0]), u) for u in units if sf.find(u.forms[0]) >= 0)
    before = [u for pos, u in placed if clause_start <= pos < m.start()][-2:]
    after = [u for pos, u in placed if m.end() <= pos < clause_end][:2]
    return before + after


def _about(units: list[Unit], sentence_sf: str) -> bool:
    """A sentence speaks of the focus when it holds a focus word, or shares a character with one (documents
    paraphrase: 出生 / 生于)."""
    return not units or any(u.found(sentence_sf) > 0 or any(ch in sentence_sf for ch in u.forms[0] if
                                                            len(u.forms[0]) > 1) for u in units)


def factoid(shape: Shape, question: str, units: list[Unit], cands: list[Cand], get_text, topic: str
            ) -> Plan | None:
    """who / when / how many / where: the best on-topic sentence holding a span of that kind, the span in bold
    first. None of the on-topic sentences holds one: say it is not stated (and count it as abstaining)."""
    if not cands:
        return None
    top_lex = max(c.lex for c in cands)
    near = focus(question, units)
    for c in cands:
        if c.lex < NEAR_TOPIC * top_lex:
            continue
        text = get_text(c.passage.chunk.doc_id)
        if not any(_about(near, search_form(text[s:e])) for s, e in answer_slices(c, get_text)):
            continue
        for s, e in answer_slices(c, get_text):
            span = best_span(shape.kind, text[s:e], question, shape.unit)
            if span:
                short = text[s + span[0]:s + span[1]]
                return Plan([Part(c.passage, answer_slices(c, get_text))], lead=f"**{short}**")
    if shape.kind not in NOT_STATED_KINDS:
        return None
    best = cands[0]
    if is_question(best.text) and _about(near, search_form(best.text)):
        # The document asks this very question and answers it in words ('额度不会太高'): that reply is the answer.
        reply = answer_slices(best, get_text)
        if reply[0] != (best.start, best.end):
            return Plan([Part(best.passage, [(best.start, best.end)]), Part(best.passage, reply)])
    zh, en = WHAT[shape.kind]
    note = f"文档提到了{topic}，但没有说明{zh}。(The documents mention {topic}, but do not state {en}.)"
    return Plan([Part(best.passage, answer_slices(best, get_text))], lead=note, abstained=True)


def shaped(shape: Shape, question: str, units: list[Unit], cands: list[Cand], get_text, topic: str
           ) -> Plan | None:
    """The plan for this shape, or None to fall back to the best sentences."""
    if shape.kind == LIST:
        return as_list(shape, cands, get_text)
    if shape.kind == ATTITUDE:
        return own_words(question, units, cands, get_text)
    if shape.factoid:
        return factoid(shape, question, units, cands, get_text, topic)
    return None
