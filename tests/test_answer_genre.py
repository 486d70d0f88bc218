"""Answer shapes on small documents of the genre (officialdom chapters, minutes, news), written for these tests:
none of their names, places or phrases occur in bench/genre. Each block proves one failure class fixed in the
composer on text the bench never saw."""
import re

import pytest

from conftest import indexed
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
    # Traditional, with an OCR-like substitution (後→后 left as is, 體→L).
    "plea_trad.txt": "散會後，縣委書記魏長河留了下來，對市長蘇文遠說道：“蘇市長，交通局的周立新這個人我了解，幹工作"
                     "有衝勁，就是不太注意方法。這次的事情，能不能先讓他停職反省，給他一個改正的機會？”\n"
                     "蘇文遠沉默了片刻，說道：“魏書記，你的心情我理解。但是周立新的問題已經移交紀委，查清楚之前，"
                     "誰也不能打招呼。該保護的，我們一定保護；該處理的，也絕不姑息。”\n"
                     "魏長河嘆了口氣，沒有再說什麼。\n"
                     "回去的路上，祕書何小川問道：“市長，魏書記今天是不是替周立新說情來了？”\n"
                     "蘇文遠說道：“他是念舊情，這不怪他。可這種事，一旦開了口子，後面就收不住了。”\n",
    "minutes.txt": "关于电动车充电棚建设的会议纪要\n"
                   "会议听取了街道关于电动车充电棚建设情况的汇报，全街道计划新建充电棚46处。\n"
                   "会上，副区长顾明远提出，充电棚的建设资金应当由街道和物业共同承担，不能全部由财政兜底。"
                   "区财政局局长韩素梅表示，今年的财政预算已经很紧，同意顾明远的意见。\n"
                   "会议要求，充电棚建设由区住建局牵头，年底前全部建成投用。\n",
    "brt.txt": "临河发布 | 本地 | 交通\n\n临河快速公交1号线今日开通 全线设站22座\n\n2024年5月8日 来源：临河日报\n\n"
               "5月8日上午，临河快速公交1号线正式开通运营，市长苏文远出席开通仪式并宣布线路开通。"
               "全线西起火车站，东至高新区，沿线经过老城区和大学城。\n"
               "开通初期运营时间为每天6时至22时，高峰时段发车间隔为4分钟。\n"
               "线路实行统一票制，起步价1元，全程最高票价3元，老年人凭卡免费乘车。\n"
               "快速公交2号线目前正在开展前期研究，开工时间尚未确定。\n",
    "subsidy.txt": "关于农机购置补贴工作的通知\n"
                   "今年全县农机购置补贴资金将于六月底前拨付到各乡镇。\n"
                   "补贴按照购机价格的百分之三十执行，单台最高不超过两万元。\n"
                   "县养老服务中心的护理员按照入住老人数量的比例配备，配备比例为一比十。\n",
    "factory.txt": "客商问道：“第一个问题，新厂需要三百亩用地，临河能不能在三个月内把土地交给我们？”\n"
                   "招商局局长贺振东说道：“土地已经收储完毕，三个月内可以交地。”\n"
                   "孟子衡补充道：“供水、供电、道路这些配套，我们会在开工前全部接通到厂区门口。”\n"
                   "客商又问道：“第二个问题，用工能不能保障？”\n"
                   "孟子衡说道：“县职业学校每年毕业一千二百人，可以定向培养。”\n",
    "drainage.txt": "东坝村排涝站建于2009年，装机容量为六百千瓦，去年汛期连续运行了十一天。\n"
                    "回程的车上，秘书方一舟问道：“县长，东坝村的排涝站要不要扩建？”\n"
                    "孟子衡想了想，说道：“先把今年汛期扛过去，扩建的事汛后再专题研究。”\n",
    "orders.txt": "孟子衡说道：“第一，西岭村小学的危房，教育局一个月内拿出改造方案，报县政府研究；"
                  "第二，西岭村卫生室缺医生的问题，卫健局两周内提出解决办法。”\n"
                  "去年群众反映的南湾村饮水难问题，县水利局已经新打了两口深井，问题得到彻底解决。\n",
    "complaints.txt": "孟子衡看完投诉数据，说道：“投诉量下降了，但整改不能只停留在回复电话上。"
                      "要建立回访制度，每一件投诉都要回访到人。必须在三天内办结企业投诉。”\n"
                      "汛前检查时，贺振东说道：“要把排涝泵车提前布置到位。必须二十四小时有人值守。"
                      "务必每天上报一次水位。”\n",
    "tour.txt": "送走客商后，孟子衡把方一舟叫到办公室。\n"
                "“明天上午是谁陪客商去看西岭的地块？”\n"
                "“贺局长说他明天有空，到时亲自陪客商过去。”\n"
                "“行，你跟贺振东再确认一下时间。”\n",
    "street_plan.md": "# 青石街道垃圾分类工作方案\n\n## 工作目标\n\n年底前全街道垃圾分类覆盖率达到百分之九十五。\n\n"
                      "## 主要措施\n\n- **设施配置**：每个小区设置不少于两个分类投放点。\n"
                      "- **督导检查**：组建五十人的督导员队伍，每天早晚各巡查一次。\n"
                      "- **宣传引导**：每季度开展一次入户宣传，发放分类指南。\n\n"
                      "## 保障措施\n\n街道财政安排专项经费，纳入年度预算。\n",
    "tea_talk.txt": "座谈会上，县委书记苗文清说道：“我讲四点想法。第一，茶园要统一品种，打响白茶品牌。”\n"
                    "村支书连连点头。\n"
                    "苗文清接着说道：“第二，成立合作社，茶农以茶园入股。第三，修通进村的旅游公路。”\n"
                    "“第四，请农科院的专家常驻指导，三年内把亩产提高两成。”\n"
                    "座谈会一直开到中午。\n",
    "gas_news.txt": "临河发布 | 本地 | 民生\n\n临河启动老旧燃气管道更新改造\n\n"
                    "会后，记者就市民关心的问题采访了市住建局局长贺振东。\n"
                    "记者：老旧燃气管道改造的资金从哪里来？\n"
                    "贺振东：改造资金由市、区两级财政和燃气企业按四比三比三的比例共同承担，居民不用出钱。\n"
                    "记者：改造期间会不会停气？\n"
                    "贺振东：每个小区停气不超过八小时，会提前三天张贴通知。\n",
}


