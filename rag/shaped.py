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
from .normalize import search_form
from .outcome import outcome_unstated
from .plans import Cand, Part, Plan, answer_slices
from .sections import scoped_list, section_items
from .shapes import ATTITUDE, LIST, Shape, asks_reply, responder_clause
from .spans import TITLES, is_question, people
from .units import Unit, coverage

LIST_CHARS = 400        # a list gets every item, up to this many characters
OWN_WORDS_CHARS = 400   # an attitude question: the person's own words (an opinion runs long)
RUNNER_UP = 0.8        # a list may come from a sentence scoring at least this share of the best one
HOLDER_RUNNER_UP = 0.15  # ... or this share, when the sentence is said by the person the question names
SHORTLIST_LISTS = 8
REPLY_COVER = 0.3      # an attitude: the question before an utterance asks this share of what is asked …
OTHER_NAME = 12.0      # weight of another person an English question names (as a number or rare word)
REPLY_BONUS = 0.3      # … and the utterance replying to it gains this much


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
    best, best_score, seen = None, 0.0, set()
    holder = _holder(question, True, names)  # '特斯拉公司做了什么' names no one speaking
    pool = cands[:SHORTLIST_LISTS] + (_numbered_speech(holder, cands, get_text) if holder else [])
    best_sf = search_form(cands[0].text)
    for i, c in enumerate(pool):
        text = get_text(c.passage.chunk.doc_id)
        start, end = answer_slices(c, get_text)[0]
        own = bool(holder) and _said_by(text, start, end, holder)
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
        if shape.count and len(items) == shape.count:
            score += 0.2
        if own:
            score += 0.2
        if score > best_score:
            best, best_score = Plan([Part(c.passage, [it], item=True) for it in items]), score
    return best


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
    for a, b in sorted({sp for name in _names_for(holder, text) for sp in speakers.spoken_by(text, 0, len(text),
                                                                                            name)}):
        first = next(((s, e) for s, e in sentences(text, a, b) if replies.mark(text[s:e])), None)
        if first:
            out.append(Cand(floor, 0.0, c.rank, c.passage, first[0], first[1], text[first[0]:first[1]]))
    return out


_SAYING = frozenset("说 说道 说话 表示 认为 回答 问道 讲 谈 谈到 提到 自言 说上".split())
_VIEW = re.compile(r"对|怎么看|如何看|怎样看|觉得|认为|的态度|的看法|的意见|说了什么|怎么说")


def _holder(question: str, named_before_view: bool = False, names: tuple[str, ...] = ()) -> str:
    """Whose view is asked: the person named before 对 / 怎么看 ('严正清对…' → 严正清; '市长对周立新…' → 市长, a
    title resolved in the document by `_names_for`), else (unless named_before_view) the first person the
    question names. An English question names people in pinyin: `names` holds their Chinese, in question
    order ('What did Yan Zhengqing promise…' → 严正清)."""
    if names and not re.search(r"[\u4e00-\u9fff]", question):
        return names[0]
    sf = search_form(question)
    m = _VIEW.search(sf)
    before = sf[:m.start()] if m else ""
    if named_before_view and not before:
        return ""
    names = [before[a:b] for a, b in people(before)]
    if names:
        return names[-1]
    title = next((t for t in TITLES if before.endswith(t)), "")
    if title:  # '市长' alone, or with a surname ('雷书记'); a longer title ('常务副市长') is still the title
        surname = before[-len(title) - 1:-len(title)]
        return surname + title if surname and surname not in "副正常委党省市县区镇乡村局厅部处科" else title
    if len(before) > 1:  # jieba missed the name ('严正清怎么看…', '乘客吕珊珊怎么看…'): the words before
        return before if len(before) <= 4 else before[-3:]  # 对 / 怎么看, a name's length at most
    names = [sf[a:b] for a, b in people(sf)]
    return names[0] if names else ""


def _names_for(holder: str, text: str) -> list[str]:
    """The holder as the text names them: a bare title ('市长') stands for the names it is written with
    ('市长苏文远', '苏市长' → 苏文远 / 苏市长); a name for itself and its surname with a title."""
    sf = search_form(text)
    if holder not in TITLES:  # a name: also its surname with a title ('雷亮' is '雷书记' in most lines), and
        # a surname with a title also the full names of that surname ('雷书记' is '雷亮' in narration)
        titled = holder[1:] in TITLES
        same = {sf[a:b] for a, b in people(sf) if sf[a] == holder[0] and (sf[a + 1:b] in TITLES) != titled
                and b - a <= 4}
        return [holder, *sorted(same)] if len(holder) >= 2 else [holder]
    found = []
    for a, b in people(sf):
        if sf[a:b].endswith(holder) and b - a == len(holder) + 1 or sf[max(0, a - len(holder)):a] == holder:
            found.append(sf[a:b])
    return list(dict.fromkeys(found)) or [holder]


def _said_by(text: str, start: int, end: int, holder: str) -> bool:
    """True when text[start:end] overlaps a quoted line said by holder (speakers.spoken_by)."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", start)
    said = speakers.spoken_by(text, line_start, len(text) if line_end < 0 else line_end, holder)
    return any(a < end and start < b for a, b in said)


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
    holder = responder or _holder(question, names=names)
    if not holder:
        return _utterance(cands[0], get_text) if cands else None
    # What the view is about: not the holder, their title or a verb of saying ('What did Mayor X say about').
    rest = [u for u in units if u.label not in holder and holder not in u.label
            and not any(f in TITLES or f in _SAYING for f in u.forms)] or units
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
        said = sorted({sp for name in _names_for(holder, text) for sp in speakers.spoken_by(text, lo, hi, name)})
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
        return None if responder else _utterance(cands[0], get_text) if cands else None
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
    if shape.kind == LIST:
        return as_list(shape, question, units, cands, get_text, names)
    responder = _responder(question)
    if shape.kind == ATTITUDE or responder:
        return own_words(question, units, cands, get_text, names, responder)
    if shape.factoid:
        return factoid(shape, question, units, cands, get_text, topic)
    return outcome_unstated(question, topic, cands, get_text)  # 'finally, how was it solved?' → only a plan
