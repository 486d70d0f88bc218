"""Several knowledge bases for one question (rag/multi_kb.py): `kb` as a list in /api/ask, in a saved
conversation, and the fusion of passages from two indexes."""
from rag.multi_kb import fuse_results
from rag.options import AskOptions, QuestionError
from rag.records import Chunk, Passage
from rag.retrieve import Query

NOTICE = "通知：东城区图书馆自下周一起闭馆装修，预计六月重新开放，借阅服务暂停。"
BRIDGE = "公告：青石镇老桥限高调整为四米二，货车请绕行新桥，自三月一日起执行。"


def _notices(client) -> None:
    assert client.post("/api/kbs", json={"name": "通知"}).status_code == 201
    r = client.post("/api/documents?wait=true&kb=通知", files={"file": ("闭馆.txt", NOTICE.encode(), "text/plain")})
    assert r.status_code == 200 and r.json()["added"] == 1, r.text
    assert client.post("/api/kbs", json={"name": "交通"}).status_code == 201
    r = client.post("/api/documents?wait=true&kb=交通", files={"file": ("老桥.txt", BRIDGE.encode(), "text/plain")})
    assert r.status_code == 200 and r.json()["added"] == 1, r.text


def test_ask_over_two_knowledge_bases_answers_from_either(client):
    _notices(client)
    both = ["通知", "交通"]
    library = client.post("/api/ask", json={"question": "图书馆什么时候重新开放", "kb": both}).json()
    assert "六月" in library["answer"] and library["citations"][0]["source"].endswith("闭馆.txt")
    bridge = client.post("/api/ask", json={"question": "老桥限高多少", "kb": both}).json()
    assert "四米二" in bridge["answer"] and bridge["citations"][0]["source"].endswith("老桥.txt")
    # Each alone does not see the other's document.
    alone = client.post("/api/ask", json={"question": "老桥限高多少", "kb": "通知"}).json()
    assert all("老桥" not in p["source"] for p in alone["passages"])
    # The passages of both indexes are there, each chunk once.
    sources = {p["source"].rsplit("/", 1)[-1] for p in bridge["passages"]}
    assert {"闭馆.txt", "老桥.txt"} <= sources
    ids = [(p["doc_id"], p["start"]) for p in bridge["passages"]]
    assert len(ids) == len(set(ids))


def test_kb_list_with_the_default_and_one_name(client):
    _notices(client)
    r = client.post("/api/ask", json={"question": "市长对12345热线提出了哪些要求", "kb": ["default", "交通"]})
    assert r.status_code == 200 and "12345" in r.json()["answer"]
    one = client.post("/api/ask", json={"question": "老桥限高多少", "kb": ["交通"]}).json()  # a list of one
    assert "四米二" in one["answer"]


def test_conversation_over_two_knowledge_bases(client):
    _notices(client)
    conv = client.post("/api/conversations", json={"kb": ["通知", "交通"]}).json()
    assert conv["kb"] == ["通知", "交通"]
    first = client.post(f"/api/conversations/{conv['id']}/ask", json={"question": "老桥限高多少"}).json()
    second = client.post(f"/api/conversations/{conv['id']}/ask", json={"question": "图书馆什么时候重新开放"}).json()
    assert "四米二" in first["answer"] and "六月" in second["answer"]
    # Renaming one of them is followed by the conversation; the export names both.
    assert client.patch("/api/kbs/交通", json={"name": "traffic"}).status_code == 200
    assert client.get(f"/api/conversations/{conv['id']}").json()["kb"] == ["通知", "traffic"]
    md = client.get(f"/api/conversations/{conv['id']}/export?format=md").text
    assert "通知,traffic" in md
    r = client.post("/api/feedback", json={"conversation": conv["id"], "turn": 1, "rating": "up"})
    assert r.status_code == 201 and r.json()["kb"] == ["通知", "traffic"]


def test_kb_list_refusals(client):
    _notices(client)
    for body, status, words in [
        ({"kb": ["通知", "nowhere"]}, 404, "no knowledge base 'nowhere'"),
        ({"kb": ["通知", "../etc"]}, 400, "kb must be a knowledge-base name or a list"),
        ({"kb": [f"k{i}" for i in range(11)]}, 400, "at most 10"),
        ({"kb": {"a": 1}}, 400, "kb must be a knowledge-base name or a list"),
    ]:
        r = client.post("/api/ask", json={"question": "老桥限高多少", **body})
        assert r.status_code == status and words in r.json()["error"]["message"], (body, r.text)
        assert "知识库" in r.json()["error"]["message"]  # Chinese and English
    r = client.post("/api/conversations", json={"kb": ["通知", "nowhere"]})
    assert r.status_code == 404


