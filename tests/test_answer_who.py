"""Who did it: the speaker named on the narration line after a quote ('“…全部到岗。”' / '周立新回答道。'), and a
'…的是谁' question read by its whole predicate, not only the words next to 谁. Documents written for this test."""
import pytest

from conftest import indexed
from rag.factoid import _attribution, _wide
from rag.options import AskOptions
from rag.shapes import WHO, detect

CHAPTER = ("走访政务大厅之后，市长顾明川又来到不动产登记中心，实地了解窗口运行情况。\n\n"
           "看完之后，他当即问道：“立新，上次商量的增加窗口人员的事，具体落实得怎么样了？”\n\n"
           "“按照您的要求，我们已经协调人社局和编办，新增了八名窗口人员编制，月底前全部到岗。”\n\n"
           "周立新回答道。\n\n"
           "顾明川点了点头，说道：“人员增加了，服务质量也要跟上，排队时间要压到二十分钟以内。”\n\n"
           "随后，登记中心主任邵雨晴介绍了网上预约的办理情况。\n")


@pytest.fixture(scope="module")
def assistant(tmp_path_factory):
    return indexed(tmp_path_factory.mktemp("who"), {"chapter.txt": CHAPTER}, abstain_threshold=0.2)


def test_the_speaker_of_a_quote_is_on_the_narration_line_after_it():
    quote = CHAPTER.index("“按照")
    line_end = CHAPTER.index("\n", quote)
    (a, b), = _attribution(CHAPTER, quote, line_end)
    assert CHAPTER[a:b] == "周立新回答道。"
    # A line of narration with a quote inside is not a bare quote: its speaker is on the line itself.
    asked = CHAPTER.index("看完之后")
    assert _attribution(CHAPTER, asked, CHAPTER.index("\n", asked)) == []


def test_a_question_asking_who_did_something_reads_its_whole_predicate():
    assert _wide(detect("向市长汇报窗口人员编制落实情况的是谁？"), "向市长汇报窗口人员编制落实情况的是谁？")[0] > 2
    assert _wide(detect("谁介绍了网上预约的办理情况？"), "谁介绍了网上预约的办理情况？")[1] > 3
    # '…的主任是谁' asks who holds an office: the words next to 谁 (主任, 中心) are the focus, as before.
    assert _wide(detect("登记中心的主任是谁？"), "登记中心的主任是谁？") == (2, 3)
    assert detect("向市长汇报窗口人员编制落实情况的是谁？").kind == WHO


def test_who_reported_is_the_speaker_after_the_quote(assistant):
    ans = assistant.ask("向顾明川汇报窗口人员编制落实情况的是谁？", AskOptions())
    assert ans.text.startswith("**周立新**"), ans.text
    assert any("周立新回答道" in c.quote for c in ans.citations)


def test_who_holds_an_office_is_still_read_next_to_the_title(assistant):
    ans = assistant.ask("登记中心的主任是谁？", AskOptions())
    assert ans.text.startswith("**邵雨晴**"), ans.text