@pytest.fixture(scope="module")
def genre(tmp_path_factory):
    return indexed(tmp_path_factory.mktemp("genre"), DOCS, abstain_threshold=0.2)


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


# ---------- attitude: the named person's own words (a title resolved to its holder, reported speech) ----------
@pytest.mark.parametrize("question, words", [
    ("魏长河对周立新是什么态度？", "改正的機會"),
    ("魏书记对周立新是什么态度？", "改正的機會"),                # narration names him 魏長河
    ("县委书记对周立新是什么态度？", "改正的機會"),              # a title alone
    ("苏文远对周立新的问题是什么态度？", "誰也不能打招呼"),
    ("市长对交通局周立新的问题是什么态度？", "誰也不能打招呼"),  # the title names the speaker
    ("苏文远怎么看魏书记替周立新说情？", "念舊情"),             # the reply to the question that asks it
    ("顾明远对充电棚的建设资金是什么看法？", "共同承担"),       # minutes: reported speech, no quotes
    ("韩素梅对充电棚建设资金怎么看？", "预算已经很紧"),
])
def test_attitude_is_the_holders_own_words(genre, question, words):
    ans = ask(genre, question)
    assert words in ans.text and not ans.abstained, ans.text


def test_the_one_spoken_to_is_not_the_speaker():
    from rag.speakers import question_before, spoken_by
    t = DOCS["plea_trad.txt"]
    said = [t[a:b] for a, b in spoken_by(t, 0, len(t), "苏文远")]
    assert len(said) == 2 and not any("改正的機會" in s for s in said)  # '對市長蘇文遠說道' is 魏長河 speaking
    reply = t.find("“他是念舊情")
    assert "說情來了？" in question_before(t, reply) and question_before(t, t.find("魏長河嘆了口氣")) == ""


def test_the_speaker_is_the_subject_of_the_line_that_introduces_the_quote():
    from rag.speakers import spoken_by
    t = ("孟子衡让农业农村局的同志当场答复。农业农村局副局长潘晓东说道：“补偿标准按去年的文件执行。”\n"
         "孟子衡把方一舟叫到跟前，说道：“这件事你盯紧，每周报一次。”\n"
         "孟子衡又问道：“大棚什么时候能重建？”\n"
         "“开春以前一定建好。”\n")
    said = [t[a:b] for a, b in spoken_by(t, 0, len(t), "孟子衡")]
    assert said == ["“这件事你盯紧，每周报一次。”", "“大棚什么时候能重建？”"]  # not his officials' replies
    assert [t[a:b] for a, b in spoken_by(t, 0, len(t), "潘晓东")] == ["“补偿标准按去年的文件执行。”"]


# ---------- how many: the sentence naming the asked value, whose subject the headline gives ----------
def test_a_value_named_by_its_own_word_is_found_under_the_headline(genre):
    ans = ask(genre, "临河快速公交1号线的起步价是多少？")
    assert ans.text.startswith("**1元**") and not ans.abstained


