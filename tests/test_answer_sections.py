"""A list question naming a section by a topic word of its heading ('关于防汛，会议决定了哪几件事', '压实安全
责任讲了哪三句话') gets the enumeration inside that section, not the outline of headings nor another
section's decisions. Documents written for this test."""
import pytest

from conftest import indexed
from rag.options import AskOptions
from rag.sections import named_scope
from rag.shapes import LIST, detect

MINUTES = ("岚山县人民政府常务会议纪要\n\n"
           "一、关于城区停车场建设工作\n\n县住建局汇报了城区停车难的情况。\n\n"
           "会议决定：一是新建立体停车场两处；二是老旧小区停车位由街道统筹；三是年底前完成智慧停车平台建设。\n\n"
           "二、关于做好今年防汛和地质灾害防御工作\n\n县应急管理局汇报了今年汛期的气象形势和隐患点排查情况。\n\n"
           "会议决定：一是汛期各乡镇主要负责人原则上不得离县；二是6处隐患点6月底前完成监测设备安装；"
           "三是下穿通道积水超过30厘米一律封闭；四是7月15日前组织一次全县防汛演练。\n\n"
           "三、其他事项\n\n会议还研究了其他事项。\n")
SPEECH = ("在全县安全生产会议上的讲话\n\n一、认清形势\n\n今年以来，全县发生事故9起。\n\n"
          "二、层层压实安全生产责任\n\n安全生产，说到底是责任问题。我讲三句话。\n\n"
          "第一句话，党政同责不能停在纸上。各乡镇书记要亲自抓。\n\n"
          "第二句话，企业主体责任要落到班组。企业负责人要天天查隐患。\n\n"
          "第三句话，问责要较真碰硬。发生较大事故的乡镇年度考核不得评优。\n\n"
          "三、抓好汛期安全\n\n各乡镇要做好防汛准备。\n")


@pytest.fixture(scope="module")
def assistant(tmp_path_factory):
    return indexed(tmp_path_factory.mktemp("sections"), {"minutes.txt": MINUTES, "speech.txt": SPEECH},
                   abstain_threshold=0.2)


def test_a_topic_word_after_guanyu_names_its_section():
    start, end = named_scope("关于防汛，会议决定了哪几件事？", MINUTES)
    assert MINUTES[start:end].count("会议决定") == 1 and "防汛演练" in MINUTES[start:end]
    # One shared word does not name a section: most of its topic, or 关于 before it, must be there.
    assert named_scope("哪几个乡镇汛期要值班？", SPEECH) is None


def test_the_decisions_of_the_named_section_answer(assistant):
    ans = assistant.ask("关于防汛，会议决定了哪几件事？", AskOptions())
    for phrase in ("不得离县", "监测设备安装", "超过30厘米", "防汛演练"):
        assert phrase in ans.text, ans.text
    assert "立体停车场" not in ans.text and "三、其他事项" not in ans.text


def test_three_sentences_of_a_speech_section_are_a_list(assistant):
    assert detect("压实安全生产责任讲了哪三句话？").kind == LIST
    ans = assistant.ask("压实安全生产责任讲了哪三句话？", AskOptions())
    for phrase in ("党政同责不能停在纸上", "企业主体责任要落到班组", "问责要较真碰硬"):
        assert phrase in ans.text, ans.text


def test_what_problem_is_one_thing_not_the_outline_of_headings(tmp_path):
    text = ("县政府常务会议纪要\n\n一、关于2024年度县级预算执行审计发现问题整改工作\n\n"
            "县审计局汇报，审计共发现问题32个，已整改25个，还有2个涉及历史遗留的土地出让收入问题。\n\n"
            "二、关于县城农贸市场改造提升工作\n\n会议同意改造方案。\n\n三、关于做好今年防汛工作\n\n会议要求做好准备。\n")
    a = indexed(tmp_path, {"minutes.txt": text}, abstain_threshold=0.2)
    ans = a.ask("历史遗留问题涉及的是什么问题？", AskOptions())
    assert "土地出让收入" in ans.text and "二、关于县城农贸市场" not in ans.text, ans.text


def test_which_units_are_responsible_reads_the_items_note(tmp_path):
    plan = ("岚山区托育服务实施方案\n\n二、主要任务\n\n"
            "1．建设社区托育点。每个街道建设1所社区托育点。（责任单位：区卫生健康局、各街道办事处）\n\n"
            "2．鼓励企业办托。支持产业园区为职工提供托育服务。（责任单位：区总工会、区工业园区管委会）\n")
    a = indexed(tmp_path, {"plan.txt": plan}, abstain_threshold=0.2)
    ans = a.ask("鼓励企业办托由哪些单位负责？", AskOptions())
    assert "区总工会、区工业园区管委会" in ans.text and "区卫生健康局" not in ans.text, ans.text
    assert any(c.quote.startswith("（责任单位") for c in ans.citations)


def test_a_heading_named_in_the_question_s_own_words_gives_its_items():
    from rag.sections import section_items
    plan = ("临溪县农村厕所改造三年行动方案\n\n一、重点工作\n\n（一）分类推进改造\n\n"
            "1．城郊村庄整村改造。靠近县城的村庄整村接入管网。\n\n2．平原村庄集中改造。人口集中的村庄建设公共厕所。\n\n"
            "3．山区村庄分户改造。居住分散的村庄以户用三格式化粪池为主。\n\n"
            "（二）统筹推进厕所改造与污水治理\n\n1．同步设计。改厕与污水治理同步设计。\n\n2．同步验收。改厕与污水治理同步验收。\n")
    got = [plan[a:b] for a, b in section_items("分类推进农村厕所改造有哪几种方式？", plan, 400)]
    assert [g[:8] for g in got] == ["1．城郊村庄整村", "2．平原村庄集中", "3．山区村庄分户"], got
