"""Question kinds from wording alone (shapes.py), and the spans and sentence tests that shape answers (spans.py)."""
import pytest

from rag.shapes import ATTITUDE, HOW_MANY, LIST, OTHER, WHEN, WHERE, WHO, WHY_HOW, YES_NO, detect
from rag.spans import best_span, find_spans, is_question, people, plain


@pytest.mark.parametrize("question, kind", [
    ("市长对12345热线提出了哪些要求？", LIST),
    ("what did the mayor order about 12345 hotline", LIST),
    ("會議議定了哪些事項？", LIST),                       # traditional
    ("江一鸣让段磊到任后落实哪两件事？", LIST),
    ("谁陪杨浩去光桥区任职？", WHO),
    ("Who accompanies Yang Hao?", WHO),
    ("新增坐席人员什么时候到岗？", WHEN),
    ("会议几点开始", WHEN),
    ("新增了多少名坐席人员？", HOW_MANY),
    ("how many seats were added", HOW_MANY),
    ("段磊被安排到哪个区？", WHERE),
    ("老农贸市场改造的资金从哪里来？", WHY_HOW),          # 'from where' asks for a source, not a place
    ("为什么先在永昌区试点？", WHY_HOW),
    ("雷書記對孫運通是什麼態度？", ATTITUDE),
    ("What does the mayor think of the plan?", ATTITUDE),
    ("杜宏远打算在江城新建生产基地吗？", YES_NO),
    ("老农贸市场改造是怎么回事？", WHY_HOW),
    ("那资金呢？", OTHER),
])
def test_kinds(question, kind):
    assert detect(question).kind == kind


def test_counts_units_and_carried_context():
    assert detect("淄博提出了哪“五个转变”？").count == 5
    assert detect("新增了多少名坐席人员？").unit == "名"
    assert detect("柳湾段加固需要多少资金？").unit == "元"  # the noun says the unit
    # Words carried from an earlier turn (〔…〕) never change the kind of the question asked now.
    assert detect("〔农贸市场 改造 哪些〕那资金呢？").kind == OTHER


def test_question_sentences():
    assert is_question("“市長,冒昧的問一下,市里對老農貿改造的資金支持力度是多少?”")
    assert is_question("“去雷書記那邊報到了?”")
    assert is_question("你觉得这样可以吗。")
    assert not is_question("江一鳴詢問道。")
    assert not is_question("如何筑牢产业根基,归根结底靠源源不断的好项目。")
    assert not is_question("有什么困难及时跟我沟通,我会全力支持你。")


def test_spans_by_kind():
    s = "根据您的指示,我们已协调财政和编办,新增50名坐席人员编制,正在进行招聘培训,下个月初可全部到岗。"
    assert [s[a:b] for a, b in find_spans(HOW_MANY, s, "名")] == ["50名"]
    assert "下个月初" in [s[a:b] for a, b in find_spans(WHEN, s)]
    assert [s[a:b] for a, b in find_spans(HOW_MANY, "每一分钱都要花在刀刃上")] == []  # 一 + measure word is 'a'
    assert [s[a:b] for a, b in find_spans(HOW_MANY, "光桥区必须在三个月内初见成效", "亿元")] == []  # not money
    t = "常务副市长段宏伟则提出了不同意见"
    assert [t[a:b] for a, b in people(t)] == ["段宏伟"]
    u = "县人民医院院长鲁建国一边擦汗一边说"
    assert u[slice(*best_span(WHO, u, "县人民医院的院长是谁？", near=["院长"]))] == "鲁建国"
    # A span the question already names is not the answer.
    assert best_span(WHO, "江敦涛到任后会见了市长于海田。", "江敦涛到任后会见了谁？", near=["会见"]) == (11, 14)


def test_markup_is_not_shown():
    assert plain("- 明年起全市推行**垃圾分类**积分制度。") == "明年起全市推行垃圾分类积分制度。"
    assert plain("## 工作方案") == "工作方案"
    assert plain("3*4=12") == "3*4=12"
