"""When: the date that dates the asked predicate, not the first date in a sentence on the topic. Documents
written for this test."""
import pytest

from conftest import indexed
from rag.options import AskOptions
from rag.shapes import WHEN
from rag.spans import find_spans

MINUTES = ("青禾街道联席会议纪要\n\n"
           "副主任骆晓兰说，违规广告牌整治不能有例外。她还提到，去年滨河路西段已经有7户业主自行拆除了广告牌，"
           "剩下的业主也应当拆除广告牌。\n"
           "会议决定：对滨河路沿街的违规广告牌，给予业主一个月的整改期，12月15日前自行拆除，逾期不拆的依法强制拆除。\n")
NEWS = ("区城管局召开通气会，发布新的垃圾分类办法。\n"
        "不少居民问到同一个问题：新办法实施以后，投放点会不会减少？局长答复说，投放点只增不减，效果要到明年以后由居民评判。\n"
        "这是全区十年来最大的一次垃圾分类调整，新办法将于10月8日起分两批实施。\n")


@pytest.fixture(scope="module")
def assistant(tmp_path_factory):
    return indexed(tmp_path_factory.mktemp("when"), {"minutes.txt": MINUTES, "news.txt": NEWS},
                   abstain_threshold=0.2)


def test_the_date_beside_the_predicate_wins_over_an_earlier_one_about_something_else(assistant):
    ans = assistant.ask("滨河路业主要在什么时候之前自行拆除广告牌？", AskOptions())
    assert ans.text.startswith("**12月15日**"), ans.text


def test_from_when_it_starts_is_dated_with_qi(assistant):
    ans = assistant.ask("新的垃圾分类办法从什么时候开始实施？", AskOptions())
    assert ans.text.startswith("**10月8日**"), ans.text


def test_a_little_earlier_is_not_a_time_of_day():
    assert find_spans(WHEN, "医院能不能比居民早一点供暖？") == []
    assert find_spans(WHEN, "下午一点开会。") != []


def test_a_far_first_date_gives_way_to_one_that_dates_the_predicate():
    from rag.plans import Plan
    from rag.spans import LOOSE, TIGHT, tied, tightness
    far = "她还提到,去年滨河路西段沿街已经有7户业主自行拆除了广告牌"
    near = "给予业主一个月的整改期,12月15日前自行拆除"
    assert tightness(["自行", "拆除"], far, (far.index("去年"), far.index("去年") + 2)) > LOOSE
    assert tightness(["自行", "拆除"], near, (near.index("12"), near.index("前"))) <= TIGHT
    first, later, weaker = Plan([], lead="**去年**"), Plan([], lead="**12月15日**"), Plan([], lead="**3月**")
    assert tied([(15, 1.0, first), (1, 1.0, later)]) is later
    assert tied([(15, 1.0, first), (1, 0.5, weaker)]) is first  # holds less of the question: not the date asked
    assert tied([(3, 1.0, first), (1, 1.0, later)]) is first  # the first is already the predicate's date