@pytest.mark.parametrize("question", [
    "临河快速公交2号线的起步价是多少？",   # the headline's line is 1号线: 2号线 must be held by the sentence
    "临河快速公交2号线什么时候开工？",
])
def test_a_value_of_another_subject_is_not_stated(genre, question):
    ans = ask(genre, question)
    assert ans.abstained and "没有说明" in ans.text, ans.text


# ---------- follow-up: a generic word for the value ('比例是多少？') takes the earlier topic as its subject ----------
def test_generic_value_follow_up_keeps_the_topic_but_not_the_old_question():
    from rag.conversation import contextualize
    from rag.shapes import TOPIC
    q = contextualize("比例是多少？", ["农机购置补贴资金什么时候拨付？"])
    assert "〔" not in q and "农机" in TOPIC.search(q).group(1) and "补贴" in q and "拨付" not in q
    assert "〔" in contextualize("那资金呢？", ["东坝村大棚补偿是怎么回事？"])  # '资金' names a topic itself


def test_generic_value_follow_up_is_answered_on_the_earlier_topic(genre):
    ans = ask(genre, "比例是多少？", ["农机购置补贴资金什么时候拨付？"])
    assert "百分之三十" in ans.text and "一比十" not in ans.text, ans.text


# ---------- follow-up: the sentence holding the follow-up's own words, not the previous answer again ----------
@pytest.mark.parametrize("history, question, words", [
    (["临河能在三个月内把土地交给新厂吗？"], "那配套设施呢？", "接通到厂区门口"),
    (["临河能在三个月内把土地交给新厂吗？"], "那用工呢？", "定向培养"),
])
def test_follow_up_is_answered_by_its_own_words(genre, history, question, words):
    ans = ask(genre, question, history)
    assert words in ans.text, ans.text


# ---------- not stated: the document puts it off, or says it is not set (also for English questions) ----------
@pytest.mark.parametrize("question", [
    "东坝村排涝站扩建需要多少资金？",
    "东坝村排涝站什么时候扩建？",
    "快速公交2号线什么时候开工？",
])
def test_put_off_or_not_set_is_not_stated(genre, question):
    # (English questions take the same path when a best sentence says so, factoid.py; the fake test model
    # cannot match English to these documents, so they are measured in bench/genre, not here.)
    ans = ask(genre, question)
    assert ans.abstained and "没有说明" in ans.text, ans.text
    assert any("再专题研究" in c.quote or "尚未确定" in c.quote for c in ans.citations)


def test_a_date_given_is_still_answered(genre):
    ans = ask(genre, "东坝村排涝站是哪一年建的？")
    assert not ans.abstained and ans.text.startswith("**2009年**"), ans.text


# ---------- not stated: the outcome is asked, the document gives only the plan ----------
def test_outcome_of_a_plan_is_not_stated(genre):
    ans = ask(genre, "西岭村小学的危房最后是怎么处理的？")
    assert ans.abstained and "没有说明最后的结果" in ans.text and "改造方案" in ans.citations[0].quote


@pytest.mark.parametrize("question, words", [
    ("南湾村饮水难问题最后是怎么解决的？", "深井"),     # an outcome reported: answered
    ("西岭村卫生室缺医生的问题怎么解决？", "两周内"),   # no outcome asked: the plan answers
])
def test_outcome_reported_or_not_asked_is_answered(genre, question, words):
    ans = ask(genre, question)
    assert not ans.abstained and words in ans.text, ans.text


# ---------- English questions name people in pinyin: the holder is the first name's Chinese ----------
def test_english_holder_is_the_first_pinyin_name():
    from rag.holders import holder_of
    from rag.shapes import ATTITUDE, LIST, detect
    assert holder_of("What did Mayor Su Wenyuan say about Zhou Lixin?", names=("苏文远", "周立新")) == "苏文远"
    assert holder_of("What did Meng Ziheng promise the vegetable farmers?", True, ("孟子衡",)) == "孟子衡"
    assert holder_of("孟子衡对菜农表了什么态？", True, ("苏文远",)) == "孟子衡"  # a Chinese question names its own
    assert detect("What did Meng Ziheng promise the vegetable farmers?").kind == LIST
    assert detect("What did Mayor Su Wenyuan say about Zhou Lixin?").kind == ATTITUDE


