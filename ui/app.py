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
from .conversation_bar import build_conversation_bar, persist_settings
from .docs import ErrorShape
from .kb_tab import build_kb_tab
from .openai_api import pieces
from .render import answer_blocks, documents_rows, md_text, sources_panel, turn_data
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
DOC_HEADERS = ["文件 file", "id", "块 chunks", "字符 chars", "编码 encoding", "版本 version · 时间 (UTC)"]
STREAM_DELAY = 0.02  # seconds between streamed pieces: enough to read as streaming, short enough not to wait
TABLE_ROWS = 500  # documents shown in the Documents tab at once (the filter box reaches the rest)


def build(service: Service):
    import gradio as gr

    def open_doc(request) -> dict:
        """Called from the sources panel's JavaScript with {doc, start, end}: the document around the span,
        as plain text pieces (the browser inserts them as text)."""
        if isinstance(request, list) and request:  # tolerate the arguments arriving as a list
            request = request[0]
        error = "no document"
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

    def respond(message, chat, turns, top_k, length, show_passages, kb=None, generate=False):
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
                                 kb=kb or None, mode="generate" if generate else "extractive")
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
        if generate:  # already streamed as it came
            chat[-1] = {"role": "assistant", "content": notice + answer_blocks(answer.text, turn)}
        shown = ""
        for piece in () if generate else pieces(answer.text, 10):
            shown += piece
            chat[-1] = {"role": "assistant", "content": notice + answer_blocks(shown, turn)}
            yield chat, turns, panel, gr.skip()  # the box was cleared at once; the user may type already
            time.sleep(STREAM_DELAY)
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

    def doc_table(query: str = "", kb=None):
        # Newest first and at most TABLE_ROWS: a folder of 100k files would freeze the browser as one table.
        try:
            docs, total = service.documents_page(query or "", limit=TABLE_ROWS, newest_first=True, kb=kb or None)
        except KBError:  # deleted meanwhile (another tab)
            docs, total = [], 0
        rows = documents_rows(service.documents_json(docs, kb or None))
        choices = [(f"{r[0]} · {r[1][:8]}", r[1]) for r in rows]
        label = f"已索引文档 Indexed documents · {total:,}" + (f" (最新 newest {len(rows)} shown; 输入名称筛选 "
                                                          f"type a name to filter)" if total > len(rows) else "")
        return gr.update(value=rows, label=label), gr.update(choices=choices, value=None)

    def on_upload(files, query, kb=None, progress=gr.Progress()):  # noqa: B008  (Gradio's progress bar)
        if not files:
            return (gr.skip(),) * 4
        items, refused = [], []
        for f in files:
            path = Path(f if isinstance(f, str) else f.name)
            try:
                service.check_upload(path.name, path.stat().st_size)  # before reading a huge file
                items.append((path.name, path.read_bytes()))
            except ServiceError as e:
                refused.append(str(e))
        progress(0, desc="索引中 indexing…")
        try:
            report = service.add_files(
                items, progress=lambda done, total, name: progress((done, total), desc=f"索引 {Path(name).name}"),
                kb=kb or None)
        except (ServiceError, KBError) as e:  # refused as a whole (a name, the queue full, the server stopping)
            table, pick = doc_table(query, kb)
            return "\n".join([f"✘ {md_text(str(e))}", *[f"- ✘ {md_text(r)}" for r in refused]]), table, pick, None
        failed = refused + [str(f) for f in report.failed]
        ok = report.indexed
        lines = [f"{'✔' if ok else '✘'} 新增 added {len(report.added)} · 更新 updated {len(report.updated)} · "
                 f"未变 unchanged {len(report.unchanged)} · 重复 duplicates {len(report.duplicates)} · "
                 f"失败 failed {len(failed)} · {report.chunks} chunks, {report.seconds:.1f} s"]
        lines += [f"- ✘ {md_text(reason)}" for reason in failed]
        table, pick = doc_table(query, kb)
        return "\n".join(lines), table, pick, None

    def on_delete(doc_id, query, kb=None):
        if not doc_id:
            return "请先选择一个文档 (pick a document first)", *doc_table(query, kb)
        try:
            rec = service.delete(doc_id, kb or None)
            message = f"✔ 已删除 deleted {md_text(Path(rec.sources[0]).name if rec.sources else rec.id)}"
        except (ServiceError, KBError) as e:
            message = f"⚠ {md_text(str(e))}"
        return message, *doc_table(query, kb)

    with gr.Blocks(title="中文文档问答 · rag-zh", analytics_enabled=False) as demo:
        with gr.Row(equal_height=False):
            gr.Markdown("## 中文文档问答 · Cited answers over your documents\n"
                        "每句答案都标注来源 `[n]`，点击查看原文。Every sentence is cited; click `[n]` or a source.")
            # One knowledge base per conversation: switching starts a new one (answers never mix two).
            kb = gr.Dropdown(choices=service.kbs.names(), value=DEFAULT, label="知识库 Knowledge base",
                             elem_id="kb", scale=0, min_width=200)
        turns = gr.State([])
        # Which saved conversation is open: kept in the browser, so a reload or restart reopens it.
        conv = gr.BrowserState("", storage_key="rag-zh-conversation", secret=service.workspace.secret())
        with gr.Tabs():
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
            with gr.Tab("文档 Documents", id="docs"):
                upload = gr.File(file_count="multiple", elem_id="upload", type="filepath",
                                 label="拖放或点击上传（可多选）· Drop files here (.txt .md .html), several at once")
                status = gr.Markdown(elem_id="upload-status")
                doc_filter = gr.Textbox(elem_id="doc-filter", show_label=False, lines=1, max_lines=1,
                                        placeholder="按文件名或 id 筛选 · Filter by file name or id")
                table = gr.Dataframe(headers=DOC_HEADERS, elem_id="doc-table", interactive=False, wrap=True,
                                     value=[], label="已索引文档 Indexed documents")
                with gr.Row():
                    pick = gr.Dropdown(label="选择文档 Document", choices=[], elem_id="doc-pick", scale=3)
                    delete = gr.Button("删除 Delete", variant="stop", elem_id="doc-delete", scale=1)
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
            build_kb_tab(service, kb)

        inputs = [msg, chatbot, turns, top_k, length, show_passages, kb, generate]
        outputs = [chatbot, turns, sources, msg]
        ui = {"api_visibility": "undocumented"}  # the UI's own events; gradio_client users call /ask below
        saved = [conv, bar["pick"], bar["export"], bar["title"]]
        msg.submit(respond, inputs, outputs, show_progress="hidden", **ui).then(
            bar["save"], [conv, turns, kb], saved, show_progress="hidden", **ui)
        send.click(respond, inputs, outputs, show_progress="hidden", **ui).then(
            bar["save"], [conv, turns, kb], saved, show_progress="hidden", **ui)
        fresh = [conv, bar["export"], bar["title"]]
        clear.click(lambda k: (*new_chat(k), "", "", ""), kb, [chatbot, turns, sources, *fresh], **ui)
        # The chat's own 🗑 clears the messages; the context of follow-ups (turns) must go with them.
        chatbot.clear(lambda k: (*new_chat(k), "", "", ""), kb, [chatbot, turns, sources, *fresh], **ui)
        opened = [conv, chatbot, turns, sources, kb, bar["pick"], bar["export"], bar["title"]]
        bar["pick"].input(bar["open"], [bar["pick"], show_passages], opened, **ui)
        bar["search"].change(lambda q, c: bar["listing"](c, q), [bar["search"], conv], bar["pick"],
                             show_progress="hidden", **ui)
        bar["rename"].click(bar["on_rename"], [conv, bar["title"]], [bar["status"], bar["pick"]], **ui)
        bar["delete"].click(bar["on_delete"], conv, [*opened, bar["status"]], **ui)
        chatbot.like(bar["on_like"], [conv, chatbot, bar["comment"]], [bar["status"], bar["comment"]], **ui)
        # .input, not .change: opening a saved conversation sets its knowledge base without clearing it.
        kb.input(lambda k, q: (*new_chat(k), *doc_table(q, k), "", "", ""), [kb, doc_filter],
                 [chatbot, turns, sources, table, pick, *fresh], **ui)
        kb.change(doc_table, [doc_filter, kb], [table, pick], show_progress="hidden", **ui)
        show_passages.change(lambda t, s, k: sources_panel(t, s, _panel_note(k)), [turns, show_passages, kb],
                             sources, **ui)
        upload.upload(on_upload, [upload, doc_filter, kb], [status, table, pick, upload], **ui)
        delete.click(on_delete, [pick, doc_filter, kb], [status, table, pick], **ui)
        doc_filter.change(doc_table, [doc_filter, kb], [table, pick], show_progress="hidden", **ui)
        demo.load(lambda: (sources_panel([], note=_panel_note()), *doc_table(),
                           gr.update(choices=service.kbs.names(), value=DEFAULT)),
                  None, [sources, table, pick, kb], **ui).then(
            bar["open"], [conv, show_passages], opened, **ui)  # then the conversation left open, if any

        def ask(question: str, top_k: int = 0, history: list[str] | None = None, length: str = "",
                kb: str = "", generate: bool = False) -> dict:
            """Answer a question from the documents; returns the same object as `rag ask --json`.
            `length` is short, medium or long ("" = the default); `kb` a knowledge base ("" = the default);
            generate=True asks the configured model (every sentence checked); older three-argument calls
            still work."""
            try:
                options = AskOptions(top_k=top_k or None, length=length or None, history=list(history or []),
                                     kb=kb or None, mode="generate" if generate else "extractive")
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
