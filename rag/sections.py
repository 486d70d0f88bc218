"""A list question that names a section of a plan ('主要任务有哪几个方面', '保障措施有哪些'): the items of that
section, one level down.

Work plans and notices are outlines: '二、主要任务' holds '（一）完善分类投放设施' … '（五）抓好重点场所分类', each
with its own '1. 2.' items. The sentences matching the question best are those numbered items, whose list is one
sub-section's; the question asks for the sub-sections themselves. Only a heading whose words the question repeats
verbatim counts, so a question that merely shares the topic is left to the usual list rules.
"""
from __future__ import annotations

from .chunk import sentences
from .normalize import search_form
from .replies import mark

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


def _heading_words(line: str) -> str:
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
        words = _heading_words(text[a:b])
        if len(words) < 2 or words not in q:
            continue
        style = mark(text[a:b])[0]
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
        if len(items) < 2:
            continue
        return _titles(text, items, budget)
    return []


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
