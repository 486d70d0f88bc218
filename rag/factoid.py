"""who / when / how many / where: the short span that answers, or an honest 'not stated'.

The focus of a question is the words beside its question word ('新增了多少名坐席人员' → 新增 | 坐席, 人员): a
sentence holding them speaks of what is asked, and a span of the asked kind in it (spans.py) is the short
answer. When nothing near the best sentence holds such a span, the documents cover the topic but do not state
the thing, and we say so.
"""
from __future__ import annotations

import re

from .chunk import sentences
from .normalize import cjk_ratio, search_form
from .plans import Cand, Part, Plan, answer_slices
from .shapes import HOW_MANY, TOPIC, WHEN, WHERE, WHO, Shape, blank_carried, unit_noun
from .spans import best_span, find_spans, is_question, near_word, people, plain
from .tokenize import known_idf
from .units import CONTEXT, Unit

RUNNER_UP = 0.8         # a close runner-up scores at least this share of the best sentence
NEAR_TOPIC = 0.6        # a sentence 'on the topic' covers at least this share of the best sentence's coverage
WHAT = {HOW_MANY: ("具体数字", "the figure"), WHEN: ("具体时间", "the date or time"),
        WHO: ("是谁", "who it is"), WHERE: ("具体地点", "the place")}
# Who and where answers are too varied (a work, a title, an organization) to tell their absence reliably.
NOT_STATED_KINDS = (HOW_MANY, WHEN)


_ASKING = re.compile(r"多少|几|什么时候|何时|哪一?年|哪一?天|什么时间|谁|哪位|何人|什么人|哪里|哪儿|何处|何地|"
                     r"什么地方|叫什么|在哪|哪|为什么|什么|怎么|如何|how|when|who|where")


# Nouns that name the asked value itself, not what it is of ('比例是多少', '营业时间调整为几点'): never focus.
_MEASURES = frozenset("比例 比重 数量 数字 金额 总额 价格 费用 面积 长度 规模 人数 时间 日期 年份 名字 姓名 地点 位置 "
                      "之前 以前 之后 以后 左右 大概 大约 具体 现在 目前 当时 最后 一共 总共 全部 如今 今年 "
                      "每年".split())
MEASURES = _MEASURES


def focus(question: str, units: list[Unit]) -> tuple[list[Unit], list[Unit]]:
    """The units next to the question word, nearest first, within its clause: what the figure, date or person
    is of ('新增了多少名坐席人员' → 新增 | 坐席, 人员). A sentence holding none of them answers something else.
    Words carried from earlier turns (〔…〕) are topic, not focus."""
    sf = blank_carried(search_form(question))
    m = _ASKING.search(sf)
    if not m:
        return [], []
    clause_start = max(sf.rfind(ch, 0, m.start()) for ch in "，,；;。") + 1
    clause_end = min([i for i in (sf.find(ch, m.end()) for ch in "，,；;。？?") if i >= 0] or [len(sf)])
    placed = sorted(((sf.find(u.forms[0]), u) for u in units
                     if sf.find(u.forms[0]) >= 0 and u.label not in _MEASURES and _word(u.forms[0])
                     and not unit_noun(u.label)),
                    key=lambda pu: pu[0])
    before = [u for pos, u in placed if clause_start <= pos < m.start()][::-1][:2]
    after = [u for pos, u in placed if m.end() <= pos < clause_end][:3]
    return before, after


def _word(w: str) -> bool:
    """A focus candidate: two characters or more, and a two-character one must be a dictionary word (jieba's
    HMM glues question scraps like '名涉' from '多少名涉黑')."""
    return len(w) >= 3 or (len(w) == 2 and known_idf(w) is not None)


def _holds(u: Unit, sentence_sf: str) -> bool:
    """A focus word counts when it occurs; a long one also when all but one of its characters do."""
    if u.found(sentence_sf) >= 0.99:
        return True
    word = u.forms[0]
    return len(word) >= 3 and sum(ch in sentence_sf for ch in set(word)) >= len(set(word)) - 1


