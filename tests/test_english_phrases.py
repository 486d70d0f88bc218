"""English questions over Chinese officialdom text (issue 18): the curated phrase table (english_phrases.py),
surname-and-title aliases of names (pinyin.py), and the candidate-IDF weighting of English units (retrieve.py)."""
import pytest

from rag import english_phrases
from rag.lexicon import translate
from rag.pinyin import PinyinTable, match_names
from rag.retrieve import Retriever, local_idf
from rag.units import Unit

DU = ("秘书汇报道：“市长，大麦科技的杜总想要当面与您交流。”江一鸣说：“我中午邀请杜总到食堂吃饭。”"
      "他打算在食堂接待杜宏远。大约半小时后，杜宏远赶了过来。")
ZIBO = ("2019年9月5日，中共淄博市委全体会议在张店举行，市委书记江敦涛在全体会上讲话，这是他到任的第21天。"
        "江敦涛说，来淄博时间虽然不长，但已深深爱上这座城市。")
OTHER = "淄博市举行招商洽谈会，江敦涛致辞并推介淄博市投资环境，签约一批优质项目。淄博的营商环境不断改善。"


def _translations(question: str) -> dict[str, list[str]]:
    return dict(translate(question))


def test_officialdom_phrases_translate_as_phrases_in_any_tense():
    for question in ("When did Jiang Duntao take office in Zibo?", "When did he take office?",
                     "When had she taken office?", "Who took office as mayor?"):
        found = _translations(question)
        phrase = next(k for k in found if k.endswith("office"))
        assert "到任" in found[phrase] and "上任" in found[phrase], question
        assert "office" not in found  # not also the dictionary's 办公
    found = _translations("Where was Yang Hao appointed party secretary?")
    assert "任命" in found["appointed"] and "书记" in found["party secretary"]
    assert _translations("what did the mayor order about 12345 hotline")["hotline"][0] == "热线"
    assert "一站式" in _translations("How did the one-stop service reform go?")["one-stop service"]


def test_the_table_holds_vocabulary_not_names_or_figures():
    import re
    for english, chinese in english_phrases.table().items():
        assert english == english.lower() and not re.search(r"\d", english + "".join(chinese))
        assert chinese and all(re.fullmatch(r"[\u4e00-\u9fff]+", c) for c in chinese), english


def test_without_the_table_the_dictionary_answers_alone(monkeypatch):
    monkeypatch.setattr(english_phrases, "ENABLED", False)
    found = _translations("When did he take office?")
    # CC-CEDICT knows 'take office' (上任, 就任) but not 到任, which officialdom text says most.
    assert "上任" in found["take office"] and "到任" not in found["take office"]


def test_surname_and_title_is_linked_to_the_one_full_name_of_that_surname():
    t = PinyinTable()
    t.add_text(DU)
    t.finish()
    assert t.aliases == {"杜宏远": ["杜总"]}
    (m,) = match_names("Which company does Du Hongyuan run?", t)
    assert m.terms == ("杜宏远",) and m.aliases == ("杜总",)
    units = {u.label: u for u in Retriever.name_units([m])}
    assert units["du hongyuan"].found("大麦科技的杜总想要当面与您交流") == 1.0


def test_no_alias_when_the_surname_is_shared_or_the_word_is_a_dictionary_word():
    t = PinyinTable()
    # Two people named 杜 about as often: 杜总 could be either.
    t.add_text("杜宏远说了。杜宏远笑道。杜明亮说。杜明亮走了。杜总来了。")
    t.add_text("江城市长来到江城。江城很大。")  # 江城 is a word of the dictionary, not a person
    t.finish()
    assert t.aliases == {}


def test_alias_table_survives_saving_and_an_old_format_is_rebuilt():
    t = PinyinTable()
    t.add_text(DU)
    t.finish()
    again = PinyinTable.from_json(t.to_json())
    assert again.aliases == t.aliases
    old = t.to_json() | {"format": 1}
    with pytest.raises(ValueError):
        PinyinTable.from_json(old)


def test_candidate_idf_favours_the_rarer_unit():
    units = [Unit("luther", ("路德",), 7.0), Unit("hymns", ("赞美诗",), 7.0)]
    texts = {"a": "路德写了赞美诗", "b": "路德在维滕堡", "c": "路德的著作", "d": "路德讲道"}
    weighted = {u.label: u.weight for u in local_idf(units, texts, 0.5)}
    assert weighted["hymns"] > weighted["luther"] > 0


