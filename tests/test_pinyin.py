"""Names in pinyin (pinyin.py): the corpus's words by toneless pinyin, matched against English questions."""
import json

from rag import Assistant
from rag.pinyin import PinyinTable, match_names, readings, table_for
from rag.retrieve import Retriever
from rag.units import ANCHOR_WEIGHT, question_units

DOCS = {
    "jiang.txt": "永昌区区委书记江一鸣来到光桥街道。江一鸣说，要把12345热线办好。江一鸣随后离开。",
    "du.txt": "大麦科技董事长杜宏远介绍，公司今年在淄博市新建两条生产线。杜宏远说，订单已经排到明年。",
    "county.txt": "永昌县县长王建国主持召开会议，研究春耕生产。王建国要求各乡镇做好准备。",
}


def _table(*texts: str) -> PinyinTable:
    t = PinyinTable()
    for text in texts:
        t.add_text(text)
    t.finish()
    return t


def _found(question: str, table: PinyinTable) -> dict[str, tuple]:
    return {m.text: (m.terms, m.credit, m.suffix) for m in match_names(question, table)}


def test_readings_are_toneless_and_joined():
    assert readings("淄博")[0] == "zibo"
    assert "zhangsha" in readings("长沙") or readings("长沙")[0] == "changsha"


def test_names_joined_split_reversed_or_given_only():
    t = _table(*DOCS.values())
    assert _found("What did Jiang Yiming say?", t)["Jiang Yiming"][:2] == (("江一鸣",), 1.0)
    assert _found("What did JiangYiming say?", t)["JiangYiming"][0] == ("江一鸣",)
    assert _found("What did Yiming Jiang say?", t)["Yiming Jiang"][0] == ("江一鸣",)
    # Du Hongyuan: jieba cuts 杜/宏远, the table glues the surname back on (it occurs twice).
    assert _found("Which company does Du Hongyuan run?", t)["Du Hongyuan"][0] == ("杜宏远",)
    # A given name alone finds the full name, with partial credit.
    terms, credit, _ = _found("What did Hongyuan say?", t)["Hongyuan"]
    assert "杜宏远" in terms and credit < 1.0
    assert "Zibo" in _found("When did he come to Zibo?", t)


def test_district_and_county_map_to_their_characters():
    t = _table(*DOCS.values())
    assert _found("Who is the secretary of Yongchang district?", t)["Yongchang"][2] == "区"
    assert _found("Who is the head of Yongchang County?", t)["Yongchang"][2] == "县"
    assert _found("What happened in Yongchang?", t)["Yongchang"][2] == ""
    units = {u.label: u for u in question_units("Who is the secretary of Yongchang district?",
                                                names=match_names("Who is the secretary of Yongchang district?", t))}
    assert units["yongchang"].forms == ("永昌",) and units["yongchang"].weight == ANCHOR_WEIGHT
    assert units["yongchang district"].forms == ("永昌区",)
    assert "district" not in units  # not translated through the dictionary as well


def test_plain_english_words_are_not_names():
    t = _table(*DOCS.values())
    assert match_names("How many points did the Panthers defense surrender?", t) == []
    assert match_names("What GDP did He report?", t) == []


def test_table_cache_follows_the_store(config, tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "jiang.txt").write_text(DOCS["jiang.txt"], encoding="utf-8")
    a = Assistant(config)
    a.index([folder / "jiang.txt"])
    first = table_for(a.store())
    assert "江一鸣" in first.counts and "杜宏远" not in first.counts
    saved = json.loads((config.index_dir / "pinyin.json").read_text(encoding="utf-8"))
    assert saved["key"] == first.key and len(saved["docs"]) == 1
    assert table_for(a.store()) is first  # same state: no rebuild
    (folder / "du.txt").write_text(DOCS["du.txt"], encoding="utf-8")
    a.index([folder / "du.txt"])
    second = table_for(a.store())
    assert second.key != first.key and "杜宏远" in second.counts and len(second.docs) == 2


def test_english_question_naming_a_person_finds_their_document(config, tmp_path):
    for name, text in DOCS.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    a = Assistant(config)
    a.index([tmp_path / n for n in DOCS])
    r = Retriever(a.store(), a.embedder, a.config)
    for question, doc in (("Which company does Du Hongyuan run?", "du.txt"),
                          ("What did Jiang Yiming say about the hotline?", "jiang.txt"),
                          ("Who chaired the meeting in Yongchang County?", "county.txt")):
        q = r.query(question)
        assert q.names and any(len(t) > 1 and t in q.names[0].terms[0] for t in q.terms)  # BM25 sees the name
        top = r.search(q, top_k=1)[0]
        assert top.source.endswith(doc), (question, top.source)


