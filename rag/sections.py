"""A list question that names a section of a plan ('主要任务有哪几个方面', '保障措施有哪些'): the items of that
section, one level down.

Work plans and notices are outlines: '二、主要任务' holds '（一）完善分类投放设施' … '（五）抓好重点场所分类', each
with its own '1. 2.' items. The sentences matching the question best are those numbered items, whose list is one
sub-section's; the question asks for the sub-sections themselves. Only a heading whose words the question repeats
verbatim counts, so a question that merely shares the topic is left to the usual list rules.
"""
from __future__ import annotations

import re

from .chunk import sentences
from .normalize import search_form
from .replies import list_items, mark
from .tokenize import words
from .units import coverage

HEADING_CHARS = 24      # a heading line is short …
TITLE_CHARS = 20        # … and an item's first sentence this short is its title ('（一）加强组织领导。')


def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of every non-empty line, stripped."""
    out, pos = [], 0
    for line in text.split("\n"):
        body = line.strip()
        if body:
            a = pos + line.index(body[0])
            out.append((a, a + len(body)))
        pos += len(line) + 1
    return out


def heading_words(line: str) -> str:
    """The words of a numbered heading ('二、主要任务' → 主要任务), '' for a line that is not one."""
    m = mark(line)
    if not m or m[0] == "bul" or len(line) > HEADING_CHARS or line.rstrip()[-1:] in "。；;！!？?":
        return ""
    sf = search_form(line)
    for i, ch in enumerate(sf):  # drop the number and its punctuation
        if "\u4e00" <= ch <= "\u9fff" and ch not in "一二三四五六七八九十第":
            return sf[i:].strip("：: ")
    return ""


def section_items(question: str, text: str, budget: int) -> list[tuple[int, int]]:
    """The next-level items under the heading the question names, each as its title when it has one
    (a sub-heading, or a first sentence short enough to be one), else its first sentences within the budget;
    [] when no heading of the document is repeated in the question or it holds fewer than two items."""
    q = search_form(question)
    lines = _lines(text)
    for i, (a, b) in enumerate(lines):
        words = heading_words(text[a:b])
        if len(words) >= 2 and words in q and len(items := _items_after(text, lines, i)) >= 2:
            return _titles(text, items, budget)
    # The question may name the heading in its own words ('分类推进农村污水治理有哪几种方式' for
    # '（一）分类推进治理'): the one heading most of whose topic words it holds (named_scope).
    scope = named_scope(question, text)
    i = next((i for i, (a, b) in enumerate(lines) if scope and b == scope[0]), None)
    if i is not None and len(items := _items_after(text, lines, i)) >= 2:
        return _titles(text, items, budget)
    return []


def _items_after(text: str, lines: list[tuple[int, int]], i: int) -> list[tuple[int, int]]:
    """The first level of numbered items under heading line i, up to the next heading of its level."""
    style = mark(text[slice(*lines[i])])[0]
    items, sub_style = [], None
    for c, d in lines[i + 1:]:
        m = mark(text[c:d])
        if m and m[0] == style:
            break  # the next section of the same level ('三、保障措施')
        if m and m[0] != "bul" and (sub_style is None or m[0] == sub_style):
            if sub_style is None and m[1] != 1:
                continue
            sub_style = m[0]
            items.append((c, d))
    return items


def _titles(text: str, items: list[tuple[int, int]], budget: int) -> list[tuple[int, int]]:
    """Whole items when they all fit the budget, else each one's title (or first sentences)."""
    if sum(b - a for a, b in items) <= budget:
        return items
    out, used = [], 0
    for a, b in items:
        first = sentences(text, a, b)[:1] or [(a, b)]
        s, e = first[0] if first[0][1] - first[0][0] <= TITLE_CHARS else (a, b)
        if out and used + e - s > budget:
            break
        out.append((s, e))
        used += e - s
    return out


