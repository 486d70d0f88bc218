"""The chat's saved conversations and feedback (rag/workspace.py): every answered question is stored server-side,
the browser keeps only which conversation is open (localStorage), so a reload or a server restart reopens it.
Under the chat: the list (newest first, searchable), rename, delete, export as Markdown or JSON, and a comment
that goes with the next 👍/👎.
"""

from rag.kb import DEFAULT, KBError
from rag.workspace import WorkspaceError

from .render import answer_blocks, esc, md_text, sources_panel
from .service import Service

ABSTAINED_NOTE = "\n\n*最接近的段落见右侧来源栏 (closest passages are in the sources panel)*"
ERROR_MARK = "⚠"


def chat_messages(turns: list[dict]) -> list[dict]:
    """The chat as respond() left it, from saved turns."""
    out = []
    for t in turns:
        answer = t["answer"]
        text = answer_blocks(answer.get("answer", ""), t["turn"]) + (ABSTAINED_NOTE if answer.get("abstained") else "")
        out += [{"role": "user", "content": md_text(t["question"])}, {"role": "assistant", "content": text}]
    return out


def chosen_kbs(kb, also=None) -> str | list[str] | None:
    """The picked knowledge base and those searched with it: a name, a list (rag/multi_kb.py), or None."""
    names = list(dict.fromkeys(n for n in [kb or DEFAULT, *(also or [])] if n))
    return names if len(names) > 1 else (None if names == [DEFAULT] else names[0])


def export_links(cid: str) -> str:
    if not cid:
        return ""
    base = f"/api/conversations/{esc(cid)}/export"
    return (f'<span class="conv-export">导出 Export: <a href="{base}?format=md" download id="export-md">Markdown</a> · '
            f'<a href="{base}?format=json" download id="export-json">JSON</a></span>')


def turn_number(chat: list, index) -> int:
    """The saved turn an assistant message is: error messages (⚠) are shown but never saved."""
    i = index[0] if isinstance(index, (list, tuple)) else int(index)
    return sum(1 for m in chat[:i + 1] if _role(m) == "assistant" and not _content(m).startswith(ERROR_MARK))


def _role(m) -> str:
    return m.get("role", "") if isinstance(m, dict) else getattr(m, "role", "")


def _content(m) -> str:
    c = m.get("content", "") if isinstance(m, dict) else getattr(m, "content", "")
    if isinstance(c, list):  # Gradio 6 may hand back [{"type": "text", "text": …}]
        c = "".join(p.get("text", "") for p in c if isinstance(p, dict))
    return c if isinstance(c, str) else ""


