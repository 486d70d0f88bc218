import re

import pytest

from rag import Assistant, QuestionError


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
        assert c.quote in ans.text
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
