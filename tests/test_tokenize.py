from rag.normalize import search_form
from rag.tokenize import terms, word_coverage


def test_numbers_and_latin_survive():
    ts = terms(search_form("市长对12345热线提出了什么要求?GDP和PPP模式"))
    for t in ("12345", "热线", "gdp", "ppp", "市长"):
        assert t in ts
    assert "的" not in ts and "什么" not in ts


def test_traditional_and_simplified_give_same_terms():
    assert terms(search_form("老農貿市場改造的資金")) == terms(search_form("老农贸市场改造的资金"))


def test_bigrams_optional():
    with_bi = terms("农贸市场改造", bigrams=True)
    without = terms("农贸市场改造", bigrams=False)
    assert set(without) <= set(with_bi) and "贸市" in with_bi and "贸市" not in without


def test_word_coverage_separates_mojibake():
    text = "市民对12345的期待,不只是接通率,更是解决率。只有把办结质量提上去了,市民才会更加信赖政府。"
    garbled = text.encode("gbk").decode("big5", errors="ignore")
    assert word_coverage(text) > 0.5 > word_coverage(garbled)


def test_words_and_idf_weigh_specific_words_higher():
    from rag.tokenize import idf, words
    ws = words(search_form("老农贸市场改造的资金"))
    assert "农贸市场" in ws or "农贸" in ws
    assert idf("农贸市场") > idf("市场") > idf("的")
    assert idf("一个谁也不认识的生造词xyz") > 10  # unknown: the median, i.e. a rare word
