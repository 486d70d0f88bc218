"""One document as the Documents tab shows it: its whole text with the indexed chunks marked (alternate shades,
overlaps darker, `#n` where each begins, text that is not indexed — site boilerplate — greyed), and for a PDF or
scan links to its pages (ui/pages_api.py). Every piece of document text goes through html.escape."""
from __future__ import annotations

import html
import os

from .viewer import page_map, page_url

MAX_VIEW_CHARS = 200_000  # a 50 MB single-line file must not become one HTML string in the browser
MAX_PAGE_LINKS = 200


def esc(text) -> str:
    return html.escape(str(text), quote=True)


MAX_CHUNK_ROWS = 16_384  # Milvus' largest query window


def chunk_spans(store, rec) -> list[tuple[int, int]] | None:
    """(start, end) of the document's indexed chunks: from the segment that holds them (the local store) or the
    chunk collection's rows (Milvus); None for a store that exposes neither. The Store interface has no such
    call (nothing else needs it), so this reads each backend's own tables, read-only."""
    segments = getattr(store, "_segments", None)
    seg = segments.get(rec.segment) if isinstance(segments, dict) else None
    if seg is not None:
        return sorted((int(seg.starts[r]), int(seg.ends[r])) for r in seg.rows_of(rec.id))
    client, collection = getattr(store, "client", None), getattr(store, "chunks_col", None)
    if client is None or collection is None or not rec.id.isalnum():  # ids are hex: safe inside the filter
        return None
    try:
        rows = client.query(collection, filter=f'doc_id == "{rec.id}"', output_fields=["char_start", "char_end"],
                            limit=MAX_CHUNK_ROWS)
    except Exception:  # noqa: BLE001  (the view then shows the text without marks)
        return None
    return sorted((int(r["char_start"]), int(r["char_end"])) for r in rows)


def marked_text(text: str, spans: list[tuple[int, int]]) -> str:
    """The text cut at every chunk boundary; each piece styled by the chunks covering it."""
    cuts = sorted({0, len(text), *(min(len(text), p) for s in spans for p in s)})
    starts = {}
    for k, (s, _) in enumerate(spans, 1):
        starts.setdefault(s, k)
    out = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        covering = [k for k, (s, e) in enumerate(spans, 1) if s <= a and e >= b]
        if a in starts:
            out.append(f'<sup class="chunk-no" title="块 chunk {starts[a]}">#{starts[a]}</sup>')
        if not covering:
            cls, title = "gap", "未索引 not indexed (boilerplate)"
        else:
            cls = f"chunk c{covering[0] % 2}" + (" overlap" if len(covering) > 1 else "")
            title = "块 chunk " + ", ".join(map(str, covering))
        out.append(f'<span class="{cls}" title="{esc(title)}">{esc(text[a:b])}</span>')
    return "".join(out)


def _pages_html(service, doc_id: str, kb: str | None) -> str:
    try:
        pages = page_map(service, doc_id, kb)
    except Exception:  # noqa: BLE001  (a page map that cannot be read leaves the text view alone)
        pages = None
    if not pages or not pages.get("pages"):
        return ""
    count = len(pages["pages"])
    links = " ".join(f'<a href="{esc(page_url(doc_id, n, kb))}" target="_blank" rel="noopener">{n}</a>'
                     for n in range(1, min(count, MAX_PAGE_LINKS) + 1))
    more = f" … ({count})" if count > MAX_PAGE_LINKS else ""
    return (f'<div class="doc-pages">页面 Pages ({count}): {links}{more} · 引用会在对话的来源栏中显示所在页 '
            f'(a cited page shows in the chat\'s sources panel)</div>')


def document_html(service, doc_id: str, kb: str | None = None) -> str:
    """The Documents tab's view of one document (ServiceError when it is gone)."""
    rec = service.document(doc_id, kb)
    assistant = service.kbs.assistant(kb)
    text = assistant.document_text(doc_id)
    spans = chunk_spans(assistant.store(), rec)
    name = os.path.basename(rec.sources[0]) if rec.sources else doc_id
    shown = text[:MAX_VIEW_CHARS]
    cut = (f'<div class="doc-cut">只显示前 {MAX_VIEW_CHARS:,} 个字符 · the first {MAX_VIEW_CHARS:,} of '
           f'{len(text):,} characters are shown</div>') if len(text) > MAX_VIEW_CHARS else ""
    if spans is None:
        body, count = esc(shown), "?"
    else:
        body, count = marked_text(shown, [(s, e) for s, e in spans if s < len(shown)]), str(len(spans))
    return (f'<div class="doc-full" data-doc="{esc(doc_id)}"><div class="docv-head"><b>{esc(name)}</b> · '
            f'{count} 块 chunks · {len(text):,} 字符 chars · <code>{esc(doc_id[:12])}</code>'
            f'<span class="doc-legend"> · <span class="chunk c1">块 chunk</span> <span class="chunk c0 overlap">'
            f'重叠 overlap</span> <span class="gap">未索引 not indexed</span></span></div>'
            f'{_pages_html(service, doc_id, kb)}<div class="doc-body">{body}</div>{cut}</div>')
