from rag.normalize import cjk_ratio, fold, search_form


def test_same_length_and_folding():
    for text in ["江一鳴笑著起身，ＧＤＰ增速１２３４５", "乾隆 頭髮 後來", "㈱公司 İstanbul", "What Did The Mayor"]:
        assert len(search_form(text)) == len(text)
        assert len(fold(text)) == len(text)
    assert search_form("市長ＧＤＰ１２３４５") == "市长gdp12345"
    assert fold("頭髮") == "头发"


def test_simplified_unchanged():
    text = "市民对12345的期待,不只是接通率,更是解决率。"
    assert fold(text) == text


def test_cjk_ratio():
    assert cjk_ratio("what is this") == 0.0
    assert cjk_ratio("市长") == 1.0
    assert 0.2 < cjk_ratio("12345热线 hotline") < 0.4
