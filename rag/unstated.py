"""'Not stated': the documents cover the topic but do not give the asked figure, date or person. Decided only
after no on-topic sentence yields a span of the asked kind (factoid.py): could it be there after all, in words the
span finders miss? Does the document itself say it is not set yet?"""
from __future__ import annotations

import re

from .chunk import sentences
from .focus import about, focus_share, holds
from .normalize import search_form
from .plans import Cand, answer_slices
from .shapes import HOW_MANY, WHEN, WHO, Shape
from .spans import find_spans, is_question, named_organizations, near_word, office_holders, people

RUNNER_UP = 0.8         # a close runner-up scores at least this share of the best sentence

# A date that names a point in time: digits or numerals with 年/月/日/点…, a festival or an era. '今天',
# '当天' or '下个月' answer in dialogue, but their presence does not prove the asked date is given.
ANCHORED = re.compile(r"[\d〇零一二三四五六七八九十]+\s?[年月日号点时]|世纪|季度|年代|时期|期间|年间|"
                      r"春节|元旦|国庆|中秋|端午|清明")


_TOTAL = re.compile(r"一共|总共|总计|合计|总投资|总额|总数|总共")
_PER = re.compile(r"每[^，。；,]{0,12}$")
_VAGUE = re.compile(r"很多|许多|大量|大批|大片|没有一|无一|无人|少数|多数|若干|数十|数百|数千|几十|几百|几千|半数|"
                    r"一半|多次|屡次")
# Putting it off, said in so many words (not a bare '未定', which is also maths: '未定元').
DEFERRED = re.compile(r"再(?:专题)?研究|再议|后再说|另行(?:报[^，。；]{0,8}?)?(?:通知|公布|明确|确定|报批|研究|安排|"
                      r"制定|审定|核定|商定)|"
                      r"尚未(?:确定|明确|公布|决定)|出来(?:以后|后)?再定|再定")
# Measures specific enough that a figure in them anywhere in the best passage may be the one asked ('多少倍' →
# '比如 十 倍以上' five sentences on); money, people and counts are not (a neighbouring figure in 元 is common).
_SPECIFIC_UNITS = frozenset("倍 成 % 公里 米 吨 公顷 平方米 平方公里 公斤 度".split())


_ERA = re.compile(r"时代|年代|世纪|时期|[唐宋元明清汉晋隋]朝|万年前|\d+年前|\d+岁|夜间|白天|夜晚|清晨|傍晚|黄昏|"
                  r"[春夏秋冬]季|晚春|初夏|春天|夏天|秋天|冬天|[\u4e00-\u9fff]{2}[元一二三四五六七八九十]+年")


# Who may be 'not stated' only when a person is asked for by a word for a person ('来访群众叫什么名字',
# '由谁担任队长'); 'X叫什么' elsewhere names schools, works and shops, which no name finder knows.
_ASKS_PERSON = re.compile(r"(群众|居民|村民|老人|男子|女子|母亲|父亲|孩子|学生|职工|干部|记者|负责人|秘书|司机|老板|"
                          r"来访者|"
                          r"举报人|联系人)(叫什么|的名字|的姓名|是谁)|由谁担任|谁担任")


# The kind of organization a question asks to name ('委托哪家第三方机构' → 第三方机构, '施工单位是哪家公司' → 施工单位).
_ORG_ASKED = re.compile(r"([\u4e00-\u9fff]{2,4}?(?:机构|单位|公司|企业|银行|媒体))")


def generic_only(question: str, cands: list[Cand]) -> bool:
    """A company is asked for and the best sentences name it only generically ('每年委托第三方机构开展一次评价'):
    then, and only then, it is not stated (organization names are too varied to tell their absence otherwise)."""
    found = [m.group(1) for m in _ORG_ASKED.finditer(search_form(question).replace("哪家", "，"))]
    asked = [w for w in (re.split(r"[的于是么]", f)[-1] for f in found) if len(w) >= 4]
    for c in cands[:4]:
        sf = search_form(c.text)
        if any(a in sf for a in asked) and not named_organizations(sf):
            return True
    return False


def asked_role(question: str) -> str:
    """The word for the person whose name is asked ('来访群众叫什么名字' → 群众); '担任' for '由谁担任'
    (any name answers); '' when the question does not ask for a person that way."""
    m = _ASKS_PERSON.search(search_form(question))
    return (m.group(1) or "担任") if m else ""


def beside(role: str) -> str:
    """The word a name must stand beside to answer: the role, except kinship, which the text writes many
    ways ('父朱文正', '其父', '之子'); 任 for 担任, which the text also writes 任 or 兼任 ('由区长任组长')."""
    return "" if role in ("母亲", "父亲", "孩子") else "任" if role == "担任" else role


