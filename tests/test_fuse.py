from rag import fuse


def test_rrf_weights_order():
    scores = fuse.rrf([(["a", "b"], 1.0), (["b", "c"], 1.0)])
    assert max(scores, key=scores.get) == "b"
    scores = fuse.rrf([(["a", "b"], 1.0), (["b", "a"], 0.1)])
    assert scores["a"] > scores["b"]


def test_weights_follow_language():
    zh = fuse.weights_for(1.0, 1.0)
    en = fuse.weights_for(0.0, 0.0)
    assert zh.bm25 > zh.dense and en.dense > en.bm25
    assert fuse.weights_for(0.0, 1.0).bm25 > en.bm25  # matched anchors ('12345') count more
