import shutil
from pathlib import Path

import pytest

from fake_model import HashEmbedding  # noqa: F401  (registers the "test-hash" model)
from rag.config import Config

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"




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