def focus_share(near: tuple[list[Unit], list[Unit]], sentence_sf: str) -> float:
    """0..1: the weighted share of the focus words a sentence holds."""
    side = near[0] + near[1]
    total = sum(u.weight for u in side)
    return sum(u.weight for u in side if _holds(u, sentence_sf)) / total if total else 0.0


_PRONOUN = re.compile(r"^[^，,。]{0,4}?(他|她|它|其|该|此|这)")


def _about(near: tuple[list[Unit], list[Unit]], sentence_sf: str) -> bool:
    """A sentence speaks of what is asked when it holds at least half of the focus words' weight after the
    question word, the nearest counting double ('华澜新能源什么时候和嘉平正式签约': a sentence on last
    year's revenue holds no 嘉平). With nothing after it ('望海地铁3号线的起步价是多少'), the words before it
    count instead (a sentence with 3号线 but no 起步价 is about something else), unless the sentence opens
    with a pronoun standing in for them ('她是2008年度…'). The subject before the question word is often
    dropped in the answer ('1995年加入香港电影评论学会'), so it is not required when the words after hold."""
    before, after = near
    side = after or before
    if not side or (not after and _PRONOUN.match(sentence_sf)):
        return True
    weights = [u.weight * (2 if i == 0 else 1) for i, u in enumerate(side)]
    held = sum(w for u, w in zip(side, weights, strict=True) if _holds(u, sentence_sf))
    return held >= 0.5 * sum(weights)


def _span_in(shape: Shape, question: str, near, c: Cand, text: str, get_text):
    """(slices to cite, span) when candidate c answers: its own sentence holds a span of the kind (a question
    in the text may carry the figure: '项目需要一千五百亩，能不能…？'), else the reply after it does. A who
    question also reads the narration of the sentence's line ('蔡星宇介绍，“…”')."""
    options = [[(c.start, c.end)]]
    if is_question(c.text):
        options.append(answer_slices(c, get_text))
    if shape.kind == WHO and not is_question(c.text):  # who asks a question is not who answers it
        line_start, line_end = text.rfind("\n", 0, c.start) + 1, text.find("\n", c.end)
        outside = [se for se in sentences(text, line_start, len(text) if line_end < 0 else line_end)
                   if se != (c.start, c.end)]
        options += [[(c.start, c.end), se] if se[0] < c.start else [(c.start, c.end), se] for se in outside]
    for slices in options:
        if not any(_about(near, search_form(text[s:e])) for s, e in slices):
            continue
        for s, e in slices:
            span = best_span(shape.kind, text[s:e], question, shape.unit, near_words(near),
                             beside(asked_role(question)) if shape.kind == WHO else "")
            if span:
                return sorted(slices), (s + span[0], s + span[1])
    return None


SPECIFIC_VALUE = 9.0    # IDF above which a word naming the asked value ('起步价', '票价'; not '资金') is specific


def value_words(units: list[Unit]) -> list[Unit]:
    """The question's own words that name the asked value itself and are rare enough to find it by."""
    return [u for u in units if unit_noun(u.label) and u.weight >= SPECIFIC_VALUE][:1]


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


