"""Question units and coverage: what a question asks about, and how much of it a text contains.

A question is cut into meaning units (`Unit`): a Chinese word, a number or Latin anchor, or an English word with
its Chinese translations (lexicon.py). `coverage()` (the IDF-weighted share of units a text contains) re-ranks
retrieval candidates (fuse.py), and scores sentences and abstention (answer.py).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from . import lexicon
from .normalize import cjk_ratio, is_cjk, search_form
from .pinyin import NameMatch
from .stopwords import QUESTION_WORDS, STOPWORDS
from .tokenize import idf, known_idf, words

_ANCHOR = re.compile(r"\d+(?:\.\d+)?|[A-Za-z][A-Za-z0-9]*")
ANCHOR_WEIGHT = 12.0  # a number or acronym is as specific as a rare word (jieba IDFs run 1-14)
SUFFIX_WEIGHT = 3.0  # 'district' after a pinyin name: 永昌区 over 永昌县, a tie-breaker
ENGLISH_WEIGHT = 7.0  # an English word is known only through noisy translations: a middling weight
# Words carried over from earlier turns of a conversation (conversation.py puts them in 〔〕): they set the
# topic, but the question's own words say what is asked, so they weigh about a third.
CONTEXT_WEIGHT = 0.35
CONTEXT = re.compile(r"〔([^〔〕]*)〕")

__all__ = ["QUESTION_WORDS", "STOPWORDS", "Unit", "coverage", "question_units"]


@dataclass(frozen=True)
class Unit:
    label: str
    forms: tuple[str, ...]  # search forms; any one of them in a text counts
    weight: float

    def found(self, text: str) -> float:
        """1 when a form occurs; for a long Chinese word also partial credit for its character pairs
        ('美国宇航局' in a text that says '宇航局'), since jieba's cut of the question and the document differ."""
        if any(f in text for f in self.forms):
            return 1.0
        w = self.forms[0]
        if len(self.forms) == 1 and len(w) >= 3 and is_cjk(w[0]):
            pairs = [w[i:i + 2] for i in range(len(w) - 1)]
            return sum(p in text for p in pairs) / len(pairs) * 0.8
        return 0.0


def _weight(word: str) -> float:
    """IDF, halved for a single character (it matches by chance); an unknown word (jieba's HMM glued it from
    a question, e.g. '这首') gets its characters' mean instead of the 'rare word' median."""
    w = known_idf(word)
    if w is None:
        chars = [known_idf(ch) for ch in word]
        w = sum(c for c in chars if c) / max(1, sum(1 for c in chars if c)) if any(chars) else idf(word)
    return w * 0.5 if len(word) == 1 else w


def question_units(question: str, user_dict: str | None = None, names: list[NameMatch] | None = None
                   ) -> list[Unit]:
    """names: the question's pinyin names found in the corpus (pinyin.match_names), anchors like numbers."""
    carried = " ".join(CONTEXT.findall(question))
    if carried:
        own = CONTEXT.sub(" ", question)
        own_labels = {u.label for u in _units(own, user_dict, names)}
        units = _units(f"{carried} {own}", user_dict, names)
        own_total = sum(u.weight for u in units if u.label in own_labels)
        old_total = sum(u.weight for u in units if u.label not in own_labels) or 1.0
        # At most a third each, and together no more than half the question's own weight.
        scale = min(CONTEXT_WEIGHT, 0.5 * own_total / old_total) if own_total else CONTEXT_WEIGHT
        return [u if u.label in own_labels else Unit(u.label, u.forms, u.weight * scale) for u in units]
    return _units(question, user_dict, names)


def name_units(names: list[NameMatch]) -> list[Unit]:
    """A pinyin name weighs like a number, scaled by how sure the match is; 'Yongchang district' also gets a
    smaller unit for 永昌区 itself, which tells the district from a county of the same name."""
    out = []
    for m in names:
        out.append(Unit(m.text.lower(), m.terms, ANCHOR_WEIGHT * m.credit))
        if m.suffix:
            out.append(Unit(f"{m.text.lower()} {m.suffix_word}", tuple(t + m.suffix for t in m.terms),
                            SUFFIX_WEIGHT * m.credit))
    return out


def _units(question: str, user_dict: str | None, names: list[NameMatch] | None = None) -> list[Unit]:
    sf = search_form(question)
    units: dict[str, Unit] = {}
    english = cjk_ratio(question) < 0.5
    for w in words(sf, user_dict):
        if w in STOPWORDS or w in QUESTION_WORDS or not w.strip():
            continue
        if is_cjk(w[0]):
            # '卖不卖', '去没去': the text states it as the verb alone ('茶叶卖得出去吗')
            verb = w[0] if len(w) == 3 and w[1] in "不没" and w[2] == w[0] else ""
            units.setdefault(w, Unit(w, (w, verb) if verb else (w,), _weight(w)))
    for m in _ANCHOR.finditer(question):
        tok = m.group()
        # Digits always; Latin tokens only when they cannot be plain English words (GDP, 5G, a name in a
        # Chinese question), otherwise they go through the dictionary below.
        plain_english = english and not (tok.isupper() and len(tok) > 1)
        if (any(ch.isdigit() for ch in tok) or not plain_english) and tok.lower() not in STOPWORDS:
            units.setdefault(tok.lower(), Unit(tok, (tok.lower(),), ANCHOR_WEIGHT))
    if english:
        # The words a pinyin name stands for ('jiang', 'yiming', 'district') are not translated as well.
        named = {w for m in names or () for w in m.words()}
        for u in name_units(names or []):
            units.setdefault(u.label, u)
        # A capitalized word after the first is a name ('France', 'Panthers'): as telling as an anchor.
        capitalised = {w.lower() for w in re.findall(r"(?<=\S )[A-Z][a-z]+", question)}
        for word, translations in lexicon.translate(question):
            if word in named or any(w in named for w in word.split()):
                continue
            if word not in units:
                weight = ANCHOR_WEIGHT if word in capitalised else ENGLISH_WEIGHT
                units[word] = Unit(word, tuple(search_form(t) for t in translations), weight)
    return list(units.values())


def coverage(units: list[Unit], text_search_form: str) -> float:
    """0..1: the weighted share of the question's units present in a text (already in search form)."""
    total = sum(u.weight for u in units)
    if not total:
        return 0.0
    return sum(u.weight * u.found(text_search_form) for u in units) / total