def test_holders_numbered_speech_is_found_beyond_the_shortlist(genre):
    from rag.lists import _numbered_speech
    from rag.plans import Cand
    from rag.records import Passage
    doc = next(d for d in genre.store().documents() if "promise" in d.sources[0])
    text = genre.document_text(doc.id)
    chunk = type("Chunk", (), {"doc_id": doc.id, "start": 0, "end": 40, "id": "c0"})()
    best = Cand(1.0, 0.5, 0, Passage(chunk=chunk, source="promise.txt", score=1.0), 0, 40, text[:40])
    found = _numbered_speech("孟子衡", [best], genre.document_text)
    assert len(found) == 1 and "第一，农业农村局" in found[0].text  # beyond the 40 characters of the best passage


def test_a_name_speaks_under_its_surname_and_title_but_not_any_first_character():
    from rag.holders import holder_of, names_for
    from rag.speakers import spoken_by
    t = ("送走老人们后，秘书问道：“县长，会不会有人说这是开了口子？”\n"
         "孟县长摇了摇头，说道：“这不是开口子，是补窟窿。”\n")
    assert [t[a:b] for a, b in spoken_by(t, 0, len(t), "孟子衡")] == ["“这不是开口子，是补窟窿。”"]
    assert spoken_by(t, 0, len(t), "人社局") == []
    assert holder_of("孟县长对补窟窿是什么态度？") == "孟县长" and holder_of("县长对此怎么看？") == "县长"
    assert "孟县长" in names_for("孟子衡", t) and names_for("县长", t) == ["孟县长"]


# ---------- list: a speech's narrated lead-in is not an order; an order after narration is ----------
def test_speech_lead_in_is_not_an_item(genre):
    ans = ask(genre, "孟子衡对投诉整改提出了哪些要求？")
    lines = [line for line in ans.text.split("\n") if line.startswith("- ")]
    assert len(lines) == 2 and "回访制度" in lines[0] and "三天内办结" in lines[1], ans.text


def test_first_order_after_narration_is_kept(genre):
    ans = ask(genre, "汛前检查时贺振东提出了哪些要求？")
    lines = [line for line in ans.text.split("\n") if line.startswith("- ")]
    assert len(lines) == 3 and "排涝泵车" in lines[0], ans.text


# ---------- who: the text asks the same question; its reply names the person ----------
def test_who_from_the_reply_to_the_same_question_in_the_text(genre):
    ans = ask(genre, "谁陪客商去看西岭的地块？")
    assert ans.text.startswith("**贺局长**") and not ans.abstained, ans.text


# ---------- list: bullets under a heading; numbered orders spread over several lines of one speech ----------
def test_bullets_under_the_named_heading(genre):
    ans = ask(genre, "青石街道垃圾分类的主要措施有哪些？")
    lines = [line for line in ans.text.split("\n") if line.startswith("- ")]
    assert len(lines) == 3 and "分类投放点" in lines[0] and "入户宣传" in lines[2], ans.text
    assert "**" not in ans.text


def test_numbered_orders_over_several_lines_of_one_speech(genre):
    ans = ask(genre, "苗文清在座谈会上讲了哪四点想法？")
    lines = [line for line in ans.text.split("\n") if line.startswith("- ")]
    for item in ("统一品种", "成立合作社", "旅游公路", "常驻指导"):
        assert sum(item in line for line in lines) == 1, ans.text


# ---------- dialogue: a reporter's Q&A written 'Name：' without quotes ----------
@pytest.mark.parametrize("question, words", [
    ("记者问老旧燃气管道改造的资金从哪里来，贺振东怎么回答？", "四比三比三"),
    ("老旧燃气管道改造期间会不会停气？", "不超过八小时"),
])
def test_reporter_qa_is_answered_by_the_reply(genre, question, words):
    ans = ask(genre, question)
    assert words in ans.text and not ans.abstained, ans.text


def test_an_ordinal_is_not_a_count_and_maths_is_not_a_put_off():
    from rag.shapes import HOW_MANY
    from rag.spans import find_spans
    s = "他一生只发表了三篇学术论文，其在第一篇论文中证明了关于未定元的定理。"
    assert [s[a:b] for a, b in find_spans(HOW_MANY, s, "篇")] == ["三篇"]
    from rag.unstated import DEFERRED
    assert not DEFERRED.search(s) and DEFERRED.search("扩建的事汛后再专题研究")


def test_rank_is_asked_as_an_ordinal_and_a_name_holding_duoda_is_no_question():
    from rag.shapes import HOW_MANY, OTHER, detect
    assert detect("这家企业在全省排多少位？").unit == "第"
    assert detect("他从科罗拉多大学获得了什么学位？").kind == OTHER      # 多大 inside 科罗拉多大学
    assert detect("新厂的规模有多大？").kind == HOW_MANY