def factoid(shape: Shape, question: str, units: list[Unit], cands: list[Cand], get_text, topic: str
            ) -> Plan | None:
    """who / when / how many / where: the best on-topic sentence holding a span of that kind, the span in bold
    first. None of the on-topic sentences holds one: say it is not stated (and count it as abstaining)."""
    if not cands:
        return None
    top_lex = max(c.lex for c in cands)
    # An English question meets the text only through dictionary translations: too loose to tell which
    # sentence states the asked thing, or that none does. It gets the bold span, never 'not stated'.
    english = cjk_ratio(CONTEXT.sub("", question)) < 0.5
    near = ([], []) if english else focus(question, units)
    # Who and where also look beyond the shortlist (names and places sit in narration the question's words
    # miss); how-many and when only at sentences naming the asked value by a rare word of its own ('起步价
    # 是多少'), or a figure of a neighbouring fact would answer.
    nearest = (near[1] or near[0])[:1]
    named = value_words(units) if shape.kind in (HOW_MANY, WHEN) else []
    extra = _focus_sentences(nearest if shape.kind in (WHO, WHERE) else named, cands, get_text)
    for c in cands + extra:
        same_doc = c.passage.chunk.doc_id == cands[0].passage.chunk.doc_id
        sf = search_form(c.text)
        # In the best sentence's document, a sentence holding the focus word nearest the question word is
        # about what is asked even when it shares little else with the question ('…给院长鲁建国打电话').
        value = bool(named) and _holds(named[0], sf)
        focused = near[1] or (nearest and _holds(nearest[0], sf)) or value or _on_carried_topic(question, sf)
        if c.lex < NEAR_TOPIC * top_lex and not (focused and same_doc):
            continue  # off the topic, unless in the best sentence's document and about the asked words
        text = get_text(c.passage.chunk.doc_id)
        if value and not _numbers_held(units, sf, text):
            continue  # '2号线的起步价' is not told by a sentence under a '1号线' headline
        found = _span_in(shape, question, _titled(near, text) if value else near, c, text, get_text)
        if found:
            slices, (s, e) = found
            return Plan([Part(c.passage, slices)], lead=f"**{plain(text[s:e]).strip()}**")
    kinds = NOT_STATED_KINDS + ((WHO,) if asked_role(question) else ())
    if shape.kind in kinds and not english and (
            _says_unset(near, cands, get_text) or not _stated_near(shape, question, near, cands, get_text)):
        zh, en = WHAT[shape.kind]
        note = f"文档提到了{topic}，但没有说明{zh}。(The documents mention {topic}, but do not state {en}.)"
        return Plan([Part(cands[0].passage, answer_slices(cands[0], get_text))], lead=note, abstained=True)
    return None


# A date that names a point in time: digits or numerals with 年/月/日/点…, a festival or an era. '今天',
# '当天' or '下个月' answer in dialogue, but their presence does not prove the asked date is given.
_ANCHORED = re.compile(r"[\d〇零一二三四五六七八九十]+\s?[年月日号点时]|世纪|季度|年代|时期|期间|年间|春节|元旦|国庆|"
                       r"中秋|端午|清明")


_TOTAL = re.compile(r"一共|总共|总计|合计|总投资|总额|总数|总共")
_PER = re.compile(r"每[^，。；,]{0,12}$")
_VAGUE = re.compile(r"很多|许多|大量|大批|大片|没有一|无一|少数|多数|若干|数十|数百|数千|几十|几百|几千|半数|一半|"
                    r"多次|屡次")


_ERA = re.compile(r"时代|年代|世纪|时期|[唐宋元明清汉晋隋]朝|万年前|\d+年前|\d+岁|夜间|白天|夜晚|清晨|傍晚|黄昏|"
                  r"[春夏秋冬]季|晚春|初夏|春天|夏天|秋天|冬天|[\u4e00-\u9fff]{2}[元一二三四五六七八九十]+年")


# Who may be 'not stated' only when a person is asked for by a word for a person ('来访群众叫什么名字',
# '由谁担任队长'); 'X叫什么' elsewhere names schools, works and shops, which no name finder knows.
_ASKS_PERSON = re.compile(r"(群众|居民|村民|老人|男子|女子|母亲|父亲|孩子|学生|职工|干部|记者|负责人|秘书|司机|老板|"
                          r"来访者|"
                          r"举报人|联系人)(叫什么|的名字|的姓名|是谁)|由谁担任|谁担任")


def asked_role(question: str) -> str:
    """The word for the person whose name is asked ('来访群众叫什么名字' → 群众); '担任' for '由谁担任'
    (any name answers); '' when the question does not ask for a person that way."""
    m = _ASKS_PERSON.search(search_form(question))
    return (m.group(1) or "担任") if m else ""