# The document itself says the thing is not settled or not given.
# … or puts it off: officials defer ('加固的事汛后再专题研究', '据实测算后另行报批').
UNSET = re.compile(r"尚未确定|尚未明确|尚未公布|尚未决定|另行(?:报[^，。；]{0,8}?)?(?:通知|公布|明确|确定|报批|"
                   r"研究|安排|"
                   r"制定|审定|核定|商定)|待定|未定|"
                            r"尚不清楚|没有透露|未透露|暂未|暂无|还没有定|还没定|尚无定论|还不能给|不能给你打包票|还要等|"
                            r"再(?:专题)?研究|再议|后再说|测算后|"
                            r"(?:待|等)[^，。；]{0,12}后(?:才能|再|方可)(?:确定|明确|决定)|才能(?:确定|明确)|"
                            r"再定|(?:还|都还|目前都还|也还)?没有(?:最后|最终)?(?:确定|定下来|定)|没有最后确定|"
                            r"(?:还需要?|有待)[^，。；]{0,12}(?:再|进一步)|"
                            r"(?:没有|并没有|未能?|尚未)(?:形成|达成)(?:统一|一致)?(?:意见|结论|共识)")


# What a 'not set' sentence must be about to answer the kind asked (a deferral, '再研究', fits both):
# '开工时间尚未确定' tells no figure, '资金另行报批' no date.
_UNSET_OF = {WHEN: re.compile(r"时间|日期|时候|何时|开工|启动|开通|开始|期限|再(?:专题)?研究|再议|后再说"),
             HOW_MANY: re.compile(r"资金|金额|费用|经费|预算|投资|数|规模|标准|多少|测算|报批|额度|"
                                  r"再(?:专题)?研究|再议|后再说"),
             # who: only a sentence saying who does it is open ('迁改费用由谁承担，…没有形成统一意见')
             WHO: re.compile(r"由谁|谁来|谁负责|谁承担|谁出|哪家|哪个部门|责任主体")}


def says_unset(near, cands: list[Cand], get_text, kind: str = "") -> Cand | None:
    """The candidate whose sentence, about the asked words, says it is not set yet ('开工时间尚未确定',
    '具体时间另行通知'), or whose question in the text is answered by putting it off ('柳湾段要不要加固？' →
    '…汛后再专题研究'); None when no candidate does."""
    flat = [u for side in near for u in side]
    of = _UNSET_OF.get(kind)
    for c in cands[:4]:
        sf = search_form(c.text)
        # About the asked words, or naming what the question asks about ('听证会的时间另行公布' for '水价听证会
        #什么时候召开': the verb after the question word is the one left out)
        subject = bool(near[0]) and holds(near[0][0], sf)
        if UNSET.search(sf) and (not flat or about(near, sf) or subject) and (not of or of.search(sf)):
            return c
        if is_question(c.text) and (not flat or about(near, sf)):
            text = get_text(c.passage.chunk.doc_id)
            reply = search_form("".join(text[s:e] for s, e in answer_slices(c, get_text)))
            if reply != sf and UNSET.search(reply) and (not of or of.search(sf + reply)):
                return c
    return None


# Birth and death are told in a biography's own short sentences, with the subject dropped ('1994年病逝于美国',
# '卒于高宗绍兴四年（1134年）'): any such sentence of the best document may state the date asked for.
_LIFE = (re.compile(r"卒|去世|逝世|过世|病逝|病故|死于|死亡|遇害|牺牲"), re.compile(r"出生|生于|诞生|出世|降生"))


_ORDINAL = re.compile(r"(第[一二三四五六七八九十\d]+|首|头)(批|期|届|轮|阶段)|"
                      r"([一二三四五六七八九十\d]+)(期)(?=工程|项目)")


def _ordinals(sf: str) -> set[tuple[str, str]]:
    out = set()
    for m in _ORDINAL.finditer(sf):
        n, word = (m.group(1), m.group(2)) if m.group(2) else ("第" + m.group(3), m.group(4))
        out.add(("第一" if n in ("首", "头") else n, word))
    return out


def ordinal_clash(question: str, sentence_sf: str) -> bool:
    """The question asks about one batch or phase ('第二批', '二期工程') and the sentence does not name it: its
    figures and dates are another batch's ('首批28家') or the whole plan's ('到2027年要达到100家')."""
    asked = _ordinals(search_form(question))
    return bool(asked) and not asked <= _ordinals(sentence_sf)


def life_sentences(shape: Shape, question: str, cands: list[Cand], get_text) -> list[Cand]:
    """For 'when did X die / was X born': the best document's sentences telling a death (or a birth)."""
    life = next((w for w in _LIFE if w.search(search_form(question))), None) if shape.kind == WHEN else None
    if not life or not cands:
        return []
    best = cands[0]
    text = get_text(best.passage.chunk.doc_id)
    return [Cand(best.score * 0.9, best.lex, best.rank, best.passage, s, e, text[s:e]) for s, e in sentences(text)
            if life.search(search_form(text[s:e]))]


