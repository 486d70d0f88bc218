"""Who says a line in dialogue: the narration on the line or the line after it names them ('雷亮说道：“…”',
'“…”' / '刘国亮回复道。'), or the line answers a question put to them; and the turn a reply answers.
Slices of the document's original text, like replies.py."""
from __future__ import annotations

import re

from .chunk import sentences
from .normalize import search_form
from .replies import _OPEN, _QUOTED, _SAID, _SPEECH_VERB, Span, _line, quote_end
from .spans import TITLES, is_question, people

# Before the one spoken to or an object ('他把包长顺、温立群…叫到一起，说道' is not 包长顺 speaking); not
# 让/请, whose object often speaks next ('请张局长说说').
_TO = re.compile(r"[对向跟朝冲给问把叫喊][^，。“”,]{0,4}$")


def _addressed(narration: str, key: str) -> bool:
    """True when every mention of key in the narration is the one spoken to ('对市长苏文远说道')."""
    at = [i for i in range(len(narration)) if narration.startswith(key, i)]
    return bool(at) and all(_TO.search(narration[max(0, i - 5):i]) for i in at)


def _other_speaker(narration: str, key: str) -> bool:
    """True when the narration just before a quote has someone else speaking ('严正清让教育局的同志答复。
    副局长项敏说道：' is 项敏, not 严正清): the subject of the sentence introducing the quote, i.e. the first
    person named in it other than one spoken to ('严正清把顾晓楠叫到跟前，说道：' is 严正清)."""
    if key not in narration or not _SPEECH_VERB.search(narration):
        return False
    cut = max(narration.rfind(ch) for ch in "。！？!?")  # the sentence that introduces the quote
    clause = narration[cut + 1:]
    names = [(a, clause[a:b]) for a, b in people(clause) if not _TO.search(clause[max(0, a - 5):a])]
    if not names or 0 <= clause.find(key) < names[0][0]:  # the key itself comes first (jieba missed it)
        return False
    first = names[0][1]
    return key not in first and first not in key and key[0] != first[0]


def spoken_by(text: str, lo: int, hi: int, person: str) -> list[Span]:
    """Quoted lines within text[lo:hi] (whole lines) said by `person` (a name, or a surname with a title):
    the narration on the line ('雷亮说道：“…”') or the line after it ('“…”' / '杨浩询问道。') names them, or
    the line answers a question addressed to them ('雷书记知道这个人?' → the next quoted line)."""
    key = search_form(person)
    # A short narration naming the surname with a title ('雷书记说道' for 雷亮) names them too; not any
    # narration holding the first character ('老人们…' for '人社局').
    titled = re.compile(re.escape(key[0]) + "(?:" + "|".join(TITLES) + ")") if 2 <= len(key) <= 4 else None
    out = []
    pos = _line(text, lo)[0]
    prev = ""
    while pos < hi:
        a, b = _line(text, pos)
        body = text[a:b]
        sf = search_form(body)
        q = next((i for i, ch in enumerate(sf) if ch in _OPEN), -1)
        if q >= 0:
            narration = _QUOTED.sub(" ", sf)
            nxt = search_form(text[b + 1:_line(text, b + 1)[1]]) if b + 1 < len(text) else ""
            said = _SAID.match(nxt.strip()) and nxt.strip() or ""
            named = narration + said
            if _addressed(named, key) or _other_speaker(sf[:q], key):
                named = ""  # '魏长河对苏文远说道' names the one spoken to; '…项敏说道：' someone else
            # A line with no narration answers the question before it when that question is put to them
            # by name ('雷书记知道这个人?'), not when they asked it.
            put_to = key in "".join(_QUOTED.findall(prev)) and is_question(prev)
            # …or when someone else asked it and their next line is theirs: two people taking turns
            # ('江一鸣询问道：“…怎么又急于跑我这来？”' / '“一鸣老弟，我实话实说…”' / '杜宏远说道：“不过…”').
            put_to = put_to or (is_question(prev) and _asked_by_other(prev, key) and _theirs_next(text, b, key))
            if key in named or (titled and titled.search(named) and len(named) < 40) or (
                    not named.strip(" ，,") and put_to) or (_PRONOUN_SAYS.match(sf[:q])
                                                          and key in _last_named(text, a)):
                out.append((a + q, quote_end(text, a + q, b)))
            prev = sf
        elif body.strip():
            prev = prev if _SAID.match(body.strip()) else sf
        pos = b + 1
    return out


# '他转回身，对瞿福生说：“…”': a pronoun opening the narration speaks for the person last named.
_PRONOUN_SAYS = re.compile(r"^\s*(?:他|她)[^“”「」]{0,16}?(?:说|道|问|答|表示)[^“”「」]{0,3}[：:，,]?\s*$")


def _last_named(text: str, pos: int, lines: int = 3) -> str:
    """The person a narration before pos is about: the first name in the nearest of the previous few
    non-empty lines whose narration names one ('“…”鄢北辰的声音不高，…' → 鄢北辰); '' when none does."""
    end = _line(text, pos)[0] - 1
    while end > 0 and lines:
        a, b = _line(text, end - 1) if text[end - 1] != "\n" else (end, end)
        if text[a:b].strip():
            lines -= 1
            narration = _QUOTED.sub(" ", search_form(text[a:b]))
            found = people(narration)
            if found:
                return narration[found[0][0]:found[0][1]]
        end = a - 1
    return ""


def _asked_by_other(line_sf: str, key: str) -> bool:
    """The line's narration names who speaks, and it is not `key` ('江一鸣询问道：“…？”')."""
    narration = _QUOTED.sub(" ", line_sf).strip(" ，,。")
    return bool(_SPEECH_VERB.search(narration) or _SAID.match(narration)) and key not in narration


def _theirs_next(text: str, end: int, key: str) -> bool:
    """The next non-empty line's narration names `key` ('杜宏远说道：“不过…”', '杜宏远笑道。')."""
    pos = end + 1
    while pos < len(text):
        a, b = _line(text, pos)
        if text[a:b].strip():
            return key in _QUOTED.sub(" ", search_form(text[a:b]))
        pos = b + 1
    return False


def said_by(text: str, pos: int, name: str) -> bool:
    """The line holding text[pos] is told as `name`'s ('杜宏远说道：“…来找你…？”', or '“…？”' / '杜宏远笑道。')."""
    if not name:
        return False
    a, b = _line(text, pos)
    nxt = search_form(text[b + 1:_line(text, b + 1)[1]]).strip() if b + 1 < len(text) else ""
    told = _QUOTED.sub(" ", search_form(text[a:b])) + (nxt if _SAID.match(nxt) else "")
    return search_form(name) in told


def line_before(text: str, pos: int) -> Span | None:
    """The nearest non-empty line before the one holding text[pos]: in dialogue, the turn a reply answers."""
    end = _line(text, pos)[0] - 1
    while end > 0:
        a, b = _line(text, end - 1) if text[end - 1] != "\n" else (end, end)
        if text[a:b].strip():
            return a, b
        end = a - 1
    return None


def question_before(text: str, pos: int) -> str:
    """The question asked on the nearest non-empty line before the one holding text[pos] ('' when that line
    does not end by asking): in dialogue, the line a reply answers."""
    prev = line_before(text, pos)
    if prev is None:
        return ""
    a, b = prev
    tail = [text[s:e] for s, e in sentences(text, a, b) if is_question(text[s:e])]
    return "".join(tail) if tail and is_question(text[a:b].strip()[-30:]) else ""
