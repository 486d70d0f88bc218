"""Foreign names written by sound (transliterate.py): 'Marconi' → 马可尼, and the retrieval that uses them."""
from rag import Assistant
from rag.english import english_line
from rag.pinyin import PinyinTable
from rag.retrieve import Retriever
from rag.transliterate import en_key, match, runs, similarity, zh_key


def _keys(*texts: str) -> dict[str, list[str]]:
    t = PinyinTable()
    for text in texts:
        t.add_text(text)
    t.finish()
    return t.foreign_keys


def test_both_sides_reduce_to_the_same_consonants():
    for en, zh in (("Marconi", "马可尼"), ("Wittenberg", "威腾博格"), ("Tesla", "特斯拉"), ("Fresno", "弗雷斯诺"),
                   ("Nixon", "尼克松"), ("Normandy", "诺曼底"), ("Carolina", "卡罗莱纳")):
        assert similarity(en_key(en), zh_key(zh)) == 1.0, (en, en_key(en), zh, zh_key(zh))
    assert similarity(en_key("Denver"), zh_key("丹佛")) == 1.0  # a v is written 佛/夫 or 维/威
    assert similarity(en_key("Tesla"), zh_key("尼克松")) == 0.0  # another first sound


def test_runs_are_cut_at_ordinary_characters_and_the_name_dot():
    assert runs("1901年，古列尔莫·马可尼首次完成了跨大西洋无线电传输") == ["古列尔莫", "马可尼"]


def test_a_word_finds_the_run_that_sounds_like_it_and_vowels_break_ties():
    keys = _keys("阿波罗计划由保罗负责。巴里也在场。", "马可尼首次完成无线电传输，特斯拉打趣说。",
                 "胡格诺派信徒迁往曼哈顿。")
    assert match("Marconi", keys) == ["马可尼"]
    assert match("Apollo", keys)[0] == "阿波罗"  # B-L like 保罗 and 巴里; its letters are closest
    assert match("Huguenots", keys) == ["胡格诺"]  # the ending a transliteration leaves out
    assert match("Xylophone", keys) == []  # nothing near enough
    assert match("Lo", keys) == []  # too short to tell
    # A Chinese name in pinyin is left to pinyin.py, however near its consonants come ('Liaochuan' L-S-N).
    assert match("Liaochuan", _keys("縣裏什麼時候能覈定下來")) == []
    assert match("Denver", _keys("丹佛野马队赢得比赛")) == ["丹佛"]  # de-nv-er is no pinyin name


def test_english_question_with_a_foreign_name_finds_its_passage(config, tmp_path):
    docs = {"radio.txt": "1901年，古列尔莫·马可尼首次完成了著名的跨大西洋无线电传输。这是多年专利战的开端。",
            "car.txt": "汽车工厂推出了大型汽车，配有收音机和空调。工厂的收音机销量很大。",
            "tv.txt": "电视台在那一年开始播出新闻节目，收音机的听众减少。"}
    for name, text in docs.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    a = Assistant(config)
    a.index([tmp_path / n for n in docs])
    r = Retriever(a.store(), a.embedder, a.config)
    q = r.query("When was Marconi's radio demonstration?")
    assert ("Marconi", ["马可尼"]) in q.foreign and "马可尼" in q.terms  # BM25 sees the Chinese
    assert r.search(q, top_k=1)[0].source.endswith("radio.txt")
    ans = a.ask("When was Marconi's radio demonstration?")
    assert "Marconi = 马可尼" in ans.text


def test_a_foreign_name_is_shown_only_where_the_answer_holds_it():
    assert english_line([], "1901年，马可尼首次完成传输。", [("Marconi", ["马可尼"])]) == "Marconi = 马可尼"
    assert english_line([], "汽车配有收音机。", [("Marconi", ["马可尼"])]) == ""
