"""Check every sentence of a generated answer against the passage(s) it cites.

A model given the right passages still writes sentences they do not support: a figure from its own memory, a
name swapped, a citation to the wrong passage, or none. So each sentence is cut out (with the [n] markers after
it), and what it asserts is looked for in the text of the passages it cites (search form: NFKC, traditional →
simplified, lower case):
  - numbers and dates: each value must occur there (五十 = 50, 二〇一九 = 2019; units are not converted);
  - names: Latin names and acronyms, and the people, places and organisations jieba's tagger finds;
  - key terms: the sentence's meaning units (rag.units, English words through the lexicon) must be mostly
    covered, IDF-weighted, as retrieval and the extractive answer weigh a question.
What this cannot see: a sentence that rearranges true words into a false claim ("A beat B" from "B beat A"), a
negation, a number converted into other units, an English name the lexicon does not know (pinyin names).

Each supported citation then gets the exact sentence of its passage that backs the claim, chosen by the
extractive answer's own sentence scorer (answer.shortlist + sentence cosines, same weights).
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from . import answer as answering
from .normalize import cjk_ratio, fold, search_form
from .records import Passage
from .retrieve import Query
from .units import Unit, coverage, question_units

# Reasons a sentence is flagged (in Answer.flags and the JSON).
NO_CITATION = "no_citation"
BAD_CITATION = "citation_to_missing_passage"
NUMBER = "number_not_in_source"
NAME = "name_not_in_source"
TERMS = "terms_not_in_source"

# Share of a sentence's IDF-weighted units its cited passage must contain. English runs lower: its units are
# known only through dictionary translations, and a faithful translation often picks another word.
MIN_COVERAGE_ZH = 0.5
MIN_COVERAGE_EN = 0.3
# ... or, for English, a lower coverage when the embedding model (multilingual) finds the sentence it cites close:
# faithful translations measured 0.27-0.55 with the default model, unrelated sentences -0.01-0.12.
EN_COVERAGE_WITH_COSINE = 0.15
EN_COSINE = 0.35

_MARK = r"(?:\[\s*\d+(?:\s*[,，、;]\s*\d+)*\s*\]|【\s*\d+(?:\s*[,，、]\s*\d+)*\s*】)"
MARKER = re.compile(_MARK)
# A sentence ends at 。！？!?; (or '.' after a non-digit, before a space), then closing quotes and any [n]
# markers the model put after it; a line break ends one too.
_END = re.compile(r"(?:[。！？!?；;]+|…+|(?<=[^\d\s])\.(?=\s|$|\[|【))[”’」』\"')）]*(?:\s*" + _MARK + r")*|\n")
_BULLET = re.compile(r"^\s*(?:[-*•]\s+|\d+[.)、]\s*|[（(]?\d+[)）]\s*)")
# Statements that the passages lack the answer: never flagged for want of a citation.
NO_ANSWER = re.compile(r"没有找到|未找到|没有提及|未提及|没有提到|未提到|没有说明|未说明|不包含|没有包含|没有相关|"
                       r"未提供|没有提供|无法回答|无法确定|do(?:es)? not (?:contain|mention|state|say)|"
                       r"no information|not (?:mentioned|stated|found)|cannot (?:be )?answer", re.I)
_INTRO = re.compile(r"^#+\s|[:：]\**\s*$")
_ARABIC = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")
_ZH_NUM = re.compile(r"[零〇一二两三四五六七八九十百千万亿]+")
_MEASURE = re.compile(r"[个名人次年月日天项条座家位件种批所台辆岁周倍届期层栋户元]")
_ZH_DIGIT = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
_ZH_UNIT = {"十": 10, "百": 100, "千": 1000}
_NAME_TAGS = {"nr", "nrfg", "nrt", "ns", "nt"}
_LATIN_NAME = re.compile(r"[A-Za-z][A-Za-z0-9]*")


@dataclass
class Piece:
    """One sentence of the generated text: what came before it (spaces, a line break), the sentence as written,
    the claim (markers, bullets and bold removed) and the passage numbers it cites."""
    lead: str
    raw: str
    claim: str
    cited: tuple[int, ...]


@dataclass
class Checked:
    piece: Piece
    reasons: tuple[str, ...] = ()
    detail: str = ""
    no_answer: bool = False  # says the passages lack the answer (uncited): neither checked nor counted
    intro: bool = False      # a heading or a line introducing a list ("主要要求如下："): nothing to check
    support: list[tuple[Passage, int, int]] = field(default_factory=list)  # (passage, start, end) per citation

    @property
    def flagged(self) -> bool:
        return bool(self.reasons)


def split(text: str, final: bool = True) -> tuple[list[Piece], int]:
    """The sentences of `text` and how many characters they use. With final=False (text still streaming in) the
    last sentence is held back until something other than markers or spaces follows it, so its [n] are not
    lost."""
    pieces, pos = [], 0
    ends = [m.end() for m in _END.finditer(text)]
    if final and (not ends or ends[-1] < len(text)):
        ends.append(len(text))
    for end in ends:
        if not final and not re.search(r"[^\s\[\]【】\d,，、;]", text[end:]):
            break
        chunk = text[pos:end]
        body = chunk.strip()
        if not body:
            continue  # blank: its spaces and line breaks become the next sentence's lead
        if not MARKER.sub("", body).strip(" \t*。.，,"):
            # Markers alone (the model wrote them on a line of their own): they belong to the previous sentence.
            if pieces:
                pieces[-1].raw += chunk.rstrip()
                pieces[-1].cited += tuple(n for n in _numbers(body) if n not in pieces[-1].cited)
        else:
            lead = chunk[:len(chunk) - len(chunk.lstrip())]
            pieces.append(Piece(lead, body, _claim(body), _numbers(body)))
        pos = end - (len(chunk) - len(chunk.rstrip()))  # trailing spaces: the next sentence's lead
    return pieces, pos


def _numbers(text: str) -> tuple[int, ...]:
    found: list[int] = []
    for m in MARKER.finditer(text):
        for n in re.findall(r"\d+", m.group()):
            if int(n) not in found:
                found.append(int(n))
    return tuple(found)


def _claim(raw: str) -> str:
    return _BULLET.sub("", re.sub(r"\s*" + _MARK, "", raw)).replace("**", "").strip()


# ---------- numbers ----------
def _zh_value(s: str) -> Decimal | None:
    """五十 → 50, 三百二十 → 320, 一万二千 → 12000, 二〇一九 → 2019 (digit by digit when there are no units)."""
    if not any(c in _ZH_UNIT or c in "万亿" for c in s):
        return Decimal("".join(str(_ZH_DIGIT[c]) for c in s)) if all(c in _ZH_DIGIT for c in s) else None
    total, section, digit = 0, 0, None
    for c in s:
        if c in _ZH_DIGIT:
            digit = _ZH_DIGIT[c]
        elif c in _ZH_UNIT:
            section += (1 if digit is None else digit) * _ZH_UNIT[c]
            digit = None
        else:  # 万 / 亿
            big = 10_000 if c == "万" else 100_000_000
            total = (total + section + (digit or 0)) * big
            section, digit = 0, None
    return Decimal(total + section + (digit or 0))


def numbers_in(text: str, claim: bool = False) -> set[Decimal]:
    """Numeric values in a text. For a claim only unambiguous Chinese numerals count (二十, 三百, 二〇一九, 三个):
    a lone 一 or 十 is a word ('一起', '十分'), not a figure; a source contributes every reading it has."""
    values: set[Decimal] = set()
    for m in _ARABIC.finditer(text):
        try:
            values.add(Decimal(m.group().replace(",", "")).normalize())
        except InvalidOperation:
            pass
    for m in _ZH_NUM.finditer(text):
        s = m.group()
        has_digit = any(c in _ZH_DIGIT for c in s)
        counted = _MEASURE.match(text, m.end()) and s not in "一"  # 三个月, 五名, 两次 (一个 is any 'a')
        if claim and not ((len(s) >= 2 and has_digit and any(c in "十百千万亿" for c in s))
                          or (len(s) >= 3 and all(c in _ZH_DIGIT for c in s)) or (has_digit and counted)):
            continue
        try:
            value = _zh_value(s)
        except (KeyError, ValueError):
            value = None
        if value is not None:
            values.add(value.normalize())
        if not claim:  # '三百二十' also holds 三 and 二十 for whoever quotes part of it
            values.update(Decimal(_ZH_DIGIT[c]) for c in s if c in _ZH_DIGIT)
    return values


# ---------- names and terms ----------
@functools.lru_cache(maxsize=1)
def _posseg():
    import jieba.posseg
    return jieba.posseg


def names_in(claim: str) -> list[str]:
    """Names a sentence asserts: Latin tokens that are not plain English words (GDP, 5G, a name in a Chinese
    sentence; in English, capitalized words after the first that are not in the lexicon are left to the term
    check), and Chinese person/place/organisation names of two characters or more."""
    names: list[str] = []
    if cjk_ratio(claim) >= 0.5:
        names += [t for t in _LATIN_NAME.findall(claim) if not t.isdigit()]
        names += [w for w, flag in _posseg().cut(fold(claim)) if flag in _NAME_TAGS and len(w) >= 2]
    else:
        names += [t for t in _LATIN_NAME.findall(claim) if t.isupper() and len(t) > 1]
    return list(dict.fromkeys(names))


def _term_units(claim: str) -> list[Unit]:
    """The claim's meaning units without the numbers (the number check, which reads Chinese numerals, has them)."""
    return [u for u in question_units(claim) if not any(ch.isdigit() for ch in u.label)]


