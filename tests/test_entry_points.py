"""Issue 12: every entry point passes the same AskOptions. One question with a length and a history, asked
through the CLI, POST /api/ask, the OpenAI endpoint and gradio_client, gives the same answer and citations."""
import json

import pytest
from fastapi.testclient import TestClient

from rag.cli import main
from rag.config import Config

HISTORY = ["12345热线"]
QUESTION = "它的接通率呢？"  # short and long answers differ on the seeds: the length visibly travels


def _same(d: dict) -> tuple:
    cites = [(c["n"], c["doc_id"], c["start"], c["end"], c["quote"]) for c in d["citations"]]
    return d["answer"], cites, d.get("search_query")


@pytest.fixture
def indexed(seeds, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("RAG_MODEL", "test-hash")
    monkeypatch.delenv("RAG_API_TOKEN", raising=False)
    index = tmp_path / "index"
    assert main(["index", str(seeds), "--index", str(index), "-q"]) == 0
    capsys.readouterr()
    return index


def test_one_question_same_answer_through_every_entry_point(indexed, capsys, serve):
    from openai import OpenAI

    from ui.api import build_api
    from ui.auth import protect
    from ui.service import Service

    assert main(["ask", "--json", "--index", str(indexed), "--length", "short", "--history", HISTORY[0],
                 QUESTION]) == 0
    cli = json.loads(capsys.readouterr().out)
    answer, cites, search = _same(cli)
    assert cites and "热线" in search and search.endswith(QUESTION)  # the history was used

    service = Service(Config(index_dir=indexed, model="test-hash"))
    app = build_api(service)
    with TestClient(protect(app, service, app.state.sessions)) as client:
        api = client.post("/api/ask", json={"question": QUESTION, "history": HISTORY, "length": "short"}).json()
        assert _same(api) == _same(cli)
        oa = OpenAI(base_url="http://testserver/v1", api_key="unused", http_client=client)
        messages = [{"role": "user", "content": HISTORY[0]}, {"role": "assistant", "content": "…"},
                    {"role": "user", "content": QUESTION}]
        resp = oa.chat.completions.create(model="rag-zh", messages=messages, extra_body={"length": "short"})
        openai_json = {"answer": resp.choices[0].message.content, **resp.model_extra}
        assert _same(openai_json) == _same(cli)
        # Another length gives another answer: the option really travelled.
        long = client.post("/api/ask", json={"question": QUESTION, "history": HISTORY, "length": "long"}).json()
        assert len(long["answer"]) > len(answer)
        default = client.post("/api/ask", json={"question": QUESTION, "history": HISTORY}).json()

    from gradio_client import Client
    server = serve(indexed)
    gc = Client(server.base + "/", verbose=False)
    via_gradio = gc.predict(QUESTION, 0, HISTORY, "short", api_name="/ask")
    assert _same(via_gradio) == _same(cli)
    old_style = gc.predict(QUESTION, 0, HISTORY, api_name="/ask")  # three positional arguments, as before
    assert old_style["answer"] == default["answer"]


def test_cli_chat_keeps_history(indexed, capsys, monkeypatch):
    import io
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{HISTORY[0]}\n\n{QUESTION}\n"))
    assert main(["chat", "--json", "--index", str(indexed)]) == 0
    out = capsys.readouterr().out
    answers = [json.loads(part) for part in out.replace("}\n{", "}\x00{").split("\x00")]
    assert [a["question"] for a in answers] == [HISTORY[0], QUESTION]
    assert "search_query" not in answers[0] and "热线" in answers[1]["search_query"]


@pytest.mark.parametrize("args, message", [
    (["--length", "huge"], "invalid choice"),
])
def test_cli_refuses_a_bad_length(indexed, capsys, args, message):
    with pytest.raises(SystemExit):
        main(["ask", "--index", str(indexed), *args, "x"])
    assert message in capsys.readouterr().err
