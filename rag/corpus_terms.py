"""Translations learned from the corpus: an English question word → the corpus's own Chinese terms nearest to it
under the multilingual encoder.

Why: CC-CEDICT gives 'sacks' as 袋 and 麻袋 while an American football text says 擒杀; it has no 'Panthers' at
all, the corpus says 黑豹. The encoder places an English word near the Chinese words of the same meaning, so the
corpus's frequent content words (the pinyin table's terms, pinyin.py) are embedded once and each content word of
an English question takes its nearest corpus term when the cosine clears a floor. The result is a weak signal
(the share of the question's words whose learned term a passage contains, fuse.py), fitted on one half of
xquad-en2zh and checked on the other (README "Answer quality").

Cached like the pinyin table: per store state in memory, and for the local store in `<index>/corpus_terms.npz`
(terms and unit vectors of the model named in the file); a new state embeds only the terms not seen before.
Indexing brings both up to date once its documents are committed (prepare()).
"""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .normalize import fold
from .stopwords import ENGLISH_STOP

MAX_TERMS = 60_000  # the most frequent terms: a large corpus's long tail is names and typos, not translations
FLOOR = 0.75  # cosine an English word and a corpus term must reach (fitted on xquad-en2zh half A)
TOP = 1  # nearest terms kept per word
# A capitalised word inside the question ('Warsaw', 'Huguenots', 'Marconi') is a name the corpus writes in
# characters of its own (华沙, 胡格诺, 马可尼). Encoded as written, not lower-cased: 'Warsaw' lands next to 华沙,
# 'warsaw' next to 切割. Such a neighbour is less close than a word's translation, hence a floor of its own
# (0.50-0.65 tried on xquad-en2zh half A; 0.55 kept).
NAME_FLOOR = 0.55
# Chinese light verbs: they carry the verb of a phrase, not its topic ('进行调研', '给予支持'), so the nearest
# term of a light English verb ('take' → 进行 at 0.83, 'given' → 作为) says nothing about a passage. A word whose
# nearest term is one of them has no learned translation (its next neighbours are no better: 'take' → 就让).
LIGHT_VERBS = frozenset("进行 加以 予以 给予 得以 作出 做出 作为 具有 使得".split())
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")
_CAPITALISED = re.compile(r"\b[A-Z][a-z]+(?:[A-Z][a-z]+)?\b")
_CJK = re.compile(r"^[\u4e00-\u9fff]{2,4}$")

SYNC_TERMS = 40_000  # new terms a question waits for (cmrc2018's 32k: about 16 s on 2 busy cores)
_lock = threading.Lock()
_memory: dict[str, Vocabulary] = {}
_building: set[str] = set()


@dataclass
class Vocabulary:
    key: str  # pinyin table key + model: what the vectors were made from
    terms: list[str]
    vectors: np.ndarray  # unit rows, float32

    def nearest(self, vectors: np.ndarray, floor: float | None = None, top: int | None = None
                ) -> list[list[tuple[str, float]]]:
        """For each row of `vectors` (unit), its nearest terms at or above the floor, best first: one matrix
        product for all the words of a question."""
        floor, top = FLOOR if floor is None else floor, TOP if top is None else top
        if not self.terms or not len(vectors):
            return [[] for _ in range(len(vectors))]
        sims = self.vectors @ np.asarray(vectors, dtype=np.float32).T  # terms × words
        out = []
        for j in range(sims.shape[1]):
            col = sims[:, j]
            idx = np.argpartition(-col, min(top, len(col) - 1))[:top]
            out.append([(self.terms[i], float(col[i])) for i in sorted(idx, key=lambda i: -col[i]) if col[i] >= floor])
        return out


def content_words(question: str, skip: set[str] = frozenset()) -> list[str]:
    """The question's words worth translating: not function words, not one- or two-letter tokens."""
    out = []
    for w in _WORD.findall(question):
        w = w.lower().strip("'-").removesuffix("'s")
        if len(w) >= 3 and w not in ENGLISH_STOP and w not in skip and w not in out:
            out.append(w)
    return out


def proper_words(question: str, skip: set[str] = frozenset()) -> list[str]:
    """The question's capitalised words after its first word, as written ('Warsaw' of "What was Warsaw's
    first…"): not function words, not words in `skip` (lower case: the pinyin names already matched)."""
    out = []
    for m in _CAPITALISED.finditer(question):
        w = m.group()
        if m.start() > 0 and w.lower() not in ENGLISH_STOP and w.lower() not in skip and w not in out:
            out.append(w)
    return out


def prepare(store, embedder) -> None:
    """After indexing: bring the pinyin table and the vocabulary up to the store's state now, reading and
    embedding only what is new, so that the first English question finds both on disk (`<index>/pinyin.json`,
    `<index>/corpus_terms.npz`) instead of building them while it waits."""
    vocabulary_for(store, embedder, wait=True)