class Verifier:
    """Checks sentences against numbered passages (1-based, as the prompt showed them)."""

    def __init__(self, passages: list[Passage], get_text, embedder):
        self.passages, self.get_text, self.embedder = passages, get_text, embedder
        self._forms = [search_form(p.chunk.text) for p in passages]
        self._numbers = [numbers_in(f) for f in self._forms]

    def check(self, piece: Piece) -> Checked:
        claim = piece.claim
        valid = [n for n in piece.cited if 1 <= n <= len(self.passages)]
        bad = [n for n in piece.cited if n not in valid]
        if NO_ANSWER.search(claim) and not valid:
            return Checked(piece, no_answer=True)
        if not piece.cited and _INTRO.search(piece.raw) and not numbers_in(claim, claim=True):
            return Checked(piece, intro=True)
        reasons, details, support = [], [], []
        if not piece.cited:
            reasons.append(NO_CITATION)
        if bad:
            reasons.append(BAD_CITATION)
            details.append("cites " + ", ".join(f"[{n}]" for n in bad) + f"; there are {len(self.passages)}")
        if valid:
            text = "\n".join(self._forms[n - 1] for n in valid)
            have = set().union(*(self._numbers[n - 1] for n in valid))
            missing = [f"{v:f}" for v in sorted(numbers_in(search_form(claim), claim=True) - have)]
            if missing:
                reasons.append(NUMBER)
                details.append("numbers " + ", ".join(missing))
            names = [n for n in names_in(claim) if search_form(n) not in text]
            if names:
                reasons.append(NAME)
                details.append("names " + ", ".join(names))
            support = [self.supporting(claim, self.passages[n - 1]) for n in valid]
            units = _term_units(claim)
            floor = MIN_COVERAGE_ZH if cjk_ratio(claim) >= 0.5 else MIN_COVERAGE_EN
            share = coverage(units, text) if units else 1.0
            if floor == MIN_COVERAGE_EN and share >= EN_COVERAGE_WITH_COSINE \
                    and max(cos for *_, cos in support) >= EN_COSINE:
                share = floor  # a translation the lexicon misses, that the model reads as the same sentence
            if share < floor and not NO_ANSWER.search(claim):
                reasons.append(TERMS)
                absent = [u.label for u in sorted(units, key=lambda u: -u.weight) if u.found(text) < 1.0]
                details.append(f"terms {share:.0%} covered, missing " + ", ".join(absent[:4]))
        checked = Checked(piece, tuple(reasons), "; ".join(details))
        if not reasons:
            checked.support = [(p, s, e) for p, s, e, _ in support]
        return checked

    def supporting(self, claim: str, passage: Passage) -> tuple[Passage, int, int, float]:
        """The sentence of the passage that best backs the claim, by the extractive answer's sentence score,
        and its cosine with the claim."""
        query = Query(claim, [], self.embedder.encode([fold(claim)])[0], question_units(claim))
        short = answering.shortlist(query, [passage], self.get_text)
        if not short:
            return passage, passage.chunk.start, passage.chunk.end, 0.0
        dense = answering.sentence_cosines(query, short, self.embedder)
        lex_weight = 0.35 + 0.25 * query.cjk  # as answer.compose weighs coverage against cosine

        def score(i: int) -> float:
            lex, text = short[i][0], short[i][5]
            fragment = 0.15 if len(text) < answering.MIN_SENTENCE_CHARS else 0.0
            return lex_weight * lex + (1 - lex_weight) * float(dense[i]) - fragment
        best = max(range(len(short)), key=score)
        _, _, p, s, e, _ = short[best]
        return p, s, e, float(dense[best])
