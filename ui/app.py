"""Minimal Gradio chat over the index (the full UI with sources panel and documents tab comes later)."""
from __future__ import annotations

import html
import os

from rag.assistant import Assistant, QuestionError
from rag.config import Config

EXAMPLES = [
    "市长对12345热线提出了哪些要求？",
    "what did the mayor order about 12345 hotline",
    "老農貿市場改造的資金從哪裡來？",
    "淄博提出了哪“五个转变”？",
]


def render(answer) -> str:
    """Answer text plus numbered sources; document text is escaped so it renders inert."""
    lines = [html.escape(answer.text)]
    if answer.citations:
        lines.append("")
        for c in answer.citations:
            lines.append(f"[{c.n}] {html.escape(os.path.basename(c.source))} [{c.start}:{c.end}] "
                         f"“{html.escape(c.quote)}”")
    elif answer.abstained and answer.passages:
        lines.append("\n最接近的段落 (closest passages):")
        for p in answer.passages[:3]:
            lines.append(f"- {html.escape(os.path.basename(p.source))} [{p.chunk.start}:{p.chunk.end}] "
                         f"{html.escape(p.chunk.text[:100])}…")
    return "\n".join(lines)


def build(assistant: Assistant):
    import gradio as gr

    def respond(message, history):
        try:
            return render(assistant.ask(message))
        except QuestionError as e:
            return f"⚠️ {e}"

    return gr.ChatInterface(respond, title="中文文档问答 · Cited answers over your documents",
                            examples=EXAMPLES, flagging_mode="never")


def serve(config: Config, host: str = "127.0.0.1", port: int = 7860) -> None:
    assistant = Assistant(config)
    assistant.store()  # fail fast with a clear message when there is no index
    assistant.ask("warm up")  # load the model before the first user waits for it
    demo = build(assistant)
    demo.launch(server_name=host, server_port=port, show_error=True)
