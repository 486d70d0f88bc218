"""who / when / how many / where: the short span that answers, or an honest 'not stated'.

The focus of a question is the words beside its question word ('新增了多少名坐席人员' → 新增 | 坐席, 人员): a
sentence holding them speaks of what is asked, and a span of the asked kind in it (spans.py) is the short
answer. When nothing near the best sentence holds such a span, the documents cover the topic but do not state
the thing, and we say so.
"""
from __future__ import annotations

import re

from .chunk import sentences
from .focus import about as _about
from .focus import focus, focus_share, side_share
from .focus import holds as _holds
from .normalize import cjk_ratio, search_form
from .plans import Cand, Part, Plan, answer_slices
from .shapes import HOW_MANY, PRICED, TOPIC, WHEN, WHERE, WHO, Shape, unit_noun
from .spans import LOOSE, best_span, is_question, plain, tied, tightness
from .units import CONTEXT, Unit
from .unstated import (
    ANCHORED,
    UNSET,
    asked_role,
    beside,
    generic_only,
    life_sentences,
    ordinal_clash,
    put_off,
    says_unset,
    stated_near,
    vague_elsewhere,
)

WHOLE = 6               # focus words on each side of a who question's 谁
WHO_MARGIN = 0.15       # a later who sentence must hold this much more of the predicate to win over an earlier one
NEAR_TOPIC = 0.6        # a sentence 'on the topic' covers at least this share of the best sentence's coverage
WHAT = {HOW_MANY: ("具体数字", "the figure"), WHEN: ("具体时间", "the date or time"),
        WHO: ("是谁", "who it is"), WHERE: ("具体地点", "the place")}
# Who and where answers are too varied (a work, a title, an organization) to tell their absence reliably.
NOT_STATED_KINDS = (HOW_MANY, WHEN)


def _span_in(shape: Shape, question: str, near, c: Cand, text: str, get_text):
    """(slices to cite, span) when candidate c answers: its own sentence holds a span of the kind (a question
    in the text may carry the figure: '项目需要一千五百亩，能不能…？'), else the reply after it does. A who
    question also reads the narration of the sentence's line ('蔡星宇介绍，“…”')."""
    options = [[(c.start, c.end)]]
    about = _who_about if _wide(shape, question) != (2, 3) else _about
    reply = answer_slices(c, get_text) if is_question(c.text) else []
    put_off = shape.kind in NOT_STATED_KINDS and UNSET.search(search_form("".join(text[a:b] for a, b in reply)))
    if reply and not put_off:  # '要不要扩建？' → '先把今年汛期扛过去，扩建的事汛后再研究': no date in a put-off
        options.append(reply)
    if shape.kind == WHO and not is_question(c.text):  # who asks a question is not who answers it
        line_start, line_end = text.rfind("\n", 0, c.start) + 1, text.find("\n", c.end)
        outside = [se for se in sentences(text, line_start, len(text) if line_end < 0 else line_end)
                   if se != (c.start, c.end)]
        options += [[(c.start, c.end), se] for se in outside + _attribution(text, line_start, line_end)]
    for slices in options:
        # A reply is about what its question asks ('明天是谁陪你去光桥区任职?' → '李部长说她明天…陪我过去').
        asked = [(c.start, c.end)] if slices is reply else []
        if not any(about(near, search_form(text[s:e])) for s, e in slices + asked):
            continue
        for s, e in slices:
            span = best_span(shape.kind, text[s:e], question, shape.unit, near_words(near),
                             beside(asked_role(question)) if shape.kind == WHO else "")
            if span:
                return sorted(slices), (s + span[0], s + span[1])
    return None


def _wide(shape: Shape, question: str) -> tuple[int, int]:
    """How many focus words a question has on each side of its question word. A who question's predicate is
    all of them: after 谁 ('谁在发布会上介绍了改造资金的来源'), and before it in '…的是谁' ('向江一鸣汇报
    …情况的是谁'); before '的院长是谁' or '由谁建立' stands the subject, of which the nearest words do."""
    sf = search_form(question)
    if shape.kind == WHO and _DOER.search(sf):
        return WHOLE, WHOLE
    return (2, WHOLE) if shape.kind == WHO and _LEADS.search(sf) else (2, 3)


