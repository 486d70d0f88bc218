"""What a caller may choose per question, in one checked record that every entry point builds the same way.

The CLI, the HTTP API, the OpenAI-compatible endpoint and the Gradio UI all turn their inputs into one
`AskOptions` and hand it to `Assistant.ask`; nothing else travels beside the question. Invalid values are refused
here with a one-line message (QuestionError), so the shells cannot disagree on what is allowed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

# Answer length presets: (sentences, characters) at most. "medium" is Config's default answer.
LENGTHS = {"short": (1, 80), "medium": (3, 150), "long": (5, 320)}
MODES = ("extractive", "generate")  # generate: rag/generate.py, a configured model (RAG_LLM_*)
MAX_TOP_K = 50
# History is context for a follow-up, not a document: the newest turns matter, the rest only costs time
# (100 turns x 2,000 characters took 10 s before this bound).
MAX_HISTORY_TURNS = 20
MAX_HISTORY_CHARS = 2000
_KB_NAME = re.compile(r"[\w.-]{1,100}")
MAX_KBS = 10  # knowledge bases searched for one question (rag/multi_kb.py)


class QuestionError(ValueError):
    """A question or option we refuse (empty, too long, out of range); str() says what to do."""


@dataclass(frozen=True)
class AskOptions:
    """Per-question choices. None means "the configured default" (Config.top_k, Config's answer length)."""
    top_k: int | None = None
    length: str | None = None  # a key of LENGTHS
    history: tuple[str, ...] = field(default=())  # earlier user questions, oldest first
    # A knowledge-base name, or a tuple of several searched together (rag/multi_kb.py); None = the default.
    kb: str | tuple[str, ...] | None = None
    mode: str = "extractive"

    def __post_init__(self):
        top_k = self.top_k
        # bool is an int in Python: `"top_k": true` must not mean 1.
        if top_k is not None and (isinstance(top_k, bool) or not isinstance(top_k, int)
                                  or not 1 <= top_k <= MAX_TOP_K):
            raise QuestionError(f"top_k 须为整数 · top_k must be a whole number from 1 to {MAX_TOP_K}")
        if self.length is not None and self.length not in LENGTHS:
            raise QuestionError(f"length 取值不对 · length must be one of {', '.join(LENGTHS)}")
        if self.mode not in MODES:
            raise QuestionError(f"mode 取值不对 · mode must be one of {', '.join(MODES)}")
        object.__setattr__(self, "kb", checked_kb(self.kb))
        object.__setattr__(self, "history", bounded_history(self.history))

    @property
    def answer_limits(self) -> tuple[int, int] | None:
        """(sentences, characters) for the chosen length, or None for the configured default."""
        return LENGTHS[self.length] if self.length else None


def checked_kb(kb) -> str | tuple[str, ...] | None:
    """One name as itself, several as a tuple without repeats (one left → the name); [] or "" → None."""
    names = [kb] if isinstance(kb, str) or kb is None else kb
    if not isinstance(names, (list, tuple)) or len(names) > MAX_KBS or not all(
            n is None or (isinstance(n, str) and (n == "" or _KB_NAME.fullmatch(n))) for n in names):
        raise QuestionError(f"kb 须为知识库名称或其列表 (kb must be a knowledge-base name or a list of at most "
                            f"{MAX_KBS}: letters, digits, '.', '_' or '-', at most 100 characters each)")
    unique = tuple(dict.fromkeys(n for n in names if n))
    return None if not unique else unique[0] if len(unique) == 1 else unique


def bounded_history(history) -> tuple[str, ...]:
    """The newest MAX_HISTORY_TURNS questions, each cut to MAX_HISTORY_CHARS; blank turns dropped."""
    if history is None:
        return ()
    if isinstance(history, (str, bytes)) or not isinstance(history, (list, tuple)):
        raise QuestionError("history 须为先前问题的列表 · "
                            "history must be a list of earlier questions (strings), oldest first")
    if not all(isinstance(turn, str) for turn in history):
        raise QuestionError("history 须为先前问题的列表 · "
                            "history must be a list of earlier questions (strings), oldest first")
    turns = [t.strip()[:MAX_HISTORY_CHARS] for t in history if t.strip()]
    return tuple(turns[-MAX_HISTORY_TURNS:])