# Words every heading of a plan or minutes may hold: they name no topic ('关于做好今年防汛…工作').
_FILLER = frozenset("关于 做好 进一步 切实 全面 加强 推进 推动 今年 明年 年度 工作 有关 相关 问题 事项 其他 情况"
                    .split())


def _topics(line: str) -> set[str]:
    return {w for w in words(heading_words(line)) if len(w) >= 2 and w not in _FILLER}


def named_scope(question: str, text: str) -> tuple[int, int] | None:
    """The section a list question names by a topic word of its heading alone ('关于防汛，会议决定了哪几件事'
    → '四、关于做好今年防汛和地质灾害防御工作' up to '五、'): its text range, or None. The word must name one
    heading only, or it tells no section apart."""
    q = search_form(question)
    lines = _lines(text)
    heads = [(i, _topics(text[a:b])) for i, (a, b) in enumerate(lines) if heading_words(text[a:b])]
    # Of headings naming as much, the one whose topic the question holds most of ('分类推进农村污水治理' names
    # '（一）分类推进治理' whole, '（三）统筹推进污水治理与改厕' half).
    hits = [((got := sum(len(w) for w in topics if w in q)), got / max(1, sum(map(len, topics))), i)
            for i, topics in heads]
    best = max(hits, default=(0, 0.0, -1))
    if best[0] < 2 or [h[:2] for h in hits].count(best[:2]) > 1:
        return None
    # Most of the heading's topic, or a topic word the question puts after 关于 (it names a section so).
    topics = dict(heads)[best[2]]
    if best[0] <= 0.5 * sum(len(w) for w in topics) and not any("关于" + w in q for w in topics):
        return None
    i = best[2]
    style = mark(text[slice(*lines[i])])[0]
    end = next((lines[j][0] for j in range(i + 1, len(lines)) if (m := mark(text[slice(*lines[j])]))
                and m[0] == style and heading_words(text[slice(*lines[j])])), len(text))
    return lines[i][1], end


def scoped_list(question: str, units, text: str, budget: int, count: int = 0) -> list[tuple[int, int]]:
    """The enumeration inside the section the question names by a topic word ('会议决定：一是…；二是…',
    '第一句话，…第二句话…'): of several, the one whose lead-in and items hold most of the question (and have
    the number of items it asks for); [] when it names no section or the section lists nothing."""
    scope = named_scope(question, text)
    if not scope:
        return []
    found, seen = [], set()
    for s, e in sentences(text, *scope):
        items = list_items(text, s, e, budget, count)
        if len(items) >= 2 and items[0] not in seen and scope[0] <= items[0][0] < scope[1]:
            seen.add(items[0])
            found.append(items)

    def fit(items: list[tuple[int, int]]) -> float:
        lead = text[max(scope[0], items[0][0] - 60):items[0][0]]
        body = search_form(lead + "".join(text[a:b] for a, b in items))
        return coverage(units, body) + (0.2 if count and len(items) == count else 0.0)
    return max(found, key=fit) if found else []


# '由哪些单位负责', '哪个部门牵头': a work plan names them after each measure ('（责任单位：区总工会、…）').
_ASKS_UNITS = re.compile(r"(?:哪些|哪个|哪几个|什么)(?:单位|部门)(?:来)?(?:负责|牵头|承担|落实|配合)|"
                         r"由(?:哪些|哪个|哪几个)(?:单位|部门)")
_UNITS_NOTE = re.compile(r"[（(]\s*(?:责任|牵头|负责|主责|配合)单位\s*[:：][^）)\n]{2,80}[）)]")


def responsible_units(question: str, text: str, start: int) -> tuple[int, int] | None:
    """The '（责任单位：…）' note of the plan item holding text[start] when the question asks which units are
    responsible; None otherwise. The note closes the item's line."""
    if not _ASKS_UNITS.search(search_form(question)):
        return None
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", start)
    m = _UNITS_NOTE.search(text, line_start, len(text) if line_end < 0 else line_end)
    return m.span() if m else None
