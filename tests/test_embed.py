import subprocess
import sys

import numpy as np
import pytest

from rag.embed import Embedder, _batches


def test_direct_path_equals_sentence_transformers_path():
    texts = ["江城市长", "what did the mayor order", "市長,冒昧的問一下", "", "一" * 500] * 3
    e = Embedder("test-hash", batch_size=4)
    direct = e.encode(texts)
    via_st = e.model.encode(texts, batch_size=16, convert_to_numpy=True, normalize_embeddings=True)
    assert direct.shape == via_st.shape and direct.dtype == np.float32
    assert np.allclose(direct, via_st, atol=1e-6)


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


@pytest.mark.slow
def test_default_model_direct_equals_sentence_transformers():
    texts = ["市长对12345热线提出了哪些要求？", "What is the capital of France?", "老農貿市場改造的資金從哪裡來"] * 4
    e = Embedder()
    direct = e.encode(texts)
    via_st = e.model.encode(texts, batch_size=16, convert_to_numpy=True, normalize_embeddings=True)
    assert np.allclose(direct, via_st, atol=1e-5)
