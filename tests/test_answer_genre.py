"""Answer shapes on small documents of the genre (officialdom chapters, minutes, news), written for these tests:
none of their names, places or phrases occur in bench/genre. Each block proves one failure class fixed in the
composer on text the bench never saw."""
import re

import pytest

from rag import Assistant
from rag.options import AskOptions

DOCS = {
    "visit.txt": "周三上午，临河县县长孟子衡来到县信访局接待大厅。\n"
                 "一位中年男子递上一叠材料，说自己是来反映拆迁补偿问题的，已经跑了四趟。\n"
                 "孟子衡让秘书方一舟把材料收好，又给信访局局长贺振东打电话。\n"
                 "半小时后，贺振东赶到大厅：“孟县长，这件事我们已经在调查了。”\n"
                 "第二位来访的是一位退休教师，叫罗桂芝，反映的是小区电梯停运的问题。\n",
    "promise.txt": "“县长，下一批是东坝村的菜农，一共七个人，反映的是蔬菜大棚被淹后的补偿问题。”秘书方一舟小声说道。\n"
                   "菜农代表把照片摊在桌上：“孟县长，大棚淹了半个月，补偿到现在一分都没到。”\n"
                   "孟子衡看完照片，说道：“今天我给大家一个答复：第一，农业农村局十天内把受灾面积逐户核实清楚；"
                   "第二，县财政先垫付一半补偿款，月底前发到户；第三，明年汛期前把东坝村的排涝沟全部疏通。”\n"
                   "菜农们连声道谢，陆续离开了接待室。\n",
}


@pytest.fixture(scope="module")
def genre(tmp_path_factory):
    from rag.config import Config
    tmp = tmp_path_factory.mktemp("genre")
    (tmp / "docs").mkdir()
    for name, text in DOCS.items():
        (tmp / "docs" / name).write_text(text, encoding="utf-8")
    a = Assistant(Config(index_dir=tmp / "index", model="test-hash", abstain_threshold=0.2))
    a.index([tmp / "docs"])
    return a


def ask(assistant, question, history=()):
    ans = assistant.ask(question, AskOptions(history=tuple(history)))
    markers = {int(n) for n in re.findall(r"\[(\d+)\]", ans.text)}
    assert markers == {c.n for c in ans.citations}
    for c in ans.citations:
        assert assistant.document_text(c.doc_id)[c.start:c.end] == c.quote
    return ans


# ---------- who: the name beside the asked role, or 'not stated' ----------
@pytest.mark.parametrize("question, name", [
    ("信访局局长是谁？", "贺振东"),              # '局长贺振东' in narration, far from the question's other words
    ("临河县县长的秘书是谁？", "方一舟"),
    ("反映电梯停运问题的退休教师叫什么名字？", "罗桂芝"),
])
def test_who_is_the_name_beside_the_role(genre, question, name):
    ans = ask(genre, question)
    assert ans.text.startswith(f"**{name}**") and not ans.abstained


@pytest.mark.parametrize("question", [
    "反映拆迁补偿问题的中年男子叫什么名字？",   # the speaker of the next lines is someone else
])
def test_who_not_given_is_not_stated(genre, question):
    ans = ask(genre, question)
    assert ans.abstained and "没有说明" in ans.text and ans.citations


def test_a_surname_with_the_asked_title_is_not_the_name(genre):
    from rag.shapes import WHO
    from rag.spans import best_span
    s = "“孟县长，这件事我们已经在调查了。”"
    assert best_span(WHO, s, "临河县县长是谁？", near=["县长"]) is None  # '孟县长' alone
    from rag.spans import people
    assert people("他在县长信箱里看到一封来信") == []  # a title before a common noun is not a name


# ---------- list: the official's own numbered answer, not the line that introduced the topic ----------
@pytest.mark.parametrize("question", [
    "孟子衡对东坝村菜农的大棚补偿问题作了什么答复？",
    "孟子衡对菜农的蔬菜大棚补偿问题表了什么态？",
])
def test_list_in_the_named_persons_speech(genre, question):
    ans = ask(genre, question)
    lines = [line for line in ans.text.split("\n") if line.startswith("- ")]
    assert len(lines) == 3, ans.text
    for item in ("逐户核实", "先垫付一半", "排涝沟"):
        assert sum(item in line for line in lines) == 1
