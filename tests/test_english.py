"""The English line above answers to English questions (english.py): only what is known for sure."""
import re

from rag import Assistant
from rag.english import FIXED_WORDS, chinese_number, english_line
from rag.pinyin import NameMatch

WORD = re.compile(r"[A-Za-z]+")


def _sources_known(line: str, question: str) -> bool:
    allowed = {w.lower() for w in WORD.findall(question)} | {w.lower() for w in FIXED_WORDS}
    return all(w.lower() in allowed for w in WORD.findall(line))


def test_names_dates_and_figures():
    names = [NameMatch("Jiang Duntao", ("江敦涛",), 1.0, 9, 21), NameMatch("Zibo", ("淄博",), 1.0, 39, 43)]
    text = "**2019年8月16日** 2019年8月16日，江敦涛任淄博市委书记，全市投入2.1亿元，新建两千八百亩茶园。[1]"
    line = english_line(names, text)
    assert line.startswith("Jiang Duntao = 江敦涛 · Zibo = 淄博")
    assert "date: 2019年8月16日 = 16 August 2019" in line
    assert "2.1亿 = 210,000,000" in line and "两千八百 = 2,800" in line
    assert _sources_known(line, "When did Jiang Duntao take office in Zibo?")


def test_suffix_is_shown_only_when_the_answer_has_it():
    m = NameMatch("Yongchang", ("永昌",), 1.0, 0, 9, "区", "district")
    assert english_line([m], "永昌区区委书记江一鸣") == "Yongchang district = 永昌区"
    assert english_line([m], "永昌的茶叶") == "Yongchang = 永昌"


def test_names_are_shown_in_the_answer_s_own_script():
    m = NameMatch("Yang Hao", ("杨浩",), 1.0, 0, 8)
    assert english_line([m], "新上任光橋區委書記楊浩則來向江一鳴匯報。") == "Yang Hao = 楊浩"


def test_chinese_numbers():
    assert [chinese_number(s) for s in ("十一", "五百", "两千八百", "一千一百万", "一二")] == [11, 500, 2800,
                                                                                      11_000_000, None]


def test_no_english_word_without_a_known_source(config, tmp_path):
    (tmp_path / "zibo.txt").write_text("2019年8月16日，江敦涛到淄博任职。江敦涛说，淄博要把营商环境办好，投入1.5亿元。",
                                       encoding="utf-8")
    (tmp_path / "other.txt").write_text("市场监管局开展食品安全检查，共检查餐饮单位三百二十家。", encoding="utf-8")
    a = Assistant(config)
    a.index([tmp_path / "zibo.txt", tmp_path / "other.txt"])
    question = "When did Jiang Duntao take office in Zibo?"
    ans = a.ask(question)
    line = next(ln for ln in ans.text.split("\n") if "=" in ln)
    assert "Jiang Duntao = 江敦涛" in line and "Zibo = 淄博" in line
    assert _sources_known(line, question)
    # The rest of the answer is the document's own words, and a Chinese question gets no English line.
    assert all(not WORD.search(ln) for ln in ans.text.split("\n") if ln != line)
    assert "=" not in a.ask("江敦涛什么时候到淄博任职？").text
