"""The 命中测试 Retrieval test tab: a question's ranked passages with each score part (dense, BM25, coverage,
fused), the matched terms, and whether the answer would abstain and why; top-k changes on the slider.

Same call as `POST /api/retrieve` (Service.retrieve → rag/inspect.py). Every document text is escaped.
"""
from __future__ import annotations

from rag.kb import KBError
from rag.options import AskOptions, QuestionError

from .render import esc, md_text
from .service import Service, ServiceError


def _row(p: dict) -> str:
    other = f' <small title="names, learned terms">+{p["other"]:.2f}</small>' if p["other"] else ""
    text = esc(p["text"][:300]) + ("…" if len(p["text"]) > 300 else "")
    return (f'<tr class="rt-row"><td>{p["rank"]}</td><td><b>{p["fused"]:.3f}</b></td><td>{p["dense"]:.3f}</td>'
            f'<td>{p["bm25_norm"]:.3f} <small>({p["bm25"]:.2f})</small></td><td>{p["coverage"]:.2f}{other}</td>'
            f'<td>{esc(" ".join(p["matched"][:10]))}</td><td><div class="rt-src">{esc(p["source"].split("/")[-1])} '
            f'· {p["start"]}–{p["end"]}</div>{text}</td></tr>')


def results_html(d: dict) -> str:
    w = d["weights"]
    head = (f'<div class="rt-meta">检索词 terms: {esc(" ".join(dict.fromkeys(d["terms"])))} · 意义单元 units: '
            f'{esc(" ".join(d["units"]))} · 权重 weights: dense {w["dense"]:g}, bm25 {w["bm25"]:g}, '
            f'cover {w["cover"]:g}</div>')
    return (head + '<table class="rt-table"><thead><tr><th>#</th><th>融合 fused</th><th>向量 dense</th>'
            '<th>BM25 (raw)</th><th>覆盖 coverage</th><th>匹配词 matched</th><th>段落 passage</th></tr></thead>'
            f'<tbody>{"".join(_row(p) for p in d["passages"])}</tbody></table>')


def build_retrieve_tab(service: Service, picker) -> None:
    import gradio as gr

    def run(question, top_k, kb):
        try:
            options = AskOptions(top_k=int(top_k), kb=kb or None)
            d = service.retrieve(question or "", options)
        except (QuestionError, ServiceError, KBError) as e:
            return f"⚠ {md_text(str(e))}", ""
        mark = "✘" if d["abstains"] else "✔"
        return f"{mark} {md_text(d['reason'])}", results_html(d)

    with gr.Tab("命中测试 Retrieval test", id="retrieve"):
        with gr.Row():
            question = gr.Textbox(elem_id="rt-question", show_label=False, scale=5, max_lines=2,
                                  placeholder="输入问题，查看检索到的段落与得分 · A question, to see what it retrieves")
            run_btn = gr.Button("检索 Retrieve", variant="primary", elem_id="rt-run", scale=1, min_width=90)
        top_k = gr.Slider(1, 20, value=service.config.top_k, step=1, elem_id="rt-top-k",
                          label="返回段落数 top-k")
        verdict = gr.Markdown(elem_id="rt-verdict")
        results = gr.HTML(elem_id="rt-results")
    ui = {"api_visibility": "undocumented", "show_progress": "hidden"}
    for event in (run_btn.click, question.submit):
        event(run, [question, top_k, picker], [verdict, results], **ui)
    top_k.release(run, [question, top_k, picker], [verdict, results], **ui)
