"""Question → ranked passages: dense (FAISS) and BM25 (jieba) candidates, fused with per-question weights.

Besides the BM25 terms, a question is cut into meaning units (units.py); their coverage re-ranks the
candidates (fuse.py).
"""
from __future__ import annotations

import functools
import math
import time
from dataclasses import dataclass, field, replace

import numpy as np

from . import corpus_terms, fuse, pinyin, transliterate
from .config import Config
from .embed import Embedder
from .normalize import cjk_ratio, fold, search_form
from .pinyin import NameMatch, match_names
from .records import Passage
from .store import Store
from .tokenize import terms as keyword_terms
from .units import ANCHOR_WEIGHT, Unit, coverage, name_units, question_units


@dataclass
class Query:
    text: str
    terms: list[str]
    vector: np.ndarray
    units: list[Unit] = field(default_factory=list)
    timings_ms: dict[str, float] = field(default_factory=dict)
    names: list[NameMatch] = field(default_factory=list)  # pinyin names of an English question (pinyin.py)
    # An English question's content words with the corpus terms learned for them (corpus_terms.py); [] if none.
    learned: list[tuple[str, list[str]]] = field(default_factory=list)
    search_units: list[Unit] | None = None  # the units that rank passages when they differ from `units`
    # Its capitalised words with the corpus term nearest to each as written ('Warsaw' → 华沙: corpus_terms.py).
    proper: list[tuple[str, list[str]]] = field(default_factory=list)
    # Its capitalised words read as foreign names written by sound ('Marconi' → 马可尼: transliterate.py).
    foreign: list[tuple[str, list[str]]] = field(default_factory=list)

    @property
    def cjk(self) -> float:
        return cjk_ratio(self.text)


