import json
from pathlib import Path

import pytest

from rag import eval as ev
from rag.cli import main

FIXTURES = Path(__file__).parent / "fixtures" / "eval"


@pytest.fixture
def eval_config(config, tmp_path):
    return config.with_(eval_cache=tmp_path / "eval-cache")


def test_metrics_on_fixture_with_known_answers(eval_config):
    details = []
    result = ev.evaluate(FIXTURES / "zh", eval_config, unanswerable=FIXTURES / "other", details=details)
    assert tuple(result) == ev.METRICS
    assert result["n"] == 6
    # Every question names its document: the keyword side finds each one first.
    assert result["recall@1"] == result["recall@5"] == result["recall@10"] == result["mrr@10"] == 1.0
    assert result["abstain_answerable"] == 0.0
    assert result["answer_hit"] >= 5 / 6, [d for d in details if not d["hit"]]
    assert 0 < result["answer_chars_median"] <= 150
    assert result["abstain_unanswerable"] == 1.0  # lunar landing questions against bridges, tea and pandas
    assert result["latency_ms_p95"] >= result["latency_ms_p50"] > 0
    # The traditional-Chinese document is matched from simplified questions and gold answers.
    assert all(d["hit"] for d in details if d["id"] in ("q3", "q4"))


def test_second_run_reuses_the_cached_index(eval_config):
    first = ev.evaluate(FIXTURES / "zh", eval_config, limit=2)
    folders = list(eval_config.eval_cache.iterdir())
    assert len(folders) == 1 and (folders[0] / "manifest.json").exists()
    stamp = (folders[0] / "manifest.json").stat().st_mtime_ns
    second = ev.evaluate(FIXTURES / "zh", eval_config, limit=2)
    assert list(eval_config.eval_cache.iterdir()) == folders
    assert (folders[0] / "manifest.json").stat().st_mtime_ns == stamp
    assert second["index_seconds"] == first["index_seconds"] and second["n"] == 2


def test_cache_key_follows_content_and_settings(eval_config, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("第一段。", encoding="utf-8")
    key = ev.fingerprint(docs, eval_config)
    assert ev.fingerprint(docs, eval_config.with_(chunk_chars=100)) != key
    (docs / "a.txt").write_text("第二段。", encoding="utf-8")
    assert ev.fingerprint(docs, eval_config) != key


def test_gold_hit_folds_width_script_and_markers():
    assert ev.gold_hit("龍井茶產於浙江杭州西湖一帶[1]", ("浙江杭州西湖一带",))
    assert ev.gold_hit("建成于１９９１年[1]", ("1991年",))
    assert ev.gold_hit("甲乙[1]丙", ("甲乙丙",))
    assert not ev.gold_hit("南浦大桥", ("1991年",))


def test_sample_is_even_and_deterministic():
    qs = [ev.Query(str(i), "q", (), "d") for i in range(10)]
    assert [q.id for q in ev.sample(qs, 5)] == ["0", "2", "4", "6", "8"]
    assert ev.sample(qs, None) == qs


def test_cli_eval_json_and_errors(eval_config, capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("RAG_MODEL", "test-hash")
    cache = str(eval_config.eval_cache)
    assert main(["eval", str(FIXTURES / "zh"), "--json", "--limit", "3", "--cache", cache, "-q"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert list(d) == list(ev.METRICS) and d["n"] == 3 and d["abstain_unanswerable"] is None
    assert main(["eval", str(FIXTURES / "zh"), "--limit", "2", "--cache", cache, "-q"]) == 0
    assert "recall@1" in capsys.readouterr().out
    assert main(["eval", str(tmp_path), "--cache", cache, "-q"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error:") and "queries.jsonl" in err and "\n" not in err