def test_a_large_corpus_builds_the_table_aside(config, tmp_path, monkeypatch):
    import time

    from rag import corpus_terms, pinyin
    (tmp_path / "du.txt").write_text(DOCS["du.txt"], encoding="utf-8")
    # An index made before indexing built the tables: the first question finds none.
    monkeypatch.setattr(corpus_terms, "prepare", lambda store, embedder: None)
    a = Assistant(config)
    a.index([tmp_path / "du.txt"])
    monkeypatch.setattr(pinyin, "SYNC_CHARS", 0)  # every corpus is 'large': the question does not wait
    first = table_for(a.store())
    assert "杜宏远" not in first.counts  # nothing yet, and the question went on
    deadline = time.time() + 20
    while "杜宏远" not in table_for(a.store()).counts and time.time() < deadline:
        time.sleep(0.05)
    assert "杜宏远" in table_for(a.store()).counts and (config.index_dir / "pinyin.json").exists()


def test_a_passage_without_the_names_does_not_outrank_one_with_them(config, tmp_path):
    docs = {"zibo.txt": "2019年8月16日，江敦涛到任淄博市委书记。此后淄博出台多项新政，江敦涛多次调研企业。",
            "novel.txt": "楊浩說：明天上午李部長陪我去光橋區任職，就任以後先摸清底細。"}
    for name, text in docs.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    a = Assistant(config)
    a.index([tmp_path / n for n in docs])
    r = Retriever(a.store(), a.embedder, a.config)
    q = r.query("When did Jiang Duntao take office in Zibo?")
    # The names rank passages (at half an anchor's weight) but stay out of the answer's units.
    ranking = {u.label: u.weight for u in q.search_units}
    assert ranking["jiang duntao"] == ranking["zibo"] == ANCHOR_WEIGHT * Retriever.search_name_scale
    assert "jiang duntao" not in {u.label for u in q.units}
    assert r.search(q, top_k=1)[0].source.endswith("zibo.txt")


def test_indexing_leaves_the_tables_on_disk_for_the_next_process(config, tmp_path, monkeypatch):
    from rag import corpus_terms, pinyin
    (tmp_path / "du.txt").write_text(DOCS["du.txt"], encoding="utf-8")
    Assistant(config).index([tmp_path / "du.txt"])
    saved = json.loads((config.index_dir / "pinyin.json").read_text(encoding="utf-8"))
    assert "杜宏远" in saved["counts"] and (config.index_dir / "corpus_terms.npz").exists()
    # A fresh process (empty memory) reads both from disk: nothing is re-read or re-embedded.
    monkeypatch.setattr(pinyin, "_memory", {})
    monkeypatch.setattr(corpus_terms, "_memory", {})
    monkeypatch.setattr(pinyin.PinyinTable, "add_text", lambda self, text: (_ for _ in ()).throw(AssertionError))
    monkeypatch.setattr(corpus_terms, "_encode", lambda *a: (_ for _ in ()).throw(AssertionError))
    b = Assistant(config)
    assert "杜宏远" in table_for(b.store()).counts
    assert corpus_terms.vocabulary_for(b.store(), b.embedder).terms


def test_readings_of_single_reading_characters_match_pypinyin():
    from pypinyin import Style, lazy_pinyin
    for term in ("淄博", "杜宏远", "江敦涛", "光桥"):
        assert readings(term)[0] == "".join(lazy_pinyin(term, style=Style.NORMAL))


def test_a_question_during_a_build_takes_the_last_table(config, tmp_path, monkeypatch):
    from rag import corpus_terms, pinyin
    for name in ("jiang.txt", "du.txt"):
        (tmp_path / name).write_text(DOCS[name], encoding="utf-8")
    a = Assistant(config)
    a.index([tmp_path / "jiang.txt"])
    first = table_for(a.store())
    monkeypatch.setattr(corpus_terms, "prepare", lambda store, embedder: None)
    a.index([tmp_path / "du.txt"])
    monkeypatch.setattr(pinyin, "_building", {str(config.index_dir)})  # indexing is reading du.txt right now
    assert table_for(a.store()) is first  # not held up, and not built twice
    monkeypatch.setattr(pinyin, "_building", set())
    assert "杜宏远" in table_for(a.store()).counts
