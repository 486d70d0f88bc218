"""Follow-up questions (conversation.py): history is used only when the question needs it."""
from rag.conversation import contextualize, key_terms, needs_context, user_questions
from rag.units import CONTEXT


def test_follow_up_carries_the_previous_topic_marked_as_context():
    query = contextualize("那资金呢？", ["老農貿市場改造是怎么回事？"])
    assert query.endswith("那资金呢？") and "农贸市场" in CONTEXT.search(query).group(1)
    assert "怎么回事" not in query


def test_self_contained_question_is_left_alone():
    history = ["老农贸市场改造是怎么回事？"]
    assert not needs_context("淄博提出了哪“五个转变”？")
    assert contextualize("淄博提出了哪“五个转变”？", history) == "淄博提出了哪“五个转变”？"
    assert contextualize("那资金呢？", []) == "那资金呢？"


def test_pronouns_and_chains():
    assert needs_context("它什么时候完工？") and needs_context("what about its funding?")
    assert "hotline" in contextualize("what about its funding?", ["what did the mayor order about 12345 hotline"])
    assert "农贸市场" in contextualize("它什么时候完工？", ["老农贸市场改造是怎么回事？", "那资金呢？"])
    assert "时候" not in key_terms("区县的防汛补助什么时候拨付？")  # question words are never carried


def test_user_questions_from_any_history_shape():
    assert user_questions(["a", {"role": "user", "content": "b"}, {"role": "assistant", "content": "x"},
                           {"role": "user", "content": [{"type": "text", "text": "c"}]}]) == ["a", "b", "c"]