def beside(role: str) -> str:
    """The word a name must stand beside to answer: the role, except kinship, which the text writes many
    ways ('父朱文正', '其父', '之子')."""
    return "" if role in ("母亲", "父亲", "孩子") else role


# The document itself says the thing is not settled or not given.
_UNSET = re.compile(r"尚未确定|尚未明确|尚未公布|尚未决定|另行通知|另行公布|待定|未定|尚不清楚|没有透露|未透露|暂未|"
                    r"暂无|还没有定|"
                    r"还没定|尚无定论|还不能给|不能给你打包票|还要等")


def _says_unset(near, cands: list[Cand], get_text) -> bool:
    """True when a sentence about the asked words says it is not set yet ('开工时间尚未确定', '具体时间另行通知')."""
    flat = [u for side in near for u in side]
    for c in cands[:3]:
        sf = search_form(c.text)
        if _UNSET.search(sf) and (not flat or _about(near, sf)):
            return True
    return False


def _stated_near(shape: Shape, question: str, near, cands: list[Cand], get_text) -> bool:
    """Could the asked figure or date be there after all? (Documents drop the subject, paraphrase the verb.)
    True when the best sentence, its reply, the sentences around it in its line, or a close runner-up that
    touches the focus holds a span of the kind. Only when none does do we say it is not stated."""
    best = cands[0]
    text = get_text(best.passage.chunk.doc_id)
    line_start, line_end = text.rfind("\n", 0, best.start) + 1, text.find("\n", best.end)
    line = sentences(text, line_start, len(text) if line_end < 0 else line_end)
    i = next((k for k, se in enumerate(line) if se[0] <= best.start < se[1]), 0)
    places = [(text, se) for se in line[max(0, i - 2):i + 3]]
    places += [(text, se) for se in answer_slices(best, get_text)]
    flat = [u for side in near for u in side]
    nearest = (near[1] or near[0])[:1]
    role = beside(asked_role(question))
    # Any sentence of the best passage that holds a focus word ('车站共设4个出入口' far from the intro).
    chunk = best.passage.chunk
    places += [(text, se) for se in sentences(text, chunk.start, chunk.end)
               if flat and any(_holds(u, search_form(text[se[0]:se[1]])) for u in flat)]
    for c in cands[1:]:
        t = get_text(c.passage.chunk.doc_id)
        sf = search_form(c.text)
        close = c.score >= RUNNER_UP * best.score and (not flat or any(_holds(u, sf) for u in flat))
        # Same document, the asked word itself ('体长可达22.4公分' for '…的体长是多少'), any score.
        same = c.passage.chunk.doc_id == best.passage.chunk.doc_id and nearest and _holds(nearest[0], sf)
        if close or same:
            places.append((t, (c.start, c.end)))
    for t, (s, e) in places:
        sentence = t[s:e]
        if shape.kind == HOW_MANY and _VAGUE.search(sentence):
            return True  # '很多次', '没有一项', '大片': a quantity in words still answers how many
        sf = search_form(sentence)
        spans = ([sp for sp in people(sf) if not role or near_word(sf, sp, role)] if shape.kind == WHO
                 else find_spans(shape.kind, sentence, shape.unit, articles=True))  # '一巢只生一个蛋'
        for a, b in spans:
            span = search_form(sentence[a:b])
            if span in search_form(question) or (shape.kind == WHEN and not _ANCHORED.search(span)):
                continue
            if shape.kind == HOW_MANY and _TOTAL.search(search_form(question)) and _PER.search(
                    search_form(sentence[max(0, a - 14):a])):
                continue  # '一共要花多少钱' is not answered by '每部电梯补贴20万元'
            return True
        if shape.kind == WHEN and _ERA.search(search_form(sentence)):
            return True  # '进入战国时代后', '多于夜间出没', '满15岁', '崇宁五年': a time in words
    return False
