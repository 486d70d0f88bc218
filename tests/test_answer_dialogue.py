"""'A问B…，B是怎么说的': the line where A asks, then B's reply, told without a name and continued on B's next
line ('B说道：“不过…”'); B asking back is not the question put to B. A document written for this test."""
import pytest

from conftest import indexed
from rag.options import AskOptions
from rag.replies import reply_after
from rag.shapes import put_units
from rag.units import question_units

CHAPTER = ("第十二章 午饭\n\n"
           "顾明川从开发区回来已经快十二点了，秘书说邵启航在食堂等他。\n\n"
           "两人在小包间坐下，邵启航笑道：“你这里的饭菜倒是实在。”\n\n"
           "顾明川询问道：“上午看得怎么样，怎么急着赶到我这来了？”\n\n"
           "“明川兄，我实话实说，这次来主要是看看园区，我们在南岭已经有了三个仓储基地，再建仓库意义不大。”\n\n"
           "邵启航说道：“不过，我们账上还有一笔闲钱，所以单独来找你，就是想听听你的意见，你看投在哪里合适？”"
           "(https://www.example-novel.net/book/12/345.html)\n\n"
           "顾明川想了想，说道：“那就看看新能源吧，开发区东边还有两百亩地。”\n")
QUESTION = "顾明川问邵启航为什么急着赶来，邵启航是怎么说的？"


@pytest.fixture(scope="module")
def assistant(tmp_path_factory):
    return indexed(tmp_path_factory.mktemp("dialogue"), {"chapter.txt": CHAPTER}, abstain_threshold=0.2)


def test_the_one_asked_is_not_a_word_of_the_line_that_asks():
    put = [u.label for u in put_units(QUESTION, question_units(QUESTION))]
    assert put and not any(w in "邵启航" for w in put), put


def test_a_reply_told_without_a_name_goes_on_to_the_replier_next_line():
    start = CHAPTER.index("顾明川询问道")
    end = CHAPTER.index("？”", start) + 2
    reply = "".join(CHAPTER[a:b] for a, b in reply_after(CHAPTER, start, end, 220))
    assert "三个仓储基地" in reply and "听听你的意见" in reply
    assert "http" not in reply and "新能源" not in reply  # the link says nothing; the asker's next turn is not it


def test_the_reply_to_the_question_put_answers(assistant):
    ans = assistant.ask(QUESTION, AskOptions())
    assert "三个仓储基地" in ans.text and "听听你的意见" in ans.text, ans.text
    for c in ans.citations:
        assert CHAPTER[c.start:c.end] == c.quote


def test_a_speech_over_several_lines_ends_at_its_closing_mark():
    from rag.replies import quote_end
    text = ("座谈时一位老校长直言：“想法很好，关键是落地。\n比如校舍要先修。\n又比如师资要补足。\n"
            "” 会后这些意见被记录下来。\n")
    quote = text.index("“")
    assert text[quote:quote_end(text, quote, text.index("\n"))].endswith("师资要补足。\n”")
    closed = "他说：“好。”\n“另一句。”\n"
    assert quote_end(closed, closed.index("“"), closed.index("\n")) == closed.index("\n")


def test_an_opinion_given_over_several_lines_is_answered_whole(tmp_path):
    text = ("第三章 座谈\n\n会议围绕“教育振兴”展开讨论，气氛热烈。\n"
            "讨论“教育振兴”时一位老校长直言不讳：“政府想法很好，但关键是落地。\n"
            "比如校舍改造不能只给钱，还得解决施工期间学生借读这些后顾之忧。\n"
            "又比如乡村教师最怕的是调不出去也留不下来，编制卡得太死。\n"
            "” 这些意见被县长要求一一记录。\n")
    a = indexed(tmp_path, {"talk.txt": text}, abstain_threshold=0.2)
    ans = a.ask("讨论教育振兴时，那位老校长提了什么意见？", AskOptions())
    assert "学生借读" in ans.text and "编制卡得太死" in ans.text, ans.text
    assert all(any(ch.isalnum() for ch in c.quote) for c in ans.citations)  # no '”' cited alone


FAMILY = ("县长甘振林走进院子，老人迎了上来。\n\n"
          "甘振林问：“老人家，您家的房子为什么一直不签？”\n\n"
          "“我孙子看病欠了钱。”老人低声说。\n\n"
          "“这些情况，镇里知道吗？”甘振林的声音不高，镇长低下了头。\n\n"
          "他转回身，对老人说：“老人家，补偿标准是全县统一的，我不能单给您开口子，但您家的难处我们来想办法。\n\n"
          "“第一，孙子的医疗欠款，按照大病救助政策重新审核，民政局下周派人上门。\n\n"
          "“第二，您儿子属于退役军人安置对象，可以申请保障性住房。\n\n"
          "“第三，您家的安置房可以选在一楼，方便老两口进出。”\n\n"
          "回到会上，甘振林说：“要通报这件事，要把全县未签约户逐户走访一遍，要建立台账。”\n")


def test_a_pronoun_speaks_for_the_person_last_named():
    from rag.speakers import spoken_by
    said = ["".join(FAMILY[a:b]) for a, b in spoken_by(FAMILY, 0, len(FAMILY), "甘振林")]
    assert any(s.startswith("“老人家，补偿标准") for s in said)


def test_the_numbered_items_of_the_one_opening_the_question(tmp_path):
    a = indexed(tmp_path, {"family.txt": FAMILY}, abstain_threshold=0.2)
    ans = a.ask("甘振林给老人提了哪三条解决办法？", AskOptions())
    for phrase in ("大病救助政策重新审核", "保障性住房", "选在一楼"):
        assert phrase in ans.text, ans.text
    assert "逐户走访" not in ans.text


def test_how_someone_explained_is_a_reply_asked_for():
    from rag.shapes import asks_reply, responder_clause
    assert asks_reply("蔺守拙问三类坝是什么意思，覃一帆怎么解释的？")
    assert responder_clause("江一鸣问杜宏远为什么急着来找他，杜宏远是怎么说的？") == "杜宏远"


def test_a_view_in_reported_speech_runs_to_the_end_of_its_paragraph(tmp_path):
    minutes = ("一、关于城乡公交一体化工作\n\n县交通运输局汇报了城乡公交一体化的测算情况。\n\n"
               "副县长宁海波认为，一体化的方向是对的，但要量力而行。按测算每年需要补贴约900万元，县财政压力不小。"
               "他建议先在两条线路试点。\n\n会议同意城乡公交一体化的总体方向。\n")
    a = indexed(tmp_path, {"minutes.txt": minutes}, abstain_threshold=0.2)
    ans = a.ask("宁海波对城乡公交一体化是什么态度？", AskOptions())
    assert "量力而行" in ans.text and "两条线路试点" in ans.text, ans.text
