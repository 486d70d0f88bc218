from rag import fuse


def test_rrf_weights_order():
    scores = fuse.rrf([(["a", "b"], 1.0), (["b", "c"], 1.0)])
    assert max(scores, key=scores.get) == "b"
    scores = fuse.rrf([(["a", "b"], 1.0), (["b", "a"], 0.1)])
    assert scores["a"] > scores["b"]


def test_weights_follow_language():
    zh = fuse.weights_for(1.0, 1.0)
    en = fuse.weights_for(0.0, 0.0)
    assert zh.bm25 > en.bm25 and en.cover > zh.cover == 0.0
    assert fuse.weights_for(0.0, 1.0).bm25 > en.bm25  # matched anchors ('12345') count more
    mixed = fuse.weights_for(0.5, 1.0)
    assert en.bm25 < mixed.bm25 < zh.bm25 and zh.cover < mixed.cover < en.cover


def test_combine_lets_a_clear_keyword_winner_beat_a_close_cosine():
    dense = {"a": 0.50, "b": 0.47, "c": 0.25}
    bm25 = {"b": 20.0, "a": 5.0}
    zh = fuse.combine(dense, bm25, {}, fuse.weights_for(1.0))
    assert max(zh, key=zh.get) == "b"
    en = fuse.combine(dense, {}, {"a": 0.0, "b": 0.0, "c": 1.0}, fuse.weights_for(0.0, 0.0))
    assert max(en, key=en.get) == "a"  # coverage breaks ties, it does not overrule a clear cosine


def test_combine_missing_ids_get_the_floor():
    scores = fuse.combine({"a": 0.6, "b": 0.2}, {"x": 3.0}, {}, fuse.Weights(dense=1.0, bm25=0.0))
    assert scores["x"] == 0.2  # ranked below every dense candidate: at most the lowest cosine
    assert fuse.combine({}, {}, {}, fuse.weights_for(1.0)) == {}


def test_pinyin_names_and_learned_terms_count_for_english_questions_only():
    from rag.fuse import combine, weights_for
    zh, en = weights_for(1.0, 1.0, names=True, learned=True), weights_for(0.0, 0.0, names=True, learned=True)
    assert zh.names == zh.learned == 0.0 and en.names > 0 and en.learned > 0
    assert weights_for(0.0, 0.0).names == 0.0
    # Two passages the dense model cannot tell apart: the one whose document holds the name wins.
    fused = combine({"a": 0.50, "b": 0.51}, {}, {}, en, named={"a": 1.0}, learned={"b": 0.2})
    assert fused["a"] > fused["b"]
