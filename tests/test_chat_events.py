"""The chat's send events (ui/app.py): a question sent while the previous answer still streams is queued, and a
streamed answer shows a cursor until its last piece."""


def _respond(demo):
    fns = [f for f in demo.fns.values() if getattr(f.fn, "__name__", "") == "respond"]
    assert len(fns) == 2  # Enter in the box and the send button
    return fns


def test_a_question_sent_while_an_answer_streams_is_queued_not_dropped(service):
    from ui.app import build
    for fn in _respond(build(service)):
        # "once" (gradio's default) ignores Enter while the previous answer streams: the question would be lost.
        assert fn.trigger_mode == "always_last"


def test_the_streaming_cursor_is_gone_in_the_last_piece(service):
    from ui.app import build
    respond = _respond(build(service))[0].fn
    # The chat list is updated in place between yields: read each shown message as it comes.
    shown, kept = [], []
    for chat, turns, *_ in respond("市长对12345热线提出了哪些要求？", [], [], 5, "medium", True):
        shown.append(chat[-1]["content"])
        kept = turns
    assert "检索中" in shown[0]
    assert len(shown) > 3 and all(text.endswith(" ▍") for text in shown[1:-1])
    assert "▍" not in shown[-1] and "闭环管理" in shown[-1] and "[1]" in shown[-1]
    assert shown[-1].startswith(shown[-2][:-2][:40])  # the last piece completes what was streamed
    assert kept[-1]["question"] == "市长对12345热线提出了哪些要求？"  # the turn is kept for follow-ups
