"""List answers: every item of the enumeration the best sentences belong to, one cited line each — a plan's
named section, numbered items of a speech, the orders of the person the question names (shaped.py decides when)."""
from __future__ import annotations

import re

from . import replies, speakers
from .chunk import sentences
from .holders import holder_of, names_for
from .normalize import search_form
from .plans import Cand, Part, Plan, answer_slices
from .sections import scoped_list, section_items
from .shapes import Shape
from .spans import people
from .units import Unit, coverage

LIST_CHARS = 400        # a list gets every item, up to this many characters
RUNNER_UP = 0.8        # a list may come from a sentence scoring at least this share of the best one
HOLDER_RUNNER_UP = 0.15  # ... or this share, when the sentence is said by the person the question names
SHORTLIST_LISTS = 8


def as_list(shape: Shape, question: str, units: list[Unit], cands: list[Cand], get_text, names=()
            ) -> Plan | None:
    """Every item of the enumeration that the best sentences belong to, one cited line each. Lists found from
    several top sentences compete on how much of the question their lead-in and items cover; a list of bare
    headings ('一、关于…') loses to the items under one of them. When the question names whose list it is
    ('严书记对…表了什么态'), a list in that person's own speech may come from a weaker sentence: the best
    one is often someone else's line that names the topic (a secretary introducing the petitioners)."""
    first_of_doc: dict[str, Cand] = {}
    for c in cands[:SHORTLIST_LISTS]:
        first_of_doc.setdefault(c.passage.chunk.doc_id, c)
    for doc, c in list(first_of_doc.items())[:2]:  # a section the question names ('主要任务有哪几个方面')
        named = section_items(question, get_text(doc), LIST_CHARS)
        if named:
            return Plan([Part(c.passage, [it], item=True) for it in named])
    for doc, c in list(first_of_doc.items())[:1]:  # … or names by a topic word ('关于防汛，会议决定了哪几件事')
        scoped = scoped_list(question, units, get_text(doc), LIST_CHARS, shape.count)
        if scoped:
            return Plan([Part(c.passage, [it], item=True) for it in scoped])
    best, best_score, seen, bare = None, 0.0, set(), False
    holder = holder_of(question, True, names)  # '特斯拉公司做了什么' names no one speaking
    # Who opens the question ('鄢北辰给瞿家提了…') is looked for only in numbered items of their speech.
    opener = "" if holder else _opener(question)
    numbered = _numbered_speech(holder or opener, cands, get_text) if holder or opener else []
    pool = cands[:SHORTLIST_LISTS] + numbered
    best_sf = search_form(cands[0].text)
    for i, c in enumerate(pool):
        text = get_text(c.passage.chunk.doc_id)
        start, end = answer_slices(c, get_text)[0]
        own = (bool(holder) and _said_by(text, start, end, holder)) or any(c is n for n in numbered)
        # A heading naming what the best sentence does not ('## 主要措施' under the plan's title) leads to the
        # items of its section, however weakly it scores.
        heading = _heading(text, c) and any(u.found(search_form(c.text)) >= 1 > u.found(best_sf) for u in units)
        if c.score < (HOLDER_RUNNER_UP if own or heading else RUNNER_UP) * cands[0].score:
            continue  # a list around a weak sentence answers some other question
        items = _section(text, c.end) if heading else replies.list_items(text, start, end, LIST_CHARS, shape.count)
        if items and sum(b - a for a, b in items) / len(items) < 16:
            items = _under_heading(units, text, items, shape.count) or items
        if not items or (c.passage.chunk.doc_id, items[0]) in seen:
            continue
        seen.add((c.passage.chunk.doc_id, items[0]))
        lead = text[max(0, items[0][0] - 60):items[0][0]]
        body = search_form(lead + "".join(text[a:b] for a, b in items))
        score = coverage(units, body) + 0.5 * c.score - 0.03 * min(i, len(cands[:SHORTLIST_LISTS]) - 1)
        if sum(b - a for a, b in items) / len(items) < 16:
            score -= 0.2
        if shape.count:  # '哪三条': as many items as asked, or a list of something else
            score += 0.2 if len(items) == shape.count else -0.1
        # Said by the person named, judged by the list's own first item: the sentence that found it may be
        # a line after the speech ('“我叫鄢北辰…”' after '“第三，…”').
        if own or (holder and _said_by(text, *items[0], holder)) or (
                opener and replies.mark(text[slice(*items[0])]) and _said_by(text, *items[0], opener)):
            score += 0.2
        if score > best_score:
            best, best_score = Plan([Part(c.passage, [it], item=True) for it in items]), score
            bare = all(_bare_heading(text[a:b]) for a, b in items)
    # '涉及的是什么问题' may ask for one thing: a document's outline of headings is no answer to it.
    if best and bare and not shape.count and not _PLURAL.search(search_form(question)):
        return None
    return best


