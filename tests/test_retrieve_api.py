"""The retrieval test (命中测试): POST /api/retrieve shows what Assistant.ask retrieves, each score part adding
up to the fused score, and the abstention verdict that answering reaches."""
import pytest
from fastapi.testclient import TestClient

from ui.api import build_api
from ui.auth import protect
from ui.service import Service


@pytest.fixture
def client(config, seeds, monkeypatch):
    monkeypatch.delenv("RAG_API_TOKEN", raising=False)
    service = Service(config)
    service.assistant.index([seeds])
    app = build_api(service)
    with TestClient(protect(app, service, app.state.sessions)) as c:
        c.service = service
        yield c


def test_retrieve_shows_score_parts_and_matches_ask(client):
    q = "市长对12345热线提出了哪些要求"
    d = client.post("/api/retrieve", json={"question": q, "top_k": 4}).json()
    ask = client.post("/api/ask", json={"question": q, "top_k": 4}).json()
    assert [p["doc_id"] for p in d["passages"]] == [p["doc_id"] for p in ask["passages"]]
    assert [p["rank"] for p in d["passages"]] == [1, 2, 3, 4]
    w = d["weights"]
    for p, a in zip(d["passages"], ask["passages"], strict=True):
        parts = w["dense"] * p["dense"] + w["bm25"] * p["bm25_norm"] + w["cover"] * p["coverage"]
        assert abs(parts - p["fused"]) < 2e-3 and abs(p["fused"] - a["score"]) < 1e-3
        assert p["other"] == 0  # a Chinese question: the three parts are all
        assert 0 <= p["bm25_norm"] <= 1 and 0 <= p["coverage"] <= 1
    assert "12345" in d["passages"][0]["matched"] and "12345" in d["terms"]
    assert d["abstains"] is ask["abstained"] is False and d["relevance"] >= d["threshold"]
    assert "would answer" in d["reason"]
    assert len(client.post("/api/retrieve", json={"question": q, "top_k": 1}).json()["passages"]) == 1


def test_english_question_parts_add_up(client):
    d = client.post("/api/retrieve", json={"question": "what did the mayor order about the 12345 hotline"}).json()
    w = d["weights"]
    for p in d["passages"]:
        parts = w["dense"] * p["dense"] + w["bm25"] * p["bm25_norm"] + w["cover"] * p["coverage"] + p["other"]
        assert abs(parts - p["fused"]) < 2e-3


def test_retrieve_says_why_it_would_abstain(client):
    d = client.post("/api/retrieve", json={"question": "火星上的天气怎么样"}).json()
    ask = client.post("/api/ask", json={"question": "火星上的天气怎么样"}).json()
    assert d["abstains"] is ask["abstained"] is True
    assert d["relevance"] < d["threshold"] and "would abstain" in d["reason"] and d["passages"]


@pytest.mark.parametrize("body, status, words", [
    ({"question": " "}, 400, "empty"), ({"question": 3}, 400, "must be a string"),
    ({"question": "12345", "top_k": 99}, 400, "top_k"), ({"question": "12345", "kb": "nope"}, 404, "nope")])
def test_retrieve_errors(client, body, status, words):
    r = client.post("/api/retrieve", json=body)
    assert r.status_code == status and words in r.json()["error"]["message"]