_DOER = re.compile(r"的(?:人)?(?:是|为)(?:谁|哪位|何人|哪一位)")
_LEADS = re.compile(r"(?:^|[，,；;])\s*(?:是|又是|到底是)?(?:谁|哪位)")
WHO_ABOUT = 0.4         # share of a who question's predicate (by weight) a sentence holds to be about it


def _who_about(near, sentence_sf: str) -> bool:
    """A who question's focus is its whole predicate, no word nearest the 谁 counting double: '向江一鸣汇报
    12345坐席人员编制落实情况的是谁' is answered by '…新增50名坐席人员编制…' without 落实 or 情况."""
    return not (near[0] or near[1]) or focus_share(near, sentence_sf) >= WHO_ABOUT


_QUOTE_LINE = re.compile(r"^\s*[“「\"].*[”」\"]\s*$", re.S)
_SAYS_LINE = re.compile(r"^[^“「\"]{1,20}(说|道|回答|回复|答|表示|介绍|汇报)[^“「\"]{0,6}[。:：]?\s*$")


def _attribution(text: str, line_start: int, line_end: int) -> list[tuple[int, int]]:
    """A line that is only a quote is told by the short narration line after it ('“…可全部到岗。”' /
    '刘国亮回复道。') or before it ('刘国亮回复道：'), the web-novel way of marking who speaks."""
    end = len(text) if line_end < 0 else line_end
    if not _QUOTE_LINE.match(text[line_start:end]):
        return []
    out = []
    after = re.match(r"\n\s*([^\n]*)", text[end:end + 80]) if end < len(text) else None
    if after and _SAYS_LINE.match(after.group(1)):
        out.append((end + after.start(1), end + after.end(1)))
    before_end = text.rfind("\n", 0, max(0, line_start - 1))
    prev = text[before_end + 1:line_start].strip() if line_start else ""
    while not prev and before_end > 0:  # blank lines between paragraphs
        line_start, before_end = before_end, text.rfind("\n", 0, before_end - 1)
        prev = text[before_end + 1:line_start].strip()
    if prev and prev[-1] in ":：" and _SAYS_LINE.match(prev):
        start = text.find(prev, before_end + 1)
        out.append((start, start + len(prev)))
    return out


SPECIFIC_VALUE = 9.0    # IDF above which a word naming the asked value ('起步价', '票价'; not '资金') is specific


def value_words(units: list[Unit]) -> list[Unit]:
    """The question's own words that name the asked value itself and are rare enough to find it by, or name a
    sum by what it is ('出价', '利息')."""
    return [u for u in units if (unit_noun(u.label) and u.weight >= SPECIFIC_VALUE) or PRICED.fullmatch(u.label)][:1]


def _focus_sentences(nearest: list[Unit], cands: list[Cand], get_text) -> list[Cand]:
    """Sentences of the candidates' passages (and the lines around them) that hold `nearest` (one unit: the
    focus word nearest the question word, or the word naming the value) but did not make the shortlist
    ('…给院长鲁建国打电话' for '院长是谁')."""
    if not nearest:
        return []
    seen = {(c.passage.chunk.doc_id, c.start) for c in cands}
    out = []
    for c in list({id(c.passage): c for c in cands}.values()):
        text = get_text(c.passage.chunk.doc_id)
        lo = text.rfind("\n", 0, max(0, c.passage.chunk.start - 1)) + 1
        hi = text.find("\n", min(len(text), c.passage.chunk.end + 200))
        for s, e in sentences(text, lo, len(text) if hi < 0 else hi):
            if (c.passage.chunk.doc_id, s) not in seen and _holds(nearest[0], search_form(text[s:e])):
                seen.add((c.passage.chunk.doc_id, s))
                out.append(Cand(c.score * 0.9, c.lex, c.rank, c.passage, s, e, text[s:e]))
    return out


def _name_sentences(names: tuple[str, ...], cands: list[Cand], get_text) -> list[Cand]:
    """Sentences of the candidates' passages holding one of the names ('杜宏远', '杜总'), best passage first."""
    out, seen = [], set()
    for c in list({id(c.passage): c for c in cands}.values()):
        text = get_text(c.passage.chunk.doc_id)
        for s, e in sentences(text, c.passage.chunk.start, c.passage.chunk.end):
            sf = search_form(text[s:e])
            if (c.passage.chunk.doc_id, s) not in seen and any(n in sf for n in names):
                seen.add((c.passage.chunk.doc_id, s))
                out.append(Cand(c.score, c.lex, c.rank, c.passage, s, e, text[s:e]))
    return out


