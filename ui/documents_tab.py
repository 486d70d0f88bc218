"""The 文档 Documents tab: upload (with a progress bar over reading, embedding and writing), filter by name and by
content, click a row to open the document with its chunks marked (ui/doc_view.py), delete it after a confirm.

Why a confirm step and no separate dropdown: a delete picked from a list of names away from what it removes is
easy to aim wrong; here it acts on the document open above it, and only after a second click.
"""

import html
import os
import time
from pathlib import Path

from rag.kb import KBError
from rag.records import IndexReport

from .doc_view import document_html
from .render import documents_rows
from .service import Service, ServiceError
from .uploads import UPLOAD_LABEL

DOC_HEADERS = ["文件 file", "id", "块 chunks", "字符 chars", "编码 encoding", "版本 version · 时间 (UTC)"]
TABLE_ROWS = 500  # documents shown at once (the filters reach the rest)
CONTENT_SCAN_SECONDS = 5.0  # a content filter over a huge index stops here and says so
POLL = 0.2


def status_html(total: int, report, refused: list[str], error: str | None = None) -> str:
    """The upload's status line in the colour it deserves: green ✔ only when every file went in, amber when some
    failed ("6 of 11 failed"), red when all did or the upload was refused as a whole."""
    esc = html.escape
    if error is not None:
        lines = [f"✘ 上传被拒绝 upload refused: {esc(error)}", *(f"✘ {esc(r)}" for r in refused)]
        return _status("error", lines)
    failed = refused + [str(f) for f in report.failed]
    counts = (f"新增 added {len(report.added)} · 更新 updated {len(report.updated)} · 未变 unchanged "
              f"{len(report.unchanged)} · 重复 duplicates {len(report.duplicates)} · {report.chunks} chunks, "
              f"{report.seconds:.1f} s")
    if not failed:
        head, kind = f"✔ {total} 个文件全部完成 · all {total} files done", "ok"
    elif len(failed) < total:
        head, kind = f"⚠ {total} 个文件中 {len(failed)} 个失败 · {len(failed)} of {total} failed", "warn"
    else:
        head, kind = f"✘ {total} 个文件中 {len(failed)} 个失败 · {len(failed)} of {total} failed", "error"
    return _status(kind, [f"{head} · {counts}", *(f"✘ {esc(r)}" for r in failed)])


def _status(kind: str, lines: list[str]) -> str:
    head, *rest = lines
    items = "".join(f"<li>{line}</li>" for line in rest)
    listed = f"<ul>{items}</ul>" if items else ""
    return f'<div class="upload-{kind}"><div class="upload-head">{head}</div>{listed}</div>'


def name_matches(doc, query: str) -> bool:
    """The rule of Service.documents_page: the query inside the id or a file name, case-insensitive."""
    needle = query.strip().casefold()
    return not needle or needle in doc.id or any(needle in os.path.basename(s).casefold() for s in doc.sources)


def content_matches(service: Service, docs: list, needle: str, kb: str | None) -> tuple[list, bool]:
    """The documents whose text contains `needle` (case-insensitive), at most TABLE_ROWS, and whether the scan
    stopped early (CONTENT_SCAN_SECONDS) before reaching every document."""
    needle = needle.strip().casefold()
    if not needle:
        return docs, False
    assistant, found, t0 = service.kbs.assistant(kb), [], time.perf_counter()
    for d in docs:
        if len(found) >= TABLE_ROWS or time.perf_counter() - t0 > CONTENT_SCAN_SECONDS:
            return found, True
        try:
            if needle in assistant.document_text(d.id).casefold():
                found.append(d)
        except Exception:  # noqa: BLE001  (an unreadable text is not a match; rag check reports it)
            continue
    return found, False


