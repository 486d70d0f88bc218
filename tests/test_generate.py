"""Generated answers against an in-process fake OpenAI-compatible server (http.server on 127.0.0.1, a free port,
stopped at the end), scripted per test, through the real `openai` client. The fake "test-hash" embedder and
the seeds stand in for the index."""
import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from rag import Assistant
from rag.generate import MARK, NOT_ASKED, messages
from rag.llm import LLMSettings
from rag.options import AskOptions
from rag.verify import BAD_CITATION, NO_CITATION, NUMBER

QUESTION = "市长对12345热线有什么要求"


class FakeLLM:
    """Replies from a script, one entry per request: {"text": str or callable(request) -> str} streamed in small
    pieces, {"status": 429}, {"sleep": seconds}, {"cut": True} (half the text, then the connection closes),
    {"finish": "content_filter"}. Every request body is kept in `requests`."""

    def __init__(self):
        self.script: list[dict] = []
        self.requests: list[dict] = []
        self.stopping = threading.Event()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet test output
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["content-length"])))
                fake.requests.append(body)
                reply = fake.script.pop(0) if fake.script else {"status": 500}
                try:
                    fake.respond(self, body, reply)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout): fine
                    pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def respond(self, h, body: dict, reply: dict) -> None:
        if "sleep" in reply:
            self.stopping.wait(reply["sleep"])
            return
        if "status" in reply:
            message = f"bad key: {h.headers['authorization']}" if reply.get("echo") else "slow down"
            data = json.dumps({"error": {"message": message, "type": "rate_limit"}}).encode()
            h.send_response(reply["status"])
            h.send_header("Content-Type", "application/json")
            h.send_header("Retry-After", "0")
            h.send_header("Content-Length", str(len(data)))
            h.end_headers()
            h.wfile.write(data)
            return
        text = reply["text"](body) if callable(reply["text"]) else reply["text"]
        pieces = [text[i:i + 5] for i in range(0, len(text), 5)]
        h.send_response(200)
        h.send_header("Content-Type", "text/event-stream")
        if reply.get("cut"):  # promise more than is sent, then hang up: the client sees a broken body
            h.send_header("Content-Length", "100000")
            pieces = pieces[:len(pieces) // 2]
        h.end_headers()

        def event(delta, finish=None, usage=None):
            obj = {"id": "x", "object": "chat.completion.chunk", "created": 0, "model": body["model"],
                   "choices": [] if usage else [{"index": 0, "delta": delta, "finish_reason": finish}]}
            if usage:
                obj["usage"] = usage
            h.wfile.write(f"data: {json.dumps(obj, ensure_ascii=False)}\n\n".encode())
            h.wfile.flush()
        for p in pieces:
            event({"content": p})
            if reply.get("delay"):
                self.stopping.wait(reply["delay"])
        if reply.get("cut"):
            return
        event({}, reply.get("finish", "stop"))
        event({}, usage={"prompt_tokens": 321, "completion_tokens": len(pieces), "total_tokens": 321 + len(pieces)})
        h.wfile.write(b"data: [DONE]\n\n")

    def stop(self):
        self.stopping.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def llm(monkeypatch):
    fake = FakeLLM()
    monkeypatch.setenv("RAG_LLM_BASE_URL", fake.url)
    monkeypatch.setenv("RAG_LLM_MODEL", "fake-qwen")
    monkeypatch.setenv("RAG_LLM_API_KEY", "sk-secret-test-key")
    monkeypatch.setenv("RAG_LLM_TIMEOUT", "5")
    for name in ("RAG_LLM_PROMPT", "RAG_LLM_FLAGGED", "RAG_LLM_RETRIES"):
        monkeypatch.delenv(name, raising=False)
    yield fake
    fake.stop()


@pytest.fixture(scope="module")
def assistant(tmp_path_factory):
    from conftest import SEEDS
    from rag.config import Config
    tmp = tmp_path_factory.mktemp("gen")
    a = Assistant(Config(index_dir=tmp / "index", model="test-hash", abstain_threshold=0.2))
    a.index([SEEDS])
    # The first question loads what answering needs, and the model client's module loads on first use: seconds
    # on a loaded machine, which must not land inside the deadline tests' clocks.
    a.ask(QUESTION)
    import openai  # noqa: F401
    return a


def passages_of(request: dict) -> dict[int, str]:
    """{n: text} of the numbered passages in the prompt the server received."""
    user = request["messages"][-1]["content"]
    block = r"^\[(\d+)\] 来源 Source: [^\n]*\n(.*?)(?=\n\n\[\d+\] 来源|\n\n问题|\n\n此前)"
    found = re.findall(block, user, re.S | re.M)
    return {int(n): text for n, text in found}


def cite(request: dict, phrase: str) -> int:
    return next(n for n, text in passages_of(request).items() if phrase in text)


def generate(assistant, question=QUESTION, **options):
    return assistant.ask(question, AskOptions(mode="generate", **options))


def exact(assistant, ans):
    """Every [n] of the text resolves to a citation whose quote is the exact slice of its document."""
    assert {int(n) for n in re.findall(r"\[(\d+)\]", ans.text)} == {c.n for c in ans.citations}
    for c in ans.citations:
        assert assistant.document_text(c.doc_id)[c.start:c.end] == c.quote
    return ans


def faithful(req):
    return (f"江一鸣要求建立闭环管理机制，每一张工单都要有跟踪、有反馈、有评价[{cite(req, '闭环管理机制')}]。"
            f"他还要求把12345热线打造成企业群众诉求的“晴雨表”[{cite(req, '晴雨表')}]。")


def test_faithful_answer_is_verified_with_exact_citations(assistant, llm):
    llm.script = [{"text": faithful}]
    ans = exact(assistant, generate(assistant))
    assert ans.mode == "generate" and not ans.flags and not ans.abstained and ans.notice is None
    assert MARK not in ans.text and "闭环管理机制" in ans.text and len(llm.requests) == 1
    assert any("每一张工单都要有跟踪、有反馈、有评价" in c.quote for c in ans.citations)  # the supporting sentence
    assert any("晴雨表" in c.quote for c in ans.citations)
    assert ans.generation["verified"] == ans.generation["sentences"] == 2
    assert ans.generation["prompt_tokens"] == 321
    d = ans.to_json()
    assert d["mode"] == "generate" and d["flags"] == [] and d["generation"]["model"] == "fake-qwen"
    req = llm.requests[0]
    assert req["model"] == "fake-qwen" and req["stream"] is True
    assert QUESTION in req["messages"][-1]["content"] and len(passages_of(req)) == 5
    assert "[n]" in req["messages"][0]["content"] or "[1]" in req["messages"][0]["content"]


def test_a_number_the_passages_do_not_have_is_marked(assistant, llm):
    llm.script = [{"text": lambda r: faithful(r) + f"为此新增了80名坐席人员[{cite(r, '坐席')}]。"}]
    ans = exact(assistant, generate(assistant))
    assert ans.mode == "generate" and len(ans.flags) == 1
    flag = ans.flags[0]
    assert flag.reasons == (NUMBER,) and "80" in flag.detail and "80名坐席人员。" + MARK in ans.text
    assert ans.to_json()["flags"][0]["reasons"] == [NUMBER]
    assert ans.generation["verified"] == 2 and ans.generation["flagged"] == 1


def test_the_right_number_passes(assistant, llm):
    llm.script = [{"text": lambda r: f"新增了50名坐席人员编制[{cite(r, '坐席')}]。"}]
    ans = exact(assistant, generate(assistant, "12345热线新增了多少坐席人员"))
    assert not ans.flags and ans.mode == "generate", ans.flags


def test_a_citation_to_a_passage_that_does_not_exist(assistant, llm):
    llm.script = [{"text": lambda r: faithful(r) + "各部门要优先派单、限时办结[7]。"}]
    ans = exact(assistant, generate(assistant, top_k=3))
    assert len(passages_of(llm.requests[0])) == 3
    assert [f.reasons for f in ans.flags] == [(BAD_CITATION,)] and ans.flags[0].cited == (7,)
    assert "[7]" not in ans.text and "限时办结。" + MARK in ans.text


def test_a_sentence_without_citation_is_flagged_or_removed(assistant, llm, monkeypatch):
    text = lambda r: faithful(r) + "这体现了以人民为中心的发展思想。"  # noqa: E731
    llm.script = [{"text": text}]
    ans = exact(assistant, generate(assistant))
    assert [f.reasons for f in ans.flags] == [(NO_CITATION,)] and MARK in ans.text
    monkeypatch.setenv("RAG_LLM_FLAGGED", "remove")
    llm.script = [{"text": text}]
    ans = exact(assistant, generate(assistant))
    assert len(ans.flags) == 1 and MARK not in ans.text and "以人民为中心" not in ans.text


def test_english_answer_to_an_english_question(assistant, llm):
    # The fake embedder knows no English: abstention is off here so the lexicon side is what is tested.
    config = assistant.config
    assistant.config = config.with_(abstain_threshold=0.0)
    try:
        llm.script = [{"text": lambda r: "The mayor required a closed-loop management mechanism, with tracking, "
                       f"feedback and evaluation for every work order [{cite(r, '闭环管理机制')}]. "
                       f"The 12345 hotline should become a barometer of the public's demands [{cite(r, '晴雨表')}]."}]
        ans = exact(assistant, generate(assistant, "What did the mayor require for the 12345 hotline?"))
    finally:
        assistant.config = config
    assert ans.mode == "generate" and not ans.flags, ans.flags
    assert ans.text.startswith("The mayor required") and len(ans.citations) == 2


def test_timeout_falls_back_to_the_extractive_answer(assistant, llm, monkeypatch):
    monkeypatch.setenv("RAG_LLM_TIMEOUT", "0.5")
    llm.script = [{"sleep": 5}]
    t0 = time.monotonic()
    ans = exact(assistant, generate(assistant))
    assert time.monotonic() - t0 < 4 and len(llm.requests) == 1
    assert ans.mode == "extractive" and "0.5 s" in ans.notice and "[1]" in ans.text and not ans.abstained
    assert ans.to_json()["notice"] == ans.notice


def test_a_model_trickling_tokens_is_cut_at_the_deadline(assistant, llm, monkeypatch):
    monkeypatch.setenv("RAG_LLM_TIMEOUT", "1")
    llm.script = [{"text": faithful, "delay": 0.3}]  # ~20 pieces, 0.3 s apart: each read is quick, the whole is not
    t0 = time.monotonic()
    ans = generate(assistant)
    assert time.monotonic() - t0 < 3 and ans.mode == "extractive" and "within 1 s" in ans.notice


def test_rate_limit_is_retried_then_succeeds(assistant, llm):
    llm.script = [{"status": 429}, {"text": faithful}]
    ans = exact(assistant, generate(assistant))
    assert ans.mode == "generate" and ans.generation["attempts"] == 2 and len(llm.requests) == 2


def test_retries_are_bounded(assistant, llm, monkeypatch):
    monkeypatch.setenv("RAG_LLM_RETRIES", "1")
    llm.script = [{"status": 503}, {"status": 429}, {"text": faithful}]
    ans = exact(assistant, generate(assistant))
    assert ans.mode == "extractive" and "429" in ans.notice and len(llm.requests) == 2


def test_stream_cut_in_the_middle_falls_back(assistant, llm):
    llm.script = [{"text": faithful, "cut": True}]
    ans = exact(assistant, generate(assistant))
    assert ans.mode == "extractive" and "stopped in the middle" in ans.notice and not ans.flags


@pytest.mark.parametrize("reply, words", [({"text": "", "finish": "stop"}, "empty"),
                                          ({"text": "不行", "finish": "content_filter"}, "refused")])
def test_empty_or_refused_falls_back(assistant, llm, reply, words):
    llm.script = [reply]
    ans = generate(assistant)
    assert ans.mode == "extractive" and words in ans.notice


def test_unreachable_model_falls_back(assistant, llm, monkeypatch):
    llm.stop()
    ans = generate(assistant)
    assert ans.mode == "extractive" and "cannot reach" in ans.notice and "[1]" in ans.text


def test_no_request_when_retrieval_abstains(assistant, llm):
    llm.script = [{"text": faithful}]
    ans = generate(assistant, "量子色动力学的渐近自由是谁发现的")
    assert ans.abstained and ans.notice == NOT_ASKED and llm.requests == []


def test_model_says_the_passages_do_not_answer(assistant, llm):
    llm.script = [{"text": "资料中没有找到相关内容。"}]
    ans = generate(assistant)
    assert ans.abstained and ans.mode == "generate" and not ans.flags and ans.citations == []


def test_prompt_file_override_and_history(assistant, llm, monkeypatch, tmp_path):
    prompt = tmp_path / "mine.md"
    prompt.write_text("<!-- system -->\nOnly from these {count}: {passages}\n<!-- user -->\n{history}Q: {question}",
                      encoding="utf-8")
    monkeypatch.setenv("RAG_LLM_PROMPT", str(prompt))
    llm.script = [{"text": "无。"}]
    generate(assistant, history=["12345热线的人员配备怎么样了"])
    system, user = (m["content"] for m in llm.requests[0]["messages"])
    assert system.startswith("Only from these 5: [1] 来源 Source:") and user.endswith(f"Q: {QUESTION}")
    assert "12345热线的人员配备怎么样了" in user
    prompt.write_text("<!-- system -->\nAnswer.\n<!-- user -->\nno placeholders", encoding="utf-8")
    ans = generate(assistant)
    assert ans.mode == "extractive" and "placeholders" in ans.notice and len(llm.requests) == 1


def test_the_key_is_never_shown(assistant, llm):
    settings = LLMSettings.from_env()
    assert settings.api_key == "sk-secret-test-key"
    assert "sk-secret" not in repr(settings) and "sk-secret" not in settings.describe()
    llm.script = [{"status": 401, "echo": True}]  # a server that repeats the key in its error
    ans = generate(assistant)
    assert "401" in ans.notice and "Bearer ***" in ans.notice and "sk-secret" not in json.dumps(ans.to_json())


def test_default_prompt_numbers_passages_with_source(assistant):
    ans = assistant.ask(QUESTION)
    chat = messages(QUESTION, ans.passages)
    assert chat[0]["role"] == "system" and "[n]" not in chat[1]["content"]
    assert chat[1]["content"].count("来源 Source:") == len(ans.passages)
    assert ans.passages[0].chunk.text[:50] in chat[1]["content"]


def test_eval_generate_reports_the_model_metrics(config, llm, tmp_path):
    from rag.eval import evaluate
    from rag.eval_generate import GENERATE_METRICS
    docs = tmp_path / "set" / "docs"
    docs.mkdir(parents=True)
    (docs / "news.txt").write_text("本报讯 3月5日，青河区召开老旧小区改造推进会。\n区住建局局长陈立新介绍，今年全区计划"
                                   "改造老旧小区28个，总投资约3.2亿元。\n", encoding="utf-8")
    (docs / "metro.txt").write_text("地铁5号线一期已于去年通车运营，全线设站12座。\n", encoding="utf-8")
    queries = [{"id": "1", "question": "青河区今年计划改造多少个老旧小区", "answers": ["28个"], "doc": "news.txt"},
               {"id": "2", "question": "地铁5号线一期设站多少座", "answers": ["12座"], "doc": "metro.txt"},
               {"id": "3", "question": "量子色动力学的渐近自由是谁发现的", "answers": [], "doc": None}]
    (tmp_path / "set" / "queries.jsonl").write_text("\n".join(json.dumps(q, ensure_ascii=False) for q in queries),
                                                   encoding="utf-8")

    def copy(req):  # a faithful model: the passage sentence holding a figure, cited; then one invented figure
        sentence = next(s for s in re.split(r"(?<=。)", passages_of(req)[1]) if re.search(r"\d+[个座]", s))
        return f"{sentence.strip()}[1] 其中一半将在90天内完工[1]。"
    llm.script = [{"text": copy} for _ in range(3)]
    result = evaluate(tmp_path / "set", config.with_(eval_cache=tmp_path / "cache"), generate=True)
    assert len(llm.requests) == 2  # the unanswerable question never reached the model
    assert result["answer_hit"] == 1.0 and result["abstain_unanswerable"] == 1.0
    assert result["supported_sentence_rate"] == 0.5 and result["citation_precision"] == 0.5
    assert result["model_asked"] == round(2 / 3, 4) and result["fallback_rate"] == 0.0
    assert result["tokens_per_answer"] > 321 and set(GENERATE_METRICS) <= set(result)


def test_http_api_passes_mode_generate_through(config, seeds, llm, monkeypatch):
    from fastapi.testclient import TestClient
    from openai import OpenAI

    from ui.api import build_api
    from ui.service import Service
    monkeypatch.delenv("RAG_API_TOKEN", raising=False)
    service = Service(config)
    service.assistant.index([seeds])
    llm.script = [{"text": lambda r: faithful(r) + "为此新增了80名坐席人员。"}, {"text": faithful}]
    with TestClient(build_api(service)) as client:
        d = client.post("/api/ask", json={"question": QUESTION, "mode": "generate"}).json()
        assert d["mode"] == "generate" and [f["reasons"] for f in d["flags"]] == [[NO_CITATION]]
        assert MARK in d["answer"] and d["generation"]["verified"] == 2
        oa = OpenAI(base_url=str(client.base_url) + "/v1", api_key="x", http_client=client)
        resp = oa.chat.completions.create(model="rag-zh", messages=[{"role": "user", "content": QUESTION}],
                                          extra_body={"mode": "generate"})
    assert "闭环管理机制" in resp.choices[0].message.content and len(llm.requests) == 2
    assert "晴雨表" in resp.model_extra["citations"][-1]["quote"]


def test_stream_checks_each_sentence_as_it_completes(assistant, llm):
    from rag.generate import stream
    llm.script = [{"text": lambda r: faithful(r) + "为此新增了80名坐席人员[1]。"}]
    events = list(stream(assistant, QUESTION, AskOptions(mode="generate")))
    kinds = [e.kind for e in events]
    assert kinds[-1] == "answer" and kinds.count("answer") == 1 and kinds.count("sentence") == 3
    assert kinds.index("sentence") < len(kinds) - 2 - kinds[::-1].index("delta")  # a verdict before the end
    sentences = [e for e in events if e.kind == "sentence"]
    assert [e.checked.flagged for e in sentences] == [False, False, True]
    assert sentences[-1].text == events[-1].answer.text and sentences[0].text.endswith("[1]")
    assert "".join(e.text for e in events if e.kind == "delta").startswith("江一鸣要求")
    assert sentences[-1].to_json()["reasons"] == [NUMBER] and events[-1].to_json()["type"] == "answer"


@pytest.mark.slow
def test_english_translations_with_the_real_model(real_seed_assistant, llm):
    # The multilingual model vouches for faithful translations the lexicon only half covers.
    llm.script = [{"text": lambda r: "Complaints about project approvals and businesses must be dispatched first and "
                   f"handled within a time limit [{cite(r, '优先派单')}]. The airport expansion will double "
                   f"international flights [{cite(r, '优先派单')}]."}]
    ans = exact(real_seed_assistant, generate(real_seed_assistant, "what did the mayor order about 12345 hotline"))
    assert ans.mode == "generate" and [f.sentence[:12] for f in ans.flags] == ["The airport "]
    assert "优先派单" in ans.citations[0].quote


def test_prompt_gives_the_page_of_a_paged_document(assistant):
    from rag.generate import _page_label
    ans = assistant.ask(QUESTION)

    class PagedStore:
        def document_pages(self, doc_id):
            return {"pages": [{"n": 3, "start": 0, "end": 10**6}]}
    chat = messages(QUESTION, ans.passages[:1], pages=_page_label(PagedStore()))
    assert f"[1] 来源 Source: {ans.passages[0].source}, 第3页 page 3\n" in chat[-1]["content"]


def test_markdown_emphasis_is_dropped_from_the_shown_text(assistant, llm):
    llm.script = [{"text": lambda r: f"### 要求\n- **建立闭环管理机制**，每一张工单都要有跟踪"
                                     f"[{cite(r, '闭环管理机制')}]。"}]
    ans = exact(assistant, generate(assistant))
    assert ans.text.startswith("要求\n- 建立闭环管理机制，") and "**" not in ans.text and not ans.flags


# ---------- the shells: rag ask --generate, /api/ask stream, the chat's marks ----------
def test_cli_ask_generate(config, seeds, llm, monkeypatch, capsys):
    from rag.cli import main
    monkeypatch.setenv("RAG_MODEL", "test-hash")
    Assistant(config).index([seeds])
    llm.script = [{"text": lambda r: faithful(r) + "为此新增了80名坐席人员[1]。"}]
    assert main(["ask", "--index", str(config.index_dir), "--generate", QUESTION]) == 0
    out = capsys.readouterr().out
    assert "闭环管理机制" in out and MARK in out and "number_not_in_source" in out and "sk-secret" not in out
    assert main(["ask", "--index", str(config.index_dir), "--generate", "--json", QUESTION]) == 0
    assert json.loads(capsys.readouterr().out)["mode"] == "extractive"  # the script ran out: a 500, fallback
    monkeypatch.delenv("RAG_LLM_BASE_URL")
    assert main(["ask", "--index", str(config.index_dir), "--generate", QUESTION]) == 2
    assert "RAG_LLM_BASE_URL" in capsys.readouterr().err


def test_api_ask_streams_sentences_then_the_answer(config, seeds, llm, monkeypatch):
    from fastapi.testclient import TestClient

    from ui.api import build_api
    from ui.service import Service
    monkeypatch.delenv("RAG_API_TOKEN", raising=False)
    service = Service(config)
    service.assistant.index([seeds])
    llm.script = [{"text": lambda r: faithful(r) + "为此新增了80名坐席人员[1]。"}]
    with TestClient(build_api(service)) as client:
        with client.stream("POST", "/api/ask", json={"question": QUESTION, "mode": "generate",
                                                     "stream": True}) as r:
            assert r.headers["content-type"].startswith("text/event-stream")
            events = [(b.split("\n")[0][7:], json.loads(b.split("\n")[1][6:]))
                      for b in r.read().decode().strip().split("\n\n")]
        assert client.post("/api/ask", json={"question": " ", "stream": True}).status_code == 400
    kinds = [k for k, _ in events]
    assert kinds[-1] == "answer" and kinds.count("sentence") == 3 and "delta" in kinds
    assert [d["flagged"] for k, d in events if k == "sentence"] == [False, False, True]
    final = events[-1][1]
    assert final["mode"] == "generate" and MARK in final["answer"] and final["flags"][0]["reasons"] == [NUMBER]


def test_chat_marks_flagged_sentences():
    from ui.render import answer_markdown
    html = answer_markdown("市长要求建立闭环管理机制。[1]新增了80名坐席人员。" + MARK, 1)
    assert 'class="unsupported"' in html and 'href="#src-1-1"' in html and html.count("not found in the source") == 1


def test_the_browser_shows_a_flagged_sentence(config, seeds, llm, tmp_path, monkeypatch):
    from conftest import CHROMIUM, CHROMIUM_ARGS, start_server
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is missing (/usr/bin/chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright (the [test] extra)")
    monkeypatch.delenv("RAG_API_TOKEN", raising=False)
    Assistant(config).index([seeds])
    llm.script = [{"text": lambda r: faithful(r) + "为此新增了80名坐席人员[1]。"}]
    server = start_server(config.index_dir, tmp_path)  # inherits RAG_LLM_* pointing at the fake model
    try:
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(server.base + "/")
            page.check("#generate input[type=checkbox]")
            page.fill("#question textarea", QUESTION)
            page.keyboard.press("Enter")
            flagged = page.wait_for_selector("#chatbot .unsupported", timeout=60_000)
            page.wait_for_selector('#sources .turn[data-turn="1"]', timeout=30_000)
            bot = page.locator('#chatbot [data-testid="bot"]').last
            assert "not found in the source" in flagged.text_content() and "80名坐席人员" in bot.text_content()
            assert bot.locator("a.cite").count() == 2 and "▍" not in bot.text_content()
            page.screenshot(path=str(tmp_path / "generate.png"), full_page=True)
            browser.close()
    finally:
        server.stop()
    assert len(llm.requests) == 1


def test_openai_endpoint_streams_checked_sentences(config, seeds, llm, monkeypatch):
    from fastapi.testclient import TestClient
    from openai import OpenAI

    from ui.api import build_api
    from ui.service import Service
    monkeypatch.delenv("RAG_API_TOKEN", raising=False)
    service = Service(config)
    service.assistant.index([seeds])
    llm.script = [{"text": lambda r: faithful(r) + "为此新增了80名坐席人员[1]。"}, {"text": faithful, "cut": True}]
    with TestClient(build_api(service)) as client:
        oa = OpenAI(base_url=str(client.base_url) + "/v1", api_key="x", http_client=client)
        ask = dict(model="rag-zh", stream=True, messages=[{"role": "user", "content": QUESTION}],
                   extra_body={"mode": "generate"})
        chunks = list(oa.chat.completions.create(**ask))
        text = "".join(c.choices[0].delta.content or "" for c in chunks)
        last = chunks[-1].model_extra
        assert last["mode"] == "generate" and text.endswith("80名坐席人员。" + MARK)
        assert [f["reasons"] for f in last["flags"]] == [[NUMBER]] and len(last["citations"]) == 2
        assert sum(1 for c in chunks if c.choices[0].delta.content) >= 3  # sentence by sentence
        chunks = list(oa.chat.completions.create(**ask))  # the model's stream is cut: the extractive answer
        text = "".join(c.choices[0].delta.content or "" for c in chunks)
        assert chunks[-1].model_extra["mode"] == "extractive" and "stopped in the middle" in text
