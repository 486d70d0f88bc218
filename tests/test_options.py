"""AskOptions: one checked record for per-question choices; refusals are one line and say what is allowed."""
import dataclasses

import pytest

from rag import Assistant
from rag.options import LENGTHS, MAX_HISTORY_CHARS, MAX_HISTORY_TURNS, AskOptions, QuestionError


@pytest.mark.parametrize("kwargs, message", [
    ({"top_k": 0}, "top_k must be a whole number from 1 to 50"),
    ({"top_k": 51}, "top_k must be a whole number from 1 to 50"),
    ({"top_k": True}, "top_k must be a whole number"),  # a bool is an int in Python; not here
    ({"top_k": 2.5}, "top_k must be a whole number"),
    ({"top_k": "3"}, "top_k must be a whole number"),
    ({"length": "huge"}, "length must be one of short, medium, long"),
    ({"mode": "generative"}, "mode must be one of extractive"),
    ({"kb": "../etc"}, "kb must be a knowledge-base name"),
    ({"history": "一个问题"}, "history must be a list of earlier questions"),
    ({"history": [1, 2]}, "history must be a list of earlier questions"),
])
def test_bad_options_are_refused_in_one_line(kwargs, message):
    with pytest.raises(QuestionError, match=message) as e:
        AskOptions(**kwargs)
    assert "\n" not in str(e.value)


def test_defaults_and_presets():
    o = AskOptions()
    assert (o.top_k, o.length, o.history, o.kb, o.mode, o.answer_limits) == (None, None, (), None, "extractive", None)
    assert AskOptions(length="short").answer_limits == LENGTHS["short"] == (1, 80)
    assert AskOptions(top_k=50, kb="team-a").kb == "team-a"


def test_history_is_bounded_oldest_dropped_first():
    history = [f"第{i}个问题" + "长" * (MAX_HISTORY_CHARS + 100 if i == 99 else 0) for i in range(100)] + ["  "]
    o = AskOptions(history=history)
    assert len(o.history) == MAX_HISTORY_TURNS and o.history[0] == f"第{100 - MAX_HISTORY_TURNS}个问题"
    assert len(o.history[-1]) == MAX_HISTORY_CHARS and o.history[-1].startswith("第99个问题")
    with pytest.raises(dataclasses.FrozenInstanceError):  # options cannot change under a running question
        o.top_k = 3


def test_the_length_applies_to_one_call_only(config, seeds):
    a = Assistant(config)
    a.index([seeds])
    before = a.config
    short = a.ask("它的接通率呢？", AskOptions(length="short", history=["12345热线"]))
    long = a.ask("它的接通率呢？", AskOptions(length="long", history=["12345热线"]))
    assert a.config is before and a.config.answer_chars == 150  # the shared config was not touched
    assert len(short.text) < len(long.text)
    assert short.question == "它的接通率呢？" and "热线" in short.search_query
    assert a.ask("12345热线", top_k=2).passages and len(a.ask("12345热线", top_k=2).passages) == 2
    assert "search_query" not in a.ask("12345热线").to_json()
