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
