"""A line in English above the extractive answer to an English question, from what is known for sure.

The answer itself stays in the document's words (every quote an exact slice). An English reader still needs a
way in: which characters are the people and places they asked about, and what the figures and dates say. So
the line holds only:
- the question's pinyin names with the Chinese the corpus writes them in (pinyin.py), spelled as the question
  spelled them: 'Jiang Duntao = 江敦涛 · Yongchang district = 永昌区';
- the dates of the answer in English ('2019年8月16日 = 16 August 2019': month names are a fixed table);
- its Chinese figures as numerals ('2.1亿 = 210,000,000', '两千八百 = 2,800').
No translation is made up: every English word shown is the question's own, 'date', or a month name, and a
term with no known translation stays in Chinese (it is simply not in the line).
"""
from __future__ import annotations

import re

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
FIXED_WORDS = frozenset(["date", *MONTHS])  # the English words the line may hold besides the question's own
MAX_FACTS = 4  # dates and figures: the first few of the answer, a line and not a table

_DATE = re.compile(r"(?:(\d{4})年)?(\d{1,2})月(?:(\d{1,2})[日号])?")
_SCALED = re.compile(r"(\d+(?:\.\d+)?)(万亿|亿|万)")
_DIGIT = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNIT = {"十": 10, "百": 100, "千": 1000}
_BIG = {"万": 10_000, "亿": 100_000_000}
_CN_NUMBER = re.compile(r"[零〇一二两三四五六七八九十百千][零〇一二两三四五六七八九十百千万亿]+")
_MARKS = re.compile(r"\[\d+\]|\*\*")


def chinese_number(text: str) -> int | None:
    """'两千八百' → 2800, '十一' → 11, '一千一百万' → 11000000; None when it is not a well-formed number."""
    total, section, digit = 0, 0, None
    for ch in text:
        if ch in _DIGIT:
            if digit is not None and digit != 0:
                return None  # '一二': two digits in a row is not a number
            digit = _DIGIT[ch]
        elif ch in _UNIT:
            section += (1 if digit is None else digit) * _UNIT[ch]
            digit = None
        elif ch in _BIG:
            total = (total + section + (digit or 0)) * _BIG[ch]
            section, digit = 0, None
        else:
            return None
    return total + section + (digit or 0)


def _facts(text: str) -> list[str]:
    facts: list[tuple[int, str]] = []
    taken: list[tuple[int, int]] = []

    def free(m: re.Match) -> bool:
        return all(m.end() <= s or m.start() >= e for s, e in taken)
    for m in _DATE.finditer(text):
        year, month, day = m.group(1), int(m.group(2)), m.group(3)
        if not 1 <= month <= 12 or (day and not 1 <= int(day) <= 31) or not (year or day):
            continue
        english = " ".join(p for p in (day and str(int(day)), MONTHS[month - 1], year) if p)
        facts.append((m.start(), f"date: {m.group()} = {english}"))
        taken.append(m.span())
    for m in _SCALED.finditer(text):
        if free(m):
            value = float(m.group(1)) * {"万": 1e4, "亿": 1e8, "万亿": 1e12}[m.group(2)]
            facts.append((m.start(), f"{m.group()} = {value:,.0f}"))
            taken.append(m.span())
    for m in _CN_NUMBER.finditer(text):
        n = chinese_number(m.group())
        if free(m) and n is not None and n >= 10:  # one to nine read as words ('一些', '三成') too often
            facts.append((m.start(), f"{m.group()} = {n:,}"))
            taken.append(m.span())
    seen, out = set(), []
    for _, fact in sorted(facts):
        if fact not in seen:
            seen.add(fact)
            out.append(fact)
    return out[:MAX_FACTS]


def _in_own_script(text: str):
    """term (search form: simplified) → the same characters as the answer writes them ('杨浩' → '楊浩' in a
    traditional document), or '' when the answer does not contain it."""
    from .normalize import search_form
    folded = search_form(text)
    same_length = len(folded) == len(text)  # character-for-character: offsets carry over

    def shown(term: str) -> str:
        i = folded.find(term)
        if i < 0:
            return ""
        return text[i:i + len(term)] if same_length else term
    return shown


def english_line(names: list, answer_text: str, foreign: list = ()) -> str:
    """The line for an answer (empty when there is nothing sure to say). `names`: pinyin.NameMatch of the
    question; a name several corpus terms read as shows those of them the answer contains, else the commonest.
    `foreign`: (word, corpus runs) of its foreign names (transliterate.py), shown only where the answer holds
    the run: a sound match is a guess until the text it answers from says it."""
    text = _MARKS.sub("", answer_text)
    shown = _in_own_script(text)
    parts = []
    for m in names:
        forms = [shown(t + m.suffix) for t in m.terms if m.suffix and shown(t + m.suffix)]
        label = f"{m.text} {m.suffix_word}" if forms else m.text
        forms = forms or [shown(t) for t in m.terms if shown(t)] or list(m.terms[:1])
        parts.append(f"{label} = {' / '.join(forms)}")
    for word, runs in foreign:
        if got := [shown(t) for t in runs if shown(t)]:
            parts.append(f"{word} = {' / '.join(got[:1])}")
    parts += _facts(text)
    return " · ".join(parts)


def with_english_line(answer, query):
    """The answer with its English line placed above the extractive text (after the bold short answer, which
    stays the first line); unchanged for a Chinese question, an abstention, or nothing sure to say."""
    from dataclasses import replace

    from .normalize import cjk_ratio
    if cjk_ratio(query.text) >= 0.5 or answer.abstained:
        return answer
    line = english_line(getattr(query, "names", []), answer.text, getattr(query, "foreign", []))
    if not line:
        return answer
    first, sep, rest = answer.text.partition("\n")
    if first.startswith("**") and first.count("**") >= 2 and sep:
        return replace(answer, text=f"{first}\n{line}\n{rest}")
    return replace(answer, text=f"{line}\n{answer.text}")
