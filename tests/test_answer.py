import re

import pytest

from rag import Assistant, QuestionError
from rag.spans import plain


@pytest.fixture
def assistant(config, seeds):
    a = Assistant(config)
    a.index([seeds])
    return a


def test_answer_cites_exact_slices(assistant):
    ans = assistant.ask("市长对12345热线有什么要求")
    assert not ans.abstained and ans.citations
    markers = {int(n) for n in re.findall(r"\[(\d+)\]", ans.text)}
    assert markers == {c.n for c in ans.citations}
    for c in ans.citations:
        assert assistant.document_text(c.doc_id)[c.start:c.end] == c.quote
        assert plain(c.quote).strip() in ans.text
    assert "001_" in ans.citations[0].source


def test_json_shape(assistant):
    d = assistant.ask("老农贸市场改造").to_json()
    assert set(d) == {"question", "answer", "abstained", "citations", "passages", "timings_ms"}
    assert set(d["citations"][0]) == {"n", "doc_id", "source", "start", "end", "quote", "score"}
    assert set(d["passages"][0]) == {"doc_id", "source", "start", "end", "text", "score"}


def test_traditional_doc_found_from_simplified_question(assistant):
    ans = assistant.ask("老农贸市场改造的资金支持力度是多少")
    assert ans.citations and "000_" in ans.citations[0].source
    assert "農貿" in "".join(c.quote for c in ans.citations)  # original script in the citation


def test_rejects_bad_questions(assistant):
    with pytest.raises(QuestionError, match="empty"):
        assistant.ask("   ")
    with pytest.raises(QuestionError, match="limit"):
        assistant.ask("问" * 5000)


def test_english_words_become_chinese_units():
    from rag.lexicon import translate
    from rag.units import coverage, question_units
    found = dict(translate("what did the mayor order about 12345 hotline"))
    assert "市长" in found["mayor"] and "热线" in found["hotline"]
    assert dict(translate("Who won Super Bowl 50?"))["super bowl"][0] == "超级碗"  # phrases before words
    units = question_units("what did the mayor order about 12345 hotline")
    assert {"12345", "mayor", "hotline"} <= {u.label for u in units}
    assert coverage(units, "市长要求12345热线") > 0.6 > coverage(units, "农贸市场改造")


def test_units_of_chinese_question_skip_question_words_and_weigh_by_idf():
    from rag.units import question_units
    units = {u.label: u.weight for u in question_units("市長對12345熱線有什麼要求")}
    assert "什么" not in units and "12345" in units and "热线" in units  # folded to simplified
    assert units["热线"] > units["要求"]


def test_traditional_question_cites_original_script(assistant):
    ans = assistant.ask("老農貿市場改造的資金支持力度是多少")
    assert not ans.abstained and "000_" in ans.citations[0].source
    doc = assistant.document_text(ans.citations[0].doc_id)
    assert all(doc[c.start:c.end] == c.quote for c in ans.citations)


def test_neighbours_merge_into_one_exact_citation():
    from rag.answer import text_gap
    text = "第一句。第二句。\n第三句。"
    assert not text_gap(text, 4, 4) and text_gap(text, 8, 9) and not text_gap(text, 6, 4)


def test_hotline_answer_covers_the_mayors_demands(real_seed_assistant):
    ans = real_seed_assistant.ask("what did the mayor order about 12345 hotline")
    assert not ans.abstained and ans.text.startswith("- ")
    for order in ("闭环管理机制", "有跟踪、有反馈、有评价", "优先派单、限时办结", "晴雨表"):
        assert order in ans.text
    for c in ans.citations:
        assert real_seed_assistant.document_text(c.doc_id)[c.start:c.end] == c.quote and f"[{c.n}]" in ans.text
