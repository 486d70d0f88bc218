"""Where the answer sits relative to the best-matching sentence: the reply after a question, every item of a list,
the words a person said. All functions take the document's original text and return (start, end) slices of it.

Why: the sentence that shares the most words with a question is often a question itself (the character asking
it in dialogue), or one item of several, or a sentence that merely names both people. The answer is around it.
"""
from __future__ import annotations

import re

from .chunk import sentences
from .normalize import search_form
from .spans import is_question

Span = tuple[int, int]
_SPEECH_VERB = re.compile(r"(说道|问道|答道|笑道|回答道?|回应道?|表示|说|道)[：:，,]?\s*$")
_OPEN, _CLOSE = "“「『\"", "”」』\""
# A line that only says who spoke ('杨浩询问道。', '刘国亮回复道。'): it ends a turn in dialogue.
_SAID = re.compile(r"^[^“”「」\"]{1,16}(道|说|问|答|表示|回答|回复|笑道|点头)[。:：]?$")
# Directive sentences: what a speech or plan orders ('要…', '必须…', '确保…').
DIRECTIVE = re.compile(r"要|必须|务必|一定|坚决|确保|不能|不得|严禁|切实|着力|加快|推动|推进|建立|强化|抓好|落实|提高|"
                       r"坚持|打造|实行|开展|聚焦|支持|引导|鼓励|争取|力争|完善|优化|加强|促进|扶持|整合|探索|严格|"
                       r"尽快")
IMPERATIVE = re.compile(r"要|必须|务必|一定要|坚决|确保|不得|严禁|切实|全力|加快|着力")
_ACK = re.compile(r"^[“「\"]?(好的|好,|好，|是的|明白|收到|放心|您放心|谢谢|行,|行，)")
# Numbered items: 一、 （一） (1) 1. 1、 第一， 一是 (一要, 一抓) and bullets; group 'family' tells the styles
# apart. The first item may follow a lead-in, or narration and a lead-in ('他说道：“我提三点：第一，…').
_MARK = re.compile(r"^(?:[^。；;：:]{0,40}[：:]){0,2}[“「\"]?\s*(?:(?P<dun>[一二三四五六七八九十]{1,3})、|"
                   r"[（(](?P<par>[一二三四五六七八九十\d]{1,3})[）)]|"
                   r"(?P<dig>\d{1,2})(?:[.．、]|\s)(?!\d)|第(?P<di>[一二三四五六七八九十]{1,3})(?:[，,、:：是条项点]|"
                   r"个?方面|句话?|件事|个问题)|"
                   r"(?P<shi>[一二三四五六七八九十]{1,3})(?:就是|则是|是|要|需要|需|抓|靠)|(?P<bul>[-*•●○■◆▪])\s*)")
_QUOTED = re.compile(r"[“「『][^”」』]*[”」』]?")
_CN = {c: i for i, c in enumerate("零一二三四五六七八九十")}


def _line(text: str, pos: int) -> Span:
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return start, len(text) if end < 0 else end


def quote_end(text: str, quote: int, line_end: int, reach: int = 600) -> int:
    """Where the quote opened at text[quote] ends: the line's end, or the closing mark on a later line when
    the speech runs over several lines ('…直言不讳：“政府想法很好但关键是落地。' / '比如…' / '”')."""
    said = text[quote:line_end]
    if sum(said.count(ch) for ch in "“「") <= sum(said.count(ch) for ch in "”」"):
        return line_end
    close = min([i for i in (text.find(ch, line_end, line_end + reach) for ch in "”」") if i >= 0] or [-1])
    reopened = [i for i in (text.find(ch, line_end, close) for ch in "“「") if i >= 0] if close >= 0 else [0]
    return close + 1 if close >= 0 and not reopened else line_end


def _ordinal(s: str) -> int:
    if s.isdigit():
        return int(s)
    if len(s) == 1:
        return _CN.get(s, 0)
    if s[0] == "十":
        return 10 + _CN.get(s[1:], 0)
    return _CN.get(s[0], 0) * 10 + (_CN.get(s[2:], 0) if len(s) > 2 else 0) if s[1:2] == "十" else 0


