"""Answer plans by question shape: which document slices answer, in what form (shapes.py decides the kind).

Input: the scored candidate sentences (best first) from answer.py. Output: a `Plan` of parts — runs of slices
shown as text, or list items shown one per line — plus an optional lead (the bold short answer, or the
"not stated" note). answer.py turns a plan into text with [n] citations.
"""
from __future__ import annotations

import re

from . import replies, speakers
from .chunk import sentences
from .factoid import factoid
from .holders import SAYING, holder_of, names_for
from .lists import as_list
from .normalize import search_form
from .outcome import outcome_unstated
from .plans import Cand, Part, Plan
from .sections import responsible_units
from .shapes import ATTITUDE, LIST, Shape, asks_reply, responder_clause
from .spans import TITLES, is_question, people
from .units import Unit, coverage

OWN_WORDS_CHARS = 400   # an attitude question: the person's own words (an opinion runs long)
REPLY_COVER = 0.3      # an attitude: the question before an utterance asks this share of what is asked …
OTHER_NAME = 12.0      # weight of another person an English question names (as a number or rare word)
REPLY_BONUS = 0.3      # … and the utterance replying to it gains this much


def _responder(question: str) -> str:
    """The person whose reply is asked for ('…，包长顺是怎么回答的' → 包长顺), '' when none is named (a bureau's
    answer in minutes is reported speech: the reply path of answer.py reads it)."""
    clause = responder_clause(question)
    if not clause or asks_reply(question):  # 'X问…，Y怎么回答': the reply to that question (answer.py)
        return ""
    sf = search_form(question)  # names are told apart in the whole question (jieba needs the context)
    found = [sf[a:b] for a, b in people(sf) if a >= sf.rfind(clause)]
    if found:
        return found[-1]
    if 2 <= len(clause) <= 4 and re.fullmatch(r"[\u4e00-\u9fff]+", clause):
        return clause  # jieba missed the name ('包长顺'); own_words finds nothing if it is not one
    return next((clause[-len(t) - 1:] if len(clause) > len(t) else t for t in TITLES if clause.endswith(t)), "")


def own_words(question: str, units: list[Unit], cands: list[Cand], get_text, names=(), responder: str = ""
              ) -> Plan | None:
    """Quoted lines said by the person the question asks about, best covering the rest of the question. For
    a reply (`responder`), a line of theirs that only asks back is not it."""
    holder = responder or holder_of(question, names=names)
    if not holder:
        return _utterance(cands[0], get_text) if cands else None
    # What the view is about: not the holder, their title or a verb of saying ('What did Mayor X say about').
    rest = [u for u in units if u.label not in holder and holder not in u.label
            and not any(f in TITLES or f in SAYING for f in u.forms)] or units
    rest += [Unit(n, (n,), OTHER_NAME) for n in names if n != holder]  # 'towards Sun Yuntong' → 孙运通
    rest += _named_in_document(question, holder, {u.label for u in rest}, cands, get_text)
    # A reply is to the question the asker put ('问茶叶卖不卖得出去，包长顺…'): the line before it must ask that.
    asked_part = search_form(question)[:search_form(question).rfind(responder_clause(question))] if responder else ""
    put = [u for u in rest if u.found(asked_part) >= 1.0]
    best, best_score = None, float("-inf")  # any utterance of theirs beats a stranger's
    seen = set()
    passages = list({id(c.passage): c for c in cands}.values())
    for c in passages:
        doc = c.passage.chunk.doc_id
        text = get_text(doc)
        lo, hi = max(0, c.passage.chunk.start - 300), min(len(text), c.passage.chunk.end + 300)
        said = sorted({sp for name in names_for(holder, text) for sp in speakers.spoken_by(text, lo, hi, name)})
        for a, b in said:
            if (doc, a) in seen:
                continue
            seen.add((doc, a))
            inside = [o.score for o in cands if o.passage.chunk.doc_id == doc and o.start < b and o.end > a]
            # A reply is read with the question it answers ('会不会有人说您开了口子？' for '怎么看…会被说成
            # 开口子'): the view asked for, even when another speech repeats more of the question's words.
            asked = speakers.question_before(text, a)
            score = coverage(rest, search_form(asked + text[a:b])) + 0.5 * max(inside, default=0.0) - 0.02 * c.rank
            if responder:  # a reply answers the turn before it ('能不能…给他一个机会？' → '谁打招呼都没有用')
                prev = speakers.line_before(text, a)
                score += coverage(rest, search_form(text[slice(*prev)])) if prev else 0.0
                if all(is_question(text[s:e]) for s, e in sentences(text, a, b)):
                    score -= REPLY_BONUS  # asking back is not replying
            if put and asked:
                score += coverage(put, search_form(asked))
            if asked and coverage(rest, search_form(asked)) >= REPLY_COVER:
                score += REPLY_BONUS
            if score > best_score:
                best, best_score = (c.passage, text, a, b), score
    if best is None:  # a reply in reported speech (minutes) is read by answer.py's reply path
        if responder or not cands:
            return None
        return _reported(holder, cands, get_text) or _utterance(cands[0], get_text)
    p, text, a, b = best
    return Plan([Part(p, _budgeted(text, a, b))])