def vocabulary_for(store, embedder, wait: bool = False) -> Vocabulary:
    """The vocabulary for the store's pinyin table (pinyin.table_for), embedding only terms not seen before:
    up to SYNC_TERMS while the question waits, more in a thread (questions use the last vocabulary meanwhile);
    wait=True (indexing) embeds them all now."""
    from . import pinyin
    table = pinyin.table_for(store, wait)
    model = getattr(embedder, "name", "")
    key = f"{table.key}:{model}"
    root = getattr(store, "root", None)
    slot = str(root) if root is not None else f"store-{id(store)}"
    path = Path(root) / "corpus_terms.npz" if root is not None else None
    with _lock:
        vocab = _memory.get(slot)
        if vocab is not None and not vocab.key.endswith(f":{model}"):
            vocab = None  # another model's vectors (a test's embedder): none of them can be reused
        if vocab is None and path is not None and path.exists():
            vocab = _load(path, model)
            if vocab is not None:
                _memory[slot] = vocab
        if vocab is not None and vocab.key == key:
            return vocab
        if vocab is not None and slot in _building and not wait:
            return vocab  # new terms are being embedded (indexing, or a thread): the last vocabulary meanwhile
        known = set(vocab.terms) if vocab else set()
        if not wait and sum(t not in known for t in _terms(table)) > SYNC_TERMS:
            if slot not in _building:
                _building.add(slot)
                threading.Thread(target=_build_aside, args=(table, embedder, vocab, key, path, model, slot),
                                 daemon=True, name="corpus-terms").start()
            return vocab or Vocabulary("", [], np.zeros((0, 1), dtype=np.float32))
        _building.add(slot)
    # Embedded outside the lock, so that questions asked meanwhile are not held up (they take the last one).
    return _build_aside(table, embedder, vocab, key, path, model, slot)


def _build_aside(table, embedder, vocab, key: str, path: Path | None, model: str, slot: str) -> Vocabulary:
    try:
        vocab = _update(table, embedder, vocab, key)
        if path is not None:
            _save(path, vocab, model)
        with _lock:
            _memory[slot] = vocab
        return vocab
    finally:
        with _lock:
            _building.discard(slot)


def _terms(table) -> list[str]:
    """The table's terms worth embedding: two to four characters, not glued guesses, the most frequent first."""
    ranked = sorted(((t, n) for t, n in table.counts.items() if t not in table.glued and _CJK.match(t)),
                    key=lambda x: (-x[1], x[0]))
    return [t for t, _ in ranked[:MAX_TERMS]]


def _update(table, embedder, old: Vocabulary | None, key: str) -> Vocabulary:
    terms = _terms(table)
    known = {t: i for i, t in enumerate(old.terms)} if old else {}
    new = [t for t in terms if t not in known]
    fresh = _encode(embedder, new) if new else np.zeros((0, 1), dtype=np.float32)
    rows, pos = [], {t: i for i, t in enumerate(new)}
    for t in terms:
        rows.append(old.vectors[known[t]] if t in known else fresh[pos[t]])
    vectors = np.vstack(rows).astype(np.float32) if rows else np.zeros((0, 1), dtype=np.float32)
    return Vocabulary(key, terms, vectors)


def _encode(embedder, texts: list[str]) -> np.ndarray:
    v = np.asarray(embedder.encode([fold(t) for t in texts]), dtype=np.float32)
    return v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)


def _load(path: Path, model: str) -> Vocabulary | None:
    try:
        with np.load(path, allow_pickle=False) as z:
            if str(z["model"]) != model:
                return None
            return Vocabulary(str(z["key"]), [str(t) for t in z["terms"]], z["vectors"].astype(np.float32))
    except (OSError, ValueError, KeyError):
        return None


def _save(path: Path, vocab: Vocabulary, model: str) -> None:
    import os
    tmp = path.with_name(f".corpus_terms.{os.getpid()}.{threading.get_ident()}.tmp.npz")
    try:
        np.savez(tmp, key=vocab.key, model=model, terms=np.array(vocab.terms, dtype=str),
                 vectors=vocab.vectors.astype(np.float16))
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)


_words: dict[tuple[str, str], np.ndarray] = {}  # (model, word) → unit vector: questions repeat their words


def unseen(words: list[str], embedder) -> list[str]:
    """The words with no vector yet: the caller encodes them with the question, in one call (retrieve.py)."""
    model = getattr(embedder, "name", "")
    return [w for w in words if (model, w) not in _words]


def remember(words: list[str], vectors: np.ndarray, embedder) -> None:
    model = getattr(embedder, "name", "")
    if len(_words) > 50_000:
        _words.clear()
    for w, v in zip(words, vectors, strict=True):
        _words[(model, w)] = np.asarray(v, dtype=np.float32)


def learned_translations(words: list[str], vocab: Vocabulary, embedder, floor: float | list[float] | None = None
                         ) -> list[tuple[str, list[str]]]:
    """(word, corpus terms) for the words whose nearest corpus term clears the floor (FLOOR unless given; one
    per word when a list); the words not seen before are encoded in one call, and all words meet the vocabulary
    in one product (it reads every term vector: about 20 ms at 32k terms, whatever the number of words)."""
    model = getattr(embedder, "name", "")
    new = unseen(words, embedder)
    if new:
        remember(new, _encode(embedder, new), embedder)
    if not words:
        return []
    floors = floor if isinstance(floor, list) else [FLOOR if floor is None else floor] * len(words)
    near = vocab.nearest(np.vstack([_words[(model, w)] for w in words]), min(floors))
    return [(w, [t for t, c in n if c >= f]) for w, n, f in zip(words, near, floors, strict=True)
            if n and n[0][1] >= f and n[0][0] not in LIGHT_VERBS]
