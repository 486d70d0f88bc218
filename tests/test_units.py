"""Question units and coverage (units.py); one place for stop words (stopwords.py)."""
from rag.lexicon import translate
from rag.units import CONTEXT_WEIGHT, coverage, question_units


def test_english_words_become_chinese_units():
    found = dict(translate("what did the mayor order about 12345 hotline"))
    assert "市长" in found["mayor"] and "热线" in found["hotline"]
    assert dict(translate("Who won Super Bowl 50?"))["super bowl"][0] == "超级碗"  # phrases before words
    units = question_units("what did the mayor order about 12345 hotline")
    assert {"12345", "mayor", "hotline"} <= {u.label for u in units}
    assert coverage(units, "市长要求12345热线") > 0.6 > coverage(units, "农贸市场改造")


def test_units_of_chinese_question_skip_question_words_and_weigh_by_idf():
    units = {u.label: u.weight for u in question_units("市長對12345熱線有什麼要求")}
    assert "什么" not in units and "12345" in units and "热线" in units  # folded to simplified
    assert units["热线"] > units["要求"]


def test_carried_words_weigh_less_than_the_question_own():
    plain = {u.label: u.weight for u in question_units("农贸市场 改造 资金")}
    follow = {u.label: u.weight for u in question_units("〔农贸市场 改造〕那资金呢？")}
    assert follow["资金"] == plain["资金"]
    assert follow["农贸市场"] <= plain["农贸市场"] * CONTEXT_WEIGHT
    assert sum(w for k, w in follow.items() if k != "资金") <= 0.5 * follow["资金"] + 1e-9
    # A sentence about the money now beats one about the renovation alone.
    units = question_units("〔农贸市场 改造〕那资金呢？")
    assert coverage(units, "市里对老农贸改造的资金支持力度是多少") > coverage(units, "农贸市场改造三个月内初见成效")


def test_one_stop_word_list():
    from rag import conversation, lexicon, stopwords, tokenize, units
    assert tokenize.STOPWORDS is stopwords.STOPWORDS is units.STOPWORDS
    assert lexicon.ENGLISH_STOP is stopwords.ENGLISH_STOP
    assert conversation.CHAT_WORDS is stopwords.CHAT_WORDS
