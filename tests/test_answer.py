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
    ans = assistant.ask("老农贸市场改造的资金从哪里来")
    assert ans.citations and "000_" in ans.citations[0].source
    assert "農貿" in "".join(c.quote for c in ans.citations)  # original script in the citation


def test_rejects_bad_questions(assistant):
    with pytest.raises(QuestionError, match="empty"):
        assistant.ask("   ")
    with pytest.raises(QuestionError, match="limit"):
        assistant.ask("问" * 5000)


def test_traditional_question_cites_original_script(assistant):
    ans = assistant.ask("老農貿市場改造的資金從哪裡來")
    assert not ans.abstained and "000_" in ans.citations[0].source
    doc = assistant.document_text(ans.citations[0].doc_id)
    assert all(doc[c.start:c.end] == c.quote for c in ans.citations)


def test_a_figure_never_given_is_not_stated(assistant):
    # The text asks for the amount and the reply gives none ('额度不会太高'): say so, cite the reply.
    ans = assistant.ask("老农贸市场改造的资金支持力度是多少")
    assert ans.abstained and "没有说明" in ans.text and "專項引導資金" in ans.citations[0].quote


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


# ---------- answer shapes, on small documents written for these tests ----------
SHAPED_DOCS = {
    "dialogue.txt": "王局长走进会议室，坐了下来。\n"
                    "“局长，冒昧地问一下，新建停车场的资金从哪里来？”\n"
                    "李科长询问道。\n"
                    "“市里安排了专项资金，但额度有限，区里要以自筹为主，同时引入社会资本参与建设。”\n"
                    "王局长说道。\n",
    "speech.txt": "会上，张市长对河道治理作了部署。\n"
                  "张市长说道：“河道治理要做到四个到位。要建立河长巡查制度，每周至少巡查一次。"
                  "必须在六月底前清理完所有排污口。要对沿河企业实行清单化管理。务必把治理经费纳入年度预算。”\n"
                  "散会后，大家各自回去落实。\n",
    "plan.md": "# 垃圾分类工作方案\n\n为推进垃圾分类，制定以下措施：\n"
               "一、明年起全市推行**垃圾分类**积分制度。\n二、每个小区设置不少于两个分类投放点。\n"
               "三、组建一支三百人的垃圾分类督导员队伍。\n四、年底前完成全部厨余垃圾处理设施建设。\n",
    "news.txt": "本报讯 3月5日，青河区召开老旧小区改造推进会。\n"
                "区住建局局长陈立新介绍，今年全区计划改造老旧小区28个，总投资约3.2亿元。\n"
                "改造工程将于2024年4月1日起陆续开工。\n",
    "metro.txt": "地铁5号线二期工程目前正在开展可行性研究，开工时间尚未确定。\n"
                 "地铁5号线一期已于去年通车运营，全线设站12座。\n",
    "plea.txt": "会上，赵书记说道：“孙队长这个人我了解，工作踏实，如果只是小问题，应该给他改正的机会。”\n"
                "钱主任插话道：“孙队长的事情我也听说了，还是要先查清楚。”\n",
}


@pytest.fixture(scope="module")
def shaped(tmp_path_factory):
    from rag.config import Config
    tmp = tmp_path_factory.mktemp("shaped")
    for name, text in SHAPED_DOCS.items():
        (tmp / "docs").mkdir(exist_ok=True)
        (tmp / "docs" / name).write_text(text, encoding="utf-8")
    a = Assistant(Config(index_dir=tmp / "index", model="test-hash", abstain_threshold=0.2))
    a.index([tmp / "docs"])
    return a


def _check(assistant, ans):
    """Every [n] resolves to a citation whose quote is the exact slice of its document."""
    markers = {int(n) for n in re.findall(r"\[(\d+)\]", ans.text)}
    assert markers == {c.n for c in ans.citations}
    for c in ans.citations:
        assert assistant.document_text(c.doc_id)[c.start:c.end] == c.quote
    return ans


def test_question_in_dialogue_is_answered_by_its_reply(shaped):
    ans = _check(shaped, shaped.ask("新建停车场的资金从哪里来？"))
    assert not ans.abstained and "专项资金" in ans.text and "引入社会资本" in ans.text
    assert any("专项资金" in c.quote for c in ans.citations)  # the reply is cited, not only the question


def test_speech_with_four_orders_lists_all_of_them(shaped):
    ans = _check(shaped, shaped.ask("张市长对河道治理提出了哪些要求？"))
    lines = [line for line in ans.text.split("\n") if line.startswith("- ")]
    for order in ("河长巡查制度", "清理完所有排污口", "清单化管理", "纳入年度预算"):
        assert sum(order in line for line in lines) == 1
    assert all(re.search(r"\[\d+\]$", line) for line in lines)  # each item cited


def test_numbered_plan_without_markup(shaped):
    ans = _check(shaped, shaped.ask("垃圾分类工作方案有哪些措施？"))
    lines = [line for line in ans.text.split("\n") if line.startswith("- ")]
    assert len(lines) == 4 and "积分制度" in lines[0] and "厨余垃圾" in lines[3]
    assert "**" not in ans.text and "**垃圾分类**" in ans.citations[0].quote  # quote stays the exact slice


@pytest.mark.parametrize("question, short", [
    ("今年青河区计划改造多少个老旧小区？", "28个"),
    ("青河区老旧小区改造工程什么时候开工？", "2024年4月1日"),
    ("介绍改造计划的区住建局局长是谁？", "陈立新"),
])
def test_short_answer_in_bold_then_its_sentence(shaped, question, short):
    ans = _check(shaped, shaped.ask(question))
    assert ans.text.startswith(f"**{short}**") and not ans.abstained
    assert any(short in c.quote for c in ans.citations)


def test_attitude_is_the_persons_own_words(shaped):
    ans = _check(shaped, shaped.ask("赵书记对孙队长是什么态度？"))
    assert "改正的机会" in ans.text and "查清楚" not in ans.text


def test_not_stated_on_topic_counts_as_abstaining(shaped):
    ans = _check(shaped, shaped.ask("地铁5号线二期什么时候开工？"))
    assert ans.abstained and "没有说明" in ans.text and ans.citations
    assert "去年" not in ans.text.split("\n")[0]


def test_follow_up_answers_as_well_as_the_full_question(shaped):
    from rag.conversation import contextualize
    full = shaped.ask("新建停车场的资金从哪里来？")
    query = contextualize("那资金呢？", ["新建停车场是怎么回事？"])
    follow = _check(shaped, shaped.ask(query))
    assert "专项资金" in follow.text and "专项资金" in full.text
    assert contextualize("新建停车场的资金从哪里来？", ["张市长对河道治理提出了哪些要求？"]) == \
        "新建停车场的资金从哪里来？"  # a question that stands on its own is left alone
