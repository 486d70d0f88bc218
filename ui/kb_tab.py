"""The 知识库 Knowledge bases tab: the list with counts, create, rename, and delete after typing the name again.

Built inside ui/app.py's Blocks; every action goes through Service (the same checks and one-line errors as the
HTTP routes) and refreshes the page's knowledge-base dropdown, so a new one can be picked at once.
"""
from __future__ import annotations

from rag.kb import DEFAULT, KBError

from .render import md_text
from .service import Service, ServiceError

KB_HEADERS = ["知识库 knowledge base", "文档 documents", "块 chunks"]


def also_choices(service: Service, kb, also):
    """The 同时检索 Also-search dropdown: every other knowledge base, its picks kept while they still exist."""
    import gradio as gr
    others = [n for n in service.kbs.names() if n != (kb or DEFAULT)]
    return gr.update(choices=others, value=[a for a in also or [] if a in others])


def build_kb_tab(service: Service, picker, also=None) -> None:
    """The tab's components and events; `picker` is the page's knowledge-base dropdown and `also` the dropdown
    of further ones searched with it (their choices follow)."""
    import gradio as gr

    def rows():
        return [[k["name"] + (" (默认 default)" if k["default"] else ""), k["documents"], k["chunks"]]
                for k in service.kbs.list()]

    def refresh(message: str, current: str | None):
        names = service.kbs.names()
        current = current if current in names else DEFAULT
        others = [n for n in names if n != DEFAULT]
        return (message, rows(), gr.update(choices=names, value=current),
                gr.update(choices=others, value=None), "", "")

    def create(name, current):
        try:
            info = service.kbs.create((name or "").strip())
            return refresh(f"✔ 已创建 created {md_text(info['name'])}", current)
        except (KBError, ServiceError) as e:
            return refresh(f"⚠ {md_text(str(e))}", current)

    def rename(old, new, current):
        if not old:
            return refresh("⚠ 请先选择一个知识库 (pick a knowledge base first)", current)
        try:
            info = service.kb_change(old, (new or "").strip())
            return refresh(f"✔ 已改名 renamed {md_text(old)} → {md_text(info['name'])}",
                           info["name"] if current == old else current)
        except (KBError, ServiceError) as e:
            return refresh(f"⚠ {md_text(str(e))}", current)

    def delete(name, confirm, current):
        if not name:
            return refresh("⚠ 请先选择一个知识库 (pick a knowledge base first)", current)
        if (confirm or "").strip() != name:
            return refresh(f"⚠ 删除会移除其中所有文档：请在确认框输入 {md_text(name)} (deleting removes all its "
                           f"documents: type its name to confirm)", current)
        try:
            service.kb_change(name)
            return refresh(f"✔ 已删除 deleted {md_text(name)}", current)
        except (KBError, ServiceError) as e:
            return refresh(f"⚠ {md_text(str(e))}", current)

    with gr.Tab("知识库 Knowledge bases", id="kbs"):
        status = gr.Markdown(elem_id="kb-status")
        table = gr.Dataframe(headers=KB_HEADERS, value=rows, elem_id="kb-table", interactive=False,
                             label="知识库 Knowledge bases")
        with gr.Row():
            name = gr.Textbox(elem_id="kb-new-name", show_label=False, scale=3, max_lines=1,
                              placeholder="新知识库名称 · New knowledge base name")
            create_btn = gr.Button("创建 Create", elem_id="kb-create", scale=1)
        with gr.Row():
            which = gr.Dropdown(label="选择知识库 Knowledge base", choices=service.kbs.names()[1:],
                                elem_id="kb-pick", scale=2)
            new_name = gr.Textbox(elem_id="kb-rename-to", label="新名称 New name", scale=2, max_lines=1)
            rename_btn = gr.Button("改名 Rename", elem_id="kb-rename", scale=1)
        with gr.Row():
            confirm = gr.Textbox(elem_id="kb-confirm", label="输入名称确认删除 Type the name to confirm", scale=3,
                                 max_lines=1)
            delete_btn = gr.Button("删除知识库 Delete", variant="stop", elem_id="kb-delete", scale=1)
    outputs = [status, table, picker, which, new_name, confirm]
    ui = {"api_visibility": "undocumented"}
    events = [create_btn.click(create, [name, picker], outputs, **ui).then(lambda: "", None, name, **ui),
              name.submit(create, [name, picker], outputs, **ui).then(lambda: "", None, name, **ui),
              rename_btn.click(rename, [which, new_name, picker], outputs, **ui),
              delete_btn.click(delete, [which, confirm, picker], outputs, **ui)]
    if also is not None:  # the chat's further knowledge bases follow creates, renames and deletes
        for event in events:
            event.then(lambda k, a: also_choices(service, k, a), [picker, also], also, **ui)