def stated_near(shape: Shape, question: str, near, cands: list[Cand], get_text, named=()) -> bool:
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
    # Any sentence of the best passage about the focus words ('车站共设4个出入口' far from the intro; not a
    # figure of another fact that shares one word of the topic).
    chunk = best.passage.chunk
    places += [(text, se) for se in sentences(text, chunk.start, chunk.end)
               if (flat and about(near, search_form(text[se[0]:se[1]])))
               or (shape.kind == HOW_MANY and shape.unit in _SPECIFIC_UNITS)]
    places += [(text, (c.start, c.end)) for c in life_sentences(shape, question, cands, get_text)]
    for c in cands[1:]:
        t = get_text(c.passage.chunk.doc_id)
        sf = search_form(c.text)
        close = c.score >= RUNNER_UP * best.score and (not flat or any(holds(u, sf) for u in flat))
        # Same document, the asked word itself ('体长可达22.4公分' for '…的体长是多少'), any score.
        same = c.passage.chunk.doc_id == best.passage.chunk.doc_id and nearest and holds(nearest[0], sf)
        if close or same:
            places.append((t, (c.start, c.end)))
    for t, (s, e) in places:
        sentence = t[s:e]
        if named and not holds(named[0], search_form(sentence)) or ordinal_clash(question, search_form(sentence)):
            continue  # '出价多少': a sentence with another figure (负债一亿元) but no 出价 does not state it
        if shape.kind == HOW_MANY and _VAGUE.search(sentence):
            return True  # '很多次', '没有一项', '大片': a quantity in words still answers how many
        sf = search_form(sentence)
        holders = named_organizations(sf) if shape.unit == "company" else people(sf) + office_holders(sf)
        spans = ([sp for sp in holders if not role or near_word(sf, sp, role)] if shape.kind == WHO
                 else find_spans(shape.kind, sentence, shape.unit, articles=True))  # '一巢只生一个蛋'
        for a, b in spans:
            span = search_form(sentence[a:b])
            if span in search_form(question) or (shape.kind == WHEN and not ANCHORED.search(span)):
                continue
            if shape.kind == HOW_MANY and _TOTAL.search(search_form(question)) and _PER.search(
                    search_form(sentence[max(0, a - 14):a])):
                continue  # '一共要花多少钱' is not answered by '每部电梯补贴20万元'
            return True
        if shape.kind == WHEN and _ERA.search(search_form(sentence)):
            return True  # '进入战国时代后', '多于夜间出没', '满15岁', '崇宁五年': a time in words
    return False


_VAGUE_SHARE = re.compile(r"一部分|部分|一些|适当|一定(?:的|比例|数额)|若干")


def vague_elsewhere(near, sentence_sf: str, pos: int) -> bool:
    """The figure at pos sits in clauses without the nearest focus word, and the clause holding that word
    gives only a vague share ('整个工程大概要八千六百万元，省里可以补助一部分' for '省里补助多少钱')."""
    word = (near[0] or near[1])[:1]
    cuts = [0] + [i + 1 for i, ch in enumerate(sentence_sf) if ch in "，,；;"] + [len(sentence_sf) + 1]
    own = next((sentence_sf[a:b - 1] for a, b in zip(cuts, cuts[1:], strict=False) if a <= pos < b), "")
    if not word or holds(word[0], own):
        return False
    return any(holds(word[0], c) and _VAGUE_SHARE.search(c) and not re.search(r"\d", c)
               for c in re.split(r"[，,；;]", sentence_sf))


def put_off(near, sentence_sf: str, pos: int) -> bool:
    """The figure or date at pos is put off: its own clauses defer ('加固的事汛后再研究'), or the sentence defers
    in another clause that names the subject asked about better than the span's clauses do ('长乐市场…另行
    研究，…东门、北关两个市场按计划于7月1日开工' answers for 东门, not for 长乐)."""
    own = _clauses(sentence_sf, pos)
    if DEFERRED.search(own):
        return True
    deferring = [c for c in re.split(r"[，,；;]", sentence_sf) if DEFERRED.search(c)]
    subject = (near[0], [])
    return any(focus_share(subject, c) > focus_share(subject, own) for c in deferring)


def _clauses(sentence_sf: str, pos: int) -> str:
    """The clause holding pos and the one after it: '长乐市场另行研究，…东门、北关两个市场按计划于7月1日开工'
    defers another market, not the date; '先把今年汛期扛过去，加固的事汛后再研究' defers its own."""
    cuts = [i for i, ch in enumerate(sentence_sf) if ch in "，,；;"]
    start = max([i + 1 for i in cuts if i < pos], default=0)
    after = [i for i in cuts if i >= pos]
    return sentence_sf[start:after[1] if len(after) > 1 else len(sentence_sf)]
