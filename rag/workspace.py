"""Saved conversations and answer feedback, in one SQLite file beside the indexes (`embeddings/workspace.db`).

Why SQLite: conversations must survive a reload and a restart, be listed, searched, renamed and deleted, and
feedback must keep the question, the answer, its citations and passages as they were when the user judged them
(the index may change afterwards). One file, transactions, no server. Every call opens its own connection
(threads of the web server share nothing); WAL lets a reader go on while one writes.
"""
from __future__ import annotations

import json
import os
import sqlite3
import uuid
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS conversations (
    id TEXT PRIMARY KEY, title TEXT NOT NULL, kb TEXT NOT NULL, created TEXT NOT NULL, updated TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS turns (
    conversation TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE, n INTEGER NOT NULL,
    question TEXT NOT NULL, answer TEXT NOT NULL, panel TEXT, created TEXT NOT NULL, PRIMARY KEY (conversation, n));
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT, conversation TEXT, n INTEGER, rating INTEGER NOT NULL, comment TEXT,
    kb TEXT, question TEXT NOT NULL, history TEXT NOT NULL, answer TEXT NOT NULL, created TEXT NOT NULL,
    UNIQUE (conversation, n));
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
MAX_TITLE = 200
KB_SEPARATOR = ","  # a conversation over several knowledge bases keeps them as 'a,b' (never part of a name)
MAX_COMMENT = 4000


