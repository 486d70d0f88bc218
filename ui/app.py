"""The chat UI (Gradio) and the HTTP API in one process on one port: `rag serve`.

    FastAPI app ── /api/*, /v1/*, /healthz, /login        (ui/api.py)
               └─ /  Gradio Blocks: chat + sources, documents, settings   (this file)
Both call one ui.service.Service, which holds the one Assistant (model loaded once at start).
"""
from __future__ import annotations

import os
import time
from pathlib import Path

from rag.kb import DEFAULT, KBError
from rag.llm import configured as model_configured
from rag.options import AskOptions, QuestionError

from .api import build_api
from .auth import protect
from .conversation_bar import build_conversation_bar, chosen_kbs, persist_settings
from .docs import ErrorShape
from .documents_tab import build_documents_tab
from .kb_tab import also_choices, build_kb_tab
from .openai_api import pieces
from .render import answer_blocks, md_text, sources_panel, turn_data
from .retrieve_tab import build_retrieve_tab
from .service import NO_DOCUMENTS, Service, ServiceError
from .viewer import page_view

STATIC = Path(__file__).parent / "static"
EXAMPLES = [  # about the seed documents
    "市长对12345热线提出了哪些要求？",
    "老农贸市场改造是怎么回事？",
    "那资金呢？",
    "what did the mayor order about 12345 hotline",
    "淄博提出了哪“五个转变”？",
]
STREAM_DELAY = 0.02  # seconds between streamed pieces: enough to read as streaming, short enough not to wait


