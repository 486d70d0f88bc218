"""`rag ask --server URL`: the question goes to a running `rag serve` and prints what a local `rag ask` prints."""
import json
import subprocess
import sys

import pytest

from conftest import ROOT, free_port
from rag import Assistant
from rag.cli_ask import _print_answer
from rag.options import AskOptions
from rag.remote import RemoteError, answer_from_json, ask, server_url

QUESTION = "12345热线新增了多少坐席人员？"


@pytest.fixture
def served(config, seeds, serve):
    Assistant(config).index([seeds])
    return serve(config.index_dir)


def _printed(capsys, result, as_json=False) -> str:
    _print_answer(result, as_json)
    return capsys.readouterr().out


def _without_timings(text: str) -> dict:
    d = json.loads(text)
    d.pop("timings_ms")
    return d


def test_remote_answer_prints_like_the_local_one(served, config, capsys):
    local = Assistant(config)
    for question, options in ((QUESTION, {}), ("那资金呢？", {"history": ["老农贸市场改造是怎么回事？"]}),
                              ("火星上有几座城市？", {"top_k": 2, "length": "short"})):
        mine = local.ask(question, AskOptions(**options))
        theirs = answer_from_json(ask(served.base, question, **options))
        assert _printed(capsys, theirs) == _printed(capsys, mine)
        assert _without_timings(_printed(capsys, theirs, True)) == _without_timings(_printed(capsys, mine, True))


def test_the_cli_flag_and_the_environment_variable(served, config, tmp_path):
    """Same stdout as a local `rag ask` over the same index (the server was started on it)."""
    local = subprocess.run([sys.executable, str(ROOT / "tests" / "fake_model.py"), "ask", QUESTION, "--index",
                            str(config.index_dir)], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert local.returncode == 0, local.stderr
    flag = subprocess.run([sys.executable, "-m", "rag", "ask", "--server", served.base, QUESTION],
                          capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert flag.returncode == 0, flag.stderr
    assert flag.stdout == local.stdout
    env = subprocess.run([sys.executable, "-c", "import sys; from rag.cli import main; sys.exit(main())", "ask",
                          QUESTION, "--json"], capture_output=True, text=True, timeout=60, cwd=tmp_path,
                         env={**__import__("os").environ, "RAG_SERVER": served.base})
    assert env.returncode == 0, env.stderr
    assert json.loads(env.stdout)["answer"] in local.stdout


def test_the_client_imports_nothing_heavy():
    heavy = ("numpy", "faiss", "scipy", "onnxruntime", "jieba", "torch")
    code = f"import sys, rag.remote, rag.cli; print(sorted(m for m in {heavy!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "[]", out.stderr


def test_errors_are_one_line(served, monkeypatch):
    with pytest.raises(RemoteError, match="cannot reach rag serve at http://127.0.0.1:.*leave out --server"):
        ask(f"http://127.0.0.1:{free_port()}", QUESTION)
    with pytest.raises(RemoteError, match="answered 400: .+"):
        ask(served.base, "   ")
    with pytest.raises(RemoteError, match="must be an http"):
        ask("127.0.0.1:7860", QUESTION)
    monkeypatch.setenv("RAG_SERVER", "")
    assert server_url(None) is None and server_url("http://h:1/") == "http://h:1"


def test_the_token_is_sent(config, seeds, serve):
    Assistant(config).index([seeds])
    server = serve(config.index_dir, env={"RAG_API_TOKEN": "s3cret"})
    with pytest.raises(RemoteError, match="answered 401: 缺少或错误的 API 令牌 · missing or wrong API token"):
        ask(server.base, QUESTION, token="")
    assert ask(server.base, QUESTION, token="s3cret")["citations"]


def test_the_socket_and_urllib_paths_agree(served):
    from rag.remote import _post_urllib, _unchunk
    assert _unchunk(b"4\r\nWiki\r\n5;x=1\r\npedia\r\n0\r\n\r\n") == b"Wikipedia"
    body = json.dumps({"question": QUESTION}).encode()
    status, reply = _post_urllib(served.base + "/api/ask", body, {"Content-Type": "application/json"}, 60)
    mine = ask(served.base, QUESTION)
    assert status == 200 and json.loads(reply)["answer"] == mine["answer"]
    status, reply = _post_urllib(served.base + "/api/ask", b"{}", {"Content-Type": "application/json"}, 60)
    assert status == 400 and "question" in json.loads(reply)["error"]["message"]