def test_english_questions_find_the_officialdom_passage(tmp_path):
    from conftest import indexed
    a = indexed(tmp_path, {"du.txt": DU, "zibo.txt": ZIBO, "other.txt": OTHER})
    r = Retriever(a.store(), a.embedder, a.config)
    q = r.query("When did Jiang Duntao take office in Zibo?")
    assert any("到任" in u.forms for u in q.units)  # the answer's sentence scorer sees the phrase too
    assert r.search(q, top_k=1)[0].source.endswith("zibo.txt")
    q = r.query("Which company does Du Hongyuan run?")
    assert "杜总" in q.terms and r.search(q, top_k=1)[0].source.endswith("du.txt")


def test_chinese_questions_are_untouched(tmp_path):
    from conftest import indexed
    a = indexed(tmp_path, {"du.txt": DU, "zibo.txt": ZIBO, "other.txt": OTHER})
    r = Retriever(a.store(), a.embedder, a.config)
    before = [(p.chunk.id, p.score) for p in r.search(r.query("江敦涛什么时候到任淄博？"), top_k=3)]
    old = (Retriever.local_idf, Retriever.name_aliases, english_phrases.ENABLED)
    try:
        Retriever.local_idf, Retriever.name_aliases, english_phrases.ENABLED = 0.0, False, False
        after = [(p.chunk.id, p.score) for p in r.search(r.query("江敦涛什么时候到任淄博？"), top_k=3)]
    finally:
        Retriever.local_idf, Retriever.name_aliases, english_phrases.ENABLED = old
    assert before == after


@pytest.mark.slow
def test_seeds_english_officialdom_questions_real_model(real_seed_assistant):
    a = real_seed_assistant
    r = Retriever(a.store(), a.embedder, a.config)
    q = r.query("When did Jiang Duntao take office in Zibo?")
    top = r.search(q, top_k=3)
    assert any("到任" in p.chunk.text and "江敦涛" in p.chunk.text for p in top)
    q = r.query("Which company does Du Hongyuan run?")
    assert "大麦科技" in r.search(q, top_k=1)[0].chunk.text
    answer = a.ask("When did Jiang Duntao take office in Zibo?")
    assert "8月16日" in answer.text
    from rag.normalize import search_form
    q = r.query("Where was Yang Hao appointed party secretary?")
    assert any("书记" in u.forms for u in q.units)
    assert "光桥区委书记杨浩" in search_form(r.search(q, top_k=1)[0].chunk.text)


NOVEL = ("市长蔺守拙靠在后座上，听秘书汇报。蔺守拙说：“水位要降下来。”县长鄢北辰站在堤上。鄢北辰说：“我去看看。”"
         "司徒慕华书记来了。扈长风说，项目必须放在西片区。扈长风又说了一遍。扈市长走了。")


def test_rare_and_compound_surnames_are_glued_into_names():
    t = PinyinTable()
    t.add_text(NOVEL)
    t.finish()
    assert "扈长风" in {m.terms[0] for m in match_names("What did Mayor Hu Changfeng say?", t)}
    assert t.aliases["扈长风"] == ["扈市长"]


def test_an_english_title_and_surname_find_the_person():
    t = PinyinTable()
    t.add_text(NOVEL)
    t.finish()
    # The text writes the title next to the full name (县长鄢北辰), never 鄢县长: the table still links them.
    (m,) = match_names("What did County Head Yan say?", t)
    assert m.text == "County Head Yan" and m.terms[0] == "鄢北辰"
    (m,) = match_names("What did Mayor Lin order?", t)
    assert m.terms[0] == "蔺守拙"
    # A title before a full name is the full name's match; a title of another rank finds nobody.
    assert [m.terms[0] for m in match_names("What did Mayor Lin Shouzhuo order?", t)] == ["蔺守拙"]
    assert match_names("What did Governor Lin order?", t) == []


def test_the_answer_composer_s_surnames_are_unchanged():
    from rag.english_titles import NAME_SURNAMES, RARE_SURNAMES
    from rag.pinyin import SURNAMES
    assert "扈" in NAME_SURNAMES and "扈" not in SURNAMES and len(SURNAMES) == 253
    assert not {"水", "云", "平", "能", "通"} & RARE_SURNAMES  # characters that are words of their own
