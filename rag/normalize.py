"""Search form of a text: the same length as the original, so an offset in one is an offset in the other.

fold():        NFKC per character (full-width → half-width) and traditional → simplified (OpenCC, phrase level).
search_form(): fold() and lower-case. Used for keyword matching; fold() is what the embedder sees, so a
traditional document and a simplified question meet in one space.
Characters whose conversion would change the length (e.g. '㈱' → '(株)') are kept as they are.
"""
from __future__ import annotations

import functools
import unicodedata
from pathlib import Path


@functools.lru_cache(maxsize=1)
def _opencc():
    from opencc import OpenCC
    return OpenCC("t2s")


@functools.lru_cache(maxsize=1)
def _t2s_chars() -> dict[int, str]:
    """Single-character traditional → simplified table (first candidate), for a fast 'is there anything to convert'."""
    import opencc
    table: dict[int, str] = {}
    path = Path(opencc.__file__).parent / "dictionary" / "TSCharacters.txt"
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) == 2 and len(parts[0]) == 1:
            target = parts[1].split(" ")[0]
            if len(target) == 1 and target != parts[0]:
                table[ord(parts[0])] = target
    return table


def _nfkc(text: str) -> str:
    if unicodedata.is_normalized("NFKC", text):
        return text
    out = []
    for ch in text:
        n = unicodedata.normalize("NFKC", ch)
        out.append(n if len(n) == 1 else ch)
    return "".join(out)


def to_simplified(text: str) -> str:
    """Traditional → simplified, same length as the input."""
    if text.translate(_t2s_chars()) == text:
        return text  # nothing traditional in it: skip the slow phrase-level converter
    converted = _opencc().convert(text)
    if len(converted) == len(text):
        return converted
    # A phrase changed length somewhere: fall back to character-by-character, which never does.
    return text.translate(_t2s_chars())


def fold(text: str) -> str:
    return to_simplified(_nfkc(text))


def search_form(text: str) -> str:
    folded = fold(text)
    lowered = folded.lower()
    # str.lower() can change length for a few characters (e.g. 'İ'); keep those as they are.
    return lowered if len(lowered) == len(folded) else "".join(c.lower() if len(c.lower()) == 1 else c for c in folded)


def is_cjk(ch: str) -> bool:
    o = ord(ch)
    return 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0x20000 <= o <= 0x2FA1F or 0xF900 <= o <= 0xFAFF


def cjk_ratio(text: str) -> float:
    """Share of CJK ideographs among letters (CJK + alphabetic), 0 when there are none."""
    cjk = letters = 0
    for ch in text:
        if is_cjk(ch):
            cjk += 1
            letters += 1
        elif ch.isalpha():
            letters += 1
    return cjk / letters if letters else 0.0