class WorkspaceError(ValueError):
    """A request about conversations or feedback we refuse; `status` is the HTTP status."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def kb_text(kb) -> str:
    """A choice of knowledge bases as stored: 'a', or 'a,b' for several (rag/multi_kb.py)."""
    if not kb:
        return "default"
    return kb if isinstance(kb, str) else KB_SEPARATOR.join(kb)


def kb_value(text: str | None) -> str | list[str]:
    """The stored text as callers see it: a name, or a list of names."""
    names = [n for n in (text or "default").split(KB_SEPARATOR) if n]
    return names[0] if len(names) == 1 else names


def _shown(row) -> dict:
    return {**dict(row), "kb": kb_value(row["kb"])}


def workspace_path(config) -> Path:
    """embeddings/workspace.db for the default embeddings/index: beside the indexes, shared by all KBs."""
    return Path(config.index_dir).parent / "workspace.db"


class Workspace:
    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self._ready = False

    def _db(self) -> sqlite3.Connection:
        if not self._ready:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=10)
        db.row_factory = sqlite3.Row
        db.execute("PRAGMA foreign_keys = ON")
        if not self._ready:
            db.execute("PRAGMA journal_mode = WAL")
            db.executescript(SCHEMA)
            self._ready = True
        return db

    def secret(self) -> str:
        """A random value made once per workspace: the chat UI encrypts the browser's pointer to its current
        conversation with it, so the pointer still opens after a server restart (a per-start secret would not)."""
        with closing(self._db()) as db, db:
            db.execute("INSERT OR IGNORE INTO meta VALUES ('browser_secret', ?)", (uuid.uuid4().hex,))
            return db.execute("SELECT value FROM meta WHERE key = 'browser_secret'").fetchone()[0]

    # ---------- conversations ----------
    def create(self, title: str = "", kb: str | list[str] | tuple[str, ...] = "default") -> dict:
        cid, now = uuid.uuid4().hex[:16], _now()
        with closing(self._db()) as db, db:
            db.execute("INSERT INTO conversations VALUES (?, ?, ?, ?, ?)",
                       (cid, _title(title), kb_text(kb), now, now))
        return self.get(cid, turns=False)

    def list(self, query: str = "", limit: int = 200) -> list[dict]:
        """Newest first; `query` matches the title or any question asked in it."""
        like = f"%{query.strip()}%"
        with closing(self._db()) as db:
            rows = db.execute(
                "SELECT c.*, (SELECT COUNT(*) FROM turns t WHERE t.conversation = c.id) AS turns FROM conversations c "
                "WHERE ? = '%%' OR c.title LIKE ? OR EXISTS (SELECT 1 FROM turns t WHERE t.conversation = c.id "
                "AND t.question LIKE ?) ORDER BY c.updated DESC, c.rowid DESC LIMIT ?",
                (like, like, like, limit)).fetchall()
        return [_shown(r) for r in rows]

    def get(self, cid: str, turns: bool = True) -> dict:
        with closing(self._db()) as db:
            row = db.execute("SELECT * FROM conversations WHERE id = ?", (str(cid),)).fetchone()
            if row is None:
                raise WorkspaceError(f"没有这个对话 (no conversation '{str(cid)[:40]}'); GET /api/conversations "
                                     f"lists them", 404)
            out = _shown(row)
            if turns:
                out["turns"] = [{"n": t["n"], "question": t["question"], "answer": json.loads(t["answer"]),
                                 "panel": json.loads(t["panel"]) if t["panel"] else None, "created": t["created"]}
                                for t in db.execute("SELECT * FROM turns WHERE conversation = ? ORDER BY n",
                                                    (str(cid),))]
        return out

    def rename(self, cid: str, title: str) -> dict:
        self.get(cid, turns=False)
        with closing(self._db()) as db, db:
            db.execute("UPDATE conversations SET title = ?, updated = ? WHERE id = ?", (_title(title), _now(), cid))
        return self.get(cid, turns=False)

    def delete(self, cid: str) -> None:
        self.get(cid, turns=False)
        with closing(self._db()) as db, db:
            db.execute("DELETE FROM conversations WHERE id = ?", (cid,))  # its turns go too (cascade)

    def kb_renamed(self, old: str, new: str) -> None:
        """Conversations follow their knowledge base to its new name."""
        if self.path.exists():
            with closing(self._db()) as db, db:
                for cid, kb in db.execute("SELECT id, kb FROM conversations").fetchall():
                    names = [new if n == old else n for n in kb.split(KB_SEPARATOR)]
                    if names != kb.split(KB_SEPARATOR):
                        db.execute("UPDATE conversations SET kb = ? WHERE id = ?", (kb_text(names), cid))

    def add_turn(self, cid: str, question: str, answer: dict, panel: dict | None = None) -> int:
        """Append a question and its answer (the `rag ask --json` object); returns the turn number (1-based).
        The first question becomes the title of an untitled conversation."""
        with closing(self._db()) as db, db:
            conv = db.execute("SELECT title FROM conversations WHERE id = ?", (cid,)).fetchone()
            if conv is None:
                raise WorkspaceError(f"没有这个对话 (no conversation '{str(cid)[:40]}')", 404)
            n = db.execute("SELECT COALESCE(MAX(n), 0) + 1 FROM turns WHERE conversation = ?", (cid,)).fetchone()[0]
            db.execute("INSERT INTO turns VALUES (?, ?, ?, ?, ?, ?)", (cid, n, question, json.dumps(
                answer, ensure_ascii=False), json.dumps(panel, ensure_ascii=False) if panel else None, _now()))
            title = conv["title"] or _title(question)
            db.execute("UPDATE conversations SET title = ?, updated = ? WHERE id = ?", (title, _now(), cid))
        return n

    def questions(self, cid: str) -> list[str]:
        return [t["question"] for t in self.get(cid)["turns"]]

    # ---------- feedback ----------
    def rate(self, cid: str, n: int, rating: int, comment: str = "") -> dict:
        """👍 (1) or 👎 (-1) on turn n, with an optional comment; rating the same answer again replaces it."""
        if rating not in (1, -1):
            raise WorkspaceError("rating 须为 up 或 down · rating must be 'up' or 'down' (1 or -1)")
        if not isinstance(comment, str) or len(comment) > MAX_COMMENT:
            raise WorkspaceError(f"评论须为文字，且不超过 {MAX_COMMENT} 字 · "
                                 f"comment must be text of at most {MAX_COMMENT} characters")
        conv = self.get(cid)
        turn = next((t for t in conv["turns"] if t["n"] == n), None)
        if turn is None:
            raise WorkspaceError(f"这个对话没有第 {n} 个回答 · conversation '{cid[:40]}' has no answer number {n}", 404)
        history = [t["question"] for t in conv["turns"] if t["n"] < n]
        with closing(self._db()) as db, db:
            db.execute("INSERT INTO feedback (conversation, n, rating, comment, kb, question, history, answer, "
                       "created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (conversation, n) DO UPDATE SET "
                       "rating = excluded.rating, comment = excluded.comment, created = excluded.created",
                       (cid, n, rating, comment.strip(), kb_text(conv["kb"]), turn["question"],
                        json.dumps(history, ensure_ascii=False), json.dumps(turn["answer"], ensure_ascii=False),
                        _now()))
            row = db.execute("SELECT * FROM feedback WHERE conversation = ? AND n = ?", (cid, n)).fetchone()
        return _feedback(row)

    def feedback(self) -> list[dict]:
        with closing(self._db()) as db:
            return [_feedback(r) for r in db.execute("SELECT * FROM feedback ORDER BY id")]


def _title(text: str) -> str:
    if not isinstance(text, str):
        raise WorkspaceError("title 须为字符串 · 'title' must be a string")
    return " ".join(text.split())[:MAX_TITLE]


def _feedback(row) -> dict:
    answer = json.loads(row["answer"])
    return {"id": row["id"], "conversation": row["conversation"], "turn": row["n"],
            "rating": "up" if row["rating"] > 0 else "down", "comment": row["comment"] or "", "kb": kb_value(row["kb"]),
            "question": row["question"], "history": json.loads(row["history"]), "answer": answer.get("answer", ""),
            "citations": answer.get("citations", []), "passages": answer.get("passages", []),
            "abstained": answer.get("abstained", False), "created": row["created"]}
