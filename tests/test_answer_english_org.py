"""'Which company does Shao Zhenyu run?': the organization next to what the documents call him ('青禾科技的邵总'),
found through the pinyin name and its surname-and-title form. A document written for this test."""
from conftest import indexed
from rag.options import AskOptions

CHAPTER = ("第八章 午饭\n\n秘书汇报道：“市长，青禾科技的邵总想要当面与您交流，不知道是否方便？”\n\n"
           "“让食堂安排些饭菜，我中午请邵总吃饭。”市长叮嘱道。\n\n"
           "邵振宇赶到时已经十二点了。邵振宇笑道：“市长，我们手里有些资金，想听听您的意见。”\n\n"
           "市长说道：“企业的事就是我们的事，我们一定全力支持。”\n\n"
           "邵振宇点了点头，说这次来就是想多看几个园区。邵振宇又说，企业发展离不开好的营商环境。\n")


def test_the_company_next_to_the_surname_and_title(tmp_path):
    a = indexed(tmp_path, {"chapter.txt": CHAPTER}, abstain_threshold=0.0)
    ans = a.ask("Which company does Shao Zhenyu run?", AskOptions())
    assert ans.text.startswith("**青禾科技**"), ans.text
    assert any("青禾科技的邵总" in c.quote for c in ans.citations)
