"""Whose words a question asks for: the person named before 对 / 怎么看 ('严正清对…'), a title the document
resolves to names ('市长' → 苏文远, 苏市长), or the Chinese of a pinyin name in an English question."""
from __future__ import annotations

import re

from .normalize import search_form
from .spans import TITLES, people

SAYING = frozenset("说 说道 说话 表示 认为 回答 问道 讲 谈 谈到 提到 自言 说上".split())
_VIEW = re.compile(r"对|怎么看|如何看|怎样看|觉得|认为|的态度|的看法|的意见|说了什么|怎么说")


def holder_of(question: str, named_before_view: bool = False, names: tuple[str, ...] = ()) -> str:
    """Whose view is asked: the person named before 对 / 怎么看 ('严正清对…' → 严正清; '市长对周立新…' → 市长, a
    title resolved in the document by `names_for`), else (unless named_before_view) the first person the
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


def names_for(holder: str, text: str) -> list[str]:
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
