"""Answers and sources → HTML for the chat UI. Every piece of document or user text goes through html.escape,
so a document holding `<script>` or `<img onerror=…>` shows as text and never runs."""
from __future__ import annotations

import html
import os
import re

from rag.generate import MARK as FLAG_MARK
from rag.normalize import is_cjk
from rag.records import Answer

MARKER = re.compile(r"\[(\d+)\]")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-!|~>@])")
# GFM autolinks: the chat's Markdown (marked) links "http://", "www." and e-mail addresses found in plain text,
# and the link then runs to the next space, swallowing the Chinese after it with its escapes shown as
# backslashes. A backslash before the ':' of '://' and the '.' of 'www.' (and before '@' above) keeps them plain
# text that reads the same: document URLs are never made clickable.
_AUTOLINK = re.compile(r"(?i)(?<=[a-z])(:)(?=//)|(?<![\w.])(www)(\.)")
# A generated sentence its cited passage does not support (rag/verify.py) keeps its mark, styled as a warning.
FLAG_HTML = ('<span class="unsupported" title="这句话在它引用的段落中没有找到依据 · the passage it cites does not '
             'support this sentence">（未在来源中找到 · not found in the source）</span>')
MAX_TURNS_IN_PANEL = 10
CONTEXT_CHARS = 60  # passage text shown either side of the cited sentence (the document view has it all)


def esc(text: str) -> str:
    return html.escape(str(text), quote=True)


def md_text(text: str) -> str:
    """Literal text inside a Markdown chat message: HTML-escaped and Markdown-escaped."""
    # Quotes stay as they are: Gradio's Markdown shows "&#x27;" literally, and they are harmless in text.
    escaped = _MD_SPECIAL.sub(r"\\\1", html.escape(str(text), quote=False))
    return _AUTOLINK.sub(lambda m: "\\:" if m.group(1) else m.group(2) + "\\.", escaped).replace("\n", "  \n")


def answer_markdown(text: str, turn: int) -> str:
    """The answer with each [n] turned into a link to its source in the panel (#src-<turn>-<n>), and the mark of
    each flagged generated sentence shown as a warning."""
    if FLAG_MARK in text:
        return FLAG_HTML.join(answer_markdown(part, turn) for part in text.split(FLAG_MARK))
    out, pos = [], 0
    for m in MARKER.finditer(text):
        out.append(md_text(text[pos:m.start()]))
        n = m.group(1)
        out.append(f'<a class="cite" href="#src-{turn}-{n}" data-turn="{turn}" data-n="{n}">[{n}]</a>')
        pos = m.end()
    out.append(md_text(text[pos:]))
    return "".join(out)


_BOLD_LEAD = re.compile(r"^\*\*([^\n]+?)\*\*$")


def answer_blocks(text: str, turn: int) -> str:
    """The answer's own structure as Markdown, its text still inert: the composer (rag/answer.py) puts the
    short answer alone on the first line as **span**, and list items on lines starting '- '. Only those marks
    are ours; everything inside them goes through answer_markdown (escaped, [n] links), so a document's own
    '**' or '- ' stays literal text."""
    blocks: list[tuple[bool, str]] = []  # (is a list item, Markdown)
    for i, line in enumerate(text.split("\n")):
        lead = _BOLD_LEAD.match(line) if i == 0 else None
        if lead:
            blocks.append((False, f"**{answer_markdown(lead.group(1), turn)}**"))
        elif line.startswith("- "):
            blocks.append((True, "- " + answer_markdown(line[2:], turn)))
        elif line.strip():
            blocks.append((False, answer_markdown(line, turn)))
    out = ""
    for k, (item, md) in enumerate(blocks):
        # Items of one list on consecutive lines; a blank line anywhere else (paragraph ↔ list, paragraphs).
        out += ("\n" if item and blocks[k - 1][0] else "\n\n") if k else ""
        out += md
    return out


def _name(source: str) -> str:
    return os.path.basename(source) or source


def _tail(text: str, n: int = CONTEXT_CHARS) -> str:
    return text if len(text) <= n else "…" + text[-n:]


def _head(text: str, n: int = CONTEXT_CHARS) -> str:
    return text if len(text) <= n else text[:n] + "…"


def _shown_terms(matched) -> list[str]:
    """BM25 terms that matched, longest first; character bigrams only when they are words themselves and
    not already inside a longer shown term."""
    from rag.tokenize import _jieba
    words = _jieba(None).FREQ
    shown: list[str] = []
    for t in sorted(set(matched), key=lambda t: (-len(t), t)):
        straddles = len(t) == 2 and all(is_cjk(ch) for ch in t) and not words.get(t)  # "石镇" from 青石镇
        if not straddles and not any(t in s for s in shown):
            shown.append(t)
    return shown[:8]


