"""clean.content_spans: which lines of a document are worth indexing. Boilerplate is left out of the spans, never
removed from the text, so citations still point into the file as it was."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from rag.clean import content_spans


def _kept(text: str) -> str:
    return "\n".join(text[s:e] for s, e in content_spans(text))


def test_link_lines_pagers_and_comment_widgets_are_left_out():
    text = ("1秒记住小说网：www.xiaoshuo-example.com\n"
            "市长说，热线要有跟踪、有反馈、有评价。\n"
            "(https://www.example.com/book/40731562.html)\n"
            "本章未完，点击下一页继续阅读\n"
            "评论 0人参与，还没有评论，快来抢沙发吧！\n"
            "区里的资金以区级财政为主导。\n")
    kept = _kept(text)
    assert "市长说" in kept and "区级财政" in kept
    for noise in ("www.", "https://", "点击下一页", "抢沙发"):
        assert noise not in kept


def test_breadcrumb_only_near_the_top():
    top = "某某小说网 > 官场小说 > 第十二章 调研\n正文第一句话在这里。\n"
    assert "小说网" not in _kept(top)
    late = "正文。\n" * 6 + "甲 > 乙 > 丙\n"
    assert "甲 > 乙 > 丙" in _kept(late)  # a ">" line deep in the text is content, not navigation


def test_trailing_title_list_is_left_out_but_not_a_short_document():
    text = "会议要求各部门抓好落实，月底前报送进展。\n" + "".join(f"热门小说{i}\n" for i in range(5))
    assert _kept(text) == "会议要求各部门抓好落实，月底前报送进展。"
    short = "标题一\n标题二\n标题三\n"  # nothing but short lines: that is the document, keep it
    assert _kept(short) == "标题一\n标题二\n标题三"


def test_spans_trim_whitespace_and_join_neighbours():
    text = "  第一段。  \n\n  第二段。\n"
    spans = content_spans(text)
    assert spans == ((2, text.index("第二段。") + 4),)  # only whitespace between: one span
    assert text[spans[0][0]] == "第" and text[spans[0][1] - 1] == "。"


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(list("市长热线。，\n >:/.wh tps点击下一页评论0人参与") + ["www.", "https://"]),
                max_size=120).map("".join))
def test_spans_are_ordered_inside_the_text_and_hold_text(text):
    last = 0
    for s, e in content_spans(text):
        assert last <= s < e <= len(text)
        assert text[s:e] == text[s:e].strip() and text[s:e]
        last = e
