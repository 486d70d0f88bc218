"""End to end over seeds/ with the real default model (bundled USE, no network)."""


def test_english_question_about_hotline(real_seed_assistant):
    ans = real_seed_assistant.ask("what did the mayor order about 12345 hotline")
    assert not ans.abstained
    assert ans.citations[0].source.endswith(".txt") and "001_" in ans.citations[0].source
    assert "12345" in ans.text


def test_traditional_question_over_simplified_doc_and_reverse(real_seed_assistant):
    ans = real_seed_assistant.ask("市長對12345熱線有什麼要求")
    assert ans.citations and "001_" in ans.citations[0].source
    ans = real_seed_assistant.ask("老农贸市场改造的资金从哪里来")
    assert ans.citations and "000_" in ans.citations[0].source


def test_abstains_on_unrelated_question(real_seed_assistant):
    ans = real_seed_assistant.ask("What is the capital of France?")
    assert ans.abstained and not ans.citations and ans.passages


def test_reindex_is_noop(real_seed_assistant, tmp_path):
    seeds = real_seed_assistant.config.index_dir.parent / "seeds"
    report = real_seed_assistant.index([seeds])
    assert len(report.unchanged) == 5 and report.chunks == 0
