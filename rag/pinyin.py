"""Names in pinyin: an English question's 'Jiang Yiming', 'Yongchang district' or 'Zibo' → the corpus's 江一鸣,
永昌区, 淄博.

Why: CC-CEDICT holds almost none of the people, places and companies documents are about, the dense model sees
a pinyin name as a rare token, and BM25 is blind to it. But the corpus itself says which Chinese words exist, and
their toneless pinyin is mechanical (pypinyin, data inside the package). So we keep a table: joined toneless
pinyin ('jiangyiming') → the corpus terms that read so, with their counts.

What goes in: jieba words of 2-4 Chinese characters (numbers and Latin dropped), and names jieba splits: a
surname character glued to the one or two characters after it (江/一鸣 → 江一鸣), or a two-character name and
the character after it (秦牧/之 → 秦牧之). A glued name must occur twice in the corpus, since a surname
character followed by anything is common. A document that calls someone by surname and title ('杜总', '雷书记')
and names one person of that surname far more often than any other links the two: `aliases` ('杜宏远' →
['杜总']), so that an English question about Du Hongyuan also finds the passages that say only 杜总.

The store is not ours to change, so the table is built from what the store gives (documents and their texts)
when indexing has committed (Assistant.index → corpus_terms.prepare), or else the first time a question needs
it, and kept per store state: in memory, and for the local store on disk as `<index>/pinyin.json`. When
documents are added only the new ones are read; terms of removed documents stay (a term no document contains
matches nothing, so it costs nothing but space). Matching a question against the table: pinyin_names.py.
"""
from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

# SURNAMES stays importable from here (spans.py uses it); the pinyin table also glues the rarer surnames.
from .english_titles import COMPOUND_SURNAMES, NAME_SURNAMES, SURNAMES, links, titled_forms  # noqa: F401
from .normalize import search_form
from .pinyin_names import SUFFIXES, NameMatch, match_names  # noqa: F401  (matching lives there; importers use these)
from .transliterate import runs, zh_key

FORMAT = 5  # 2: aliases (杜总 → 杜宏远); 4: titled forms, rarer and compound surnames; 5: foreign names
# Characters that end a phrase rather than a name: a surname followed by one of them is not a name.
_FUNCTION = set("的了是在和与说道着过也都就还又而把被对向从给让这那个们么吗呢吧啊呀哦")
_SUFFIX_CHARS = set("区县市省街村镇乡路河")
_CJK = re.compile(r"^[\u4e00-\u9fff]+$")

SYNC_CHARS = 1_000_000  # new text a question waits for; more is read by a thread (table_for)
_lock = threading.Lock()
_memory: dict[str, PinyinTable] = {}
_building: set[str] = set()


