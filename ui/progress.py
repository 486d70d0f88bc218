"""An upload's progress over the three things indexing does to each file: read it, embed its chunks, write them.

Why: the bar used to count files read, and a batch of files is read in a second and embedded for many more: it
sat at 100 % while the real work ran. Here each file counts READ + EMBED + WRITE = 1; the files of the batch in
progress advance together through embedding (chunks embedded / chunks in the batch) and writing, since the batch
is embedded and committed as one (rag/assistant.py). Files already indexed (unchanged) count as done.
"""
from __future__ import annotations

from dataclasses import dataclass

READ, EMBED, WRITE = 0.15, 0.75, 0.10  # shares of a file's time on 2 cores (embedding dominates)
PHASES = {"read": "读取 reading", "embed": "向量化 embedding", "write": "写入 writing"}


@dataclass
class IndexProgress:
    """Fed by Assistant.index's progress and stage callbacks; `fraction` and `describe()` for the bar."""
    total: int  # files in the upload
    skipped: int = 0  # already indexed, nothing to do
    read: int = 0  # files read so far (of those to index)
    committed: int = 0  # files read before the last commit
    embedded: float = 0.0  # share of the current batch's chunks embedded
    written: float = 0.0  # 1 once the current batch is committed
    phase: str = "read"
    current: str = ""

    def on_read(self, done: int, total: int, name: str) -> None:
        self.read, self.current = done, name
        if self.phase == "write" and self.written:  # a new batch begins
            self.embedded = self.written = 0.0
        self.phase = "read"

    def on_stage(self, kind: str, done: int, total: int) -> None:
        share = done / total if total else 1.0
        self.phase = kind
        if kind == "embed":
            self.embedded = share
        elif kind == "write":
            self.written = share
            if share >= 1.0:
                self.committed, self.embedded = self.read, 1.0

    @property
    def fraction(self) -> float:
        if not self.total:
            return 1.0
        batch = self.read - self.committed  # files read, not yet committed
        done = self.skipped + self.committed + batch * (READ + EMBED * self.embedded + WRITE * self.written)
        return max(0.0, min(1.0, done / self.total))

    def describe(self) -> str:
        """'向量化 embedding · 3/11 files · 42 %' — the phase, the files it is at, the share of the whole."""
        at = min(self.total, self.skipped + self.read)
        name = f" {self.current}" if self.current and self.phase == "read" else ""
        return f"{PHASES.get(self.phase, self.phase)}{name} · {at}/{self.total} 文件 files · {self.fraction:.0%}"
