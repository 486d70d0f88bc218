"""The stricter answer metrics of `rag eval` (issue 13): is the answer *complete*, and is its bold short answer
exactly right?

`answer_hit` (a gold span anywhere in the answer) cannot see a list answered with one item of five, a reply
left out after its question, or a neighbouring figure offered for one the documents never give. So each
question may carry `expect_all` (short phrases of the gold document that every complete answer contains, e.g.
one per list item) and `expect_any`; a question with `doc: null` is unanswerable (the documents cover its topic
but not the asked fact) and only an abstention is right there.

Matching is on a folded form (rag.normalize.search_form: NFKC, traditional → simplified, lower case) with
citation markers, Markdown `**` and all whitespace removed, so a traditional document quoted in traditional, a
bold span or a line break inside a phrase still counts.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .normalize import search_form

# Kinds whose answer is one short span (shown in bold first); short_answer_exact counts these, and every
# question of a set without kinds (the factoid sets of ../shared/bench).
SHORT_KINDS = frozenset({"who", "when", "number", "where"})
_MARKER = re.compile(r"\[\d+\]")
_SPACE = re.compile(r"\s+")
_BOLD = re.compile(r"\*\*(.+?)\*\*", re.S)
# Punctuation a bold span may carry at its edges ("**1200万元**。", "**“柳湾村”**") without being a
# different answer.
_EDGE = "，。、；：！？,.;:!?“”‘’\"'（）()《》「」 \t\n"


def fold(text: str) -> str:
    """The form answers and phrases are compared in."""
    return search_form(_SPACE.sub("", _MARKER.sub("", text).replace("**", "")))


def missing_phrases(answer_text: str, phrases) -> list[str]:
    """The phrases of `phrases` the answer does not contain (folded)."""
    text = fold(answer_text)
    return [p for p in phrases if p.strip() and fold(p) not in text]


def short_answer(answer_text: str) -> str | None:
    """The first **bold** span of the answer: the direct short answer a who/when/how-many question gets."""
    m = _BOLD.search(answer_text)
    return m.group(1) if m else None


def short_answer_exact(answer_text: str, answers) -> bool:
    """The bold short answer equals one of the gold answers (folded, edge punctuation ignored)."""
    span = short_answer(answer_text)
    if span is None:
        return False
    got = fold(span.strip(_EDGE))
    return any(a.strip() and got == fold(a.strip(_EDGE)) for a in answers)


@dataclass(frozen=True)
class Verdict:
    """One question's grade. `missing` lists the expect_all phrases absent from the answer."""
    complete: bool
    cited: bool
    missing: tuple[str, ...]
    any_ok: bool


def judge(*, answerable: bool, abstained: bool, answer_text: str, cited_gold: bool, expect_all=(),
          expect_any=(), answers=()) -> Verdict:
    """Complete = (answerable) not abstained, every expect_all phrase present, one expect_any phrase present
    when any are given, and the gold document cited; (unanswerable) abstained.
    A question with neither expect_all nor expect_any (the older sets) falls back to its gold answers as
    expect_any, so `complete` there is answer_hit plus the citation."""
    if not answerable:
        return Verdict(abstained, False, (), True)
    alternatives = tuple(expect_any) or (() if expect_all else tuple(answers))
    missing = tuple(missing_phrases(answer_text, expect_all))
    any_ok = not alternatives or len(missing_phrases(answer_text, alternatives)) < len(alternatives)
    done = not abstained and not missing and any_ok and cited_gold
    return Verdict(done, cited_gold, missing, any_ok)


def share(flags) -> float:
    flags = list(flags)
    return round(sum(flags) / len(flags), 4) if flags else 0.0


def breakdown(rows: list[dict], key: str) -> dict[str, dict]:
    """{value of `key`: {"n", "complete", "abstained"}} over the rows (one per question, as in `details`),
    sorted by value; rows without the key are left out. `abstained` shows a "not stated" check firing on a
    kind it should not (for unanswerable questions it equals `complete`)."""
    groups: dict[str, list[dict]] = {}
    for r in rows:
        if r.get(key):
            groups.setdefault(r[key], []).append(r)
    return {k: {"n": len(v), "complete": share(r["complete"] for r in v),
                "abstained": share(r.get("abstained", False) for r in v)} for k, v in sorted(groups.items())}


def format_breakdown(title: str, table: dict[str, dict]) -> str:
    if not table:
        return ""
    width = max(len(title), *(len(k) for k in table))
    lines = [f"{title:{width}}  {'n':>4}  complete  abstained"]
    lines += [f"{k:{width}}  {v['n']:>4}  {v['complete']:8.4f}  {v['abstained']:9.4f}" for k, v in table.items()]
    return "\n".join(lines)