@dataclass
class PinyinTable:
    key: str = ""  # the store state it was built for
    docs: set[str] = field(default_factory=set)  # ids of the documents read
    counts: dict[str, int] = field(default_factory=dict)  # term → occurrences
    glued: set[str] = field(default_factory=set)  # terms made by gluing (names jieba split)
    pinyin: dict[str, list[str]] = field(default_factory=dict)  # joined toneless pinyin → terms, commonest first
    given: dict[str, list[str]] = field(default_factory=dict)  # pinyin of a name without its surname → names
    # full name → surname-and-title forms a document calls that person by ('杜宏远' → ['杜总']): linked when
    # the document names one person of that surname far more than any other (ALIAS_DOMINANCE).
    aliases: dict[str, list[str]] = field(default_factory=dict)
    titled: dict[str, int] = field(default_factory=dict)  # surname-and-title form → occurrences ('林市长': 5)
    # runs of transliteration characters → occurrences ('马可尼': 3): foreign names (transliterate.py)
    foreign: dict[str, int] = field(default_factory=dict)

    def terms(self, key: str) -> list[str]:
        return self.pinyin.get(key, [])

    def usable(self, term: str) -> bool:
        return term in self.counts and (term not in self.glued or self.counts[term] >= 2)

    # ---------- building ----------
    def add_text(self, text: str) -> None:
        from .tokenize import _jieba
        toks = list(_jieba(None).cut(search_form(text), HMM=True))
        new: dict[str, int] = {}
        words = set()
        for i, t in enumerate(toks):
            if 2 <= len(t) <= 5 and _CJK.match(t):
                # '瑞川县' read as one word still answers 'Ruichuan county': its stem goes in too.
                for w in (t, t[:-1]) if t[-1] in _SUFFIX_CHARS and len(t) >= 3 else (t,):
                    if len(w) <= 4:
                        new[w] = new.get(w, 0) + 1
                        words.add(w)
            nxt = toks[i + 1] if i + 1 < len(toks) else ""
            if not _CJK.match(t) or not nxt or not _CJK.match(nxt) or nxt[0] in _FUNCTION:
                continue
            glued = ""
            if (len(t) == 1 and t in NAME_SURNAMES or t in COMPOUND_SURNAMES) and len(nxt) <= 2:
                glued = t + nxt
            elif len(t) == 2 and t[0] in NAME_SURNAMES and len(nxt) == 1:
                glued = t + nxt
            if glued and glued not in self.counts and glued not in new:
                self.glued.add(glued)
            if glued:
                new[glued] = new.get(glued, 0) + 1
        self.glued -= words  # also a word of its own somewhere: no longer a guess
        for run in runs(search_form(text)):
            self.foreign[run] = self.foreign.get(run, 0) + 1
        self._link_titles(search_form(text), new)
        for t, n in new.items():
            if t not in self.counts:
                self._index(t)
            self.counts[t] = self.counts.get(t, 0) + n

    def _link_titles(self, text: str, new: dict[str, int]) -> None:
        """This document's surname-and-title forms, counted, and linked to its full names
        (english_titles.links: '杜总' → 杜宏远, '县长鄢北辰' → 鄢县长)."""
        from .tokenize import _jieba
        titled = titled_forms(text)
        for form, n in titled.items():
            self.titled[form] = self.titled.get(form, 0) + n
        for form, name in links(text, titled, new, _jieba(None).FREQ):
            self.titled.setdefault(form, 1)
            names = self.aliases.setdefault(name, [])
            if form not in names:
                names.append(form)

    @functools.cached_property
    def foreign_keys(self) -> dict[str, list[str]]:
        """Consonant key → the foreign-name runs that read so, commonest first (transliterate.match). Read by
        questions only, once the table is built (_update reads documents into a fresh copy)."""
        keys: dict[str, list[str]] = {}
        for run in sorted(self.foreign, key=lambda r: (-self.foreign[r], r)):
            keys.setdefault(zh_key(run), []).append(run)
        return keys

    def _index(self, term: str) -> None:
        for key in readings(term):
            self.pinyin.setdefault(key, []).append(term)
        if 3 <= len(term) <= 4 and term[0] in NAME_SURNAMES:  # 'Yiming' alone may mean 江一鸣
            for key in readings(term[1:]):
                self.given.setdefault(key, []).append(term)

    def finish(self) -> None:
        for table in (self.pinyin, self.given):
            for key, terms in table.items():
                table[key] = sorted(set(terms), key=lambda t: (-self.counts.get(t, 0), t))

    # ---------- on disk ----------
    def to_json(self) -> dict:
        return {"format": FORMAT, "key": self.key, "docs": sorted(self.docs), "counts": self.counts,
                "glued": sorted(self.glued), "pinyin": self.pinyin, "given": self.given, "aliases": self.aliases,
                "titled": self.titled, "foreign": self.foreign}

    @classmethod
    def from_json(cls, d: dict) -> PinyinTable:
        if d.get("format") != FORMAT:
            raise ValueError("an older table: built again")
        return cls(d["key"], set(d["docs"]), d["counts"], set(d["glued"]), d["pinyin"], d["given"],
                   d["aliases"], d["titled"], d["foreign"])


@functools.lru_cache(maxsize=65_536)
def _char_readings(ch: str) -> tuple[str, ...]:
    from pypinyin import Style, pinyin
    return tuple(dict.fromkeys(r.replace("ü", "v") for r in pinyin(ch, style=Style.NORMAL, heteronym=True)[0]))