def mark(sentence: str) -> tuple[str, int] | None:
    """(style, ordinal) of a numbered or bulleted item, or None. Bullets have ordinal 0."""
    m = _MARK.match(sentence)
    if not m:
        return None
    for family in ("dun", "par", "dig", "di", "shi", "bul"):
        if m.group(family):
            return family, 0 if family == "bul" else _ordinal(m.group(family))
    return None


_LINK = re.compile(r"[(（\[]?\s*https?://\S+?\s*[)）\]]?")


def reply_after(text: str, start: int, end: int, budget: int) -> list[Span]:
    """The sentences that answer the question sentence text[start:end]: the rest of the question's own turn is
    skipped (more questions, 'X询问道。'), then the next turn is taken until the budget, another question
    opening a line, a line that closes a turn ('刘国亮回复道。'), or, once the reply says something, the next
    line (in dialogue a new line is usually a new speaker)."""
    q_line_end = _line(text, start)[1]
    out: list[Span] = []
    used = 0
    for a, b in sentences(text, end, min(len(text), end + 3 * budget + 200)):
        sent = text[a:b]
        if _LINK.fullmatch(sent.strip()):
            continue  # a page's source link left in the text ('(https://…/40731562.html)') says nothing
        line_start = text.rfind("\n", 0, a) + 1
        attribution = bool(_SAID.match(sent.strip())) or (a > line_start and _SAID.match(text[line_start:b]))
        if not out:
            if (a < q_line_end and is_question(sent)) or attribution:
                continue
        elif attribution or (line_start == a and (is_question(sent) or used >= 40)):
            if not (line_start == a and _goes_on(text, start, out[0][0], a)):
                break
            budget = max(budget, used + CONTINUED)  # the same speaker goes on: their next line is the reply too
        if out and used + b - a > budget:
            break
        out.append((a, b))
        used += b - a
    return out


CONTINUED = 200  # characters of a reply's next line, when the one replying goes on ('杜宏远说道：“不过，…”')


def _goes_on(text: str, asked: int, reply: int, line: int) -> bool:
    """The line at `line` continues a reply told without a name ('“一鸣老弟，我实话实说…”'): its narration names
    a speaker ('杜宏远说道：“不过…”') who is not the one who asked ('江一鸣询问道：“…？”')."""
    if _QUOTED.sub("", search_form(text[slice(*_line(text, reply))])).strip(" ，,。"):
        return False  # the reply line names its speaker: the next line is someone else's turn
    body = search_form(text[slice(*_line(text, line))])
    said = _QUOTED.sub(" ", body).strip(" ，,").split(" ")[0]
    asker = _QUOTED.sub(" ", search_form(text[slice(*_line(text, asked))])).strip(" ，,")
    return (body[:1] not in _OPEN and bool(_SPEECH_VERB.search(said)) and bool(asker)
            and said[:2] not in asker)


def speech_lines(text: str, start: int) -> list[Span]:
    """The lines of the speech holding text[start]: its own line, plus neighbouring lines that continue it (a
    quoted line after it with no one else named, not a question, not an acknowledgement)."""
    line = _line(text, start)
    lines = [line]
    for step in (-1, 1):
        cur = line  # the last non-empty line taken on this side
        pos = cur
        while True:
            nxt = _line(text, pos[1] + 1) if step > 0 else _line(text, max(0, pos[0] - 1))
            if nxt == pos or (step > 0 and pos[1] >= len(text)) or (step < 0 and pos[0] == 0):
                break
            pos = nxt
            body = text[nxt[0]:nxt[1]].strip()
            if not body:
                continue
            later = body if step > 0 else text[cur[0]:cur[1]].strip()
            continues = later[:1] in _OPEN and not _ACK.match(later) and not is_question(later[-30:])
            if not continues or _SAID.match(body) or is_question(body[-30:]):
                break
            lines.append(nxt)
            cur = nxt
    return sorted(lines)


