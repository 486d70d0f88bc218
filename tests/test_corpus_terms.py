"""Translations learned from the corpus (corpus_terms.py): nearest corpus terms of an English word."""
import numpy as np

from rag import Assistant, corpus_terms
from rag.corpus_terms import Vocabulary, content_words, learned_translations, vocabulary_for


class MeaningEmbedder:
    """Words of one meaning share a vector (an English word and its Chinese), others are orthogonal."""
    name = "meaning-test"
    MEANINGS = {"panthers": 0, "黑豹": 0, "sacks": 1, "擒杀": 1, "defense": 2, "防守": 2, "weather": 3,
                "season": 5, "赛季": 5}

    def encode(self, texts, progress=False):
        out = np.zeros((len(texts), 8), dtype=np.float32)
        for i, t in enumerate(texts):
            out[i, self.MEANINGS.get(t.lower(), 6 + len(t) % 2)] = 1.0
        return out


def test_content_words_skip_function_words_and_names():
    assert content_words("How many sacks did the Panthers' defense have?") == ["sacks", "panthers", "defense"]
    assert content_words("What did Jiang Yiming say?", {"jiang", "yiming"}) == ["say"]


def test_learned_translation_above_the_floor_only():
    emb = MeaningEmbedder()
    vocab = Vocabulary("k", ["黑豹", "擒杀", "防守", "球队"], emb.encode(["黑豹", "擒杀", "防守", "球队"]))
    got = dict(learned_translations(["panthers", "sacks", "weather"], vocab, emb))
    assert got == {"panthers": ["黑豹"], "sacks": ["擒杀"]}  # 'weather' has no corpus term near it


def test_vocabulary_cached_per_store_state(config, tmp_path, monkeypatch):
    monkeypatch.setattr(corpus_terms, "MAX_TERMS", 1000)
    (tmp_path / "a.txt").write_text("黑豹队的防守只丢了308分。黑豹队的防守排名第六。", encoding="utf-8")
    a = Assistant(config)
    a.index([tmp_path / "a.txt"])
    emb = MeaningEmbedder()
    first = vocabulary_for(a.store(), emb)
    assert "防守" in first.terms and (config.index_dir / "corpus_terms.npz").exists()
    assert vocabulary_for(a.store(), emb) is first
    (tmp_path / "b.txt").write_text("本赛季球员表现出色。赛季结束以后，防守球员休息。", encoding="utf-8")
    a.index([tmp_path / "b.txt"])
    second = vocabulary_for(a.store(), emb)
    assert second.key != first.key and "赛季" in second.terms and "防守" in second.terms
    assert dict(learned_translations(["season"], second, emb)) == {"season": ["赛季"]}


def test_proper_words_keep_their_case_and_skip_the_first_word_and_names():
    assert corpus_terms.proper_words("What was Warsaw's first literary cabaret?") == ["Warsaw"]
    assert corpus_terms.proper_words("Warsaw Pact: who signed it?") == ["Pact"]  # the first word is any word
    assert corpus_terms.proper_words("Who met Jiang Yiming in Zibo?", {"jiang", "yiming"}) == ["Zibo"]


def test_a_proper_word_takes_its_corpus_term_at_its_own_floor():
    class CaseEmbedder(MeaningEmbedder):
        """'Warsaw' as written sits near 华沙 (cosine 0.6); lower-cased it is elsewhere."""
        def encode(self, texts, progress=False):
            out = super().encode(texts, progress)
            for i, t in enumerate(texts):
                if t == "Warsaw":
                    out[i] = 0.0
                    out[i, 4], out[i, 7] = 0.6, 0.8
                elif t == "华沙":
                    out[i] = 0.0
                    out[i, 4] = 1.0
            return out
    emb = CaseEmbedder()
    terms = ["华沙", "黑豹", "防守"]
    vocab = Vocabulary("k", terms, corpus_terms._encode(emb, terms))
    assert learned_translations(["Warsaw"], vocab, emb) == []  # below the translation floor (0.75)
    assert learned_translations(["Warsaw"], vocab, emb, corpus_terms.NAME_FLOOR) == [("Warsaw", ["华沙"])]
