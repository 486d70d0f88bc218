import hashlib
import shutil
from pathlib import Path

import numpy as np
import pytest

from rag.config import Config
from rag.embed import StringModule, register_model

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


class HashEmbedding(StringModule):
    """Deterministic fake model for unit tests: hashed character unigrams and bigrams, L2-normalized.
    Texts that share characters get a high cosine, so retrieval tests mean something."""

    dimension = 64

    def embed(self, texts):
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for i, t in enumerate(texts):
            grams = list(t) + [t[j:j + 2] for j in range(len(t) - 1)]
            for g in grams:
                if g.strip():
                    h = int.from_bytes(hashlib.blake2b(g.encode(), digest_size=4).digest(), "little")
                    out[i, h % self.dimension] += 1.0 if h & 1 << 31 else -1.0
            out[i] /= np.linalg.norm(out[i]) or 1.0
        return out


register_model("test-hash", lambda: [HashEmbedding()])


@pytest.fixture
def config(tmp_path) -> Config:
    return Config(index_dir=tmp_path / "index", model="test-hash", abstain_threshold=0.2)


@pytest.fixture
def seeds(tmp_path) -> Path:
    dst = tmp_path / "seeds"
    shutil.copytree(SEEDS, dst)
    return dst


@pytest.fixture(scope="session")
def real_seed_assistant(tmp_path_factory):
    """The real default model over the seeds, built once per session."""
    from rag import Assistant
    tmp = tmp_path_factory.mktemp("real")
    shutil.copytree(SEEDS, tmp / "seeds")
    assistant = Assistant(Config(index_dir=tmp / "index"))
    report = assistant.index([tmp / "seeds"])
    assert len(report.added) == 5, report
    return assistant