def _on_carried_topic(question: str, sentence_sf: str) -> bool:
    """A follow-up naming only a generic value ('⟦农机 补贴⟧比例是多少？'): the earlier question's sentence
    holds all its words, the answer often only one ('补贴按购机价格的百分之三十执行')."""
    m = TOPIC.search(search_form(question))
    return bool(m) and any(w in sentence_sf for w in m.group(1).split() if len(w) >= 2)


def _title(text: str) -> str:
    head = [line for line in text[:400].split("\n") if line.strip()][:3]  # site line, headline, byline
    return search_form("\n".join(head))


def _titled(near, text: str):
    """The focus words a document's first lines (its title) do not already hold: a report's sentences drop the
    subject its title gives ('票价执行统一票制，起步价2元' under '望海地铁3号线…开通'); others must still be held."""
    title = _title(text)
    return tuple([u for u in side if not _holds(u, title)] for side in near)


def _numbers_held(units: list[Unit], sentence_sf: str, text: str) -> bool:
    """Every number the question names ('2号线') is in the sentence or in the document's first lines."""
    title = _title(text)
    def has(n: str, t: str) -> bool:
        return bool(re.search(rf"(?<![\d.]){n}(?![\d.])", t))
    return all(has(u.forms[0], sentence_sf) or has(u.forms[0], title) for u in units if u.forms[0].isdigit())


def near_words(near) -> list[str]:
    return [u.forms[0] for side in near for u in side]