def readings(term: str) -> list[str]:
    """Joined toneless pinyin of a term: the reading pypinyin gives in context, plus, for a polyphonic
    character, its other readings (at most 4 in all): '长' may be read chang or zhang in a name.
    A term of single-reading characters is read character by character (cached): asking pypinyin about the
    whole term (its phrase segmentation) was most of building the table, and only matters for polyphones."""
    chars = [_char_readings(ch) for ch in term]
    if all(len(c) == 1 for c in chars):
        return ["".join(c[0] for c in chars)]
    from pypinyin import Style, lazy_pinyin, pinyin
    first = "".join(lazy_pinyin(term, style=Style.NORMAL)).replace("ü", "v")
    out = [first]
    options = pinyin(term, style=Style.NORMAL, heteronym=True)
    if any(len(o) > 1 for o in options):
        combos = [""]
        for o in options:
            combos = [c + r for c in combos for r in dict.fromkeys(o)][:4]
        out += [c.replace("ü", "v") for c in combos if c.replace("ü", "v") not in out]
    return out[:4]


def state_key(store) -> str:
    """What identifies the store's contents cheaply: the manifest's commit counter (local), generation
    (Milvus), update time, and the document count."""
    m = getattr(store, "manifest", {}) or {}
    parts = [m.get("commit"), m.get("generation"), m.get("updated"), store.document_count()]
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()[:16]


def table_for(store, wait: bool = False) -> PinyinTable:
    """The table for the store's current state: from memory, from `<index>/pinyin.json`, or (re)built,
    reading only the documents the last table has not seen. Indexing calls it with wait=True once its documents
    are committed (corpus_terms.prepare), so a question normally finds it ready. Otherwise up to SYNC_CHARS of
    new text the question waits (the 848 cmrc2018 documents, 432k characters: about 4 s on 2 busy cores); beyond
    that a thread builds it and questions use the last table (or none) meanwhile."""
    key = state_key(store)
    root = getattr(store, "root", None)
    slot = str(root) if root is not None else f"store-{id(store)}"
    path = Path(root) / "pinyin.json" if root is not None else None
    with _lock:
        table = _memory.get(slot)
        if table is not None and table.key == key:
            return table
        if table is None and path is not None and path.exists():
            try:
                table = PinyinTable.from_json(json.loads(path.read_text(encoding="utf-8")))
            except (OSError, ValueError, KeyError, TypeError):
                table = None
            if table is not None:
                _memory[slot] = table
        if table is not None and table.key == key:
            return table
        if table is not None and slot in _building and not wait:
            return table  # indexing or a thread is reading the new documents: the last table meanwhile
        seen = table.docs if table else set()
        pending = sum(d.chars for d in store.documents() if d.id not in seen)
        if pending > SYNC_CHARS and not wait:
            if slot not in _building:
                _building.add(slot)
                threading.Thread(target=_build_aside, args=(store, table, key, path, slot), daemon=True,
                                 name="pinyin-table").start()
            return table or PinyinTable()
        _building.add(slot)
    # Built outside the lock, so that questions asked meanwhile are not held up (they take the last table).
    return _build_aside(store, table, key, path, slot)


def _build_aside(store, table: PinyinTable | None, key: str, path: Path | None, slot: str) -> PinyinTable:
    try:
        table = _update(store, table or PinyinTable(), key)
        if path is not None:
            _save(path, table)
        with _lock:
            _memory[slot] = table
        return table
    finally:
        with _lock:
            _building.discard(slot)


def _update(store, old: PinyinTable, key: str) -> PinyinTable:
    # On a copy: another thread may be matching a question against the old table right now.
    table = PinyinTable(old.key, set(old.docs), dict(old.counts), set(old.glued),
                        {k: list(v) for k, v in old.pinyin.items()}, {k: list(v) for k, v in old.given.items()},
                        {k: list(v) for k, v in old.aliases.items()}, dict(old.titled),
                        dict(old.foreign))
    live = {d.id for d in store.documents()}
    for doc_id in sorted(live - table.docs):
        try:
            table.add_text(store.document_text(doc_id))
        except Exception:  # a document removed meanwhile: the next state reads it again or not at all
            continue
        table.docs.add(doc_id)
    table.docs &= live
    table.finish()
    table.key = key
    return table


def _save(path: Path, table: PinyinTable) -> None:
    """Atomic (a temporary sibling replaced into place); a read-only index folder only loses the cache."""
    tmp = path.with_name(f".pinyin.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        tmp.write_text(json.dumps(table.to_json(), ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)
