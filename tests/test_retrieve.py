"""Retriever (retrieve.py): questions become BM25 terms and coverage units; passages come back fused."""
from rag import Assistant
from rag.retrieve import Retriever


def test_query_units_and_search(config, tmp_path):
    text = "市长要求12345热线建立闭环管理机制。\n农贸市场改造三个月内初见成效。"
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    a = Assistant(config)
    a.index([tmp_path / "a.txt"])
    r = Retriever(a.store(), a.embedder, a.config)
    q = r.query("市长对12345热线有什么要求？")
    assert {"12345", "热线", "市长"} <= {u.label for u in q.units} and "12345" in q.terms
    passages = r.search(q, top_k=1)
    assert passages and "12345" in passages[0].chunk.text
    # Words carried from an earlier turn (〔…〕) weigh less than the question's own.
    follow = {u.label: u.weight for u in r.query("〔农贸市场 改造〕那资金呢？").units}
    assert follow["资金"] > follow["农贸市场"]