def build(service: Service):
    import gradio as gr

    def open_doc(request) -> dict:
        """Called from the sources panel's JavaScript with {doc, start, end}: the document around the span,
        as plain text pieces (the browser inserts them as text)."""
        if isinstance(request, list) and request:  # tolerate the arguments arriving as a list
            request = request[0]
        error = "没有这个文档 · no document"
        for kb in service.kbs.names():  # ids are content hashes: the knowledge base holding it answers
            try:
                window = service.document_window(str(request["doc"]), int(request["start"]), int(request["end"]),
                                                 kb=kb)
            except (ServiceError, ValueError, TypeError, KeyError) as e:
                error = str(e)
                continue
            # A PDF or scan also gets its page with the cited boxes (ui/viewer.py); the text view stays.
            window["view"] = page_view(service, window["id"], window["start"], window["end"],
                                       None if kb == DEFAULT else kb)
            return window
        return {"error": error}

    def respond(message, chat, turns, top_k, length, show_passages, kb=None, generate=False, also=None):
        message = (message or "").strip()
        chat, turns = list(chat or []), list(turns or [])
        if not message:
            yield gr.skip(), gr.skip(), gr.skip(), gr.skip()
            return
        turn = len(turns) + 1
        chat += [{"role": "user", "content": md_text(message)},
                 {"role": "assistant", "content": "检索中… (searching)"}]
        yield chat, turns, gr.skip(), ""
        try:
            options = AskOptions(top_k=int(top_k), length=length or None, history=[t["question"] for t in turns],
                                 kb=chosen_kbs(kb, also), mode="generate" if generate else "extractive")
            if generate:  # the model's text as it comes; each sentence marked and linked once checked
                answer, shown, tail = None, "", ""
                for event in service.ask_stream(message, options):
                    if event.kind == "answer":
                        answer = event.answer
                        break
                    if event.kind == "sentence":
                        shown, tail = event.text, event.tail
                    else:
                        tail += event.text
                    chat[-1] = {"role": "assistant", "content": answer_blocks(shown, turn) + md_text(tail) + " ▍"}
                    yield chat, turns, gr.skip(), gr.skip()
            else:
                answer = service.ask(message, options)
        except (QuestionError, ServiceError, KBError) as e:
            chat[-1] = {"role": "assistant", "content": "⚠ " + md_text(str(e))}
            yield chat, turns, gr.skip(), gr.skip()
            return
        # The answer object rides along so the turn can be saved as it is (ui/conversation_bar.py).
        turns.append({**turn_data(turn, message, answer.search_query or answer.question, answer),
                      "answer": answer.to_json()})
        panel = sources_panel(turns, show_passages)
        notice = f'<span class="gen-notice">ⓘ {md_text(answer.notice)}</span>\n\n' if answer.notice else ""
        shown = ""
        for piece in () if generate else pieces(answer.text, 10):  # a generated answer already streamed as it came
            shown += piece
            # The cursor says "still writing" to the reader (and to the browser tests): gone only in the last yield.
            chat[-1] = {"role": "assistant", "content": notice + answer_blocks(shown, turn) + " ▍"}
            yield chat, turns, panel, gr.skip()  # the box was cleared at once; the user may type already
            time.sleep(STREAM_DELAY)
        chat[-1] = {"role": "assistant", "content": notice + answer_blocks(answer.text, turn)}
        if answer.abstained:
            chat[-1]["content"] += "\n\n*最接近的段落见右侧来源栏 (closest passages are in the sources panel)*"
        yield chat, turns, panel, gr.skip()

    def new_chat(kb=None):
        return [], [], sources_panel([], note=_panel_note(kb))

    def _panel_note(kb=None) -> str:
        try:
            return "" if service.document_count(kb or None) else NO_DOCUMENTS
        except (ServiceError, KBError) as e:
            return str(e)

    with gr.Blocks(title="中文文档问答 · rag-zh", analytics_enabled=False) as demo:
        with gr.Row(equal_height=False):
            gr.Markdown("## 中文文档问答 · Cited answers over your documents\n"
                        "每句答案都标注来源 `[n]`，点击查看原文。Every sentence is cited; click `[n]` or a source.")
            # The conversation's knowledge base (the Documents tab shows it), and others searched with it;
            # changing either starts a new conversation.
            kb = gr.Dropdown(choices=service.kbs.names(), value=DEFAULT, label="知识库 Knowledge base",
                             elem_id="kb", scale=0, min_width=160)
            also = gr.Dropdown(choices=service.kbs.names()[1:], value=[], multiselect=True, elem_id="kb-also",
                               label="同时检索 Also search", scale=0, min_width=160)
        turns = gr.State([])
        # Which saved conversation is open: kept in the browser, so a reload or restart reopens it.
        conv = gr.BrowserState("", storage_key="rag-zh-conversation", secret=service.workspace.secret())
        with gr.Tabs(overflow_behavior="wrap"):  # on a phone every tab stays in sight (no "⋯" menu)
            with gr.Tab("对话 Chat", id="chat"):
                with gr.Row(equal_height=False):
                    with gr.Column(scale=3, min_width=320):
                        chatbot = gr.Chatbot(elem_id="chatbot", height=480, show_label=False, label="对话",
                                             feedback_options=("Like", "Dislike"), buttons=["copy"],
                                             placeholder="问一个关于文档的问题 · Ask about your documents")
                        with gr.Row():
                            msg = gr.Textbox(elem_id="question", show_label=False, scale=5, lines=1,
                                             max_lines=4, placeholder="输入问题，回车发送 · Ask, then Enter")
                            send = gr.Button("发送 Send", variant="primary", scale=1, min_width=90, elem_id="send")
                        with gr.Row():
                            clear = gr.Button("新对话 New chat", size="sm", elem_id="new-chat")
                            # Only with a model configured (RAG_LLM_BASE_URL, RAG_LLM_MODEL): a toggle that
                            # could only fail would be noise.
                            generate = gr.Checkbox(False, label="生成 Generate", elem_id="generate",
                                                   visible=model_configured(), container=False,
                                                   info="模型回答，逐句核对来源 · a model's answer, each "
                                                        "sentence checked against its source")
                        gr.Examples([[q] for q in EXAMPLES], inputs=[msg], label="示例问题 Example questions")
                        bar = build_conversation_bar(service, gr)
                    with gr.Column(scale=2, min_width=300):
                        sources = gr.HTML(sources_panel([]), elem_id="sources", padding=True,
                                          js_on_load=(STATIC / "sources.js").read_text(encoding="utf-8"),
                                          server_functions=[open_doc])
            docs = build_documents_tab(service, kb)
            with gr.Tab("设置 Settings", id="settings"):
                top_k = gr.Slider(1, 10, value=service.config.top_k, step=1, elem_id="top-k",
                                  label="检索段落数 top-k (passages retrieved)")
                length = gr.Radio([("短 short", "short"), ("中 medium", "medium"), ("长 long", "long")],
                                  value="medium", label="答案长度 Answer length", elem_id="answer-length")
                show_passages = gr.Checkbox(True, label="显示检索到的段落 Show retrieved passages",
                                            elem_id="show-passages")
                gr.Markdown("HTTP API: `POST /api/ask`, `POST /v1/chat/completions` (OpenAI), "
                            "`GET/POST /api/documents` · [API docs](/api/docs)")
            build_retrieve_tab(service, kb)
            build_kb_tab(service, kb, also)

        inputs = [msg, chatbot, turns, top_k, length, show_passages, kb, generate, also]
        outputs = [chatbot, turns, sources, msg]
        ui = {"api_visibility": "undocumented"}  # the UI's own events; gradio_client users call /ask below
        saved = [conv, bar["pick"], bar["export"], bar["title"]]
        # Enter pressed while the previous answer still streams is queued ("always_last"), not dropped: the box
        # is cleared at the first yield, so people type (and send) the next question before the stream ends.
        for trigger in (msg.submit, send.click):
            trigger(respond, inputs, outputs, show_progress="hidden", trigger_mode="always_last", **ui).then(
                bar["save"], [conv, turns, kb, also], saved, show_progress="hidden", **ui)
        fresh = [conv, bar["export"], bar["title"]]
        clear.click(lambda k: (*new_chat(k), "", "", ""), kb, [chatbot, turns, sources, *fresh], **ui)
        # The chat's own 🗑 clears the messages; the context of follow-ups (turns) must go with them.
        chatbot.clear(lambda k: (*new_chat(k), "", "", ""), kb, [chatbot, turns, sources, *fresh], **ui)
        opened = [conv, chatbot, turns, sources, kb, bar["pick"], bar["export"], bar["title"], also]
        bar["pick"].input(bar["open"], [bar["pick"], show_passages], opened, **ui)
        bar["search"].change(lambda q, c: bar["listing"](c, q), [bar["search"], conv], bar["pick"],
                             show_progress="hidden", **ui)
        bar["rename"].click(bar["on_rename"], [conv, bar["title"]], [bar["status"], bar["pick"]], **ui)
        bar["delete"].click(bar["on_delete"], conv, [*opened, bar["status"]], **ui)
        chatbot.like(bar["on_like"], [conv, chatbot, bar["comment"]], [bar["status"], bar["comment"]], **ui)
        # .input, not .change: opening a saved conversation sets its knowledge base without clearing it.
        filters = [docs["name"], docs["content"]]
        kb.input(lambda k, q, c: (*new_chat(k), docs["refresh"](q, c, k), "", "", "", [], "", "", gr.update(
            visible=False), gr.update(visible=False)), [kb, *filters],
                 [chatbot, turns, sources, docs["table"], *fresh, also, *docs["closed"]], **ui)
        kb.change(docs["refresh"], [*filters, kb], docs["table"], show_progress="hidden", **ui)
        # Further knowledge bases searched with the picked one (rag/multi_kb.py); a change starts a new chat.
        kb.change(lambda k, a: also_choices(service, k, a), [kb, also], also, show_progress="hidden", **ui)
        also.input(lambda k: (*new_chat(k), "", "", ""), kb, [chatbot, turns, sources, *fresh], **ui)
        show_passages.change(lambda t, s, k: sources_panel(t, s, _panel_note(k)), [turns, show_passages, kb],
                             sources, **ui)
        demo.load(lambda: (sources_panel([], note=_panel_note()), docs["refresh"](),
                           gr.update(choices=service.kbs.names(), value=DEFAULT),
                           also_choices(service, DEFAULT, [])),
                  None, [sources, docs["table"], kb, also], **ui).then(
            bar["open"], [conv, show_passages], opened, **ui)  # then the conversation left open, if any

        def ask(question: str, top_k: int = 0, history: list[str] | None = None, length: str = "",
                kb: str = "", generate: bool = False) -> dict:
            """Answer a question from the documents; returns the same object as `rag ask --json`.
            `length` is short, medium or long ("" = the default); `kb` a knowledge base ("" = the default,
            "a,b" = several searched together);
            generate=True asks the configured model (every sentence checked); older three-argument calls
            still work."""
            try:
                options = AskOptions(top_k=top_k or None, length=length or None, history=list(history or []),
                                     kb=kb.split(",") if kb else None, mode="generate" if generate else "extractive")
                return service.ask(question, options).to_json()
            except (QuestionError, ServiceError, KBError) as e:
                raise gr.Error(str(e)) from None

        persist_settings(gr, demo, {"top_k": top_k, "length": length, "show_passages": show_passages})

        gr.api(ask, api_name="ask")
    return demo


def create_app(service: Service, hosts: frozenset[str] | None = None):
    """FastAPI app with the API routes first and the Gradio UI mounted at / (so /api/* wins)."""
    import gradio as gr
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    app = build_api(service)
    gradio_js = Path(gr.__file__).parent / "templates" / "frontend" / "gradio.js"

    @app.get("/gradio.js", include_in_schema=False)
    async def web_component():
        """Gradio's web-component loader, served here so embedding works without the CDN (it loads /assets/…)."""
        from fastapi.responses import FileResponse
        return FileResponse(gradio_js, media_type="text/javascript", headers={"Access-Control-Allow-Origin": "*"})

    theme = gr.themes.Soft(font=["system-ui", "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC",
                                 "WenQuanYi Micro Hei", "sans-serif"], font_mono=["ui-monospace", "monospace"])
    app = gr.mount_gradio_app(app, build(service), path="/", max_file_size=service.max_upload_bytes,
                              footer_links=["api"], theme=theme,
                              css=(STATIC / "app.css").read_text(encoding="utf-8"),
                              head=(STATIC / "head.html").read_text(encoding="utf-8"))
    app.add_middleware(ErrorShape)  # Gradio's bare 404/405 in our error shape too
    return protect(app, service, app.state.sessions, hosts)