def build_documents_tab(service: Service, kb) -> dict:
    """The tab inside the caller's gr.Tabs; returns its parts and `refresh(name, content, kb)` for the caller's
    knowledge-base picker (which sets the tab's knowledge base)."""
    import gradio as gr

    def one(k):  # the tab shows one knowledge base: the first picked
        return (k[0] if k else None) if isinstance(k, list) else (k or None)

    def refresh(name: str = "", content: str = "", k=None):
        k = one(k)
        try:
            if (content or "").strip():  # every document matching the name, then their texts (time-bounded)
                _, total = service.documents_page(name or "", limit=1, kb=k)
                docs = [d for d in reversed(service.documents(k)) if name_matches(d, name or "")]
            else:
                docs, total = service.documents_page(name or "", limit=TABLE_ROWS, newest_first=True, kb=k)
            docs, partial = content_matches(service, docs, content or "", k)
        except (KBError, ServiceError):  # deleted meanwhile (another tab)
            docs, total, partial = [], 0, False
        rows = documents_rows(service.documents_json(docs[:TABLE_ROWS], k))
        label = f"已索引文档 Indexed documents · {total:,}"
        if (content or "").strip():
            label += f" · 内容含 containing “{content.strip()}”: {len(docs):,}" + (" (部分 partial)" if partial else "")
        elif total > len(rows):
            label += f" (最新 newest {len(rows)} shown; 输入名称筛选 type a name to filter)"
        label += " · 点击一行打开 click a row to open"
        return gr.update(value=rows, label=label)

    def open_row(evt: gr.SelectData, k):
        row = evt.row_value if evt.row_value else None
        doc_id = row[1] if row and len(row) > 1 else ""
        try:
            view = document_html(service, doc_id, one(k))
        except (ServiceError, KBError) as e:
            return "", f'<div class="upload-error">⚠ {html.escape(str(e))}</div>', gr.update(visible=False), \
                gr.update(visible=False)
        return doc_id, view, gr.update(visible=True), gr.update(visible=False)

    def ask_delete(doc_id, k):
        if not doc_id:
            return gr.update(visible=False), "请先点击表格中的文档 (click a document in the table first)"
        try:
            rec = service.document(doc_id, one(k))
        except (ServiceError, KBError) as e:
            return gr.update(visible=False), f"⚠ {html.escape(str(e))}"
        name = os.path.basename(rec.sources[0]) if rec.sources else doc_id
        return gr.update(visible=True), (f"确定删除 **{html.escape(name)}**？它的 {rec.chunks} 个块将从索引中移除。"
                                         f" Delete it? Its {rec.chunks} chunks leave the index.")

    def confirm_delete(doc_id, name, content, k):
        hide = gr.update(visible=False)
        try:
            rec = service.delete(doc_id, one(k))
            shown = os.path.basename(rec.sources[0]) if rec.sources else rec.id
            message = f'<div class="upload-ok">✔ 已删除 deleted {html.escape(shown)}</div>'
            return message, "", "", hide, hide, refresh(name, content, k)
        except (ServiceError, KBError) as e:
            return f'<div class="upload-error">⚠ {html.escape(str(e))}</div>', doc_id, gr.skip(), hide, \
                gr.skip(), refresh(name, content, k)

    def on_upload(files, name, content, k, progress=gr.Progress()):  # noqa: B008  (Gradio's progress bar)
        if not files:
            return gr.skip(), gr.skip(), gr.skip()
        items, refused = [], []
        for f in files:
            path = Path(f if isinstance(f, str) else f.name)
            try:
                service.check_upload(path.name, path.stat().st_size)  # before reading a huge file
                items.append((path.name, path))  # stored from the file a piece at a time (ui/uploads.py)
            except ServiceError as e:
                refused.append(str(e))
        total, report = len(items) + len(refused), IndexReport()  # empty when every file was refused here
        if items:
            progress(0, desc="排队中 queued…")
            try:
                job = service.queue_files(items, kb=one(k))
            except (ServiceError, KBError) as e:  # refused as a whole (a name, the queue full, the server stopping)
                return status_html(total, None, refused, str(e)), refresh(name, content, k), None
            while not job.wait(POLL):
                if job.status == "running" and job.progress is not None:
                    progress(job.progress.fraction, desc=job.progress.describe())
            if job.report is None:
                error = job.error or "索引未完成，请重新上传 · indexing did not finish; upload again"
                return status_html(total, None, refused, error), refresh(name, content, k), None
            report = job.report
        return status_html(total, report, refused), refresh(name, content, k), None

    with gr.Tab("文档 Documents", id="docs"):
        upload = gr.File(file_count="multiple", elem_id="upload", type="filepath",
                         label=UPLOAD_LABEL)  # every supported type; others are reported by name
        status = gr.HTML(elem_id="upload-status")
        with gr.Row():
            name = gr.Textbox(elem_id="doc-filter", show_label=False, lines=1, max_lines=1, scale=1, min_width=160,
                              placeholder="按文件名或 id 筛选 · Filter by file name or id")
            content = gr.Textbox(elem_id="doc-content-filter", show_label=False, lines=1, max_lines=1, scale=1,
                                 min_width=160, placeholder="按内容筛选，回车 · Filter by content, then Enter")
        table = gr.Dataframe(headers=DOC_HEADERS, elem_id="doc-table", interactive=False, wrap=True, value=[],
                             label="已索引文档 Indexed documents")
        picked = gr.State("")
        with gr.Row(visible=False, elem_id="doc-actions") as actions:
            delete = gr.Button("删除此文档 Delete this document", variant="stop", size="sm", elem_id="doc-delete")
        with gr.Row(visible=False, elem_id="doc-confirm-row") as confirm_row:
            question = gr.Markdown(elem_id="doc-confirm-text")
            confirm = gr.Button("确定删除 Yes, delete", variant="stop", size="sm", elem_id="doc-delete-confirm")
            cancel = gr.Button("取消 Cancel", size="sm", elem_id="doc-delete-cancel")
        view = gr.HTML(elem_id="doc-open", padding=True)

    ui = {"api_visibility": "undocumented"}
    upload.upload(on_upload, [upload, name, content, kb], [status, table, upload], **ui)
    name.change(refresh, [name, content, kb], table, show_progress="hidden", **ui)
    content.submit(refresh, [name, content, kb], table, **ui)
    table.select(open_row, kb, [picked, view, actions, confirm_row], **ui)
    delete.click(ask_delete, [picked, kb], [confirm_row, question], **ui)
    cancel.click(lambda: gr.update(visible=False), None, confirm_row, **ui)
    confirm.click(confirm_delete, [picked, name, content, kb], [status, picked, view, confirm_row, actions, table],
                  **ui)
    return {"table": table, "name": name, "content": content, "view": view, "refresh": refresh,
            "closed": [picked, view, actions, confirm_row]}
