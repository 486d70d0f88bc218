"""Site boilerplate: find the lines worth indexing, conservatively.

The original text is never changed; we only return the (start, end) spans of lines to keep, so citations
still point into the file as it was. A line is boilerplate when it is one of:
- a link line: mostly URLs or site addresses ("1秒记住…网:www.…", "(https://…/40731562.html)");
- a breadcrumb ("某某网 > 书名 > 第N章") in the first lines;
- a pager or comment widget ("点击下一页", "评论 0人参与", "还没有评论,快来抢沙发吧!");
- part of a trailing run of short lines without any punctuation (lists of unrelated titles at the end).
"""
from __future__ import annotations

import re

_URL = re.compile(r"https?://[\w\-./?=&%#:~+]+|\b(?:www|m|wap)\.[a-z0-9\-]+\.[a-z]{2,}[\w\-./?=&%#~+]*", re.I | re.A)
_WIDGET = re.compile(
    r"点击下一页|下一页继续阅读|本小章还未完|本章未完|点击查看更多|快来抢沙发|还没有评论|最热评论|最新评论|"
    r"评论一下|人参与|条评论|记住本站|手机版阅读|加入书签|上一章|下一章|返回目录|投推荐票|"
    r"本文地址|转载请注明|版权所有|all rights reserved", re.I)
_BREADCRUMB = re.compile(r"^[^>]{1,40}(\s*>\s*[^>]{1,60}){2,}$")
_PUNCT = re.compile(r"[，。！？；：、,.!?;:“”\"'（）()《》…—]")


def _is_link_line(line: str) -> bool:
    stripped = line.strip()
    without = _URL.sub("", stripped)
    if without == stripped:
        return False
    # The line is mostly address: what is left after removing URLs is short.
    rest = re.sub(r"[\s()（）:：。,，|]", "", without)
    return len(rest) <= max(12, len(stripped) // 3) or bool(_WIDGET.search(stripped))


def _is_boilerplate(line: str, index: int) -> bool:
    s = line.strip()
    if not s:
        return False
    if _is_link_line(s):
        return True
    if index < 5 and _BREADCRUMB.match(s):
        return True
    return len(s) <= 60 and bool(_WIDGET.search(s))


def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of each line, without its line break."""
    out, pos = [], 0
    for m in re.finditer(r"\r\n|\n|\r", text):
        out.append((pos, m.start()))
        pos = m.end()
    out.append((pos, len(text)))
    return out


def content_spans(text: str) -> tuple[tuple[int, int], ...]:
    lines = _lines(text)
    keep = [not _is_boilerplate(text[s:e], i) for i, (s, e) in enumerate(lines)]
    # Trailing run of short, punctuation-free lines (after the last real sentence): a list of titles or tags.
    tail = [i for i, (s, e) in enumerate(lines) if keep[i] and text[s:e].strip()]
    run = []
    for i in reversed(tail):
        s, e = lines[i]
        line = text[s:e].strip()
        if len(line) <= 20 and not _PUNCT.search(line):
            run.append(i)
        else:
            break
    if len(run) >= 3 and len(run) < len(tail):
        for i in run:
            keep[i] = False
    spans: list[tuple[int, int]] = []
    for (s, e), k in zip(lines, keep, strict=True):
        # Trim surrounding whitespace so spans start and end on real text.
        seg = text[s:e]
        if not k or not seg.strip():
            continue
        s += len(seg) - len(seg.lstrip())
        e -= len(seg) - len(seg.rstrip())
        if spans and not text[spans[-1][1]:s].strip():
            spans[-1] = (spans[-1][0], e)  # only whitespace between: one span
        else:
            spans.append((s, e))
    return tuple(spans)