class Retriever:
    use_names = True  # pinyin names of English questions (pinyin.py); bench/english_eval.py measures without
    name_terms = True  # the names' Chinese among the BM25 terms
    use_learned = True  # translations learned from the corpus (corpus_terms.py)
    answer_name_scale = 0.0  # a name among the answer's units, relative to its weight as an anchor
    search_name_scale = 0.5  # … among the units whose coverage ranks passages (0.25-1 tried on the genre set)
    learned_terms = False  # … and among the BM25 terms
    learned_units = True  # … also as further forms of the answer's units (answer.py scores sentences with them)
    use_proper = True  # capitalised words through the corpus's terms (corpus_terms.proper_words)
    # English: the units that rank passages weighted by how few of the candidates hold them (the exponent of
    # log(1 + (n+1)/(df+1)); 0 = off). Sibling paragraphs of one article share the topic's words ('Luther',
    # 'plague'); what tells them apart is the rarer ones. 0.5, 1, 2 tried on xquad-en2zh id-half A.
    local_idf = 0.5
    name_aliases = True  # a pinyin name's surname-and-title forms (杜总 for 杜宏远: pinyin.py) as its forms too
    # Capitalised words read as foreign names written by sound ('Marconi' → 马可尼: transliterate.py), with their
    # Chinese among the BM25 terms and as a passage share of their own (fuse.FOREIGN_WEIGHT).
    use_foreign = True
    foreign_terms = True
    search_foreign_scale = 0.0  # a foreign name among the units whose coverage ranks passages (× ANCHOR_WEIGHT)
    # … among the answer's units, weighing like a number (1.0): the sentence naming 马可尼 answers about Marconi
    # (xquad-en2zh complete, half A: 0.8149 → 0.8209 at 0.5 and at 1.0; search_foreign_scale 0.25 and 0.5 cost
    # recall@1 there).
    answer_foreign_scale = 1.0

    def __init__(self, store: Store, embedder: Embedder, config: Config):
        self.store, self.embedder, self.config = store, embedder, config

    def query(self, question: str) -> Query:
        user_dict = str(self.config.user_dict) if self.config.user_dict else None
        names = self.names(question)
        words = self.words(question, names)
        proper = self.proper_words(question, names)
        t0 = time.perf_counter()
        # The words to translate through the corpus go with the question: one call to the model, not two.
        new = corpus_terms.unseen(words + proper, self.embedder)
        vecs = self.embedder.encode([fold(question)] + [fold(w) for w in new])
        vec = vecs[0]
        corpus_terms.remember(new, vecs[1:], self.embedder)
        t1 = time.perf_counter()
        ts = keyword_terms(search_form(question), bigrams=self.config.use_bigrams, user_dict=user_dict)
        for m in names if self.name_terms else ():  # the Chinese is what BM25 can match ('Zibo' matches nothing)
            for t in m.terms[:2]:
                ts += keyword_terms(t + m.suffix, bigrams=self.config.use_bigrams, user_dict=user_dict)
            if self.name_aliases:
                ts += list(m.aliases)
        # The answer's units (answer.py) stay the dictionary's: a name tells which document, not which of its
        # sentences answers (measured on the genre set's English questions, README "Answer quality").
        units = question_units(question, user_dict)
        learned, found = self.learned(words, proper)
        foreign = self.foreign(proper)
        if self.foreign_terms:
            ts += [t for runs in foreign.values() for t in runs]
        if self.learned_terms:
            ts += [t for _, terms in learned for t in terms]
        # Passages are ranked with the dictionary's units (the learned terms there are a separate, lighter
        # signal: as unit forms they cost recall@1), the answer's sentences with the learned terms added.
        search_units = units
        if names and self.search_name_scale:
            # A passage that holds none of the question's names is not about them, however well it covers the
            # rest ('take office' → 任职 in another story): the names count in its coverage too.
            have = {u.label for u in units}
            search_units = units + [replace(u, weight=u.weight * self.search_name_scale)
                                    for u in self.name_units(names) if u.label not in have]
        by_label = {w.lower(): runs for w, runs in foreign.items()}
        if foreign and self.search_foreign_scale:
            search_units = with_forms(search_units, by_label, ANCHOR_WEIGHT * self.search_foreign_scale)
        if foreign and self.answer_foreign_scale:
            units = with_forms(units, by_label, ANCHOR_WEIGHT * self.answer_foreign_scale)
        if self.learned_units:
            units = with_learned(units, learned)
        if names and self.answer_name_scale:
            have = {u.label for u in units}
            units = units + [replace(u, weight=u.weight * self.answer_name_scale) for u in self.name_units(names)
                             if u.label not in have]
        t2 = time.perf_counter()
        return Query(question, ts, vec, units, {"encode": (t1 - t0) * 1e3, "tokenize": (t2 - t1) * 1e3}, names,
                     learned, search_units, [(w, t) for w, t in found if t], list(foreign.items()))

    @classmethod
    def name_units(cls, names: list[NameMatch]) -> list[Unit]:
        """units.name_units, a whole name also found through its aliases ('杜总' in a passage names 杜宏远)."""
        units = name_units(names)
        if not cls.name_aliases:
            return units
        extra = {m.text.lower(): m.aliases for m in names if m.aliases}
        return [replace(u, forms=u.forms + extra[u.label]) if u.label in extra else u for u in units]

    def words(self, question: str, names: list[NameMatch]) -> list[str]:
        """The content words of an English question (not its names) to translate through the corpus."""
        if not self.use_learned or cjk_ratio(question) >= 0.5:
            return []
        return corpus_terms.content_words(question, {w for m in names for w in m.words()})

    def proper_words(self, question: str, names: list[NameMatch]) -> list[str]:
        """The capitalised words of an English question (not its pinyin names) to look up among the corpus's terms."""
        if not self.use_proper or cjk_ratio(question) >= 0.5:
            return []
        return corpus_terms.proper_words(question, {w for m in names for w in m.words()})

    def learned(self, words: list[str], proper: list[str] = ()) -> tuple[list, list]:
        """Every content word with its learned corpus terms (maybe none), and the capitalised words with theirs
        at their own floor (corpus_terms.NAME_FLOOR): both in one lookup."""
        if not words and not proper:
            return [], []
        vocab = corpus_terms.vocabulary_for(self.store, self.embedder)
        floors = [corpus_terms.FLOOR] * len(words) + [corpus_terms.NAME_FLOOR] * len(proper)
        found = corpus_terms.learned_translations(list(words) + list(proper), vocab, self.embedder, floors)
        by_word = dict(found)
        return [(w, by_word.get(w, [])) for w in words], [(w, by_word.get(w, [])) for w in proper]

    def foreign(self, proper: list[str]) -> dict[str, list[str]]:
        """Each capitalised word with the corpus's foreign names that sound like it (transliterate.py)."""
        if not self.use_foreign or not proper:
            return {}
        keys = pinyin.table_for(self.store).foreign_keys
        return {w: got for w in proper if (got := transliterate.match(w, keys))}

    def names(self, question: str) -> list[NameMatch]:
        """The pinyin names of an English question that this store's documents contain."""
        if not self.use_names or cjk_ratio(question) >= 0.5 or not any(ch.isupper() for ch in question):
            return []
        return match_names(question, pinyin.table_for(self.store))

    @staticmethod
    def named_documents(query: Query, by_id: dict, texts: dict[str, str]) -> dict[str, float]:
        """candidate id → 0..1, the weighted share of the question's pinyin names its document contains (seen in
        any candidate passage of that document). At the document level on purpose: a name says which document,
        and must not reorder its passages (the one that answers is often not the one naming the person)."""
        units = Retriever.name_units(query.names)
        total = sum(u.weight for u in units)
        if not total:
            return {}
        in_doc: dict[str, float] = {}
        for cid, c in by_id.items():
            got = sum(u.weight * u.found(texts[cid]) for u in units) / total
            in_doc[c.doc_id] = max(in_doc.get(c.doc_id, 0.0), got)
        return {cid: in_doc[c.doc_id] for cid, c in by_id.items()}

    def search(self, query: Query, top_k: int | None = None) -> list[Passage]:
        top_k = top_k or self.config.top_k
        n = max(self.config.candidates, top_k)
        t0 = time.perf_counter()
        dense = self.store.dense_search(query.vector, n)
        t1 = time.perf_counter()
        keyword = self.store.bm25_search(query.terms, n)
        t2 = time.perf_counter()
        by_id = {c.id: c for c, _ in dense} | {c.id: c for c, _, _ in keyword}
        dense_score = {c.id: s for c, s in dense}
        bm25_score = {c.id: (s, m) for c, s, m in keyword}
        matched = {t for _, _, m in keyword for t in m}
        share = len(matched & set(query.terms)) / len(set(query.terms)) if query.terms else 0.0
        # A word the corpus itself writes in Latin letters ('NASUWT', 'Sky') is matched by BM25 as it is: a
        # learned neighbour of it ('nasuwt' → 突出) would only point elsewhere.
        learned_words = [(word, [] if word in matched else terms) for word, terms in query.learned]
        w = fuse.weights_for(query.cjk, share, bool(query.names), any(terms for _, terms in learned_words),
                             bool(query.proper), bool(query.foreign))
        texts = ({cid: _search_text(c.text) for cid, c in by_id.items()} if w.cover or w.names or w.learned
                 or w.proper or w.foreign else {})
        units = query.units if query.search_units is None else query.search_units
        if self.local_idf and query.cjk < 0.5 and texts:
            units = local_idf(units, texts, self.local_idf)
        cover = {cid: coverage(units, t) for cid, t in texts.items()} if w.cover else {}
        named = self.named_documents(query, by_id, texts) if w.names else {}
        # The shares of the question's words whose learned term, of its capitalised words whose corpus term,
        # and of those whose foreign name each passage contains.
        learned = held_share(learned_words, texts) if w.learned else {}
        proper = held_share(query.proper, texts) if w.proper else {}
        foreign = held_share(query.foreign, texts) if w.foreign else {}
        fused = fuse.combine(dense_score, {cid: s for cid, (s, _) in bm25_score.items()}, cover, w, named,
                             learned, proper, foreign)
        best = sorted(fused, key=lambda i: -fused[i])[:top_k]
        t3 = time.perf_counter()
        query.timings_ms.update({"dense": (t1 - t0) * 1e3, "bm25": (t2 - t1) * 1e3, "fuse": (t3 - t2) * 1e3})
        floor = min(dense_score.values()) if dense_score else 0.0
        out = []
        for cid in best:
            chunk = by_id[cid]
            rec = self.store.document(chunk.doc_id)
            source = rec.sources[0] if rec and rec.sources else chunk.doc_id
            s, m = bm25_score.get(cid, (0.0, ()))
            # A chunk found only by BM25 ranked below every dense candidate: its cosine is at most the floor.
            out.append(Passage(chunk=chunk, source=source, score=fused[cid], dense=dense_score.get(cid, floor),
                               bm25=s, matched=m))
        return out