def _named_in_document(question: str, holder: str, labels: set[str], cands: list[Cand], get_text) -> list[Unit]:
    """Whom the view is about ('贺振东对罗家明是什么态度' → 罗家明): the three characters after 对 when the best
    document has them (the question's own words may split a name jieba does not know: 罗家/明是), also by the
    given name speech calls them by ('家明这个同志，我是了解的')."""
    m = re.search(r"对([\u4e00-\u9fff]{3})(?=是|的|有|怎|持|什|如|[，,？?])", search_form(question))
    if not m or not cands or m.group(1) in holder or labels & {m.group(1), m.group(1)[1:]}:
        return []  # a name the question's words already hold weighs once
    name = m.group(1)
    doc = search_form(get_text(cands[0].passage.chunk.doc_id))
    return [Unit(name, (name, name[1:]), OTHER_NAME)] if doc.count(name) >= 2 else []


def _budgeted(text: str, a: int, b: int) -> list[tuple[int, int]]:
    out, used = [], 0
    for s, e in sentences(text, a, b):
        if not re.search(r"\w", text[s:e]):
            continue  # a closing mark alone on its line ('”') is no sentence to cite
        if out and used + e - s > OWN_WORDS_CHARS:
            break
        out.append((s, e))
        used += e - s
    return out


_REPORTS = re.compile(r"^[^，,。]{0,12}?(?:认为|表示|提出|指出|强调|建议|说|坦言|担心|主张)")


def _reported(holder: str, cands: list[Cand], get_text) -> Plan | None:
    """A view in reported speech ('常务副县长卞宏远认为，…方向是对的，但要算清财政账。…他建议先选择…试点。'):
    the sentence where the person named reports it, and the rest of its paragraph (minutes and news go on
    with '他建议…' in the same paragraph)."""
    for c in cands[:4]:
        text = get_text(c.passage.chunk.doc_id)
        sf = search_form(c.text)
        at = min([i for i in (sf.find(n) for n in names_for(holder, text)) if i >= 0] or [-1])
        if at < 0 or not _REPORTS.match(sf[at:]) or any(q in c.text for q in "“「\"") or is_question(c.text):
            continue  # quoted speech is own_words' (and a question asked is no view)
        end = text.find("\n", c.end)
        return Plan([Part(c.passage, _budgeted(text, c.start, len(text) if end < 0 else end))])
    return None


def _utterance(best: Cand, get_text) -> Plan | None:
    """No speaker found by name (an English question names people in pinyin): the whole quoted utterance the
    best sentence belongs to, from its opening quote, since an opinion is rarely one sentence."""
    text = get_text(best.passage.chunk.doc_id)
    line_start = text.rfind("\n", 0, best.start) + 1
    end = text.find("\n", best.end)
    quote = text.rfind("“", line_start, best.end)
    if quote < 0:
        return None
    return Plan([Part(best.passage, _budgeted(text, quote, replies.quote_end(text, quote,
                                                                           len(text) if end < 0 else end)))])


def shaped(shape: Shape, query, cands: list[Cand], get_text, topic: str) -> Plan | None:
    """The plan for this shape (query: retrieve.Query), or None to fall back to the best sentences."""
    question, units = query.text, query.units
    # Pinyin names of an English question (pinyin.py), first named first; places ('… district') left out.
    names = tuple(m.terms[0] for m in sorted(getattr(query, "names", []), key=lambda m: m.start)
                  if m.terms and not m.suffix)
    for c in cands[:2]:  # '鼓励用人单位办托由哪些单位负责' → the item's '（责任单位：…）'
        note = responsible_units(question, get_text(c.passage.chunk.doc_id), c.start)
        if note:
            return Plan([Part(c.passage, [(c.start, c.end), note])])
    if shape.kind == LIST:
        return as_list(shape, question, units, cands, get_text, names)
    responder = _responder(question)
    if shape.kind == ATTITUDE or responder:
        return own_words(question, units, cands, get_text, names, responder)
    if shape.factoid:
        forms = tuple(dict.fromkeys(f for m in getattr(query, "names", []) if not m.suffix
                                    for f in (*m.terms[:1], *m.aliases)))
        return factoid(shape, question, units, cands, get_text, topic, forms)
    return outcome_unstated(question, topic, cands, get_text)  # 'finally, how was it solved?' → only a plan
