"""rag/verify.py on hand-made passages: sentence splitting (streamed and whole), numbers, names, key terms, the
supporting sentence. No server, no index: the fake "test-hash" embedder only."""
from decimal import Decimal

import pytest

from rag.embed import Embedder
from rag.records import Chunk, Passage
from rag.verify import BAD_CITATION, NAME, NO_CITATION, NUMBER, TERMS, Verifier, names_in, numbers_in, split

DOCS = {
    "a": "本报讯 3月5日，青河区召开老旧小区改造推进会。区住建局局长陈立新介绍，今年全区计划改造老旧小区28个，"
         "总投资约3.2亿元。改造工程将于2024年4月1日起陆续开工。",
    "b": "地鐵5號線一期已於去年通車運營，全線設站十二座。二期工程目前正在開展可行性研究。",
    "c": "会上，张市长对河道治理作了部署，要求建立河长巡查制度，每周至少巡查一次，必须在六月底前清理完所有排污口。",
}


@pytest.fixture(scope="module")
def verifier():
    passages = [Passage(Chunk(f"{k}:0", k, t, 0, len(t)), f"{k}.txt", 1.0) for k, t in DOCS.items()]
    return Verifier(passages, DOCS.__getitem__, Embedder("test-hash"))


def check(verifier, text):
    pieces, _ = split(text)
    assert len(pieces) == 1, pieces
    return verifier.check(pieces[0])


def test_split_keeps_markers_with_their_sentence():
    text = "今年改造28个小区[1]。总投资约3.2亿元。[1][2]\n- 第一项 [1, 3]\nThe plan starts in 2024 [1]. Done"
    pieces, _ = split(text)
    assert [p.claim for p in pieces] == ["今年改造28个小区。", "总投资约3.2亿元。", "第一项",
                                         "The plan starts in 2024.", "Done"]
    assert [p.cited for p in pieces] == [(1,), (1, 2), (1, 3), (1,), ()]
    assert [p.lead for p in pieces] == ["", "", "\n", "\n", " "]


def test_split_while_streaming_waits_for_the_markers():
    assert split("今年改造28个小区。[", final=False) == ([], 0)
    pieces, used = split("今年改造28个小区。[1]\n总投", final=False)
    assert [p.cited for p in pieces] == [(1,)] and used == len("今年改造28个小区。[1]")


def test_numbers_read_chinese_numerals_but_not_words():
    assert numbers_in("十二座，二〇二四年，三百二十人，1,200元，3.2亿", claim=True) == {
        Decimal(12), Decimal(2024), Decimal(320), Decimal(1200), Decimal("3.2")}
    assert numbers_in("大家一起十分努力，一一落实", claim=True) == set()


def test_faithful_sentences_pass_and_get_the_supporting_sentence(verifier):
    c = check(verifier, "今年青河区计划改造老旧小区28个，总投资约3.2亿元[1]。")
    assert not c.flagged and len(c.support) == 1
    p, s, e = c.support[0]
    assert DOCS["a"][s:e] == "区住建局局长陈立新介绍，今年全区计划改造老旧小区28个，总投资约3.2亿元。"


def test_traditional_source_and_chinese_numerals(verifier):
    c = check(verifier, "地铁5号线一期全线设站12座[2]。")
    assert not c.flagged and "設站十二座" in DOCS["b"][c.support[0][1]:c.support[0][2]]


@pytest.mark.parametrize("text, reason, detail", [
    ("今年全区计划改造老旧小区35个[1]。", NUMBER, "35"),
    ("改造工程将于2025年4月1日起陆续开工[1]。", NUMBER, "2025"),
    ("区住建局局长王建国介绍了改造计划[1]。", NAME, "王建国"),
    ("改造工程由GDP考核小组负责[1]。", NAME, "GDP"),
    ("地铁5号线二期已经完成环境评估并获得国家发改委批复[2]。", TERMS, "terms"),
    ("今年全区计划改造老旧小区28个[9]。", BAD_CITATION, "[9]"),
    ("今年全区计划改造老旧小区28个。", NO_CITATION, ""),
    ("张市长要求每周至少巡查一次[1]。", TERMS, "巡查"),  # true, but not in the passage it cites
])
def test_unsupported_sentences_are_flagged_with_the_reason(verifier, text, reason, detail):
    c = check(verifier, text)
    assert reason in c.reasons and detail in c.detail and not c.support


def test_a_sentence_may_combine_two_passages(verifier):
    c = check(verifier, "青河区今年改造老旧小区28个，地铁5号线一期已通车[1][2]。")
    assert not c.flagged and [p.chunk.doc_id for p, _, _ in c.support] == ["a", "b"]


def test_english_sentences_over_chinese_passages(verifier):
    ok = check(verifier, "The mayor required a river chief patrol system, with a patrol at least once a week [3].")
    assert not ok.flagged, ok.detail
    wrong = check(verifier, "The mayor required a patrol at least 3 times a week [3].")
    assert wrong.reasons == (NUMBER,)
    off = check(verifier, "The airport expansion will double international flights and passenger terminals [3].")
    assert TERMS in off.reasons


def test_saying_the_passages_lack_the_answer_is_not_flagged(verifier):
    c = check(verifier, "资料中没有提及二期工程的开工时间。")
    assert c.no_answer and not c.flagged
    assert check(verifier, "The passages do not contain the answer.").no_answer


def test_names_found_by_the_tagger():
    assert "陈立新" in names_in("区住建局局长陈立新介绍了情况。")
    assert names_in("The plan was approved by the NDRC in 2024.") == ["NDRC"]


def test_headings_and_list_introductions_are_not_claims(verifier):
    pieces, _ = split("### 改造计划\n主要内容如下：\n- 今年全区计划改造老旧小区28个[1]。")
    checked = [verifier.check(p) for p in pieces]
    assert [c.intro for c in checked] == [True, True, False] and not any(c.flagged for c in checked)


def test_a_counted_single_numeral_is_a_figure(verifier):
    assert numbers_in("三个月内，五名干部，一个问题", claim=True) == {Decimal(3), Decimal(5)}
    assert NUMBER in check(verifier, "改造工程将在两个月内陆续开工[1]。").reasons  # doc a has 3 (3月), not 2
