"""An English question's names in pinyin ('Jiang Yiming', 'Yongchang district', 'Zibo') matched against the
corpus's pinyin table (pinyin.py): which corpus terms each name reads as, how sure the match is, and the
'district' / 'county' word after it."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .pinyin import PinyinTable

# An English word after a matched name that names what it is: 'Yongchang district' → 永昌区.
SUFFIXES = {"district": "区", "county": "县", "city": "市", "province": "省", "street": "街", "company": "公司",
            "group": "集团", "village": "村", "town": "镇", "township": "乡", "road": "路", "river": "河"}
_TOKEN = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")
MAX_TERMS = 3  # more readings than this and the name says little ('zhangwei' is many people)
GIVEN_CREDIT = 0.6  # a given name alone ('Yiming'), found inside a full name of the corpus
PART_CREDIT = 0.8  # one word of a longer capitalised run ('Jiang' unmatched, 'Yiming' a corpus word)
TITLED = True  # 'Mayor Lin' through the corpus's titled forms (english_titles.py); bench/english_eval.py without


@dataclass(frozen=True)
class NameMatch:
    text: str  # as written: 'Jiang Yiming'
    terms: tuple[str, ...]  # corpus terms (search form), commonest first
    credit: float  # 1 for a whole name
    start: int  # character span of `text` in the question
    end: int
    suffix: str = ""  # '区' when 'district' follows the name
    suffix_word: str = ""  # 'district'
    aliases: tuple[str, ...] = ()  # surname-and-title forms the documents call the person ('杜总': pinyin.py)

    def words(self) -> list[str]:
        return [w.lower() for w in _TOKEN.findall(self.text)] + ([self.suffix_word] if self.suffix_word else [])


def _capitalised_runs(question: str) -> list[list[re.Match]]:
    runs: list[list[re.Match]] = []
    prev_end = None
    for m in _TOKEN.finditer(question):
        tok = m.group()
        if not tok[0].isupper() or (tok.isupper() and len(tok) > 1):  # lower-case words and acronyms (GDP)
            prev_end = None
            continue
        if prev_end is not None and question[prev_end:m.start()].strip(" -") == "":
            runs[-1].append(m)
        else:
            runs.append([m])
        prev_end = m.end()
    return runs


def _key(tokens: list[re.Match]) -> str:
    return "".join(t.group().lower().replace("-", "") for t in tokens)


def match_names(question: str, table: PinyinTable) -> list[NameMatch]:
    """The names of `question` written in pinyin that the corpus contains, longest first within each run of
    capitalised words; spacing, hyphens and case do not matter ('Jiang Yiming', 'JiangYiming', 'Xi-an')."""
    from .stopwords import ENGLISH_STOP
    words = list(_TOKEN.finditer(question))
    out: list[NameMatch] = []
    for run in _capitalised_runs(question):
        i = 0
        while i < len(run):
            found = None
            for n in range(min(4, len(run) - i), 0, -1):
                window = run[i:i + n]
                lone = window[0].group().lower()
                if n == 1 and (lone in ENGLISH_STOP or lone in SUFFIXES):
                    continue
                terms = [t for t in table.terms(_key(window)) if table.usable(t)]
                if not terms and n == 2:  # written surname last: 'Yiming Jiang'
                    terms = [t for t in table.terms(_key(window[::-1])) if table.usable(t)]
                credit = 1.0 if n > 1 or len(run) == 1 else PART_CREDIT
                given = [t for t in table.given.get(_key(window), []) if table.usable(t)] if n == 1 else []
                if given:  # 'Hongyuan' is 宏远 of 杜宏远: the full name, less sure than when written in full
                    terms, credit = given, GIVEN_CREDIT
                if terms:
                    found = (window, terms[:MAX_TERMS], credit)
                    break
            if found is None:
                i += 1
                continue
            window, terms, credit = found
            i += len(window)
            start, end = window[0].start(), window[-1].end()
            suffix = suffix_word = ""
            after = [w for w in words if w.start() >= end][:1]
            if after and after[0].group().lower() in SUFFIXES and question[end:after[0].start()].strip() == "":
                suffix_word = after[0].group().lower()
                suffix = SUFFIXES[suffix_word]
            aliases = tuple(dict.fromkeys(a for t in terms for a in table.aliases.get(t, ())))
            out.append(NameMatch(question[start:end], tuple(terms), credit, start, end, suffix, suffix_word,
                                 aliases))
    return out + titled_names(question, table, out) if TITLED else out


def titled_names(question: str, table: PinyinTable, found: list[NameMatch]) -> list[NameMatch]:
    """'Mayor Lin', 'Secretary Situ': a title and a surname in pinyin → the corpus's titled forms that read so
    (林市长), the full names they are linked to first (林守拙: english_titles.py); not where a name was found."""
    from .english_titles import titled_in_question
    from .pinyin import readings
    out = []
    for start, end, surname, titles in titled_in_question(question):
        if any(m.start < end and start < m.end for m in found):
            continue
        forms = [f for f in table.titled if any(f.endswith(t) and f[:-len(t)] and surname.lower() in
                                               readings(f[:-len(t)]) for t in titles)]
        forms.sort(key=lambda f: -table.titled[f])
        full = list(dict.fromkeys(n for n, aliases in table.aliases.items() for f in forms if f in aliases))
        terms = tuple((full + forms)[:MAX_TERMS])
        if terms:
            out.append(NameMatch(question[start:end], terms, PART_CREDIT, start, end,
                                 aliases=tuple(f for f in forms if f not in terms)))
    return out