def list_items(text: str, start: int, end: int, budget: int, count: int = 0) -> list[Span]:
    """Every item of the enumeration around text[start:end]: numbered items of one style in sequence, else the
    directive sentences of the speech it belongs to (when text[start:end] is one of them and does not list
    things itself, '分为基础类、完善类和提升类'). Fewer than two items: [] (not a list)."""
    items = _numbered(text, start, end)
    if len(items) < 2:
        best = search_form(text[start:end])
        line = text[_line(text, start)[0]:end]
        # Orders are given in speech ('“…要…”') or as imperative sentences; a news sentence that merely
        # contains 推进 or 力争 is not one, and a sentence listing with 、 is its own answer.
        spoken = any(ch in line for ch in _OPEN) or IMPERATIVE.match(best.lstrip(_OPEN + " "))
        if not spoken or not DIRECTIVE.search(best) or best.count("、") >= 2:
            return []
        items = [(a, b) for la, lb in speech_lines(text, start) for a, b in sentences(text, la, lb)
                 if DIRECTIVE.search(search_form(text[a:b])) and not is_question(text[a:b])]
        if len(items) >= 3 and _lead_in(text, *items[0]):
            items = items[1:]
    if len(items) < 2:
        return []
    if count and len(items) > count:
        items = _window(items, start, count, None)
    return _window(items, start, len(items), budget)


def _lead_in(text: str, a: int, b: int) -> bool:
    """A speech's first sentence that opens with narration and does not itself order ('江一鸣点了点头，说道：
    “人员增加了，但服务不能停留在接电话。'): it introduces the orders that follow."""
    sf = search_form(text[a:b])
    q = next((i for i, ch in enumerate(sf) if ch in _OPEN), -1)
    # The quote opens speech ('说道：“'), not a quoted term ('提出了“五个转变”，即：要以…').
    return q > 0 and bool(_SPEECH_VERB.search(sf[:q])) and not IMPERATIVE.match(sf[q + 1:].lstrip())


def _window(items: list[Span], start: int, count: int, budget: int | None) -> list[Span]:
    """At most `count` consecutive items (and `budget` characters), as early as possible while still holding
    the item at or after `start` (the best sentence)."""
    k = next((i for i, (a, b) in enumerate(items) if b > start), len(items) - 1)
    for first in range(k + 1):
        out, used = [], 0
        for a, b in items[first:first + count]:
            if budget is not None and out and used + b - a > budget:
                break
            out.append((a, b))
            used += b - a
        if first + len(out) > k:
            return out
    return items[k:k + 1]


def _numbered(text: str, start: int, end: int) -> list[Span]:
    lo = _line(text, max(0, start - 1500))[0]
    hi = _line(text, min(len(text) - 1, end + 2500))[1]
    sents = sentences(text, lo, hi)
    best = next((i for i, (a, b) in enumerate(sents) if a <= start < b), None)
    if best is None:
        return []
    marks = [mark(text[a:b]) for a, b in sents]
    runs: list[list[int]] = []  # indexes of marked sentences, one style, ordinals 1, 2, 3 …
    for i, m in enumerate(marks):
        if not m:
            continue
        family, n = m
        run = next((r for r in reversed(runs) if marks[r[-1]][0] == family), None)
        if run is not None and (n == marks[run[-1]][1] + 1 or (family == "bul" and i - run[-1] <= 3)):
            run.append(i)
        elif n in (0, 1):
            runs.append([i])
    # The tightest run around the best sentence: it is an item, or the lead-in just before the first one
    # (a section heading's run holds its sub-items' run: the sub-items answer).
    around = [r for r in runs if len(r) >= 2 and r[0] - 2 <= best <= r[-1]]
    after_last = [r for r in runs if len(r) >= 2 and r[-1] < best <= r[-1] + 2]
    pick = min(around, key=lambda r: r[-1] - r[0]) if around else (after_last[0] if after_last else None)
    if pick and best in pick and sents[best][1] - sents[best][0] < 20:
        # The best sentence is a bare heading ('一、关于…'): the items under it answer, if it has any.
        nxt = next((i for i in pick if i > best), len(sents))
        under = [r for r in runs if len(r) >= 2 and best < r[0] < nxt]
        if under:
            pick = under[0]
    return [sents[i] for i in pick] if pick else []