def _bare_heading(line: str) -> bool:
    """A numbered line that is a title, not a sentence ('三、关于2024年度…整改工作')."""
    line = line.strip()
    return bool(replies.mark(line)) and len(line) <= 40 and line[-1:] not in "。；;！!？?：:，,”"


_PLURAL = re.compile(r"哪些|哪几|几[个项条点件大方面类种]|都有|分别|有哪|各[有是]|多少[个项条]|\b(what|which)\b")


def _heading(text: str, c: Cand) -> bool:
    """A whole line that names a section: Markdown '#', or short and without a sentence's final mark."""
    line_start, line_end = text.rfind("\n", 0, c.start) + 1, text.find("\n", c.end)
    line = text[line_start:len(text) if line_end < 0 else line_end].strip()
    return line.startswith("#") or (len(line) <= 16 and line[-1:] not in "。！？!?；;，,：:”\"")


def _section(text: str, end: int) -> list[tuple[int, int]]:
    """The lines under a heading up to the next one (each a list item), or, for one paragraph, its sentences."""
    lines, pos = [], text.find("\n", end)
    while 0 <= pos < len(text):
        nxt = text.find("\n", pos + 1)
        a, b = pos + 1, len(text) if nxt < 0 else nxt
        body = text[a:b].strip()
        if body.startswith("#") or (body and len(body) <= 16 and body[-1] not in "。！？!?；;"):
            break
        if body:
            lines.append((a + text[a:b].index(body[0]), a + text[a:b].index(body[0]) + len(body)))
        pos = nxt
        if sum(e - s for s, e in lines) > LIST_CHARS:
            break
    if len(lines) == 1:
        lines = sentences(text, *lines[0])
    return lines if len(lines) >= 2 else []


def _numbered_speech(holder: str, cands: list[Cand], get_text) -> list[Cand]:
    """The first numbered sentence of each of the holder's utterances in the best passage's document ('今天我
    表个态：第一，…'): an English question meets them only through noisy translations, so they may miss the
    shortlist."""
    out, floor = [], HOLDER_RUNNER_UP * cands[0].score
    c = cands[0]
    text = get_text(c.passage.chunk.doc_id)
    for a, _ in sorted({sp for name in names_for(holder, text) for sp in speakers.spoken_by(text, 0, len(text),
                                                                                            name)}):
        # The numbers may open the lines that go on with the speech ('他…说：“老人家…' / '“第一，…').
        said = [(s, e) for la, lb in replies.speech_lines(text, a) for s, e in sentences(text, max(a, la), lb)]
        first = next(((s, e) for s, e in said if replies.mark(text[s:e])), None)
        if first:
            out.append(Cand(floor, 0.0, c.rank, c.passage, first[0], first[1], text[first[0]:first[1]]))
    return out


_GIVES = re.compile(r"(?:给|向|为|跟|在会上|当场|又)?[^，,？?]{0,8}?(?:提|讲|说|布置|部署|交代|强调|要求|安排|表态)")


def _opener(question: str) -> str:
    """'鄢北辰给瞿家提了哪三条解决办法': the person opening the question, who gives the list ('' if none)."""
    sf = search_form(question)
    return next((sf[a:b] for a, b in people(sf) if a == 0 and _GIVES.match(sf[b:])), "")


def _said_by(text: str, start: int, end: int, holder: str) -> bool:
    """True when text[start:end] overlaps a quoted line said by holder (speakers.spoken_by), or lies in a line
    going on with a speech of theirs ('他…说：“老人家…' / '“第一，…')."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", start)
    said = speakers.spoken_by(text, line_start, len(text) if line_end < 0 else line_end, holder)
    if any(a < end and start < b for a, b in said):
        return True
    first = replies.speech_lines(text, start)[0]
    return first[0] < line_start and bool(speakers.spoken_by(text, first[0], first[1], holder))


def _under_heading(units: list[Unit], text: str, headings: list[tuple[int, int]], count: int
                   ) -> list[tuple[int, int]]:
    """A list of bare section headings ('一、工作目标 二、主要任务 …') when the question names one of them
    ('主要任务有哪几个方面'): the items under that heading, or failing those, the sentences of its section."""
    scored = [(coverage(units, search_form(text[a:b])), (a, b)) for a, b in headings]
    cover, (a, b) = max(scored)
    if cover <= 0:
        return []
    items = replies.list_items(text, a, b, LIST_CHARS, count)
    if items and items != headings:
        return items
    nxt = min([h[0] for h in headings if h[0] > a] or [len(text)])
    return [se for se in sentences(text, b, nxt)][:count or 8] if nxt > b else []