def build_conversation_bar(service: Service, gr):
    """Components under the chat; returns them for app.py to wire with the chat's own."""
    ws = service.workspace
    with gr.Accordion("对话记录与反馈 Conversations & feedback", open=False, elem_id="conv-bar"):
        with gr.Row():
            pick = gr.Dropdown(label="已保存的对话 Saved conversations", choices=[], elem_id="conv-pick", scale=3)
            search = gr.Textbox(label="搜索 Search", elem_id="conv-search", max_lines=1, scale=2)
        with gr.Row():
            title = gr.Textbox(label="标题 Title", elem_id="conv-title", max_lines=1, scale=3)
            rename = gr.Button("改名 Rename", elem_id="conv-rename", scale=1, size="sm")
            delete = gr.Button("删除对话 Delete", elem_id="conv-delete", variant="stop", scale=1, size="sm")
        export = gr.HTML(elem_id="conv-export")
        comment = gr.Textbox(label="反馈评论（可选，随下一次点赞或点踩提交）Comment, sent with the next like/dislike",
                             elem_id="feedback-comment", max_lines=3)
        status = gr.Markdown(elem_id="feedback-status")

    def choices(query: str = ""):
        rows = ws.list(query or "")
        return [(f"{r['title'] or '（无标题 untitled）'} · {r['updated'][:16].replace('T', ' ')}", r["id"])
                for r in rows]

    def listing(cid: str, query: str = ""):
        return gr.update(choices=choices(query), value=cid or None)

    def save(cid, turns, kb, also=None):
        """After each answer: store the turns not saved yet (the first one creates the conversation)."""
        turns = list(turns or [])
        try:
            saved = len(ws.get(cid)["turns"]) if cid else None
        except WorkspaceError:  # deleted in another tab: start a new one
            saved = None
        if saved is None:
            if not turns:
                return gr.skip(), gr.skip(), gr.skip(), gr.skip()
            cid, saved = ws.create("", chosen_kbs(kb, also) or DEFAULT)["id"], 0
        for t in turns[saved:]:
            ws.add_turn(cid, t["question"], t["answer"], {k: v for k, v in t.items() if k != "answer"})
        return cid, listing(cid), export_links(cid), ws.get(cid, turns=False)["title"]

    def open_conv(cid, show_passages):
        """The conversation as it was: chat, sources, its knowledge base."""
        if not cid:  # nothing open (a first visit): leave the chat alone, it may have started already
            return (gr.skip(),) * 5 + (listing(""), gr.skip(), gr.skip(), gr.skip())
        try:
            conv = ws.get(cid)
            service.kbs.assistant(conv["kb"])
        except (WorkspaceError, KBError):  # gone (deleted, or its knowledge base was): a fresh chat
            return ("", [], [], sources_panel([]), gr.skip(), listing(""), "", "", gr.skip())
        turns = [{**(t["panel"] or {"turn": t["n"], "question": t["question"], "query": t["question"],
                                   "abstained": t["answer"].get("abstained"), "citations": [], "passages": []}),
                  "turn": t["n"], "answer": t["answer"]} for t in conv["turns"]]
        first, *others = [conv["kb"]] if isinstance(conv["kb"], str) else conv["kb"]
        return (cid, chat_messages(turns), turns, sources_panel(turns, show_passages), first,
                listing(cid), export_links(cid), conv["title"], gr.update(choices=service.kbs.names()[1:],
                                                                          value=others))

    def on_rename(cid, new_title):
        if not cid:
            return "⚠ 还没有保存的对话 (no saved conversation yet: ask a question first)", gr.skip()
        try:
            ws.rename(cid, new_title or "")
        except WorkspaceError as e:
            return f"⚠ {md_text(str(e))}", gr.skip()
        return "✔ 已改名 renamed", listing(cid)

    def on_delete(cid):
        if cid:
            try:
                ws.delete(cid)
            except WorkspaceError:
                pass
        return ("", [], [], sources_panel([]), gr.skip(), listing(""), "", "", gr.skip(),
                "✔ 已删除对话 conversation deleted" if cid else "")

    def on_like(cid, chat, note, data: gr.LikeData):
        if not cid:
            return "⚠ 这条回答还没有保存 (this answer is not saved yet)", gr.skip()
        n = turn_number(list(chat or []), data.index)
        rating = 1 if data.liked is True or data.liked == "Like" else -1
        try:
            ws.rate(cid, n, rating, note or "")
        except WorkspaceError as e:
            return f"⚠ {md_text(str(e))}", gr.skip()
        return f"✔ 已记录反馈 feedback saved: {'赞 like' if rating > 0 else '踩 dislike'} (Q{n})", ""

    return {"pick": pick, "search": search, "title": title, "rename": rename, "delete": delete,
            "export": export, "comment": comment, "status": status, "save": save, "open": open_conv,
            "on_rename": on_rename, "on_delete": on_delete, "on_like": on_like, "listing": listing}


def persist_settings(gr, demo, controls: dict) -> None:
    """Settings live in the browser (localStorage): a reload keeps top-k, answer length and the passages
    toggle. Nothing about them is stored on the server."""
    settings = gr.BrowserState({}, storage_key="rag-zh-settings")
    keys, parts = list(controls), list(controls.values())
    for part in parts:
        part.change(lambda *values: dict(zip(keys, values, strict=True)), parts, settings, show_progress="hidden",
                    api_visibility="undocumented")
    demo.load(lambda d: tuple(d.get(k, gr.skip()) if isinstance(d, dict) else gr.skip() for k in keys), settings,
              parts, api_visibility="undocumented")