def test_two_empty_knowledge_bases_say_upload_first(client):
    for name in ("甲", "乙"):
        assert client.post("/api/kbs", json={"name": name}).status_code == 201
    r = client.post("/api/ask", json={"question": "老桥限高多少", "kb": ["甲", "乙"]})
    assert r.status_code == 409 and "upload" in r.json()["error"]["message"].lower()


def test_options_normalise_kb():
    assert AskOptions(kb=["a", "a"]).kb == "a"
    assert AskOptions(kb=["a", "b", "a"]).kb == ("a", "b")
    assert AskOptions(kb=[]).kb is None and AskOptions(kb="").kb is None
    try:
        AskOptions(kb=["a/b"])
    except QuestionError as e:
        assert "kb must be" in str(e)
    else:
        raise AssertionError("a bad name in the list was accepted")


def _passage(cid: str, score: float, bm25: float) -> Passage:
    chunk = Chunk(id=cid, doc_id="d" + cid, text="老桥限高", start=0, end=4)
    return Passage(chunk=chunk, source=cid, score=score, bm25=bm25, matched=("老桥",))


def _query() -> Query:
    import numpy as np
    return Query(text="老桥限高多少", terms=["老桥", "限高"], vector=np.zeros(3, dtype=np.float32))


def test_fusion_rescales_bm25_across_indexes():
    # Index A: a strong keyword hit (raw BM25 9). Index B: only a weak one (raw 1), which its own normalisation
    # lifted to the full BM25 weight (0.6 for a Chinese question): 0.3 dense + 0.6 = 0.9, above A's 0.8.
    a = (_query(), [_passage("a1", 0.2 + 0.6, 9.0)])
    b = (_query(), [_passage("b1", 0.3 + 0.6, 1.0)])
    _, passages = fuse_results([a, b], 2)
    assert [p.chunk.id for p in passages] == ["a1", "b1"]
    assert abs(passages[1].score - (0.3 + 0.6 / 9)) < 1e-9  # B's BM25 part now relative to A's best
    # Equal raw scores: nothing changes, order by score; the same chunk from two indexes appears once.
    _, passages = fuse_results([(_query(), [_passage("x", 0.5, 2.0)]), (_query(), [_passage("x", 0.7, 2.0)])], 5)
    assert [(p.chunk.id, p.score) for p in passages] == [("x", 0.7)]


def test_openai_endpoint_and_retrieval_test_with_a_kb_list(client):
    _notices(client)
    r = client.post("/v1/chat/completions", json={"model": "rag-zh", "kb": ["通知", "交通"],
                                                  "messages": [{"role": "user", "content": "老桥限高多少？"}]})
    assert r.status_code == 200 and "四米二" in r.json()["choices"][0]["message"]["content"], r.text
    r = client.post("/api/retrieve", json={"question": "老桥限高多少", "kb": ["通知", "交通"]})
    assert r.status_code == 400 and "one knowledge base at a time" in r.json()["error"]["message"]


def test_generated_answer_over_two_knowledge_bases(config, tmp_path, monkeypatch):
    from rag.kb import KnowledgeBases
    from test_generate import FakeLLM, cite
    kbs = KnowledgeBases(config)
    for name, text in (("通知", NOTICE), ("交通", BRIDGE)):
        kbs.create(name)
        (tmp_path / f"{name}.txt").write_text(text, encoding="utf-8")
        kbs.assistant(name).index([tmp_path / f"{name}.txt"])
    fake = FakeLLM()
    for key, value in (("RAG_LLM_BASE_URL", fake.url), ("RAG_LLM_MODEL", "fake-qwen"), ("RAG_LLM_TIMEOUT", "5")):
        monkeypatch.setenv(key, value)
    try:
        fake.script = [{"text": lambda req: f"老桥限高调整为四米二[{cite(req, '四米二')}]。"}]
        both = kbs.assistant(["通知", "交通"])
        ans = both.ask("老桥限高多少？", AskOptions(kb=("通知", "交通"), mode="generate"))
    finally:
        fake.stop()
    assert ans.mode == "generate" and not ans.flags and ans.citations, ans.to_json()
    c = ans.citations[0]
    assert c.source.endswith("交通.txt") and both.document_text(c.doc_id)[c.start:c.end] == c.quote
