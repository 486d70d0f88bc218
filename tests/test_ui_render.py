"""Chat UI pieces without a browser: escaping, [n] links, the sources panel, upload names, follow-up questions."""
import pytest

from rag import Assistant
from rag.conversation import contextualize, key_terms, needs_context, user_questions
from ui.render import answer_markdown, md_text, sources_panel, turn_data
from ui.service import safe_name

EVIL = ('这是一份用来测试的文档。\n文档里有<img src=x onerror="alert(2)">图片。\n'
        '市民服务热线电话是12345，全天二十四小时有人接听。\n文档里有<script>alert(1)</script>脚本。')


def test_document_markup_is_shown_as_text(config, tmp_path):
    (tmp_path / "evil.html.txt").write_text(EVIL, encoding="utf-8")
    a = Assistant(config)
    a.index([tmp_path / "evil.html.txt"])
    ans = a.ask("市民服务热线电话是多少")
    assert ans.citations
    turns = [turn_data(1, "<b>热线</b>电话是多少", "q", ans)]
    panel = sources_panel(turns, show_passages=True)
    assert "<script" not in panel and "<img" not in panel and "<b>" not in panel
    assert "onerror=&quot;alert(2)&quot;" in panel
    assert "<mark>" in panel and 'id="src-1-1"' in panel
    md = answer_markdown(ans.text, 1)
    assert "<script" not in md and "<img" not in md and 'href="#src-1-1"' in md


def test_answer_markers_become_links_and_markdown_is_inert():
    md = answer_markdown("第一句*强调*[1]第二句<i>x</i>[2]", 3)
    assert md.count('class="cite"') == 2 and 'href="#src-3-2"' in md
    assert "\\*强调\\*" in md and "&lt;i&gt;" in md
    assert md_text("[1](javascript:alert(1))") == "\\[1\\]\\(javascript:alert\\(1\\)\\)"
    assert md_text("it's \"q\" <b>&") == "it's \"q\" &lt;b&gt;&amp;"


def test_empty_panel_has_a_friendly_note():
    assert "No documents yet" in sources_panel([], note="还没有文档 No documents yet")


@pytest.mark.parametrize("raw, clean", [
    ("../../etc/passwd.txt", "passwd.txt"),
    ("C:\\Users\\x\\报告.MD", "报告.md"),
    ("..", "upload"),
    (".hidden.txt", "hidden.txt"),
    ("a\x00b\nc.txt", "abc.txt"),
    ("问 题<>|?.html", "问 题.html"),
])
def test_safe_name(raw, clean):
    assert safe_name(raw) == clean


def test_follow_up_carries_the_previous_key_terms():
    history = ["老農貿市場改造是怎么回事？"]
    assert needs_context("那资金呢？") and not needs_context("淄博提出了哪“五个转变”？")
    query = contextualize("那资金呢？", history)
    assert "农贸市场" in query and query.endswith("那资金呢？")
    # A question that stands on its own is left as it is.
    assert contextualize("淄博提出了哪“五个转变”？", history) == "淄博提出了哪“五个转变”？"
    assert contextualize("那资金呢？", []) == "那资金呢？"
    assert "hotline" in contextualize("what about its funding?", ["what did the mayor order about 12345 hotline"])
    # Chains: the third turn still knows the topic of the first.
    assert "农贸市场" in contextualize("它什么时候完工？", ["老农贸市场改造是怎么回事？", "那资金呢？"])
    assert "怎么回事" not in key_terms("老农贸市场改造是怎么回事？")


def test_user_questions_from_any_history_shape():
    assert user_questions(["a", {"role": "user", "content": "b"}, {"role": "assistant", "content": "x"},
                           {"role": "user", "content": [{"type": "text", "text": "c"}]}]) == ["a", "b", "c"]


def test_answer_blocks_show_our_bold_and_lists_but_keep_document_text_inert():
    from ui.render import answer_blocks
    md = answer_blocks("**50名<b>**\n根据指示，新增50名坐席[1]", 2)
    assert md.startswith("**50名&lt;b&gt;**\n\n") and 'href="#src-2-1"' in md
    md = answer_blocks("- 要建立**闭环**机制[1]\n- 必须优先派单 - 限时办结[2]", 4)
    lines = md.split("\n")
    assert len(lines) == 2 and all(line.startswith("- ") for line in lines)
    assert "\\*\\*闭环\\*\\*" in lines[0] and "派单 \\- 限时" in lines[1]  # document marks stay literal
    assert answer_blocks("文档提到了“资金”，但没有说明具体数字。\n“额度不会太高。”[1]", 1).count("\n\n") == 1
    # A '**' that is not a whole first line (document text, or a lead still streaming) is shown literally.
    assert answer_blocks("**50", 1) == "\\*\\*50"