def factoid(shape: Shape, question: str, units: list[Unit], cands: list[Cand], get_text, topic: str,
            names: tuple[str, ...] = ()) -> Plan | None:
    """who / when / how many / where: the best on-topic sentence holding a span of that kind, the span in bold
    first. None of the on-topic sentences holds one: say it is not stated (and count it as abstaining)."""
    if not cands:
        return None
    top_lex = max(c.lex for c in cands)
    # An English question meets the text only through dictionary translations: too loose to tell which
    # sentence states the asked thing, or that none does from a missing span. It gets the bold span, and
    # 'not stated' only when one of the best sentences (or its reply) says the thing is not set ('尚未确定')
    # and matches the question better than the sentence holding the span.
    english = cjk_ratio(CONTEXT.sub("", question)) < 0.5
    near = ([], []) if english else focus(question, units, _wide(shape, question))
    unset = says_unset(near, cands, get_text, shape.kind) if shape.kind in NOT_STATED_KINDS + (WHO,) else None
    # Who and where also look beyond the shortlist (names and places sit in narration the question's words
    # miss); how-many and when only at sentences naming the asked value by a rare word of its own ('起步价
    # 是多少'), or a figure of a neighbouring fact would answer.
    nearest = (near[1] or near[0])[:1]
    named = value_words(units) if shape.kind in (HOW_MANY, WHEN) else []
    extra = _focus_sentences(nearest if shape.kind in (WHO, WHERE) else named, cands, get_text)
    life = life_sentences(shape, question, cands, get_text)  # their subject is dropped: no focus word needed
    extra += life
    # An English question asking which organization a person runs meets the text only through the name and
    # what the documents call them ('大麦科技的杜总' for Du Hongyuan, `names`): its sentences come first.
    by_name = _name_sentences(names, cands, get_text) if english and shape.unit == "company" else []
    # A who question's whole predicate tells its sentence ('谁在发布会上介绍了改造资金的来源': 资金, 来源 as
    # well as 发布会, 介绍): of the sentences naming a person, the one holding most of it answers.
    whole = near if _wide(shape, question) != (2, 3) and not english else None
    best_who, dates = None, []
    for c in by_name + cands + extra:
        same_doc = c.passage.chunk.doc_id == cands[0].passage.chunk.doc_id
        sf = search_form(c.text)
        # In the best sentence's document, a sentence holding the focus word nearest the question word is
        # about what is asked even when it shares little else with the question ('…给院长鲁建国打电话').
        value = bool(named) and _holds(named[0], sf)
        focused = near[1] or (nearest and _holds(nearest[0], sf)) or value or _on_carried_topic(question, sf)
        if c.lex < NEAR_TOPIC * top_lex and not (focused and same_doc) and c not in by_name:
            continue  # off the topic, unless in the best sentence's document and about the asked words
        text = get_text(c.passage.chunk.doc_id)
        if value and not _numbers_held(units, sf, text) or ordinal_clash(question, sf):
            continue  # '2号线的起步价' is not told by a sentence under a '1号线' headline
        asked = ([], []) if c in life else _titled(near, text) if value else near
        if c in by_name:  # the organization nearest the name answers
            asked = ([Unit(n, (n,), 1.0) for n in names if n in sf], [])
        found = _span_in(shape, question, asked, c, text, get_text)
        if found:
            slices, (s, e) = found
            a0, b0 = next((a, b) for a, b in slices if a <= s < b)
            held, span = search_form(text[a0:b0]), search_form(text[s:e])
            # The sentence saying it is not set matches the question as well (English), or holds more of
            # the asked words than the one with a date ('听证会的时间另行公布' vs '4月16日…召开发布会').
            # (The 'not set' sentence itself may lend a name from its line: that name does not answer either.)
            elsewhere = unset is not c or not c.start <= s < c.end
            if unset and elsewhere and not dates and (unset.lex >= c.lex if english else focus_share(
                    near, search_form(unset.text)) > focus_share(near, held)):
                return _not_stated(shape, topic, cands, get_text, unset)
            if shape.kind == HOW_MANY and vague_elsewhere(near, held, s - a0):
                continue  # '…工程大概要八千六百万元，省里可以补助一部分': the sum asked is left vague
            if shape.kind in NOT_STATED_KINDS and (put_off(near, held, s - a0) or (
                    shape.kind == WHEN and not ANCHORED.search(span) and (
                        UNSET.search(held) or not english and not _about(near, held)))):
                continue  # '先把今年汛期扛过去，扩建的事汛后再研究', '还要等市里批下来，我今天不能…': a date in a
                # put-off answers nothing; nor does '今天' in a sentence about something else
            plan = Plan([Part(c.passage, slices)], lead=f"**{plain(text[s:e]).strip()}**")
            if shape.kind == WHEN and near[1] and not english:
                # A date far from the asked predicate ('去年…已经有9户商户主动拆除了违建') gives way to a later
                # sentence dating the predicate itself ('11月30日前自行拆除') that holds as much of the question.
                gap = tightness([u.forms[0] for u in near[1]], held, (s - a0, e - a0))
                dates.append((gap, side_share(near, held), plan))
                if dates[0][0] > LOOSE and len(dates) < 3:
                    continue
                return tied(dates)
            if whole is None:
                return plan
            share = focus_share(whole, search_form("".join(text[a:b] for a, b in slices)))
            if best_who is None or share > best_who[0] + WHO_MARGIN:
                best_who = (share, plan)
    if best_who:
        return best_who[1]
    if dates:
        return tied(dates)
    if unset:
        return _not_stated(shape, topic, cands, get_text, unset)
    company = shape.unit == "company" and generic_only(question, cands)
    kinds = NOT_STATED_KINDS + ((WHO,) if asked_role(question) or company else ())
    if shape.kind not in kinds or english:
        return None
    # (says_unset ran above: had it found one, we would have returned. A person asked for by a word for a
    # person, or a company named only generically, is also not stated by any 'not set' sentence on the topic.)
    unset = says_unset(near, cands, get_text) if shape.kind == WHO else None
    if unset or not stated_near(shape, question, near, cands, get_text, named):
        return _not_stated(shape, topic, cands, get_text, unset)
    return None


def _not_stated(shape: Shape, topic: str, cands: list[Cand], get_text, unset: Cand | None) -> Plan:
    """'文档提到了…，但没有说明…' with the closest passage cited (`unset`, the one saying it is not set, if any);
    counts as abstaining."""
    zh, en = ("是哪家单位", "which organization") if shape.unit == "company" else WHAT[shape.kind]
    note = f"文档提到了{topic}，但没有说明{zh}。(The documents mention {topic}, but do not state {en}.)"
    best = unset or cands[0]
    return Plan([Part(best.passage, answer_slices(best, get_text))], lead=note, abstained=True)
