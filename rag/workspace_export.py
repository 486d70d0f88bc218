"""Conversations out as Markdown (with each citation's quote and source) or JSON, and feedback out as `rag eval`
questions, so a team turns real misses into a regression set (`rag feedback export`)."""
from __future__ import annotations

import json
import os
import sys

from .workspace import kb_text


def conversation_markdown(conv: dict) -> str:
    """Questions as headings, answers as written ([n] markers kept), and under each answer its sources: the
    exact quote and where it is (file, characters, page)."""
    lines = [f"# {conv['title'] or '对话 Conversation'}", "",
             f"知识库 knowledge base: {kb_text(conv['kb'])} · {conv['created']}", ""]
    for t in conv.get("turns", []):
        a = t["answer"]
        lines += [f"## {t['n']}. {t['question']}", "", a.get("answer", ""), ""]
        for c in a.get("citations", []):
            where = f"{os.path.basename(c['source'])}, 字符 chars {c['start']}–{c['end']}"
            if c.get("page"):
                where += f", 第 {c['page']} 页 page"
            quote = " ".join(c["quote"].split())
            lines.append(f"[{c['n']}] “{quote}” — {where}")
        if a.get("citations"):
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def eval_row(fb: dict) -> dict:
    """One feedback as a `rag eval` question. 👍: the answer's first cited quote is the gold answer and its file
    the gold document. 👎: the comment is taken as the right answer (write it there), the document unknown ("");
    either way `answer_given` and `comment` ride along for whoever curates the set."""
    cites = fb["citations"]
    if fb["rating"] == "up" and cites:
        answers, doc = [cites[0]["quote"]], os.path.basename(cites[0]["source"])
    elif fb["rating"] == "up" and fb["abstained"]:
        answers, doc = [], None  # "not found" was right: an unanswerable question
    else:
        answers, doc = ([fb["comment"]] if fb["comment"] else []), ""
    row = {"id": f"feedback-{fb['id']}", "question": fb["question"], "answers": answers, "doc": doc,
           "kind": f"feedback-{fb['rating']}", "rating": fb["rating"], "comment": fb["comment"], "kb": fb["kb"],
           "answer_given": fb["answer"]}
    if fb["history"]:
        row["history"] = fb["history"]
    return row


def cmd_feedback(args, config) -> int:
    """`rag feedback export [--rating up|down] [-o FILE]`: one JSON line per rated answer."""
    from .workspace import Workspace, workspace_path
    path = workspace_path(config)
    if not path.exists():
        print(f"no feedback yet ({path} does not exist)", file=sys.stderr)
        rows = []
    else:
        rows = [eval_row(fb) for fb in Workspace(path).feedback() if args.rating in (None, fb["rating"])]
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as f:
            f.write(text)
        print(f"wrote {len(rows)} questions to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0
