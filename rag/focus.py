"""The focus of a question: the words beside its question word ('新增了多少名坐席人员' → 新增 | 坐席, 人员), what
the asked figure, date or person is of. A sentence holding them speaks of what is asked (factoid.py, unstated.py,
answer.py's sentence scores)."""
from __future__ import annotations

import re

from .normalize import search_form
from .shapes import blank_carried, unit_noun
from .spans import positions
from .tokenize import known_idf
from .units import Unit

_ASKING = re.compile(r"多少|几|什么时候|何时|哪一?年|哪一?天|什么时间|谁|哪位|何人|什么人|哪里|哪儿|何处|何地|"
                     r"什么地方|叫什么|在哪|哪|为什么|什么|怎么|如何|how|when|who|where")


# Nouns that name the asked value itself, not what it is of ('比例是多少', '营业时间调整为几点'): never focus.
_MEASURES = frozenset("比例 比重 数量 数字 金额 总额 价格 费用 面积 长度 规模 人数 时间 日期 年份 名字 姓名 地点 位置 "
                      "之前 以前 之后 以后 左右 大概 大约 具体 现在 目前 当时 最后 一共 总共 全部 如今 今年 "
                      "每年 担任 出任 兼任 每月 每个 每天 每人 每户 每位 每次 每周 每家 每季度".split())
# '由谁担任': the text writes 任 ('由区长任组长'); '每个托位每月补多少' asks of 补贴, not of 每月
MEASURES = _MEASURES


def focus(question: str, units: list[Unit], wide: tuple[int, int] = (2, 3)) -> tuple[list[Unit], list[Unit]]:
    """The units next to the question word, nearest first, within its clause: what the figure, date or person
    is of ('新增了多少名坐席人员' → 新增 | 坐席, 人员). A sentence holding none of them answers something else.
    Words carried from earlier turns (〔…〕) are topic, not focus. `wide`: how many before and after it
    (more for a who question's whole predicate)."""
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
    before = [u for pos, u in placed if clause_start <= pos < m.start()][::-1][:wide[0]]
    after = [u for pos, u in placed if m.end() <= pos < clause_end][:wide[1]]
    return before, after


def _word(w: str) -> bool:
    """A focus candidate: two characters or more, and a two-character one must be a dictionary word (jieba's
    HMM glues question scraps like '名涉' from '多少名涉黑')."""
    return len(w) >= 3 or (len(w) == 2 and known_idf(w) is not None)


# How a text says a focus word the question uses: '从什么时候开始实施' is dated '9月1日起分三批实施'.
_SAID_AS = {"开始": re.compile(r"[日月年]起")}


def holds(u: Unit, sentence_sf: str) -> bool:
    """A focus word counts when it occurs; a long one also when all but one of its characters do."""
    if u.found(sentence_sf) >= 0.99:
        return True
    if u.forms[0] in _SAID_AS and _SAID_AS[u.forms[0]].search(sentence_sf):
        return True
    word = u.forms[0]
    return len(word) >= 3 and sum(ch in sentence_sf for ch in set(word)) >= len(set(word)) - 1


def focus_share(near: tuple[list[Unit], list[Unit]], sentence_sf: str) -> float:
    """0..1: the weighted share of the focus words a sentence holds."""
    side = near[0] + near[1]
    total = sum(u.weight for u in side)
    return sum(u.weight for u in side if holds(u, sentence_sf)) / total if total else 0.0


def _swapped(u: Unit, sentence_sf: str) -> bool:
    """A two-character word written the other way round ('代替' / '被扎伊尔替代', '海上' / '上海试了5年'): a
    paraphrase common enough in Chinese to count when judging what a sentence is about."""
    word = u.forms[0]
    return len(word) == 2 and word[::-1] in sentence_sf


_PRONOUN = re.compile(r"^[^，,。]{0,4}?(他|她|它|其|该|此|这)")


def about(near: tuple[list[Unit], list[Unit]], sentence_sf: str) -> bool:
    """A sentence speaks of what is asked when it holds at least half of the focus words' weight after the
    question word, the nearest counting double ('华澜新能源什么时候和嘉平正式签约': a sentence on last
    year's revenue holds no 嘉平). With nothing after it ('望海地铁3号线的起步价是多少'), the words before it
    count instead (a sentence with 3号线 but no 起步价 is about something else), unless the sentence opens
    with a pronoun standing in for them ('她是2008年度…'). The subject before the question word is often
    dropped in the answer ('1995年加入香港电影评论学会'), so it is not required when the words after hold."""
    before, after = near
    if not (after or before) or (not after and _PRONOUN.match(sentence_sf)):
        return True
    return side_share(near, sentence_sf) >= 0.5


def side_share(near: tuple[list[Unit], list[Unit]], sentence_sf: str) -> float:
    """0..1: the weighted share of the focus words after the question word (else before it) a sentence holds,
    the nearest counting double."""
    side = near[1] or near[0]
    weights = [u.weight * (2 if i == 0 else 1) for i, u in enumerate(side)]
    held = sum(w for u, w in zip(side, weights, strict=True) if holds(u, sentence_sf) or _swapped(u, sentence_sf))
    return held / sum(weights) if weights else 0.0



# A place or thing told apart from its siblings by a direction or number before the same noun ('城东农贸市场'
# beside '城北农贸市场', '东区' beside '西区', '2号线' beside '1号线').
_MOD = r"城[东西南北]|[东西南北][关门区城郊片]|[东西南北]|新|老|[一二三四五六七八九十\d]+号"
_SIBLING = re.compile(rf"({_MOD})([\u4e00-\u9fff]{{2,6}}?)(?=[的也是在由和与，,？?吗呢]|$)")


def sibling_clash(question: str, sentence_sf: str) -> bool:
    """The question asks of '城东农贸市场' and the sentence speaks only of another one ('城北农贸市场…由县城投公司
    负责实施'): it names the same noun after a different direction or number, and never the asked one."""
    q = blank_carried(search_form(question))
    for m in _SIBLING.finditer(q):
        mod, head = m.group(1), m.group(2)
        if len(head) < 2 or mod + head in sentence_sf or head not in sentence_sf:
            continue
        others = {sentence_sf[max(0, i - len(mod)):i] for i in positions(sentence_sf, head)}
        if others and all(o != mod and re.fullmatch(_MOD, o) for o in others):
            return True
    return False