@functools.lru_cache(maxsize=20_000)
def _search_text(text: str) -> str:
    """search_form of a candidate passage: the same passages come back question after question, and folding
    them (NFKC, traditional → simplified) was most of an English question's fusion time."""
    return search_form(text)


def held_share(pairs: list[tuple[str, list[str]]], texts: dict[str, str]) -> dict[str, float]:
    """candidate id → the share of the (word, Chinese forms) pairs whose forms its text contains."""
    return {cid: sum(any(x in t for x in forms) for _, forms in pairs) / len(pairs) for cid, t in texts.items()}


def with_learned(units: list[Unit], learned: list[tuple[str, list[str]]]) -> list[Unit]:
    """The question's units with the corpus-learned terms as further forms of their English word (a word the
    dictionary does not know becomes a unit of its own, at the English weight)."""
    from .units import ENGLISH_WEIGHT
    return with_forms(units, {w: terms for w, terms in learned if terms}, ENGLISH_WEIGHT)


def with_forms(units: list[Unit], extra: dict[str, list[str]], weight: float) -> list[Unit]:
    """The units with further forms for the words labelling them (learned terms, foreign-name runs); a word no
    unit is labelled by becomes a unit of its own at `weight`."""
    extra = dict(extra)
    out = [replace(u, forms=u.forms + tuple(t for t in extra.pop(u.label, ()) if t not in u.forms)) for u in units]
    return out + [Unit(w, tuple(terms), weight) for w, terms in extra.items()]


def local_idf(units: list[Unit], texts: dict[str, str], power: float) -> list[Unit]:
    """The units reweighted by log(1 + (n+1)/(df+1)) ** power, df the number of the n candidate passages holding
    the unit: a unit every candidate holds (the article's topic) tells none of them apart, a rare one does.
    Over the candidates rather than the corpus: that is the set the ranking has to separate."""
    n = len(texts)
    out = []
    for u in units:
        df = sum(u.found(t) > 0 for t in texts.values())
        out.append(replace(u, weight=u.weight * math.log((n + 1) / (df + 1) + 1) ** power))
    return out
