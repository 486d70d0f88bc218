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


class QuestionError(ValueError):
    """A question or option we refuse (empty, too long, out of range); str() says what to do."""


@dataclass(frozen=True)
class AskOptions:
    """Per-question choices. None means "the configured default" (Config.top_k, Config's answer length)."""
    top_k: int | None = None
    length: str | None = None  # a key of LENGTHS
    history: tuple[str, ...] = field(default=())  # earlier user questions, oldest first
    kb: str | None = None  # knowledge-base name; None = the index this Assistant opened (carried, not used yet)
    mode: str = "extractive"

    def __post_init__(self):
        top_k = self.top_k
        # bool is an int in Python: `"top_k": true` must not mean 1.
        if top_k is not None and (isinstance(top_k, bool) or not isinstance(top_k, int)
                                  or not 1 <= top_k <= MAX_TOP_K):
            raise QuestionError(f"top_k must be a whole number from 1 to {MAX_TOP_K}")
        if self.length is not None and self.length not in LENGTHS:
            raise QuestionError(f"length must be one of {', '.join(LENGTHS)}")
        if self.mode not in MODES:
            raise QuestionError(f"mode must be one of {', '.join(MODES)}")
        if self.kb is not None and not (isinstance(self.kb, str) and _KB_NAME.fullmatch(self.kb)):
            raise QuestionError("kb must be a knowledge-base name: letters, digits, '.', '_' or '-', "
                                "at most 100 characters")
        object.__setattr__(self, "history", bounded_history(self.history))

    @property
    def answer_limits(self) -> tuple[int, int] | None:
        """(sentences, characters) for the chosen length, or None for the configured default."""
        return LENGTHS[self.length] if self.length else None


def bounded_history(history) -> tuple[str, ...]:
    """The newest MAX_HISTORY_TURNS questions, each cut to MAX_HISTORY_CHARS; blank turns dropped."""
    if history is None:
        return ()
    if isinstance(history, (str, bytes)) or not isinstance(history, (list, tuple)):
        raise QuestionError("history must be a list of earlier questions (strings), oldest first")
    if not all(isinstance(turn, str) for turn in history):
        raise QuestionError("history must be a list of earlier questions (strings), oldest first")
    turns = [t.strip()[:MAX_HISTORY_CHARS] for t in history if t.strip()]
    return tuple(turns[-MAX_HISTORY_TURNS:])