def turn_data(turn: int, question: str, query: str, answer: Answer) -> dict:
    """What the panel needs about one answer, as plain JSON (kept in the session state)."""
    by_chunk = {p.chunk.id: p for p in answer.passages}
    cites = []
    for c in answer.citations:
        p = by_chunk.get(c.chunk_id)
        if p:
            text, lo = p.chunk.text, p.chunk.start
            s, e = max(0, c.start - lo), max(0, min(len(text), c.end - lo))
        else:
            text, s, e = c.quote, 0, len(c.quote)
        cites.append({"n": c.n, "doc_id": c.doc_id, "name": _name(c.source), "start": c.start, "end": c.end,
                      "score": round(c.score, 3), "terms": _shown_terms(p.matched if p else ()),
                      "before": _tail(text[:s]), "quote": text[s:e], "after": _head(text[e:])})
    passages = [{"doc_id": p.chunk.doc_id, "name": _name(p.source), "start": p.chunk.start, "end": p.chunk.end,
                 "score": round(p.score, 4), "dense": round(p.dense, 3), "terms": _shown_terms(p.matched),
                 "text": p.chunk.text} for p in answer.passages]
    return {"turn": turn, "question": question, "query": query, "abstained": answer.abstained,
            "citations": cites, "passages": passages}


def _terms_html(terms: list[str]) -> str:
    if not terms:
        return ""
    return '<div class="src-terms">匹配词 matched: ' + " ".join(
        f'<span class="term">{esc(t)}</span>' for t in terms) + "</div>"


def _source_html(turn: int, c: dict) -> str:
    return (f'<div class="src" id="src-{turn}-{c["n"]}" data-doc="{esc(c["doc_id"])}" data-start="{c["start"]}" '
            f'data-end="{c["end"]}" tabindex="0" role="button" title="打开文档 Open the document at this span">'
            f'<div class="src-meta"><span class="src-n">[{c["n"]}]</span> <span class="src-name">{esc(c["name"])}'
            f'</span> · 字符 chars {c["start"]}–{c["end"]} · score {c["score"]:.2f}</div>'
            f'{_terms_html(c["terms"])}'
            f'<div class="src-text">{esc(c["before"])}<mark>{esc(c["quote"])}</mark>{esc(c["after"])}</div></div>')


def _passage_html(p: dict, i: int) -> str:
    return (f'<div class="src passage" data-doc="{esc(p["doc_id"])}" data-start="{p["start"]}" '
            f'data-end="{p["end"]}" tabindex="0" role="button">'
            f'<div class="src-meta"><span class="src-n">#{i}</span> <span class="src-name">{esc(p["name"])}</span>'
            f' · 字符 chars {p["start"]}–{p["end"]} · score {p["score"]:.4f} · cos {p["dense"]:.2f}</div>'
            f'{_terms_html(p["terms"])}<div class="src-text">{esc(p["text"])}</div></div>')


def _turn_html(t: dict, show_passages: bool) -> str:
    parts = [f'<div class="turn" data-turn="{t["turn"]}">']
    if t["query"] != t["question"]:
        parts.append(f'<div class="src-query">检索用 searched with: {esc(t["query"])}</div>')
    if t["citations"]:
        parts.extend(_source_html(t["turn"], c) for c in t["citations"])
    else:
        parts.append('<div class="src-empty">没有可引用的句子 (nothing to cite); 最接近的段落 closest passages:</div>')
        parts.extend(_passage_html(p, i) for i, p in enumerate(t["passages"][:3], 1))
    if show_passages and t["citations"] and t["passages"]:
        parts.append(f'<details class="passages"><summary>检索到的段落 Retrieved passages '
                     f'({len(t["passages"])})</summary>')
        parts.extend(_passage_html(p, i) for i, p in enumerate(t["passages"], 1))
        parts.append("</details>")
    parts.append("</div>")
    return "".join(parts)


def sources_panel(turns: list[dict], show_passages: bool = True, note: str = "") -> str:
    """Latest answer's sources open, earlier ones folded (their [n] links still find them)."""
    head = '<div class="src-panel"><div class="src-title">来源 Sources</div>'
    doc_view = '<div class="doc-view" hidden></div>'
    if not turns:
        empty = note or "提问后，这里列出答案引用的段落。Cited passages appear here."
        body = f'<div class="src-empty">{esc(empty)}</div>'
        return head + body + doc_view + "</div>"
    latest, *older = list(reversed(turns[-MAX_TURNS_IN_PANEL:]))
    parts = [head, f'<div class="src-q">问 Q{latest["turn"]}: {esc(latest["question"])}</div>',
             _turn_html(latest, show_passages), doc_view]
    for t in older:
        parts.append(f'<details class="older" data-turn="{t["turn"]}"><summary>问 Q{t["turn"]}: '
                     f'{esc(t["question"])}</summary>{_turn_html(t, show_passages)}</details>')
    parts.append("</div>")
    return "".join(parts)


def documents_rows(docs: list[dict]) -> list[list]:
    """Table rows from Service.documents_json: the version number and its time (when it was indexed)."""
    return [[_name(d["sources"][0]) if d["sources"] else d["id"], d["id"], d["chunks"], d["chars"], d["encoding"],
             f'v{d.get("version", 1)} · ' + (d.get("added") or "")[:19].replace("T", " ")] for d in docs]
